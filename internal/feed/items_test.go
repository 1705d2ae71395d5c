package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
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

// refRender renders with the reference renderers of reference_test.go.
func refRender(t testing.TB, s *Site, f Format, p *Page) []byte {
	t.Helper()
	var buf bytes.Buffer
	var err error
	switch f {
	case RSS:
		err = s.refRenderRSS(&buf, p)
	case Atom:
		err = s.refRenderAtom(&buf, p)
	case JSON:
		err = s.refRenderJSON(&buf, p)
	}
	if err != nil {
		t.Fatalf("reference render %s: %v", f, err)
	}
	return buf.Bytes()
}

// sameBytes reports the first difference of got and want.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-120)
	t.Errorf("%s: differs at byte %d of %d (want %d)\ngot:  %q\nwant: %q", what, i, len(got), len(want),
		got[lo:min(len(got), i+80)], want[lo:min(len(want), i+80)])
}

func corpora(t *testing.T) map[string][]article.Article {
	cleaned := hostile(t)
	for i := range cleaned {
		cleaner.Sanitize(&cleaned[i])
		cleaned[i].ID += "-cleaned" // the raw and cleaned copies share IDs and versions
	}
	return map[string][]article.Article{
		"realistic":       realistic(t, 12),
		"hostile/raw":     hostile(t),
		"hostile/cleaned": cleaned,
		"edge":            edgeArticles(),
	}
}

func sites() map[string]*Site {
	bare := testSite()
	bare.HubURL, bare.LogoURL, bare.Location = "", "", nil
	bare.URL = "https://[bad"
	return map[string]*Site{"full": testSite(), "bare": bare}
}

// TestItemsMatchReference holds the hand-written items and the splicing to
// the bytes encoding/xml and encoding/json produce from gorilla's structs:
// without the item cache, with a cold one and with a warm one, over every
// corpus, for sites with and without the optional settings.
func TestItemsMatchReference(t *testing.T) {
	for sname, site := range sites() {
		for cname, as := range corpora(t) {
			for _, f := range Formats {
				t.Run(sname+"/"+cname+"/"+f.String(), func(t *testing.T) {
					p := &Page{Key: article.FeedKey{Kind: article.FeedTag, Slug: "nato", Name: "НАТО"}, Articles: as, Next: "https://feeds.news.example.bg/x?a=1&b=2"}
					want := refRender(t, site, f, p)
					s := *site
					s.Items = nil
					sameBytes(t, "no cache", render(t, &s, f, p), want)
					s.Items = NewItemCache(1 << 20)
					sameBytes(t, "cold cache", render(t, &s, f, p), want)
					sameBytes(t, "warm cache", render(t, &s, f, p), want)
					if n, _ := s.Items.Len(); n != len(as) {
						t.Errorf("cache holds %d items, want %d", n, len(as))
					}
					// Another feed and page of the same articles, from the
					// warm cache: items are reused in any order and company.
					q := &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: as[len(as)/2:]}
					sameBytes(t, "other page", render(t, &s, f, q), refRender(t, site, f, q))
				})
			}
		}
	}
}

func TestGoldenWithItemCache(t *testing.T) {
	site := testSite()
	site.Items = NewItemCache(1 << 20)
	as := realistic(t, 3)
	for _, f := range Formats {
		for _, pass := range []string{"cold", "warm"} {
			t.Run(f.String()+"/"+pass, func(t *testing.T) {
				got := render(t, site, f, pageFor(sectionPage(as), f))
				golden(t, "section."+f.File()+".golden", got)
			})
		}
	}
}

// TestItemCacheKey checks that a cached item is never served for another
// version, another update time, another format or another site.
func TestItemCacheKey(t *testing.T) {
	shared := NewItemCache(1 << 20)
	a, b := testSite(), testSite()
	b.URL, b.Name = "https://other.example.bg", "Друг сайт"
	a.Items, b.Items = shared, shared
	as := realistic(t, 2)
	edited := realistic(t, 2)
	edited[0].Title += " (обновено)"
	edited[0].Version++
	touched := realistic(t, 2)
	touched[1].Lead = "Нов водещ текст"
	touched[1].UpdatedAt = touched[1].UpdatedAt.Add(time.Second)
	for _, f := range Formats {
		for _, tc := range []struct {
			name string
			site *Site
			as   []article.Article
		}{{"first", a, as}, {"other site", b, as}, {"new version", a, edited}, {"new update time", a, touched}, {"first again", a, as}} {
			t.Run(f.String()+"/"+tc.name, func(t *testing.T) {
				p := &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: tc.as}
				sameBytes(t, tc.name, render(t, tc.site, f, p), refRender(t, tc.site, f, p))
			})
		}
	}
}

