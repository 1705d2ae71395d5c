package importer

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got, as indented JSON, with testdata/name.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from what the mapping gives now (go test -update rewrites it; review the diff):\n%s", path, b)
	}
}

// mapped is an item as the golden files show it.
type mapped struct {
	Kind     Kind          `json:"kind"`
	Ref      string        `json:"ref"`
	Article  *wire.Article `json:"article,omitempty"`
	Modified string        `json:"modified,omitempty"`
}

func show(items []Item) []mapped {
	out := make([]mapped, len(items))
	for i, it := range items {
		out[i] = mapped{Kind: it.Kind, Ref: it.Ref}
		if it.Kind == KindArticle {
			w := toAPI(&it.Article)
			out[i].Article = &w
		}
		if !it.Modified.IsZero() {
			out[i].Modified = it.Modified.Format(time.RFC3339)
		}
	}
	return out
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMappingGolden(t *testing.T) {
	opts := Options{Language: "bg"}
	for _, tc := range []struct {
		fixture, url string
	}{
		{"wordpress.wxr", ""},
		{"news.rss", "https://www.dnevnik.example/rss/"},
		{"ghost.rss", "https://sofiatech.example/rss/"},
		{"wp-rest-posts.json", "https://www.plovdiv-news.example/wp-json/wp/v2/posts?page=1"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			doc := readFixture(t, tc.fixture)
			var (
				items []Item
				err   error
			)
			switch {
			case strings.HasSuffix(tc.fixture, ".wxr"):
				items, err = ParseWXR(bytes.NewReader(doc), opts)
			case strings.HasSuffix(tc.fixture, ".json"):
				items, err = ParseREST(doc, tc.url, opts)
			default:
				var p Page
				p, err = ParseFeed(doc, tc.url, opts)
				items = p.Items
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.fixture+".golden.json", show(items))
		})
	}
}
