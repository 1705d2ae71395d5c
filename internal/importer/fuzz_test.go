package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
)

// FuzzParseDocument feeds any bytes to the WXR and feed parsers: they
// never panic, and every article they map has a valid ID, valid UTF-8
// text and fields within the service's limits but the title and body,
// which the import checks (and reports) before writing.
func FuzzParseDocument(f *testing.F) {
	for _, name := range []string{"wordpress.wxr", "news.rss", "ghost.rss"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","content_text":"a\n\nb","tags":["","x","X"]}]}`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><category scheme="s:section" term="x"/></entry></feed>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		var items []Item
		if IsWXR(doc) {
			items, _ = ParseWXR(bytes.NewReader(doc), Options{})
		} else {
			p, _ := ParseFeed(doc, "https://site.example/feed/", Options{})
			items = p.Items
		}
		for _, it := range items {
			if it.Kind != KindArticle {
				continue
			}
			a := it.Article
			if !article.ValidID(a.ID) {
				t.Fatalf("%s: id %q", it.Ref, a.ID)
			}
			probe := a
			probe.Title, probe.Body = "t", ""
			if err := article.Validate(&probe); err != nil && utf8.ValidString(a.Title+a.Lead+a.Section) {
				t.Fatalf("%s: mapped fields out of the limits: %v", it.Ref, err)
			}
		}
	})
}
