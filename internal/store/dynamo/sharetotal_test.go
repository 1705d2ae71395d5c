package dynamo_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/dynamotest"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/store/storetest"
	"github.com/newsdesk/syndicate/internal/tally"
)

// TestSharesOrder runs the most-shared conformance scenario with the
// aggregator on the real stream: settle reads every record written since
// the last settle from moto's DynamoDB Streams API and hands them, as one
// Lambda batch, to the aggregator functions/tally runs.
func TestSharesOrder(t *testing.T) {
	storetest.RunSharesOrder(t, func(t *testing.T) (storetest.SharesStore, func(*testing.T)) {
		s, settle := openAggregated(t)
		return s, func(t *testing.T) { settle(t) }
	})
}

// openAggregated returns a store on a fresh table with its stream on, and
// a function that feeds the stream's new records to the aggregator.
func openAggregated(t testing.TB, opts ...dynamo.Option) (*dynamo.Store, func(testing.TB)) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	stream := dynamotest.EnableStream(t, client, table)
	s := dynamo.New(client, table, append([]dynamo.Option{dynamo.WithConsistentReads()}, opts...)...)
	agg := tally.New(tally.Options{Totals: s, Article: dynamo.StreamShareArticle})
	return s, func(t testing.TB) {
		t.Helper()
		e := stream.Next(t)
		res, err := agg.Handle(t.Context(), e)
		if err != nil || len(res.BatchItemFailures) != 0 {
			t.Fatalf("aggregate %d records = %v, %v", len(e.Records), res.BatchItemFailures, err)
		}
	}
}

// BenchmarkListByShares20: one Query and one BatchGetItem whatever the
// number of articles, so 100 stands for any.
func BenchmarkListByShares20(b *testing.B) {
	m := newMeter()
	s, settle := openAggregated(b, dynamo.WithCapacityHook(m.hook))
	storetest.BenchListByShares20(b, s, func(b *testing.B) { settle(b) }, 100)
	units, calls := m.perCall("ListByShares:")
	b.ReportMetric(units/float64(b.N), "CU/op")
	b.ReportMetric(float64(calls)/float64(b.N), "requests/op")
}

// BenchmarkRecomputeShareTotal: the aggregator's work per article per
// batch (dynamo.ShareTotalRequests requests, one after another).
func BenchmarkRecomputeShareTotal(b *testing.B) {
	client := dynamotest.Client(b)
	s := dynamo.New(client, dynamotest.Table(b, client), dynamo.WithConsistentReads())
	a := article.Article{ID: "a", Slug: "a", Title: "A", Status: article.StatusPublished, Version: 1}
	if err := s.Save(b.Context(), a, 0); err != nil {
		b.Fatal(err)
	}
	for range 2 * dynamo.ShareShards {
		if err := s.IncrementShare(b.Context(), "a", "facebook"); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := s.RecomputeShareTotal(b.Context(), "a"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestStreamShareArticle(t *testing.T) {
	tests := []struct {
		pk, sk string
		id     string
		ok     bool
	}{
		{"SHARES#a-1#0", "SHARES#2026-03-01", "a-1", true},
		{"SHARES#a-1#15", "SHARES#2026-03-01", "a-1", true},
		{"ARTICLE#a-1", "ARTICLE", "a-1", true},
		{"ARTICLE#a-1", "SHARES", "", false}, // the legacy counter: never written
		{"ARTICLE#a-1", "FEED#site", "", false},
		{"SLUG#slug", "SLUG", "", false},
		{"HEAD#site", "HEAD", "", false},
		{dynamo.TotalPartitionPrefix + "a-1", "TOTAL", "", false}, // the aggregator's own writes
		{"SHARES#", "SHARES#2026-03-01", "", false},
		{"SHARES#a b#1", "SHARES#2026-03-01", "", false},
	}
	for _, tc := range tests {
		r := events.DynamoDBStreamRecord{Keys: map[string]events.DynamoDBAttributeValue{
			dynamo.AttrPK: events.NewStringAttribute(tc.pk), dynamo.AttrSK: events.NewStringAttribute(tc.sk),
		}}
		if id, ok := dynamo.StreamShareArticle(&r); id != tc.id || ok != tc.ok {
			t.Errorf("StreamShareArticle(%s, %s) = %q, %t; want %q, %t", tc.pk, tc.sk, id, ok, tc.id, tc.ok)
		}
	}
	if strings.HasPrefix(dynamo.TotalPartitionPrefix, dynamo.SharePartitionPrefix) {
		t.Errorf("total items (%s) fall under the counters' prefix %s: the aggregator would wake itself", dynamo.TotalPartitionPrefix, dynamo.SharePartitionPrefix)
	}
}
