package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsdesk/syndicate/internal/article"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the diff)\ngot:\n%s", name, got)
	}
}

func render(t testing.TB, s *Channel, f Format, p *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Render(&buf, f, p); err != nil {
		t.Fatalf("render %s: %v", f, err)
	}
	return buf.Bytes()
}

func sectionPage(as []article.Article) *Document {
	key := article.FeedKey{Kind: article.FeedSection, Slug: "svyat", Name: "Свят"}
	return &Document{
		Key:      key,
		Updated:  fixedNow,
		Articles: as,
		Self:     "https://feeds.news.example.bg/feeds/section/svyat/" + "FILE" + "?limit=3",
		Next:     "https://feeds.news.example.bg/feeds/section/svyat/" + "FILE" + "?limit=3&cursor=abc.def",
	}
}

// pageFor fills the format's file name into the page's links.
func pageFor(p *Document, f Format) *Document {
	q := *p
	q.Self = strings.Replace(p.Self, "FILE", f.File(), 1)
	q.Next = strings.Replace(p.Next, "FILE", f.File(), 1)
	return &q
}

func TestGolden(t *testing.T) {
	site := testSite()
	as := realistic(t, 3)
	for _, f := range Formats {
		t.Run(f.String(), func(t *testing.T) {
			golden(t, "section."+f.File()+".golden", render(t, site, f, pageFor(sectionPage(as), f)))
		})
		t.Run(f.String()+"/empty", func(t *testing.T) {
			golden(t, "empty."+f.File()+".golden", render(t, site, f, &Document{Key: article.SiteFeed, Updated: fixedNow}))
		})
	}
	t.Run("sitemap", func(t *testing.T) {
		var buf bytes.Buffer
		if err := site.RenderSitemap(&buf, as); err != nil {
			t.Fatal(err)
		}
		golden(t, "sitemap-news.xml.golden", buf.Bytes())
	})
}

// wellFormed walks an XML document with encoding/xml's strict decoder,
// which refuses malformed markup and characters XML 1.0 forbids.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, doc)
		}
	}
}

func parse(t *testing.T, doc []byte) *gofeed.Feed {
	t.Helper()
	fp := gofeed.NewParser()
	fd, err := fp.Parse(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("gofeed: %v\n%.2000s", err, doc)
	}
	return fd
}

// TestRoundTrip parses every format with gofeed and compares what comes
// back with what was stored, byte for byte.
func TestRoundTrip(t *testing.T) {
	site := testSite()
	as := realistic(t, 8)
	for _, f := range Formats {
		t.Run(f.String(), func(t *testing.T) {
			p := pageFor(sectionPage(as), f)
			doc := render(t, site, f, p)
			if f != JSON {
				wellFormed(t, doc)
			}
			fd := parse(t, doc)
			if got, want := fd.Title, "Новини & Анализи — Свят"; got != want {
				t.Errorf("feed title = %q, want %q", got, want)
			}
			if got, want := fd.Link, site.URL; got != want {
				t.Errorf("feed link = %q, want %q", got, want)
			}
			if got, want := fd.FeedLink, p.Self; got != want {
				t.Errorf("feed self link = %q, want %q", got, want)
			}
			if got, want := fd.Language, "bg"; got != want {
				t.Errorf("feed language = %q, want %q", got, want)
			}
			if len(fd.Items) != len(as) {
				t.Fatalf("got %d items, want %d", len(fd.Items), len(as))
			}
			for i, it := range fd.Items {
				checkItem(t, site, f, it, &as[i])
			}
		})
	}
}

