package dynamo_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/store/storetest"
)

// meter sums the capacity the store reports, by op.
type meter struct {
	mu    sync.Mutex
	units map[string]float64
	calls map[string]int
}

func newMeter() *meter { return &meter{units: map[string]float64{}, calls: map[string]int{}} }

func (m *meter) hook(op string, units float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.units[op] += units
	m.calls[op]++
}

// perCall returns the units per request of the ops starting with prefix.
func (m *meter) perCall(prefix string) (units float64, calls int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for op, u := range m.units {
		if strings.HasPrefix(op, prefix) {
			units += u
			calls += m.calls[op]
		}
	}
	return units, calls
}

func TestCapacityHook(t *testing.T) {
	m := newMeter()
	s := open(t, dynamo.WithCapacityHook(m.hook))
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	a := article.Article{ID: "a", Slug: "a", Title: "А", PublishedAt: at, CreatedAt: at, UpdatedAt: at,
		Status: article.StatusPublished, Section: "Свят", Version: 1}
	if err := s.Save(t.Context(), a, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetBySlug(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FeedHead(t.Context(), article.SiteFeed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ListFeed(t.Context(), article.SiteFeed, article.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(t.Context(), article.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.IncrementShare(t.Context(), "a", "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ShareCounts(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"Save:GetItem": 1, "Save:TransactWriteItems": 1, "Get:GetItem": 1, "GetBySlug:GetItem": 1,
		"FeedHead:GetItem": 1, "ListFeed:Query": 1, "List:Query": 1,
		// Counts are summed over every shard: one Query each, and one
		// GetItem for the counter item of earlier releases.
		"IncrementShare:UpdateItem": 1, "ShareCounts:GetItem": 1, "ShareCounts:Query": dynamo.ShareShards,
	}
	for op, n := range want {
		if m.calls[op] != n {
			t.Errorf("hook called %d times for %s, want %d", m.calls[op], op, n)
		}
		// moto reports no capacity for TransactWriteItems; DynamoDB does.
		if op != "Save:TransactWriteItems" && m.units[op] <= 0 {
			t.Errorf("%s reported %g capacity units, want more than 0", op, m.units[op])
		}
	}
	for op := range m.calls {
		if _, ok := want[op]; !ok {
			t.Errorf("hook called for unexpected op %s", op)
		}
	}
	t.Logf("capacity units by op: %v", m.units)
}

func bench(b *testing.B, prefix string, run func(*testing.B, storetest.Store)) {
	m := newMeter()
	run(b, open(b, dynamo.WithCapacityHook(m.hook)))
	units, calls := m.perCall(prefix)
	b.ReportMetric(units/float64(b.N), "CU/op")
	b.ReportMetric(float64(calls)/float64(b.N), "requests/op")
}

func BenchmarkFeedHead(b *testing.B)   { bench(b, "FeedHead:", storetest.BenchFeedHead) }
func BenchmarkListFeed20(b *testing.B) { bench(b, "ListFeed:", storetest.BenchListFeed20) }
