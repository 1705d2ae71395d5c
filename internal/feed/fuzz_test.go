package feed

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// accepted builds the article the admin API would store from fuzz
// strings, or reports false when the API would refuse it: Validate, the
// service's defaults, then the write-time Cleaner.
func accepted(title, lead, body, rawURL, section, tag, author, credit string) (article.Article, bool) {
	a := article.Article{
		ID: "fuzz1", Title: title, Lead: lead, Body: body, URL: rawURL, Section: section,
		Status: article.StatusPublished, Language: "bg",
		PublishedAt: fixedNow.Add(-time.Hour), CreatedAt: fixedNow.Add(-time.Hour), UpdatedAt: fixedNow,
		Version: 1, Tags: []string{}, Authors: []article.Author{}, Related: []string{},
	}
	if tag != "" {
		a.Tags = []string{tag}
	}
	if author != "" {
		a.Authors = []article.Author{{Name: author}}
	}
	if credit != "" {
		a.Image = &article.Image{URL: "https://img.news.example.bg/a.jpg", Width: 1600, Height: 900, Alt: lead, Credit: credit}
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
	sanitizer.Sanitize(&a)
	return a, true
}

// FuzzFeeds renders any article the admin API accepts in every format:
// RSS and Atom must be well-formed XML (encoding/xml, strict), the JSON
// Feed valid JSON, and gofeed must read each back with the one item and
// its link; the news sitemap must be well-formed too.
func FuzzFeeds(f *testing.F) {
	f.Add("Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		"Ще продължат напредналото си сътрудничество", "<p>Южна Корея и НАТО.</p>",
		"https://news.example.bg/svyat/yuzhna-koreya", "Свят", "НАТО", "БТА", "Снимка: EPA/BGNES")
	f.Add("]]> & <b>\"'", "\x00\x1b\ufffe", `<p>a ]]> b</p><script>alert(1)</script>`, "", "Свят & Co", "<tag>", "Екип „Новини“ & БТА", "")
	f.Add("a\r\nb\tc", "--><!--", "<![CDATA[x]]>", "http://news.example.bg/a?b=1&c=<2>", "s", "t", "n", "c")
	f.Add("🎉 x", "\u2028\u2029\u0085", `<a href="/rel">r</a><img src="x.jpg">`, "https://news.example.bg/a%20b", "", "", "", "")
	site := testSite()
	f.Fuzz(func(t *testing.T, title, lead, body, rawURL, section, tag, author, credit string) {
		a, ok := accepted(title, lead, body, rawURL, section, tag, author, credit)
		if !ok {
			return
		}
		keys := append([]article.FeedKey{article.SiteFeed}, a.Feeds()[1:]...)
		for _, key := range keys[:min(len(keys), 2)] {
			for _, fm := range Formats {
				var buf bytes.Buffer
				p := &Document{Key: key, Updated: fixedNow, Articles: []article.Article{a}}
				if err := site.Render(&buf, fm, p); err != nil {
					t.Fatalf("render %s %s: %v", key, fm, err)
				}
				doc := buf.Bytes()
				if fm == JSON {
					if !json.Valid(doc) {
						t.Fatalf("JSON Feed is not valid JSON:\n%s", doc)
					}
				} else {
					wellFormed(t, doc)
				}
				fd := parse(t, doc)
				if len(fd.Items) != 1 {
					t.Fatalf("%s %s: gofeed read %d items, want 1\n%s", key, fm, len(fd.Items), doc)
				}
				if got := fd.Items[0].Link; got != a.URL {
					t.Errorf("%s %s: item link = %q, want %q", key, fm, got, a.URL)
				}
			}
		}
		var buf bytes.Buffer
		if err := site.RenderSitemap(&buf, []article.Article{a}); err != nil {
			t.Fatalf("sitemap: %v", err)
		}
		wellFormed(t, buf.Bytes())
	})
}
