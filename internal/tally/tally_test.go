package tally

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
)

// fakeTotals records recomputes and fails the IDs in fail.
type fakeTotals struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]bool
}

func (f *fakeTotals) RecomputeShareTotal(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, id)
	if f.fail[id] {
		return errors.New("injected")
	}
	return nil
}

// record is a stream record whose "pk" key is pk; the fake reader takes
// "A#<id>" for a record of article id.
func record(seq, pk string) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{Change: events.DynamoDBStreamRecord{
		SequenceNumber: seq,
		Keys:           map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute(pk)},
	}}
}

func fakeArticle(r *events.DynamoDBStreamRecord) (string, bool) {
	return strings.CutPrefix(r.Keys["pk"].String(), "A#")
}

func TestHandle(t *testing.T) {
	batch := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("1", "A#a"), record("2", "HEAD#site"), record("3", "A#b"),
		record("4", "A#a"), record("5", "A#c"), record("6", "A#b"), record("7", "SLUG#x"),
	}}
	tests := []struct {
		name   string
		fail   map[string]bool
		failed []string
	}{
		{"all recomputed", nil, nil},
		{"a failure reports every record of its article", map[string]bool{"b": true}, []string{"3", "6"}},
		{"two failures", map[string]bool{"a": true, "c": true}, []string{"1", "4", "5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeTotals{fail: tc.fail}
			res, err := New(Options{Totals: f, Article: fakeArticle, Concurrency: 2}).Handle(t.Context(), batch)
			if err != nil {
				t.Fatal(err)
			}
			calls := slices.Sorted(slices.Values(f.calls))
			if want := []string{"a", "b", "c"}; !slices.Equal(calls, want) {
				t.Errorf("recomputed %q, want %q: once per article, however many records", calls, want)
			}
			var failed []string
			for _, r := range res.BatchItemFailures {
				failed = append(failed, r.ItemIdentifier)
			}
			slices.Sort(failed)
			if !slices.Equal(failed, tc.failed) {
				t.Errorf("BatchItemFailures = %q, want %q", failed, tc.failed)
			}
			if res.BatchItemFailures == nil {
				t.Error("BatchItemFailures is null; Lambda wants a list")
			}
		})
	}
	t.Run("empty batch", func(t *testing.T) {
		f := &fakeTotals{}
		res, err := New(Options{Totals: f, Article: fakeArticle}).Handle(t.Context(), events.DynamoDBEvent{})
		if err != nil || len(res.BatchItemFailures) != 0 || len(f.calls) != 0 {
			t.Errorf("empty batch: %v, %v, %d recomputes", res, err, len(f.calls))
		}
	})
}

// pagedList lists ids in pages of size.
type pagedList struct {
	ids  []string
	size int
	fail error
}

func (l *pagedList) List(_ context.Context, opts article.ListOptions) (article.Page, error) {
	if l.fail != nil {
		return article.Page{}, l.fail
	}
	start := 0
	if !opts.After.IsZero() {
		start = slices.Index(l.ids, opts.After.ID) + 1
	}
	end := min(start+min(l.size, opts.Limit), len(l.ids))
	var p article.Page
	for _, id := range l.ids[start:end] {
		p.Articles = append(p.Articles, article.Article{ID: id})
	}
	if end < len(l.ids) {
		p.Next = article.Position{ID: l.ids[end-1]}
	}
	return p, nil
}

func TestBackfill(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	f := &fakeTotals{}
	n, err := New(Options{Totals: f, Article: fakeArticle}).Backfill(t.Context(), &pagedList{ids: ids, size: 2})
	if err != nil || n != 5 {
		t.Errorf("Backfill = %d, %v; want 5, nil", n, err)
	}
	if got := slices.Sorted(slices.Values(f.calls)); !slices.Equal(got, ids) {
		t.Errorf("recomputed %q, want %q", got, ids)
	}

	f = &fakeTotals{fail: map[string]bool{"d": true}}
	n, err = New(Options{Totals: f, Article: fakeArticle}).Backfill(t.Context(), &pagedList{ids: ids, size: 2})
	if err == nil || n != 3 {
		t.Errorf("Backfill with d failing = %d, %v; want 3 and an error naming d", n, err)
	}
	if err != nil && !strings.Contains(err.Error(), `"d"`) {
		t.Errorf("error %q does not name d", err)
	}

	_, err = New(Options{Totals: &fakeTotals{}, Article: fakeArticle}).Backfill(t.Context(), &pagedList{fail: article.ErrUnavailable})
	if !errors.Is(err, article.ErrUnavailable) {
		t.Errorf("Backfill with the list failing = %v, want ErrUnavailable", err)
	}
}

// hangingTotals never answers for "slow", as a request DynamoDB never
// answers would not.
type hangingTotals struct{ fakeTotals }

func (h *hangingTotals) RecomputeShareTotal(ctx context.Context, id string) error {
	if id == "slow" {
		<-ctx.Done()
		return ctx.Err()
	}
	return h.fakeTotals.RecomputeShareTotal(ctx, id)
}

// TestArticleTimeout: a hung recompute fails its own article's records
// only, within ArticleTimeout.
func TestArticleTimeout(t *testing.T) {
	h := &hangingTotals{}
	agg := New(Options{Totals: h, Article: fakeArticle, ArticleTimeout: 10 * time.Millisecond})
	res, err := agg.Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("1", "A#slow"), record("2", "A#ok"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 1 || res.BatchItemFailures[0].ItemIdentifier != "1" {
		t.Errorf("BatchItemFailures = %v, want the hung article's record 1 only", res.BatchItemFailures)
	}
	if !slices.Equal(h.calls, []string{"ok"}) {
		t.Errorf("recomputed %q, want ok", h.calls)
	}
}