func TestItemCacheBound(t *testing.T) {
	site := testSite()
	site.Items = NewItemCache(64 << 10) // about ten 6 KB items
	as := realistic(t, 40)
	p := &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: as}
	for _, f := range Formats {
		sameBytes(t, f.String(), render(t, site, f, p), refRender(t, site, f, p))
	}
	n, size := site.Items.Len()
	if size > 64<<10 || n == 0 || n >= len(as) {
		t.Errorf("cache holds %d items in %d bytes; want some, at most 65536 bytes", n, size)
	}
	off := testSite()
	off.Items = NewItemCache(0)
	render(t, off, RSS, p)
	if n, _ := off.Items.Len(); n != 0 {
		t.Errorf("disabled cache holds %d items", n)
	}
}

// escapeCorpus covers every branch of appendEscaped.
var escapeCorpus = []string{
	"", "plain ascii", "<a href=\"x\">'&'</a>", "\t\n\r", "\x00\x01\x1f\x7f",
	"Кирилица „кавички“ — тире", "🇧🇬🙂", "\xff", "\xc3", "\xc3(", "\xc0\xaf", "\xe0\x80\xaf",
	"\xed\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xef\xbf\xbd", "\xee\x80\x80",
	"\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "a\xffb", "Ж\xd0", "\xd0\xd0\xb6",
}

func TestAppendEscaped(t *testing.T) {
	for _, s := range escapeCorpus {
		checkEscaped(t, s)
	}
}

func checkEscaped(t *testing.T, s string) {
	t.Helper()
	var want bytes.Buffer
	if err := xml.EscapeText(&want, []byte(s)); err != nil {
		t.Fatal(err)
	}
	if got := appendEscaped([]byte("prefix"), s); string(got) != "prefix"+want.String() {
		t.Errorf("appendEscaped(%q) = %q, want %q", s, got[6:], want.String())
	}
}

func FuzzAppendEscaped(f *testing.F) {
	for _, s := range escapeCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkEscaped(t, s) })
}

// FuzzItems renders one article made of arbitrary text through the item
// writer and the reference encoders and requires the same bytes.
func FuzzItems(f *testing.F) {
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
		p := &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: []article.Article{a}}
		for _, f := range Formats {
			sameBytes(t, fmt.Sprint(f), render(t, site, f, p), refRender(t, site, f, p))
		}
	})
}

// jsonCorpus covers every branch of appendJSONText.
var jsonCorpus = append([]string{"\"\\/", "\b\f\n\r\t\x00\x1f\x7f", "<>&", "\u2028\u2029", "a\u2028b\u2029c", "\xe2\x80", "\xe2\x80\xa8\xe2"}, escapeCorpus...)

func checkJSONString(t *testing.T, s string) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	if got := appendJSONString([]byte("x"), s); string(got) != "x"+strings.TrimSuffix(want.String(), "\n") {
		t.Errorf("appendJSONString(%q) = %s, want %s", s, got[1:], want.String())
	}
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonCorpus {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}

// TestRenderTimeOutOfRange: a date JSON cannot carry is an error, as it is
// for encoding/json, not a broken document.
func TestRenderTimeOutOfRange(t *testing.T) {
	as := realistic(t, 2)
	as[1].PublishedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	site := testSite()
	site.Items = NewItemCache(1 << 20)
	p := &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: as}
	if err := site.refRenderJSON(io.Discard, p); err == nil {
		t.Fatal("reference renderer accepted year 10000")
	}
	for i := range 2 { // the second time, the first item comes from the cache
		if err := site.RenderJSON(io.Discard, p); err == nil {
			t.Errorf("render %d: RenderJSON accepted year 10000", i)
		}
	}
	if n, _ := site.Items.Len(); n != 1 {
		t.Errorf("item cache holds %d items, want 1 (the good one)", n)
	}
}

// TestJSONItemHasContent holds JSON Feed 1.1's rule that every item has
// content_html or content_text, also for an article without a body.
func TestJSONItemHasContent(t *testing.T) {
	base := realistic(t, 1)[0]
	for _, tt := range []struct {
		name, lead, wantText string
	}{
		{"lead only", "Водещ текст & още", "Водещ текст & още"},
		{"title only", "", base.Title},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := base
			a.Body, a.Lead = "", tt.lead
			site := testSite()
			site.Items = nil
			doc := render(t, site, JSON, &Page{Key: article.SiteFeed, Updated: fixedNow, Articles: []article.Article{a}})
			var f struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal(doc, &f); err != nil {
				t.Fatalf("unmarshal: %v\n%s", err, doc)
			}
			if len(f.Items) != 1 {
				t.Fatalf("got %d items, want 1", len(f.Items))
			}
			_, hasHTML := f.Items[0]["content_html"]
			text, hasText := f.Items[0]["content_text"]
			if !hasHTML && !hasText {
				t.Fatalf("item has neither content_html nor content_text: %s", doc)
			}
			if text != tt.wantText {
				t.Errorf("content_text = %v, want %q", text, tt.wantText)
			}
		})
	}
}
