package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

// testLargestArticle saves an article at the limits of package article: a
// Cyrillic body just under MaxBodyBytes, MaxTags tags and MaxAuthors
// authors, so it sits in 2+MaxTags+MaxAuthors feeds. A DynamoDB store writes
// it once per feed in one transaction; this is the write that must still
// fit.
func testLargestArticle(t *testing.T, s Store) {
	big := func(round string) article.Article {
		a := fullArticle("big")
		body := "<p>" + strings.Repeat("ж", (article.MaxBodyBytes-64)/2) + "</p>"
		a.Body = body
		a.Section = "Раздел " + round
		a.Slug = "golyama-" + strings.ToLower(round)
		a.Tags = make([]string, article.MaxTags)
		for i := range a.Tags {
			a.Tags[i] = fmt.Sprintf("Таг %s %d", round, i)
		}
		a.Authors = make([]article.Author, article.MaxAuthors)
		for i := range a.Authors {
			a.Authors[i] = article.Author{Name: fmt.Sprintf("Автор %s %d", round, i), URL: "https://news.example.bg/a"}
		}
		return a
	}
	// The article has had the longest slugs, as many as it may have
	// before the move below: a small article renamed often, then made big.
	small := fullArticle("big")
	small.Slug = longSlug(0)
	small = create(t, s, small)
	var history []string
	for i := 1; i < article.MaxPreviousSlugs-1; i++ {
		history = append(history, small.Slug)
		small = update(t, s, small, func(a *article.Article) { a.Slug = longSlug(i) })
	}
	history = append(history, small.Slug)
	a := big("A")
	if n := len(a.Body); n > article.MaxBodyBytes || n < article.MaxBodyBytes-100 {
		t.Fatalf("body is %d bytes, want just under %d", n, article.MaxBodyBytes)
	}
	a.Version = small.Version + 1
	if err := s.Save(ctx(t), a, small.Version); err != nil {
		t.Fatalf("Save(big) = %v", err)
	}
	a.PreviousSlugs = history
	checkSame(t, "Get", mustGet(t, s, "big"), a)
	feeds := a.Feeds()
	if len(feeds) != 2+article.MaxTags+article.MaxAuthors {
		t.Fatalf("fixture is in %d feeds, want %d", len(feeds), 2+article.MaxTags+article.MaxAuthors)
	}
	for _, k := range feeds {
		if got := feedIDs(t, s, k); !slices.Equal(got, []string{"big"}) {
			t.Errorf("feed %s = %q, want [big]", k, got)
		}
	}

	// Every feed but the site changes, and so does the slug: the largest
	// transaction a save can need.
	b := big("B")
	b.Version = a.Version + 1
	if err := s.Save(ctx(t), b, a.Version); err != nil {
		t.Fatalf("Save(moved everywhere) = %v", err)
	}
	b.PreviousSlugs = append(history, a.Slug)
	if len(b.PreviousSlugs) != article.MaxPreviousSlugs {
		t.Fatalf("fixture has %d previous slugs, want %d", len(b.PreviousSlugs), article.MaxPreviousSlugs)
	}
	checkSame(t, "Get after the move", mustGet(t, s, "big"), b)
	for _, k := range feeds[1:] {
		if got := feedIDs(t, s, k); len(got) != 0 {
			t.Errorf("old feed %s = %q, want empty", k, got)
		}
		if h := head(t, s, k); h.Rev != 2 {
			t.Errorf("old feed %s rev = %d, want 2", k, h.Rev)
		}
	}
	for _, slug := range b.PreviousSlugs {
		if got, err := s.GetBySlug(ctx(t), slug); err != nil || got.ID != "big" {
			t.Errorf("GetBySlug(%.12s…) = %q, %v; want big", slug, got.ID, err)
		}
	}
	for _, k := range b.Feeds() {
		if got := feedIDs(t, s, k); !slices.Equal(got, []string{"big"}) {
			t.Errorf("new feed %s = %q, want [big]", k, got)
		}
	}
	p, err := s.ListFeed(ctx(t), b.Feeds()[5], article.ListOptions{})
	if err != nil || len(p.Articles) != 1 {
		t.Fatalf("ListFeed = %q, %v", ids(p), err)
	}
	b.PreviousSlugs = nil // feed listings name the current slug only
	checkSame(t, "feed entry", p.Articles[0], b)
}

// longSlug is a slug of 128 bytes, the longest article.ValidSlug allows.
func longSlug(i int) string {
	s := fmt.Sprintf("ime-%03d-", i)
	return s + strings.Repeat("x", 128-len(s))
}
