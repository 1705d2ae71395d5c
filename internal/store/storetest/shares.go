package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

func testShares(t *testing.T, s Store) {
	a := create(t, s, newArticle("a", t0))

	got, err := s.ShareCounts(ctx(t), "a")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ShareCounts before any share = %v (nil: %t), %v; want an empty map", got, got == nil, err)
	}
	for _, network := range []string{"facebook", "facebook", "viber", "facebook", "x"} {
		if err := s.IncrementShare(ctx(t), "a", network); err != nil {
			t.Errorf("IncrementShare(a, %s) = %v", network, err)
		}
	}
	got, err = s.ShareCounts(ctx(t), "a")
	want := map[string]int64{"facebook": 3, "viber": 1, "x": 1}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ShareCounts = %v, %v; want %v", got, err, want)
	}
	checkSame(t, "article after shares", mustGet(t, s, "a"), a)
	if err := s.Save(ctx(t), func() article.Article { b := a; b.Version = 2; return b }(), 1); err != nil {
		t.Errorf("Save after shares with prev 1 = %v, want nil: counting must not bump the version", err)
	}
	if err := s.IncrementShare(ctx(t), "a", ""); err == nil {
		t.Errorf("IncrementShare(a, \"\") = nil error, want one")
	}
}

// testConcurrentShares: a burst of concurrent clicks on one article, over
// more increments than the dynamo store has counter shards, loses none.
func testConcurrentShares(t *testing.T, s Store) {
	const workers, each = 20, 10
	networks := []string{"facebook", "x"}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			network := networks[w%2]
			for i := 0; i < each; i++ {
				if err := s.IncrementShare(ctx(t), "a", network); err != nil {
					t.Errorf("IncrementShare(a, %s) = %v", network, err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := s.ShareCounts(ctx(t), "a")
	want := map[string]int64{"facebook": workers / 2 * each, "x": workers / 2 * each}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ShareCounts after %d concurrent increments = %v, %v; want %v", workers*each, got, err, want)
	}
}
