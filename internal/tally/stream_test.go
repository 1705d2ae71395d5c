package tally_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/tally"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// requests counts the store's DynamoDB requests by operation, as its
// capacity hook reports them: once per request answered, SDK retries
// not included.
type requests struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *requests) hook(op string, _ float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n[op]++
}

func (r *requests) take() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.n
	r.n = map[string]int{}
	return out
}

func newArticle(id string, at time.Time) article.Article {
	return article.Article{ID: id, Slug: "slug-" + id, Title: "Заглавие " + id, PublishedAt: at, CreatedAt: at, UpdatedAt: at,
		Status: article.StatusPublished, Language: "bg", Version: 1}
}

func save(t *testing.T, s *dynamo.Store, a article.Article) {
	t.Helper()
	if err := s.Save(t.Context(), a, a.Version-1); err != nil {
		t.Fatalf("Save(%s) = %v", a.ID, err)
	}
}

func click(t *testing.T, s *dynamo.Store, id string, n int) {
	t.Helper()
	for i := range n {
		if err := s.IncrementShare(t.Context(), id, []string{"facebook", "x", "viber"}[i%3]); err != nil {
			t.Fatalf("IncrementShare(%s) = %v", id, err)
		}
	}
}

// ranking is the most-shared list as "id=total" strings.
func ranking(t *testing.T, s *dynamo.Store) []string {
	t.Helper()
	p, err := s.ListByShares(t.Context(), article.SharesListOptions{Limit: 100})
	if err != nil {
		t.Fatalf("ListByShares = %v", err)
	}
	out := make([]string, len(p.Articles))
	for i, a := range p.Articles {
		out[i] = fmt.Sprintf("%s=%d", a.ID, p.Totals[i])
	}
	return out
}

