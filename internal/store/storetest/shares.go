package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func testShares(t *testing.T, s Store) {
	a := create(t, s, newArticle("a", t0))

	got, err := s.ShareCounts(ctx(t), "a")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ShareCounts before any share = %v (nil: %t), %v; want an empty map", got, got == nil, err)
	}
	for _, network := range []string{"facebook", "facebook", "viber", "facebook", "x"} {
		increment(t, s, "a", network)
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
// An increment that answered an error may or may not have been counted
// (see increment), so the exact total is wanted only when none did.
func testConcurrentShares(t *testing.T, s Store) {
	const workers, each = 20, 10
	networks := []string{"facebook", "x"}
	var failed [2]atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for i := 0; i < each; i++ {
				if err := s.IncrementShare(ctx(t), "a", networks[w%2]); err != nil {
					t.Logf("IncrementShare(a, %s) = %v", networks[w%2], err)
					failed[w%2].Add(1)
				}
			}
		})
	}
	wg.Wait()
	got, err := s.ShareCounts(ctx(t), "a")
	if err != nil {
		t.Fatalf("ShareCounts after %d concurrent increments = %v", workers*each, err)
	}
	for i, network := range networks {
		sent, failed := int64(workers/2*each), failed[i].Load()
		switch {
		case failed > sent/10:
			t.Errorf("%d of %d increments of %s failed", failed, sent, network)
		case got[network] < sent-failed || got[network] > sent:
			t.Errorf("ShareCounts[%s] after %d concurrent increments (%d of them failed) = %d; want %d", network, sent, failed, got[network], sent)
		}
	}
	if len(got) != len(networks) {
		t.Errorf("ShareCounts after concurrent increments = %v; want only %v", got, networks)
	}
}

// increment counts one share of id on network. A store may answer an
// error for an increment it applied (moto losing its answer on a busy
// machine; the dynamo suite sends UpdateItem without retries, so that such
// a write is not counted twice): the count is read back, and the share is
// sent again only when it was not counted.
func increment(t *testing.T, s Store, id, network string) {
	t.Helper()
	const attempts = 3
	for attempt := 1; ; attempt++ {
		before, err := s.ShareCounts(ctx(t), id)
		if err != nil {
			t.Fatalf("ShareCounts(%s) = %v", id, err)
		}
		err = s.IncrementShare(ctx(t), id, network)
		if err == nil {
			return
		}
		after, rerr := s.ShareCounts(ctx(t), id)
		switch {
		case rerr != nil:
			t.Fatalf("IncrementShare(%s, %s) = %v, then ShareCounts = %v", id, network, err, rerr)
		case after[network] == before[network]+1:
			t.Logf("IncrementShare(%s, %s) = %v, yet counted: read back", id, network, err)
			return
		case attempt == attempts:
			t.Fatalf("IncrementShare(%s, %s) failed %d times, last %v", id, network, attempts, err)
		}
		t.Logf("IncrementShare(%s, %s) = %v, not counted: sent again", id, network, err)
	}
}

// DailyStore is a store whose share counts are also kept by day.
type DailyStore interface {
	Store
	DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error)
}

// RunDailyShares checks per-day share counts. open must return an empty
// store dated by now and keeping days in Europe/Sofia (the site's time
// zone), so that the day boundary is the site's, not UTC's.
func RunDailyShares(t *testing.T, open func(t *testing.T, now func() time.Time, loc *time.Location) DailyStore) {
	sofia, err := time.LoadLocation("Europe/Sofia")
	if err != nil {
		t.Fatalf("LoadLocation(Europe/Sofia) = %v", err)
	}
	var mu sync.Mutex
	clock := time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC) // 23:30 in Sofia, 1 March
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); clock = t }
	s := open(t, now, sofia)
	click := func(at time.Time, network string) {
		t.Helper()
		set(at)
		increment(t, s, "a", network)
	}

	got, err := s.DailyShares(ctx(t), "a", clock.AddDate(0, 0, -30), clock)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("DailyShares before any share = %v (nil: %t), %v; want an empty map", got, got == nil, err)
	}
	click(time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC), "facebook") // 1 March, 23:30 in Sofia
	click(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), "facebook") // 2 March, 01:30 in Sofia
	click(time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC), "x")
	click(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), "viber")
	click(time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC), "x")
	click(time.Date(2026, 2, 27, 8, 0, 0, 0, time.UTC), "x") // before the range below
	increment(t, s, "other", "x")

	tests := []struct {
		name     string
		from, to time.Time
		want     map[string]map[string]int64
	}{
		{"the site's days, not UTC's",
			time.Date(2026, 3, 1, 0, 0, 0, 0, sofia), time.Date(2026, 3, 5, 0, 0, 0, 0, sofia),
			map[string]map[string]int64{
				"2026-03-01": {"facebook": 1},
				"2026-03-02": {"facebook": 1, "viber": 1, "x": 1},
				"2026-03-05": {"x": 1},
			}},
		{"bounds are days in the site's zone, both included",
			time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
			map[string]map[string]int64{"2026-03-02": {"facebook": 1, "viber": 1, "x": 1}}},
		{"a range without shares",
			time.Date(2026, 3, 3, 0, 0, 0, 0, sofia), time.Date(2026, 3, 4, 23, 0, 0, 0, sofia),
			map[string]map[string]int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.DailyShares(ctx(t), "a", tc.from, tc.to)
			if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("DailyShares(a, %s, %s) = %v, %v; want %v", tc.from, tc.to, got, err, tc.want)
			}
		})
	}
	total, err := s.ShareCounts(ctx(t), "a")
	want := map[string]int64{"facebook": 2, "viber": 1, "x": 3}
	if err != nil || fmt.Sprint(total) != fmt.Sprint(want) {
		t.Errorf("ShareCounts = %v, %v; want %v (every day)", total, err, want)
	}
}
