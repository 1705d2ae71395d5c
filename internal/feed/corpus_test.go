package feed

import (
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// edgeArticles are the shapes the realistic and hostile corpora do not
// cover: missing parts, empty parts after cleaning, invalid UTF-8 in fields
// that are not cleaned (URLs, IDs), "]]>" everywhere, U+2028 for JSON.
func edgeArticles() []article.Article {
	base := time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC)
	as := []article.Article{
		{ID: "e-bare", Slug: "bare", Title: "Само заглавие"},
		{ID: "e-empty-after-clean", Slug: "x", Title: "\x00\x01", Lead: "\x02", Body: "\x03\x04",
			Section: "\x05", Tags: []string{"\x06", "ок"},
			Authors: []article.Author{{Name: "\x07"}, {URL: "https://news.example.bg/a?x=1&y=\"2\""}, {}},
			Image:   &article.Image{URL: "https://img.example.bg/a.PNG?w=1&h=2#f", Credit: "\x08", Alt: "\x0b"}},
		{ID: "e-invalid-utf8\xff", Slug: "inv", URL: "https://news.example.bg/\xed\xa0\x80/\xc3(\xef\xbf\xbe\t\n\r<'\">&",
			Title: "a\xffb\xed\xa0\x80c\xef\xbf\xbfd\xc0\xafe", Lead: "\u2028ред\u2029", Body: "]]>]]]]><![CDATA[\xff",
			Authors: []article.Author{{Name: "„Име“ <x@y>", URL: "\x00https://x"}},
			Image:   &article.Image{URL: "https://img.example.bg/\x01a.webp", Width: -3, Credit: "c"}},
		{ID: "e-image-no-text", Slug: "img", Title: "T", Body: "<p>b</p>", Section: "Свят",
			Image: &article.Image{URL: "https://img.example.bg/a.gif", Height: 9}},
		{ID: "e-image-alt-only", Slug: "alt", Title: "T", Lead: "L", Tags: []string{"Отбрана & сигурност"},
			Image: &article.Image{URL: "https://img.example.bg/a.avif", Alt: "алт 🙂"}},
		{ID: "e-image-no-url", Slug: "nourl", Title: "T", Image: &article.Image{Alt: "a", Credit: "c"}},
		{ID: "e-emoji", Slug: "emoji", Title: "🇧🇬 \U0010FFFF \uFFFD \uE000 \uD7FF", Body: "\t\n\r"},
	}
	for i := range as {
		as[i].PublishedAt = base.Add(-time.Duration(i) * time.Hour)
		as[i].UpdatedAt = as[i].PublishedAt.Add(time.Duration(i%2) * time.Minute)
		as[i].Status = article.StatusPublished
		as[i].Version = int64(i + 1)
	}
	as[0].PublishedAt = time.Time{} // sorts by CreatedAt
	as[0].CreatedAt = base
	return as
}

// legal requires doc to be valid JSON (JSON) or well-formed XML 1.0.
func legal(t *testing.T, f Format, doc []byte) {
	t.Helper()
	if f != JSON {
		wellFormed(t, doc)
		return
	}
	if !json.Valid(doc) {
		t.Fatalf("not valid JSON:\n%s", doc)
	}
}