// TestRealStreamRecords feeds the aggregator the records the store really
// writes, read from moto's DynamoDB Streams API: one recompute per
// article per batch at a known number of requests, a batch delivered
// again (whole, or from a record on, as Lambda retries) counting nothing
// twice, and a batch whose writes fail reporting its articles' records
// and recovering when Lambda retries from the earliest of them.
func TestRealStreamRecords(t *testing.T) {
	base := dynamotest.Client(t)
	table := dynamotest.Table(t, base)
	stream := dynamotest.EnableStream(t, base, table)
	reqs := &requests{n: map[string]int{}}
	store := dynamo.New(base, table, dynamo.WithConsistentReads(), dynamo.WithCapacityHook(reqs.hook))
	agg := tally.New(tally.Options{Totals: store, Article: dynamo.StreamShareArticle})
	handle := func(t *testing.T, agg *tally.Aggregator, e events.DynamoDBEvent) []string {
		t.Helper()
		res, err := agg.Handle(t.Context(), e)
		if err != nil {
			t.Fatalf("Handle = %v", err)
		}
		var failed []string
		for _, f := range res.BatchItemFailures {
			failed = append(failed, f.ItemIdentifier)
		}
		return failed
	}

	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	save(t, store, newArticle("a", at))
	save(t, store, newArticle("b", at.Add(time.Hour)))
	save(t, store, newArticle("c", at.Add(2*time.Hour)))
	click(t, store, "a", 5)
	click(t, store, "b", 2)
	e := stream.Next(t)
	reqs.take()
	if failed := handle(t, agg, e); len(failed) != 0 {
		t.Fatalf("first batch (%d records): failures %q", len(e.Records), failed)
	}
	// Three articles touched: each one GetItem of the article, one of the
	// legacy counter, 16 shard Queries and one PutItem, whatever the
	// number of its records.
	want := map[string]int{
		"RecomputeShareTotal:GetItem": 3, "ShareCounts:GetItem": 3,
		"ShareCounts:Query": 3 * dynamo.ShareShards, "RecomputeShareTotal:PutItem": 3,
	}
	if got := reqs.take(); !maps.Equal(got, want) {
		t.Errorf("requests for a batch of %d records on 3 articles = %v, want %v", len(e.Records), got, want)
	}
	t.Logf("batch of %d records on 3 articles: %d requests (%d per article)", len(e.Records), 3*dynamo.ShareTotalRequests, dynamo.ShareTotalRequests)
	wantRank := []string{"a=5", "b=2", "c=0"}
	if got := ranking(t, store); !slices.Equal(got, wantRank) {
		t.Fatalf("after the first batch: %q, want %q", got, wantRank)
	}

	// Lambda delivers a batch again after a timeout or a partial failure:
	// whole, or from the earliest failed record on.
	if failed := handle(t, agg, e); len(failed) != 0 {
		t.Fatalf("batch again: failures %q", failed)
	}
	if failed := handle(t, agg, events.DynamoDBEvent{Records: e.Records[len(e.Records)/2:]}); len(failed) != 0 {
		t.Fatalf("second half again: failures %q", failed)
	}
	if got := ranking(t, store); !slices.Equal(got, wantRank) {
		t.Errorf("after the batch was delivered again: %q, want %q (nothing counted twice)", got, wantRank)
	}

	// Every write of the total fails (the store's retries too): every
	// record of the batch's articles is reported, and nothing changes.
	proxy, client := dynamotest.Proxied(t, base)
	faulty := tally.New(tally.Options{
		Totals:  dynamo.New(client, table, dynamo.WithConsistentReads()),
		Article: dynamo.StreamShareArticle,
	})
	click(t, store, "b", 4)
	b := newArticle("b", at.Add(time.Hour))
	b.Version, b.Title = 2, "Заглавие b, обновено"
	save(t, store, b)
	e = stream.Next(t)
	var wantFailed []string
	for _, r := range e.Records {
		if id, ok := dynamo.StreamShareArticle(&r.Change); ok && id == "b" {
			wantFailed = append(wantFailed, r.Change.SequenceNumber)
		}
	}
	// (moto writes two records for an UpdateItem that creates an item.)
	if len(wantFailed) < 5 {
		t.Fatalf("batch has %d records of b, want at least 5 (4 counter writes and the save)", len(wantFailed))
	}
	if err := proxy.Set(faultproxy.Fault{Mode: faultproxy.ServerError, Op: "PutItem"}); err != nil {
		t.Fatal(err)
	}
	failed := handle(t, faulty, e)
	if err := proxy.Pass(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(failed, wantFailed) {
		t.Errorf("failures while PutItem fails = %q, want every record of b %q", failed, wantFailed)
	}
	if got := ranking(t, store); !slices.Equal(got, wantRank) {
		t.Errorf("after the failed batch: %q, want the previous %q", got, wantRank)
	}
	first := slices.IndexFunc(e.Records, func(r events.DynamoDBEventRecord) bool { return r.Change.SequenceNumber == wantFailed[0] })
	if failed := handle(t, faulty, events.DynamoDBEvent{Records: e.Records[first:]}); len(failed) != 0 {
		t.Fatalf("retry from the earliest failed record: failures %q", failed)
	}
	if got, want := ranking(t, store), []string{"b=6", "a=5", "c=0"}; !slices.Equal(got, want) {
		t.Errorf("after the retry: %q, want %q", got, want)
	}
}

// TestBackfill: clicks counted before the aggregator ran (no stream at
// all here) are in no total until Backfill recomputes every live article;
// running it again changes nothing, and deleted articles stay out.
func TestBackfill(t *testing.T) {
	client := dynamotest.Client(t)
	store := dynamo.New(client, dynamotest.Table(t, client), dynamo.WithConsistentReads())
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := range 7 {
		id := fmt.Sprintf("old%d", i)
		save(t, store, newArticle(id, at.Add(time.Duration(i)*time.Minute)))
		click(t, store, id, (i*3)%7)
	}
	gone := newArticle("old6", at.Add(6*time.Minute))
	gone.Version, gone.Deleted = 2, true
	save(t, store, gone)
	if got := ranking(t, store); len(got) != 0 {
		t.Fatalf("before the backfill: %q, want no totals", got)
	}
	agg := tally.New(tally.Options{Totals: store, Article: dynamo.StreamShareArticle, Concurrency: 3})
	// Clicks (3i mod 7): old0 0, old1 3, old2 6, old3 2, old4 5, old5 1.
	want := []string{"old2=6", "old4=5", "old1=3", "old3=2", "old5=1", "old0=0"}
	for run := range 2 {
		n, err := agg.Backfill(context.Background(), store)
		if err != nil || n != 6 {
			t.Fatalf("Backfill run %d = %d, %v; want 6 live articles", run, n, err)
		}
		if got := ranking(t, store); !slices.Equal(got, want) {
			t.Errorf("after backfill run %d: %q, want %q", run, got, want)
		}
	}
}
