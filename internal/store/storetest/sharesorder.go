package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// SharesStore is a store that lists articles most shared first.
type SharesStore interface {
	Store
	ListByShares(ctx context.Context, opts article.SharesListOptions) (article.SharesPage, error)
}

// RunSharesOrder checks the most-shared list: order by total, ties newest
// first, drafts in and deleted articles out, paging with every page size,
// and the order following later clicks and saves. open returns an empty
// store and settle, which brings the list up to date with every write
// made so far (the DynamoDB store's aggregator runs on the stream there;
// the bolt store needs nothing).
func RunSharesOrder(t *testing.T, open func(t *testing.T) (s SharesStore, settle func(t *testing.T))) {
	s, settle := open(t)
	hour := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	click := func(id, network string, n int) {
		t.Helper()
		for range n {
			if err := s.IncrementShare(ctx(t), id, network); err != nil {
				t.Fatalf("IncrementShare(%s, %s) = %v", id, network, err)
			}
		}
	}
	a := create(t, s, newArticle("a", hour(1)))
	create(t, s, newArticle("b", hour(2)))
	create(t, s, newArticle("c", hour(3)))
	create(t, s, newArticle("d", hour(4)))
	create(t, s, newArticle("e", hour(5)))
	f := create(t, s, newArticle("f", hour(6)))
	draft := newArticle("g", time.Time{})
	draft.Status, draft.CreatedAt = article.StatusDraft, hour(-1)
	create(t, s, draft)
	// Same instant as b: the ID breaks the tie, as in the newest-first list.
	create(t, s, newArticle("h", hour(2)))

	click("a", "facebook", 2)
	click("a", "x", 1)        // a: 3
	click("b", "viber", 3)    // b: 3, newer than a
	click("h", "facebook", 3) // h: 3, same time as b, ID above it
	click("c", "x", 5)        // c: 5
	click("f", "facebook", 9) // f: 9, then deleted
	click("g", "email", 1)    // the draft: 1
	update(t, s, f, func(x *article.Article) { x.Deleted = true })
	settle(t)

	want := []string{"c", "h", "b", "a", "g", "e", "d"}
	totals := map[string]int64{"c": 5, "h": 3, "b": 3, "a": 3, "g": 1}
	checkSharesOrder(t, s, "first", want, totals)

	// More clicks move d up; a later publication time moves a above its
	// ties.
	click("d", "x", 4)
	update(t, s, a, func(x *article.Article) { x.PublishedAt = hour(10) })
	settle(t)
	want = []string{"c", "d", "a", "h", "b", "g", "e"}
	totals["d"] = 4
	checkSharesOrder(t, s, "after clicks and a save", want, totals)

	got, err := s.ListByShares(ctx(t), article.SharesListOptions{After: article.SharesPosition{Total: 3, Time: hour(2), ID: "h"}})
	if err != nil || !slices.Equal(sharesIDs(got), []string{"b", "g", "e"}) {
		t.Errorf("ListByShares after (3, b's time, h) = %q, %v; want [b g e]", sharesIDs(got), err)
	}
}

// checkSharesOrder pages through the most-shared list with every page
// size from 1 to past its length and checks each page against want.
func checkSharesOrder(t *testing.T, s SharesStore, when string, want []string, totals map[string]int64) {
	t.Helper()
	for limit := 1; limit <= len(want)+1; limit++ {
		var got []string
		var after article.SharesPosition
		for pages := 0; ; pages++ {
			if pages > len(want) {
				t.Fatalf("%s, limit %d: more pages than articles", when, limit)
			}
			p, err := s.ListByShares(ctx(t), article.SharesListOptions{Limit: limit, After: after})
			if err != nil {
				t.Fatalf("%s, limit %d: ListByShares = %v", when, limit, err)
			}
			if len(p.Articles) > limit || len(p.Totals) != len(p.Articles) {
				t.Fatalf("%s, limit %d: page of %d articles, %d totals", when, limit, len(p.Articles), len(p.Totals))
			}
			for i, a := range p.Articles {
				got = append(got, a.ID)
				if p.Totals[i] != totals[a.ID] {
					t.Errorf("%s: total of %s = %d, want %d", when, a.ID, p.Totals[i], totals[a.ID])
				}
				if a.Title == "" || a.Version == 0 {
					t.Errorf("%s: %s is not the whole article: %+v", when, a.ID, a)
				}
			}
			if p.Next.IsZero() {
				break
			}
			if len(p.Articles) != limit {
				t.Errorf("%s, limit %d: a page of %d before the last", when, limit, len(p.Articles))
			}
			after = p.Next
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s, limit %d: most shared = %q, want %q", when, limit, got, want)
		}
	}
}

func sharesIDs(p article.SharesPage) []string {
	out := make([]string, len(p.Articles))
	for i := range p.Articles {
		out[i] = p.Articles[i].ID
	}
	return out
}

// BenchListByShares20 measures the first page of 20 of the most-shared
// list over n articles, each with a few shares, after settle.
func BenchListByShares20(b *testing.B, s SharesStore, settle func(b *testing.B), n int) {
	for i := range n {
		a := newArticle(fmt.Sprintf("s%05d", i), t0.Add(-time.Duration(i)*time.Minute))
		a.Version = 1
		if err := s.Save(b.Context(), a, 0); err != nil {
			b.Fatalf("seed article %d: %v", i, err)
		}
		for range i % 4 {
			if err := s.IncrementShare(b.Context(), a.ID, "facebook"); err != nil {
				b.Fatalf("share article %d: %v", i, err)
			}
		}
	}
	settle(b)
	b.ResetTimer()
	for b.Loop() {
		p, err := s.ListByShares(b.Context(), article.SharesListOptions{Limit: 20})
		if err != nil || len(p.Articles) != min(20, n) {
			b.Fatalf("ListByShares = %d articles, %v", len(p.Articles), err)
		}
	}
}