func checkItem(t *testing.T, site *Channel, f Format, it *gofeed.Item, a *article.Article) {
	t.Helper()
	eq := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s %s: %s = %q, want %q", f, a.ID, field, got, want)
		}
	}
	eq("title", it.Title, a.Title)
	eq("link", it.Link, a.URL)
	eq("guid", it.GUID, site.EntryID(a.ID))
	eq("summary", it.Description, a.Lead)
	eq("content", it.Content, a.Body)
	if it.PublishedParsed == nil || !it.PublishedParsed.Equal(a.PublishedAt) {
		t.Errorf("%s %s: published = %v, want %v", f, a.ID, it.PublishedParsed, a.PublishedAt)
	}
	layout := time.RFC3339
	if f == RSS {
		layout = time.RFC1123Z
	}
	eq("published text", it.Published, a.PublishedAt.In(sofia).Format(layout))
	if f != RSS {
		eq("updated text", it.Updated, a.UpdatedAt.In(sofia).Format(time.RFC3339))
	}

	wantCats := append([]string{a.Section}, a.Tags...)
	eq("categories", strings.Join(it.Categories, "|"), strings.Join(wantCats, "|"))

	var names []string
	for _, au := range a.Authors {
		names = append(names, au.Name)
	}
	var got []string
	want := strings.Join(names, "|")
	switch f {
	case RSS:
		// One dc:creator with every name, in order.
		var source []string
		if it.DublinCoreExt != nil {
			got, source = it.DublinCoreExt.Creator, it.DublinCoreExt.Source
		}
		want = strings.Join(names, ", ")
		eq("dc:source", strings.Join(source, "|"), a.Source)
	default:
		for _, p := range it.Authors {
			got = append(got, p.Name)
		}
	}
	eq("authors", strings.Join(got, "|"), want)

	switch f {
	case RSS, JSON:
		if it.Image == nil {
			t.Errorf("%s %s: no image", f, a.ID)
		} else {
			eq("image", it.Image.URL, a.Image.URL)
		}
	case Atom:
		if len(it.Enclosures) != 1 {
			t.Errorf("%s %s: %d enclosures, want 1", f, a.ID, len(it.Enclosures))
		} else {
			eq("image", it.Enclosures[0].URL, a.Image.URL)
		}
	}
	if f != JSON {
		m := it.Extensions["media"]["content"]
		if len(m) != 1 {
			t.Fatalf("%s %s: %d media:content, want 1", f, a.ID, len(m))
		}
		eq("media:content url", m[0].Attrs["url"], a.Image.URL)
		eq("media:content width", m[0].Attrs["width"], "1200")
		eq("media:credit", m[0].Children["credit"][0].Value, a.Image.Credit)
		eq("media:description", m[0].Children["description"][0].Value, a.Image.Alt)
	}
}

// hostile reads the hostile corpus: articles the admin API would refuse or
// clean, rendered here directly.
func hostile(t *testing.T) []article.Article {
	t.Helper()
	b, err := os.ReadFile("testdata/hostile.json")
	if err != nil {
		t.Fatal(err)
	}
	var as []article.Article
	if err := json.Unmarshal(b, &as); err != nil {
		t.Fatal(err)
	}
	return as
}

