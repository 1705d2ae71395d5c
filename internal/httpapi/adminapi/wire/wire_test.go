package wire

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// TestRoundTrip: an article read back from its wire form is the article,
// through JSON, with every member and nanosecond times.
func TestRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 30, 16, 40, 0, 123456789, time.UTC)
	a := article.Article{ID: "k1", Slug: "nato", Title: "T", Lead: "L", Body: "<p>B</p>", URL: "https://x.bg/nato",
		PublishedAt: at, CreatedAt: at.Add(-time.Hour), UpdatedAt: at.Add(time.Minute),
		Authors: []article.Author{{Name: "Ана", URL: "https://x.bg/a", Fediverse: "@ana@mastodon.social"}}, Source: "БТА", Section: "svyat",
		Tags: []string{"нато"}, Image: &article.Image{URL: "https://x.bg/i.jpg", Width: 1200, Height: 800, Alt: "a", Credit: "EPA"},
		Language: "bg", Status: article.StatusPublished, CommentCount: 3, Related: []string{"k2"}, Version: 4,
		PreviousSlugs: []string{"old"}}
	b, err := json.Marshal(From(&a))
	if err != nil {
		t.Fatal(err)
	}
	var w Article
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	got, err := w.Article()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, a) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, a)
	}
}

// TestEmptyLists: lists are [] on the wire, never null.
func TestEmptyLists(t *testing.T) {
	b, _ := json.Marshal(From(&article.Article{ID: "k1"}))
	for _, m := range []string{`"authors":[]`, `"tags":[]`, `"related":[]`, `"previousSlugs":[]`} {
		if !strings.Contains(string(b), m) {
			t.Errorf("%s missing from %s", m, b)
		}
	}
}

func TestBadTime(t *testing.T) {
	for _, name := range []string{"publishedAt", "createdAt", "updatedAt"} {
		t.Run(name, func(t *testing.T) {
			var w Article
			if err := json.Unmarshal([]byte(`{"id":"k1","`+name+`":"yesterday"}`), &w); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Article(); err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("error %v, want one naming %s", err, name)
			}
		})
	}
}
