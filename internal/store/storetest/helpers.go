package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Keys of the feeds the fixtures use, with the slugs a reader would type.
var (
	siteFeed    = article.FeedKey{Kind: article.FeedSite}
	worldFeed   = article.FeedKey{Kind: article.FeedSection, Slug: "svyat"}
	sportFeed   = article.FeedKey{Kind: article.FeedSection, Slug: "sport"}
	natoFeed    = article.FeedKey{Kind: article.FeedTag, Slug: "nato"}
	ukraineFeed = article.FeedKey{Kind: article.FeedTag, Slug: "ukrayna"}
	ivanFeed    = article.FeedKey{Kind: article.FeedAuthor, Slug: "ivan-petrov"}
	mariaFeed   = article.FeedKey{Kind: article.FeedAuthor, Slug: "maria-ivanova"}
)

// eet is Bulgaria's winter offset, a zone that is neither UTC nor Local.
var eet = time.FixedZone("EET", 2*60*60)

// t0 is the fixtures' base time: an offset and every nanosecond digit.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 123456789, eet)

// newArticle is a minimal public article at time at, version 1.
func newArticle(id string, at time.Time) article.Article {
	return article.Article{
		ID:          id,
		Slug:        "slug-" + strings.ToLower(id),
		Title:       "Заглавие " + id,
		URL:         "https://news.example.bg/slug-" + strings.ToLower(id),
		PublishedAt: at,
		CreatedAt:   at,
		UpdatedAt:   at,
		Authors:     []article.Author{},
		Tags:        []string{},
		Related:     []string{},
		Language:    "bg",
		Status:      article.StatusPublished,
		Version:     1,
	}
}

// inFeeds is newArticle in section "Свят", tagged "НАТО", by Иван Петров.
func inFeeds(id string, at time.Time) article.Article {
	a := newArticle(id, at)
	a.Section = "Свят"
	a.Tags = []string{"НАТО"}
	a.Authors = []article.Author{{Name: "Иван Петров"}}
	return a
}

func ctx(t *testing.T) context.Context { return t.Context() }

// create saves a as a new article and fails the test if it cannot.
func create(t *testing.T, s Store, a article.Article) article.Article {
	t.Helper()
	a.Version = 1
	if err := s.Save(ctx(t), a, 0); err != nil {
		t.Fatalf("Save(%q, prev 0) = %v, want nil", a.ID, err)
	}
	return a
}

// update saves a changed copy of a as its next version.
func update(t *testing.T, s Store, a article.Article, change func(*article.Article)) article.Article {
	t.Helper()
	b := a
	change(&b)
	b.Version = a.Version + 1
	if err := s.Save(ctx(t), b, a.Version); err != nil {
		t.Fatalf("Save(%q, prev %d) = %v, want nil", b.ID, a.Version, err)
	}
	return b
}

// mustGet reads an article and fails the test if it cannot.
func mustGet(t *testing.T, s Store, id string) article.Article {
	t.Helper()
	a, err := s.Get(ctx(t), id)
	if err != nil {
		t.Fatalf("Get(%q) = %v, want nil", id, err)
	}
	return a
}

// checkSame fails the test, naming every differing field, unless got and
// want are the same article. Times must be the same instant written the
// same way (offset and nanoseconds), not merely Equal.
func checkSame(t *testing.T, what string, got, want article.Article) {
	t.Helper()
	if d := diff(got, want); d != "" {
		t.Errorf("%s differs:\n%s", what, d)
	}
}

func diff(got, want article.Article) string {
	var b strings.Builder
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			g, w = stamp(gt), stamp(w.(time.Time))
		}
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "\t%s: got %s, want %s\n", name, show(g), show(w))
		}
	}
	return b.String()
}

// stamp is how a time is compared: RFC 3339 with offset and nanoseconds.
func stamp(t time.Time) string { return t.Format(time.RFC3339Nano) }

func show(v any) string {
	s := fmt.Sprintf("%#v", v)
	if len(s) > 200 {
		s = s[:200] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// checkErr fails the test unless err wraps want.
func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want an error wrapping %v", what, err, want)
	}
}

// ids lists the IDs of a page's articles.
func ids(p article.Page) []string {
	out := make([]string, len(p.Articles))
	for i, a := range p.Articles {
		out[i] = a.ID
	}
	return out
}

// feedIDs lists every ID in a feed, newest first, in pages of 100.
func feedIDs(t *testing.T, s Store, key article.FeedKey) []string {
	t.Helper()
	p, err := s.ListFeed(ctx(t), key, article.ListOptions{Limit: 100})
	if err != nil {
		t.Fatalf("ListFeed(%s) = %v, want nil", key, err)
	}
	return ids(p)
}

// listIDs lists every ID of the admin list, newest first.
func listIDs(t *testing.T, s Store) []string {
	t.Helper()
	p, err := s.List(ctx(t), article.ListOptions{Limit: 100})
	if err != nil {
		t.Fatalf("List = %v, want nil", err)
	}
	return ids(p)
}

// head reads a feed head and fails the test if it cannot.
func head(t *testing.T, s Store, key article.FeedKey) article.FeedHead {
	t.Helper()
	h, err := s.FeedHead(ctx(t), key)
	if err != nil {
		t.Fatalf("FeedHead(%s) = %v, want nil", key, err)
	}
	return h
}

// revs reads the revisions of several feeds; a feed without a head is 0.
func revs(t *testing.T, s Store, keys ...article.FeedKey) map[string]int64 {
	t.Helper()
	m := make(map[string]int64, len(keys))
	for _, k := range keys {
		h, err := s.FeedHead(ctx(t), k)
		switch {
		case errors.Is(err, article.ErrNotFound):
		case err != nil:
			t.Fatalf("FeedHead(%s) = %v", k, err)
		default:
			m[k.String()] = h.Rev
		}
	}
	return m
}

// checkRevGrowth compares two revs snapshots: feeds in grown must have grown
// by exactly one, every other feed must not have changed.
func checkRevGrowth(t *testing.T, what string, before, after map[string]int64, grown ...article.FeedKey) {
	t.Helper()
	want := make(map[string]int64, len(before))
	for k, v := range before {
		want[k] = v
	}
	for _, k := range grown {
		want[k.String()]++
	}
	for k := range after {
		if after[k] != want[k] {
			t.Errorf("%s: feed %s rev = %d, want %d (was %d)", what, k, after[k], want[k], before[k])
		}
	}
	for k := range want {
		if _, ok := after[k]; !ok {
			t.Errorf("%s: feed %s has no head, want rev %d", what, k, want[k])
		}
	}
}

func errsNotFound(err error) bool { return errors.Is(err, article.ErrNotFound) }
