package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

// race runs n saves at once and sorts their outcomes: the indexes of the
// winners, and the errors that were not ErrVersionMismatch.
func race(t *testing.T, n int, save func(i int) error) (won []int, odd []error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Go(func() {
			<-start
			err := save(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, i)
			case !errors.Is(err, article.ErrVersionMismatch):
				odd = append(odd, err)
			}
		})
	}
	close(start)
	wg.Wait()
	return won, odd
}

func testConcurrentUpdates(t *testing.T, s Store) {
	const n = 50
	a := create(t, s, inFeeds("a", t0))
	won, odd := race(t, n, func(i int) error {
		b := a
		b.Title = fmt.Sprintf("Версия %d", i)
		b.Version = 2
		return s.Save(ctx(t), b, 1)
	})
	for _, err := range odd {
		t.Errorf("concurrent Save = %v, want nil or ErrVersionMismatch", err)
	}
	if len(won) != 1 {
		t.Fatalf("%d of %d concurrent saves with the same prev won (%v), want exactly 1", len(won), n, won)
	}
	got := mustGet(t, s, "a")
	if want := fmt.Sprintf("Версия %d", won[0]); got.Title != want || got.Version != 2 {
		t.Errorf("stored = %q version %d, want the winner's %q version 2", got.Title, got.Version, want)
	}
	p, err := s.ListFeed(ctx(t), worldFeed, article.ListOptions{})
	if err != nil || len(p.Articles) != 1 || p.Articles[0].Title != got.Title {
		t.Errorf("section feed = %q, %v; want the winner's entry only", ids(p), err)
	}
}

func testConcurrentCreates(t *testing.T, s Store) {
	const n = 50
	won, odd := race(t, n, func(i int) error {
		a := newArticle("a", t0)
		a.Slug = fmt.Sprintf("kandidat-%d", i)
		return s.Save(ctx(t), a, 0)
	})
	for _, err := range odd {
		t.Errorf("concurrent create = %v, want nil or ErrVersionMismatch", err)
	}
	if len(won) != 1 {
		t.Fatalf("%d of %d concurrent creates of one ID won (%v), want exactly 1", len(won), n, won)
	}
	for i := 0; i < n; i++ {
		slug := fmt.Sprintf("kandidat-%d", i)
		got, err := s.GetBySlug(ctx(t), slug)
		switch {
		case i == won[0] && (err != nil || got.ID != "a"):
			t.Errorf("GetBySlug(winner's %s) = %q, %v; want a", slug, got.ID, err)
		case i != won[0] && !errsNotFound(err):
			t.Errorf("GetBySlug(loser's %s) = %q, %v; want ErrNotFound", slug, got.ID, err)
		}
	}
}

// testConcurrentSameFeed saves different articles at once. They all touch
// the site and section heads, which a store must serialise (DynamoDB
// cancels transactions that collide on an item) without losing a save or a
// revision.
func testConcurrentSameFeed(t *testing.T, s Store) {
	const n = 20
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Go(func() {
			a := inFeeds(fmt.Sprintf("c%02d", i), t0)
			if err := s.Save(ctx(t), a, 0); err != nil {
				t.Errorf("Save(%s) = %v", a.ID, err)
			}
		})
	}
	wg.Wait()
	if got := feedIDs(t, s, worldFeed); len(got) != n {
		t.Errorf("section feed has %d articles, want %d", len(got), n)
	}
	for _, k := range []article.FeedKey{siteFeed, worldFeed, natoFeed, ivanFeed} {
		if h := head(t, s, k); h.Rev != n {
			t.Errorf("FeedHead(%s).Rev = %d, want %d", k, h.Rev, n)
		}
	}
}
