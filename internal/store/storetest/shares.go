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
	steps := []struct {
		network string
		want    int64
	}{{"facebook", 1}, {"facebook", 2}, {"viber", 1}, {"facebook", 3}, {"x", 1}}
	for _, st := range steps {
		n, err := s.IncrementShare(ctx(t), "a", st.network)
		if err != nil || n != st.want {
			t.Errorf("IncrementShare(a, %s) = %d, %v; want %d", st.network, n, err, st.want)
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
	if _, err := s.IncrementShare(ctx(t), "a", ""); err == nil {
		t.Errorf("IncrementShare(a, \"\") = nil error, want one")
	}
}

func testConcurrentShares(t *testing.T, s Store) {
	const workers, each = 20, 5
	networks := []string{"facebook", "x"}
	var mu sync.Mutex
	returned := map[string]map[int64]bool{"facebook": {}, "x": {}}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			network := networks[w%2]
			for i := 0; i < each; i++ {
				n, err := s.IncrementShare(ctx(t), "a", network)
				if err != nil {
					t.Errorf("IncrementShare(a, %s) = %v", network, err)
					return
				}
				mu.Lock()
				if returned[network][n] {
					t.Errorf("IncrementShare(a, %s) returned %d twice", network, n)
				}
				returned[network][n] = true
				mu.Unlock()
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