// TestCorpora renders the realistic, hostile (raw and cleaned) and edge
// articles for a site with every optional setting and one without, in
// every format: each document must be legal and gofeed must read every
// item back.
func TestCorpora(t *testing.T) {
	bare := testSite()
	bare.HubURL, bare.LogoURL, bare.Location = "", "", nil
	bare.URL = "https://[bad"
	cleaned := hostile(t)
	for i := range cleaned {
		sanitizer.Sanitize(&cleaned[i])
	}
	corpora := map[string][]article.Article{
		"realistic":       realistic(t, 12),
		"hostile/raw":     hostile(t),
		"hostile/cleaned": cleaned,
		"edge":            edgeArticles(),
	}
	for sname, site := range map[string]*Channel{"full": testSite(), "bare": bare} {
		for cname, as := range corpora {
			for _, f := range Formats {
				t.Run(sname+"/"+cname+"/"+f.String(), func(t *testing.T) {
					p := &Document{Key: article.FeedKey{Kind: article.FeedTag, Slug: "nato", Name: "НАТО"}, Articles: as, Next: "https://feeds.news.example.bg/x?a=1&b=2"}
					doc := render(t, site, f, p)
					legal(t, f, doc)
					if n := len(parse(t, doc).Items); n != len(as) {
						t.Errorf("gofeed read %d items, want %d", n, len(as))
					}
				})
			}
		}
	}
}

// FuzzStoredArticle renders one article made of arbitrary text, as a store
// row written around the admin API's Validate and Cleaner could hold it:
// every format must still be legal.
func FuzzStoredArticle(f *testing.F) {
	f.Add("Заглавие", "водещ", "<p>тяло]]></p>", "https://x/a?b=1&c=2", "Име", "Свят", "кредит", "алт", 1200)
	f.Add("\x00", "\xff", "", "\xed\xa0\x80", "", "", "", "", 0)
	site := testSite()
	f.Fuzz(func(t *testing.T, title, lead, body, link, author, section, credit, alt string, width int) {
		a := article.Article{ID: "f" + title, Title: title, Lead: lead, Body: body, URL: link, Section: section,
			Tags: []string{section, lead}, Authors: []article.Author{{Name: author, URL: link}},
			PublishedAt: fixedNow, UpdatedAt: fixedNow, Version: 1, Status: article.StatusPublished}
		if link != "" {
			a.Image = &article.Image{URL: link, Width: width, Credit: credit, Alt: alt}
		}
		p := &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: []article.Article{a}}
		for _, f := range Formats {
			legal(t, f, render(t, site, f, p))
		}
	})
}

// TestRenderTimeOutOfRange: a date JSON cannot carry is an error, as it is
// for encoding/json, not a broken document.
func TestRenderTimeOutOfRange(t *testing.T) {
	as := realistic(t, 2)
	as[1].PublishedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: as}
	if err := testSite().RenderJSON(io.Discard, p); err == nil {
		t.Error("RenderJSON accepted year 10000")
	}
}

// TestJSONItemHasContent holds JSON Feed 1.1's rule that every item has
// content_html or content_text, also for an article without a body: the
// lead or the title stands in, as HTML with the agency credit after it
// when there is one.
func TestJSONItemHasContent(t *testing.T) {
	base := realistic(t, 1)[0]
	for _, tt := range []struct {
		name, lead, source, wantText, wantHTML string
	}{
		{"lead only", "Водещ текст & още", "", "Водещ текст & още", ""},
		{"title only", "", "", base.Title, ""},
		{"lead and source", "Водещ <текст>", "БТА & ДПА", "", `<p>Водещ &lt;текст&gt;</p><p class="source">Източник: БТА &amp; ДПА</p>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			a.Body, a.Lead, a.Source = "", tt.lead, tt.source
			doc := render(t, testSite(), JSON, &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: []article.Article{a}})
			var f struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal(doc, &f); err != nil {
				t.Fatalf("unmarshal: %v\n%s", err, doc)
			}
			if len(f.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(f.Items))
			}
			html, hasHTML := f.Items[0]["content_html"]
			text, hasText := f.Items[0]["content_text"]
			if !hasHTML && !hasText {
				t.Fatalf("item has neither content_html nor content_text: %s", doc)
			}
			if text, _ := text.(string); text != tt.wantText {
				t.Errorf("content_text = %q, want %q", text, tt.wantText)
			}
			if html, _ := html.(string); html != tt.wantHTML {
				t.Errorf("content_html = %q, want %q", html, tt.wantHTML)
			}
		})
	}
}
