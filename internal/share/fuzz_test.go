package share

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// fuzzCleaner is the admin API's write-time cleaner.
var fuzzCleaner = newsroom.NewSanitizer()

// acceptedArticle builds the article the admin API would store from fuzz
// strings (Validate, the service's defaults, the Cleaner), or reports
// false when the API would refuse it.
func acceptedArticle(title, lead, rawURL, section, tag, author, authorURL, alt string) (article.Article, bool) {
	now := time.Date(2025, 12, 18, 10, 0, 0, 0, time.UTC)
	a := article.Article{
		ID: "fuzz1", Title: title, Lead: lead, Body: "<p>x</p>", URL: rawURL, Section: section,
		Status: article.StatusPublished, Language: "bg", PublishedAt: now, CreatedAt: now, UpdatedAt: now,
		Version: 1, Tags: []string{}, Authors: []article.Author{}, Related: []string{},
	}
	if tag != "" {
		a.Tags = []string{tag}
	}
	if author != "" {
		a.Authors = []article.Author{{Name: author, URL: authorURL}}
	}
	if alt != "" {
		a.Image = &article.Image{URL: "https://img.news.example.bg/a.jpg", Width: 1600, Height: 900, Alt: alt}
	}
	if article.Validate(&a) != nil {
		return a, false
	}
	a.Slug = article.Slugify(a.Title)
	if a.Slug == "" {
		a.Slug = "fuzz1"
	}
	if a.URL == "" {
		a.URL = "https://news.example.bg/" + a.Slug
	}
	fuzzCleaner.Sanitize(&a)
	return a, true
}

// sharePageElements are the only elements a share page may have.
var sharePageElements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "link": true, "script": true, "style": true,
	"body": true, "main": true, "h1": true, "p": true, "img": true, "a": true,
}

// FuzzSharePage renders the page of any article the admin API accepts,
// for crawlers and people, parses it with x/net/html and checks that no
// text escaped into markup: only the page's own elements, one title, one
// h1 holding the whole cleaned title, exactly the JSON-LD and redirect
// scripts, JSON-LD that decodes, no event handlers and only http(s) URLs.
func FuzzSharePage(f *testing.F) {
	f.Add("Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		"Ще продължат напредналото си сътрудничество", "https://news.example.bg/svyat/yuzhna-koreya",
		"Свят", "НАТО", "БТА", "https://news.example.bg/avtor/bta", "Марк Рюте и Ви Сунг-лак")
	f.Add(hostile, hostile, "", hostile, "</script>", hostile, "", hostile)
	f.Add("</title><script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "https://news.example.bg/a?b=\"'<>",
		"</style>", "<!--", "--!>", `https://x.example/"><script>`, "</noscript>")
	f.Add("x\u2028y</SCRIPT >", "\x00", "http://news.example.bg/", "a", "b", "c", "", "\u0085")
	s := testSite()
	f.Fuzz(func(t *testing.T, title, lead, rawURL, section, tag, author, authorURL, alt string) {
		a, ok := acceptedArticle(title, lead, rawURL, section, tag, author, authorURL, alt)
		if !ok {
			return
		}
		for _, aud := range []Audience{Crawler, Person} {
			var buf bytes.Buffer
			if err := s.WritePage(&buf, &a, aud); err != nil {
				t.Fatalf("WritePage: %v", err)
			}
			checkSharePage(t, buf.Bytes(), &a)
		}
	})
}

func checkSharePage(t *testing.T, page []byte, a *article.Article) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var h1, ld string
	walk(doc, func(n *html.Node) {
		if !sharePageElements[n.Data] {
			t.Errorf("unexpected element <%s>\n%s", n.Data, page)
		}
		count[n.Data]++
		text := ""
		if n.FirstChild != nil {
			text = n.FirstChild.Data
		}
		switch {
		case n.Data == "h1":
			h1 = text
		case n.Data == "script" && attr(n, "type") == "application/ld+json":
			ld = text
		}
		for _, at := range n.Attr {
			key := strings.ToLower(at.Key)
			if strings.HasPrefix(key, "on") || key == "srcdoc" || key == "formaction" {
				t.Errorf("<%s> has attribute %s=%q", n.Data, at.Key, at.Val)
			}
			if (key == "href" || key == "src") && !strings.HasPrefix(at.Val, "https://") && !strings.HasPrefix(at.Val, "http://") {
				t.Errorf("<%s %s=%q> is not an http(s) URL", n.Data, at.Key, at.Val)
			}
			if key != "content" && strings.Contains(strings.ToLower(at.Val), "javascript:") {
				t.Errorf("<%s %s=%q> carries javascript:", n.Data, at.Key, at.Val)
			}
		}
	})
	for el, want := range map[string]int{"html": 1, "head": 1, "body": 1, "title": 1, "h1": 1, "main": 1, "script": 2, "style": 1} {
		if count[el] != want {
			t.Errorf("%d <%s> elements, want %d\n%s", count[el], el, want, page)
		}
	}
	if want := article.OneLine(a.Title); h1 != want {
		t.Errorf("<h1> = %q, want the cleaned title %q", h1, want)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(ld), &v); err != nil {
		t.Errorf("JSON-LD does not decode: %v\n%s", err, ld)
	}
}