func TestHostileCorpus(t *testing.T) {
	site := testSite()
	raw := hostile(t)
	cleaned := hostile(t)
	for i := range cleaned {
		sanitizer.Sanitize(&cleaned[i])
	}
	for _, tc := range []struct {
		name string
		as   []article.Article
	}{{"raw", raw}, {"cleaned", cleaned}} {
		for _, f := range Formats {
			t.Run(tc.name+"/"+f.String(), func(t *testing.T) {
				p := &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: tc.as, Next: "https://feeds.news.example.bg/feeds/" + f.File() + "?cursor=x&limit=9"}
				doc := render(t, site, f, p)
				if f == JSON {
					var v map[string]any
					if err := json.Unmarshal(doc, &v); err != nil {
						t.Fatalf("invalid JSON: %v", err)
					}
				} else {
					wellFormed(t, doc)
				}
				fd := parse(t, doc)
				if len(fd.Items) != len(tc.as) {
					t.Fatalf("gofeed found %d items, want %d", len(fd.Items), len(tc.as))
				}
				for i, it := range fd.Items {
					a := &tc.as[i]
					if got, want := strings.TrimSpace(it.Title), strings.TrimSpace(article.DropXMLForbidden(a.Title)); got != want {
						t.Errorf("item %d title = %q, want %q", i, got, want)
					}
					want := article.DropXMLForbidden(a.Body)
					if f == JSON && strings.TrimSpace(want) == "" {
						// JSON Feed requires content; content_text stands in.
						want = jsonContentText(a)
					}
					if got, want := strings.TrimSpace(it.Content), strings.TrimSpace(want); got != want {
						t.Errorf("item %d content = %q, want %q", i, got, want)
					}
				}
				if tc.name != "cleaned" {
					return
				}
				// Bodies as the admin API stores them: sanitized, links
				// absolute. (Titles are text: "<script>" there is escaped
				// text, shown as such.)
				for i, it := range fd.Items {
					body := strings.ToLower(it.Content)
					for _, bad := range []string{"<script", "javascript:", "onclick", "onerror", "onload", "<iframe", "<style", `href="/`, `src="/`, `href="drugo`, `href="../`} {
						if strings.Contains(body, bad) {
							t.Errorf("item %d body contains %q: %s", i, bad, it.Content)
						}
					}
				}
			})
		}
	}
	t.Run("sitemap", func(t *testing.T) {
		var buf bytes.Buffer
		if err := site.RenderSitemap(&buf, raw); err != nil {
			t.Fatal(err)
		}
		wellFormed(t, buf.Bytes())
	})
}

