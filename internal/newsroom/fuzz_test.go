package newsroom

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// FuzzValidateClean builds an article from fuzz strings. Validate must
// never panic; an article it accepts must come out of the Cleaner with
// only XML-legal characters in every text field and a body that, parsed as
// HTML, has no active content: no script, iframe, style, object or embed
// element, no event handler attribute and no javascript: (or vbscript:,
// data:) URL.
func FuzzValidateClean(f *testing.F) {
	f.Add("Южна Корея и НАТО се споразумяха", "Ще продължат сътрудничеството",
		`<p>Южна Корея и НАТО.</p><figure class="photo"><img src="/a.jpg" alt="НАТО"><figcaption>Снимка: EPA/BGNES</figcaption></figure>`,
		"https://news.example.bg/svyat/yuzhna-koreya", "Свят", "НАТО", "БТА", "Снимка: EPA/BGNES")
	f.Add("a", "", `<p onclick="x()">a</p><script>alert(1)</script><iframe src="https://evil.example/"></iframe><style>p{}</style>`,
		"", "s", "t", "n", "")
	f.Add("a", "", `<a href="jav&#x09;ascript:alert(1)">x</a><a href=" javascript:alert(1)">y</a><img src=x onerror=alert(1)>`,
		"https://news.example.bg/a", "", "", "", "")
	f.Add("a\x00b", "\x1b[0m", "<svg><script>alert(1)</script></svg><math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
		"https://news.example.bg/", "", "", "", "\ufffe")
	f.Add("<b>title</b>", "]]>", `<p>a ]]> b</p><!--<script>--><a href="data:text/html,<script>alert(1)</script>">d</a>`,
		"http://news.example.bg/x?y=1#z", "Свят", "tag", "Иван Петров", "")
	f.Add("t", "", `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, "", "", "", "", "")
	f.Add("t", "", `<object data="x"></object><embed src="x"><form action="javascript:alert(1)"><button formaction="javascript:1">b</button></form>`, "", "", "", "", "")
	f.Fuzz(func(t *testing.T, title, lead, body, rawURL, section, tag, author, credit string) {
		a := article.Article{
			Title:   title,
			Lead:    lead,
			Body:    body,
			URL:     rawURL,
			Section: section,
			Status:  article.StatusPublished,
		}
		if tag != "" {
			a.Tags = []string{tag}
		}
		if author != "" {
			a.Authors = []article.Author{{Name: author}}
		}
		if credit != "" {
			a.Image = &article.Image{URL: "https://img.news.example.bg/a.jpg", Credit: credit, Alt: lead}
		}
		if article.Validate(&a) != nil {
			return
		}
		if a.URL == "" {
			// The service defaults the URL, so links are made absolute.
			a.URL = "https://news.example.bg/" + article.Slugify(a.Title)
		}
		NewSanitizer().Sanitize(&a)
		fields := map[string]string{"title": a.Title, "lead": a.Lead, "body": a.Body, "section": a.Section}
		for i, tg := range a.Tags {
			fields["tag "+string(rune('0'+i))] = tg
		}
		for _, au := range a.Authors {
			fields["author"] = au.Name
		}
		if a.Image != nil {
			fields["credit"], fields["alt"] = a.Image.Credit, a.Image.Alt
		}
		for name, v := range fields {
			if i := xmlIllegal(v); i >= 0 {
				t.Fatalf("cleaned %s = %q has an XML-illegal character at byte %d", name, v, i)
			}
		}
		if reason := activeContent(a.Body); reason != "" {
			t.Fatalf("cleaned body of %q has %s:\n%s", body, reason, a.Body)
		}
	})
}

// xmlIllegal returns the byte offset of the first character XML 1.0's Char
// production excludes, or -1. It is written from the specification, not
// from DropXMLForbidden, so that the two check each other.
func xmlIllegal(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
		ok := r == 0x9 || r == 0xA || r == 0xD ||
			r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if !ok {
			return i
		}
	}
	return -1
}

// activeContent parses body as an HTML fragment in a <div>, the way a
// browser or feed reader would, and describes the first piece of active
// content it finds, or returns "".
func activeContent(body string) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return "a parse error: " + err.Error()
	}
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch strings.ToLower(n.Data) {
			case "script", "iframe", "style", "object", "embed", "frame", "frameset", "applet", "base", "meta", "link", "form", "svg", "math":
				found = "a <" + n.Data + "> element"
				return
			}
			for _, at := range n.Attr {
				key := strings.ToLower(at.Key)
				if strings.HasPrefix(key, "on") {
					found = "an event handler attribute " + at.Key
					return
				}
				if key == "style" || key == "srcdoc" || key == "formaction" {
					found = "a " + at.Key + " attribute"
					return
				}
				if dangerousURL(at.Val) {
					found = "a dangerous URL in " + at.Key + "=" + at.Val
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

// dangerousURL reports whether v, an attribute value, would run script or
// load inline content when used as a URL. Browsers drop tabs and newlines
// and trim spaces and controls before reading the scheme.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	scheme, _, ok := strings.Cut(v, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return false
	}
	switch strings.ToLower(scheme) {
	case "javascript", "vbscript", "data":
		return true
	}
	if u, err := url.Parse(v); err == nil {
		switch strings.ToLower(u.Scheme) {
		case "javascript", "vbscript", "data":
			return true
		}
	}
	return false
}
