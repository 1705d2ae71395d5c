package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// seedSection creates n public articles in section "Икономика", one a
// minute back from t0, except that every tenth shares the time of the one
// before it, so pages end on ties. It returns the IDs newest first.
func seedSection(t testing.TB, s Store, n int) []string {
	t.Helper()
	ids := make([]string, n)
	at := t0
	for i := 0; i < n; i++ {
		if i%10 != 9 {
			at = at.Add(-time.Minute)
		}
		// IDs grow with i, so among ties the later i sorts first; the
		// expected order is built to match.
		a := newArticle(fmt.Sprintf("p%04d", i), at)
		a.Section = "Икономика"
		a.Version = 1
		if err := s.Save(t.Context(), a, 0); err != nil {
			t.Fatalf("seed article %d: %v", i, err)
		}
		ids[i] = a.ID
	}
	for i := 9; i < n; i += 10 {
		ids[i-1], ids[i] = ids[i], ids[i-1]
	}
	return ids
}

var economyFeed = article.FeedKey{Kind: article.FeedSection, Slug: "ikonomika"}

// testPaging walks every listing of n articles page by page, then checks
// the limits on the same articles (seeding costs moto time that grows
// with the square of the table, so the two share one). With n = 120 pages
// of 7 and 100 end part full, pages of 20 and 40 fit exactly, a page of 7
// ends inside a tie, and n is over MaxLimit.
func testPaging(t *testing.T, s Store) {
	const n = 120
	want := seedSection(t, s, n)

	lists := []struct {
		name  string
		limit int
		list  func(article.ListOptions) (article.Page, error)
	}{
		{"section feed by 7", 7, func(o article.ListOptions) (article.Page, error) { return s.ListFeed(ctx(t), economyFeed, o) }},
		{"site feed by 100", 100, func(o article.ListOptions) (article.Page, error) { return s.ListFeed(ctx(t), siteFeed, o) }},
		{"admin list by 40", 40, func(o article.ListOptions) (article.Page, error) { return s.List(ctx(t), o) }},
		{"section feed by default", 0, func(o article.ListOptions) (article.Page, error) { return s.ListFeed(ctx(t), economyFeed, o) }},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			pageSize := l.limit
			if pageSize == 0 {
				pageSize = 20
			}
			seen := make(map[string]int)
			var got []string
			var after article.Position
			for page := 0; ; page++ {
				if page > n {
					t.Fatalf("paging did not end after %d pages", page)
				}
				p, err := l.list(article.ListOptions{Limit: l.limit, After: after})
				if err != nil {
					t.Fatalf("page %d: %v", page, err)
				}
				last := len(got)+len(p.Articles) == n
				if !last && len(p.Articles) != pageSize {
					t.Fatalf("page %d has %d articles, want %d", page, len(p.Articles), pageSize)
				}
				for _, a := range p.Articles {
					seen[a.ID]++
					got = append(got, a.ID)
				}
				if p.Next.IsZero() {
					if !last {
						t.Fatalf("page %d has no next cursor after %d of %d articles", page, len(got), n)
					}
					break
				}
				if last {
					t.Fatalf("page %d is the last but has next cursor %+v", page, p.Next)
				}
				lastArticle := p.Articles[len(p.Articles)-1]
				if p.Next.ID != lastArticle.ID || !p.Next.Time.Equal(lastArticle.SortTime()) {
					t.Fatalf("page %d: Next = %+v, want the last article's ID %s and sort time %s", page, p.Next, lastArticle.ID, lastArticle.SortTime())
				}
				after = p.Next
			}
			for id, k := range seen {
				if k != 1 {
					t.Errorf("article %s seen %d times, want once", id, k)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("walk order = %q…, want %q…", head10(got), head10(want))
			}
		})
	}

	t.Run("Limits", func(t *testing.T) { testLimits(t, s, want) })

	t.Run("cursor at a deleted article", func(t *testing.T) {
		p, err := s.ListFeed(ctx(t), economyFeed, article.ListOptions{Limit: 5})
		if err != nil {
			t.Fatalf("first page: %v", err)
		}
		gone := p.Articles[4]
		if err := s.Save(ctx(t), gone.Tombstone(t0), gone.Version); err != nil {
			t.Fatalf("delete %s: %v", gone.ID, err)
		}
		p, err = s.ListFeed(ctx(t), economyFeed, article.ListOptions{Limit: 3, After: p.Next})
		if err != nil {
			t.Fatalf("second page: %v", err)
		}
		if got := ids(p); !slices.Equal(got, want[5:8]) {
			t.Errorf("page after a deleted article's cursor = %q, want %q", got, want[5:8])
		}
	})
}

func head10(s []string) []string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// testLimits checks limits on the newest-first IDs want of the section
// seeded by testPaging, more than MaxLimit of them.
func testLimits(t *testing.T, s Store, want []string) {
	tests := []struct {
		limit, want int
	}{{0, 20}, {-5, 20}, {1, 1}, {100, 100}, {101, 100}, {1000, 100}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("limit %d", tc.limit), func(t *testing.T) {
			p, err := s.ListFeed(ctx(t), economyFeed, article.ListOptions{Limit: tc.limit})
			if err != nil {
				t.Fatalf("ListFeed = %v", err)
			}
			if got := ids(p); !slices.Equal(got, want[:tc.want]) {
				t.Errorf("ListFeed(limit %d) has %d articles, want the newest %d", tc.limit, len(got), tc.want)
			}
			if p.Next.IsZero() {
				t.Errorf("ListFeed(limit %d).Next is zero, want a cursor", tc.limit)
			}
			p, err = s.List(ctx(t), article.ListOptions{Limit: tc.limit})
			if err != nil {
				t.Fatalf("List = %v", err)
			}
			if got := ids(p); !slices.Equal(got, want[:tc.want]) {
				t.Errorf("List(limit %d) has %d articles, want the newest %d", tc.limit, len(got), tc.want)
			}
		})
	}
	t.Run("exact fit has no next page", func(t *testing.T) {
		first := len(want) - 50
		p, err := s.ListFeed(ctx(t), economyFeed, article.ListOptions{Limit: first})
		if err != nil || p.Next.IsZero() {
			t.Fatalf("first page = %d articles, next %+v, %v; want %d and a cursor", len(p.Articles), p.Next, err, first)
		}
		p, err = s.ListFeed(ctx(t), economyFeed, article.ListOptions{Limit: 50, After: p.Next})
		if err != nil {
			t.Fatalf("second page: %v", err)
		}
		if got := ids(p); !slices.Equal(got, want[first:]) || !p.Next.IsZero() {
			t.Errorf("second page = %d articles, next %+v; want the oldest 50 and no cursor", len(got), p.Next)
		}
		p, err = s.ListFeed(ctx(t), economyFeed, article.ListOptions{After: article.Position{Time: t0.AddDate(-1, 0, 0), ID: "x"}})
		if err != nil || len(p.Articles) != 0 || !p.Next.IsZero() {
			t.Errorf("ListFeed(after the oldest) = %q, %+v, %v; want an empty last page", ids(p), p.Next, err)
		}
	})
}