// TestSitemapRoundTrip decodes the news sitemap and compares it with the
// articles: gofeed does not read sitemaps, encoding/xml does.
func TestSitemapRoundTrip(t *testing.T) {
	site := testSite()
	as := realistic(t, 4)
	var buf bytes.Buffer
	if err := site.RenderSitemap(&buf, as); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, buf.Bytes())
	var doc struct {
		URLs []struct {
			Loc  string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
			News struct {
				Name     string `xml:"publication>name"`
				Language string `xml:"publication>language"`
				Date     string `xml:"publication_date"`
				Title    string `xml:"title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.URLs) != len(as) {
		t.Fatalf("got %d urls, want %d", len(doc.URLs), len(as))
	}
	for i, u := range doc.URLs {
		a := as[i]
		for _, c := range [][3]string{
			{"loc", u.Loc, a.URL},
			{"name", u.News.Name, site.Name},
			{"language", u.News.Language, "bg"},
			{"date", u.News.Date, a.PublishedAt.In(sofia).Format(time.RFC3339)},
			{"title", u.News.Title, a.Title},
		} {
			if c[1] != c[2] {
				t.Errorf("url %d %s = %q, want %q", i, c[0], c[1], c[2])
			}
		}
	}
}

func TestInSitemap(t *testing.T) {
	now := fixedNow
	tests := []struct {
		name string
		a    article.Article
		want bool
	}{
		{"just published", article.Article{Status: article.StatusPublished, PublishedAt: now}, true},
		{"47h ago", article.Article{Status: article.StatusPublished, PublishedAt: now.Add(-47 * time.Hour)}, true},
		{"49h ago", article.Article{Status: article.StatusPublished, PublishedAt: now.Add(-49 * time.Hour)}, false},
		{"future", article.Article{Status: article.StatusPublished, PublishedAt: now.Add(time.Minute)}, false},
		{"draft", article.Article{Status: article.StatusDraft, PublishedAt: now}, false},
		{"deleted", article.Article{Status: article.StatusPublished, PublishedAt: now, Deleted: true}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InSitemap(&tt.a, now); got != tt.want {
				t.Errorf("InSitemap = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPath(t *testing.T) {
	tests := []struct {
		key  article.FeedKey
		f    Format
		want string
	}{
		{article.SiteFeed, RSS, "/feeds/rss.xml"},
		{article.SiteFeed, JSON, "/feeds/feed.json"},
		{article.FeedKey{Kind: article.FeedTag, Slug: "nato"}, Atom, "/feeds/tag/nato/atom.xml"},
		{article.FeedKey{Kind: article.FeedAuthor, Slug: "ivan-petrov"}, RSS, "/feeds/author/ivan-petrov/rss.xml"},
	}
	for _, tt := range tests {
		if got := Path(tt.key, tt.f); got != tt.want {
			t.Errorf("Path(%v, %s) = %q, want %q", tt.key, tt.f, got, tt.want)
		}
	}
}

// TestAtomUpdatedDistinctWithinASecond: articles saved within one second
// keep distinct <updated> values (the W3C feed validator warns "Two entries
// with the same value for atom:updated"), and the value is the stored time.
func TestAtomUpdatedDistinctWithinASecond(t *testing.T) {
	as := realistic(t, 3)
	base := time.Date(2025, 12, 18, 12, 30, 0, 0, time.UTC)
	for i := range as {
		as[i].PublishedAt = base
		as[i].UpdatedAt = base.Add(time.Duration(i) * 250 * time.Millisecond)
	}
	doc := render(t, testSite(), Atom, pageFor(sectionPage(as), Atom))
	var f struct {
		Entries []struct {
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(doc, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != len(as) {
		t.Fatalf("%d entries, want %d", len(f.Entries), len(as))
	}
	seen := map[string]bool{}
	for i, e := range f.Entries {
		if seen[e.Updated] {
			t.Errorf("two entries with <updated>%s</updated>", e.Updated)
		}
		seen[e.Updated] = true
		got, err := time.Parse(time.RFC3339Nano, e.Updated)
		if err != nil || !got.Equal(as[i].UpdatedAt) {
			t.Errorf("entry %d: <updated>%s</updated> (%v), want %s", i, e.Updated, err, as[i].UpdatedAt.Format(time.RFC3339Nano))
		}
	}
}

// TestSourceAndAttachments: the agency credit reaches the content of every
// format (once, also when the body already credits it), RSS has it as
// dc:source, and JSON items carry the photo as an attachment with its type
// while the feed names no authors of its own.
func TestSourceAndAttachments(t *testing.T) {
	site := testSite()
	a := realistic(t, 1)[0]
	a.Body, a.Source = "<p>Текст.</p>", "БТА"
	credited := a
	credited.ID, credited.Body = "credited", `<p>Текст.</p><p>Източник: <a href="https://www.bta.bg/">БТА</a></p>`
	for _, f := range Formats {
		t.Run(f.String(), func(t *testing.T) {
			doc := render(t, site, f, &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: []article.Article{a, credited}})
			fd := parse(t, doc)
			if got, want := fd.Items[0].Content, `<p>Текст.</p><p class="source">Източник: БТА</p>`; got != want {
				t.Errorf("content = %q, want %q", got, want)
			}
			if got := fd.Items[1].Content; got != credited.Body {
				t.Errorf("credited body = %q, want it unchanged", got)
			}
			switch f {
			case RSS:
				if got := fd.Items[0].DublinCoreExt.Source; len(got) != 1 || got[0] != "БТА" {
					t.Errorf("dc:source = %q", got)
				}
			case JSON:
				var raw struct {
					Authors []any `json:"authors"`
					Items   []struct {
						Image       string `json:"image"`
						Attachments []struct {
							URL      string `json:"url"`
							MIMEType string `json:"mime_type"`
						} `json:"attachments"`
					} `json:"items"`
				}
				if err := json.Unmarshal(doc, &raw); err != nil {
					t.Fatal(err)
				}
				if raw.Authors != nil {
					t.Errorf("feed-level authors %v: Miniflux would add them to every item", raw.Authors)
				}
				it := raw.Items[0]
				if it.Image != a.Image.URL || len(it.Attachments) != 1 || it.Attachments[0].URL != a.Image.URL || it.Attachments[0].MIMEType != "image/jpeg" {
					t.Errorf("image %q, attachments %+v, want the photo as both, image/jpeg", it.Image, it.Attachments)
				}
			}
		})
	}
}
