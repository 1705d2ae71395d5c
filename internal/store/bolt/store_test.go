package bolt_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/store/storetest"
)

func open(t testing.TB) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(filepath.Join(t.TempDir(), "data", "syndicate.db"))
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t) })
}

func TestFediverseConformance(t *testing.T) {
	storetest.RunFediverse(t, func(t *testing.T) fediverse.Store { return open(t) })
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syndicate.db")
	s, err := bolt.Open(path)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 5, time.FixedZone("EET", 7200))
	a := article.Article{
		ID: "a", Slug: "zapazeno", Title: "Запазено 💾", PublishedAt: at, CreatedAt: at, UpdatedAt: at,
		Section: "Свят", Status: article.StatusPublished, Version: 1,
	}
	if err := s.Save(t.Context(), a, 0); err != nil {
		t.Fatalf("Save = %v", err)
	}
	if err := s.IncrementShare(t.Context(), "a", "viber"); err != nil {
		t.Fatalf("IncrementShare = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, err := s.Get(t.Context(), "a"); err == nil {
		t.Errorf("Get after Close = nil error, want one")
	}

	s, err = bolt.Open(path)
	if err != nil {
		t.Fatalf("reopen = %v", err)
	}
	defer s.Close()
	got, err := s.GetBySlug(t.Context(), "zapazeno")
	if err != nil || got.Title != a.Title || got.PublishedAt.Format(time.RFC3339Nano) != at.Format(time.RFC3339Nano) {
		t.Errorf("GetBySlug after reopen = %+v, %v; want %+v", got, err, a)
	}
	section := article.FeedKey{Kind: article.FeedSection, Slug: "svyat"}
	if h, err := s.FeedHead(t.Context(), section); err != nil || h.Rev != 1 || h.Key.Name != "Свят" {
		t.Errorf("FeedHead after reopen = %+v, %v; want rev 1 named Свят", h, err)
	}
	if p, err := s.ListFeed(t.Context(), section, article.ListOptions{}); err != nil || len(p.Articles) != 1 {
		t.Errorf("ListFeed after reopen = %d articles, %v; want 1", len(p.Articles), err)
	}
	if c, err := s.ShareCounts(t.Context(), "a"); err != nil || c["viber"] != 1 {
		t.Errorf("ShareCounts after reopen = %v, %v; want viber 1", c, err)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "syndicate.db")
	s := func() *bolt.Store {
		s, err := bolt.Open(path)
		if err != nil {
			t.Fatalf("Open = %v", err)
		}
		return s
	}()
	defer s.Close()
	if s2, err := bolt.Open(path); err == nil {
		s2.Close()
		t.Errorf("second Open of a held file = nil error, want a timeout")
	}
}

func BenchmarkFeedHead(b *testing.B)   { storetest.BenchFeedHead(b, open(b)) }
func BenchmarkListFeed20(b *testing.B) { storetest.BenchListFeed20(b, open(b)) }

func TestDailyShares(t *testing.T) {
	storetest.RunDailyShares(t, func(t *testing.T, now func() time.Time, loc *time.Location) storetest.DailyStore {
		s, err := bolt.Open(filepath.Join(t.TempDir(), "shares.db"), bolt.WithClock(now), bolt.WithLocation(loc))
		if err != nil {
			t.Fatalf("Open = %v", err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

func TestSharesOrder(t *testing.T) {
	storetest.RunSharesOrder(t, func(t *testing.T) (storetest.SharesStore, func(*testing.T)) {
		return open(t), func(*testing.T) {}
	})
}

// BenchmarkListByShares20 ranks every live article per call. (10,000
// articles, 64 ms on this machine, make seeding take minutes per run, so
// make bench stops at 1,000.)
func BenchmarkListByShares20(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			storetest.BenchListByShares20(b, open(b), func(*testing.B) {}, n)
		})
	}
}
