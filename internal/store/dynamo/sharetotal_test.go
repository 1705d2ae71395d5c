package dynamo_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/store/storetest"
	"github.com/newsdesk/syndicate/internal/tally"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
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

// TestRecomputeNeverGoesBack: the total item is only replaced by a
// recompute that read counts and an article version at least as new as
// the stored ones, so a slow recompute racing a newer one cannot undo it.
// Here a "newer" item is planted by hand: more clicks than the counters
// hold. The recompute refuses to overwrite it (after re-reading), and
// succeeds again once the counters have caught up.
func TestRecomputeNeverGoesBack(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	s := dynamo.New(client, table, dynamo.WithConsistentReads())
	ctx := t.Context()
	a := article.Article{ID: "a", Slug: "a", Title: "A", Status: article.StatusPublished, Version: 1}
	if err := s.Save(ctx, a, 0); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.IncrementShare(ctx, "a", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecomputeShareTotal(ctx, "a"); err != nil {
		t.Fatalf("first recompute = %v", err)
	}
	plant := func(total, version int) {
		t.Helper()
		_, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(table),
			Key: map[string]types.AttributeValue{
				dynamo.AttrPK: &types.AttributeValueMemberS{Value: dynamo.TotalPartitionPrefix + "a"},
				dynamo.AttrSK: &types.AttributeValueMemberS{Value: "TOTAL"},
			},
			UpdateExpression:         aws.String("SET #t = :t, #v = :v"),
			ExpressionAttributeNames: map[string]string{"#t": "total", "#v": "version"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":t": &types.AttributeValueMemberN{Value: strconv.Itoa(total)},
				":v": &types.AttributeValueMemberN{Value: strconv.Itoa(version)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	top := func() int64 {
		t.Helper()
		p, err := s.ListByShares(ctx, article.SharesListOptions{})
		if err != nil || len(p.Totals) != 1 {
			t.Fatalf("ListByShares = %+v, %v", p, err)
		}
		return p.Totals[0]
	}
	plant(5, 1) // a recompute that saw 5 clicks
	if err := s.RecomputeShareTotal(ctx, "a"); err == nil {
		t.Error("recompute over a newer total = nil error, want a refusal")
	}
	plant(1, 9) // a recompute that saw a later article version
	if err := s.RecomputeShareTotal(ctx, "a"); err == nil {
		t.Error("recompute over a newer article version = nil error, want a refusal")
	}
	plant(2, 1) // an older recompute
	if err := s.RecomputeShareTotal(ctx, "a"); err != nil {
		t.Errorf("recompute over an older total = %v", err)
	}
	if got := top(); got != 3 {
		t.Errorf("total after recomputing over an older one = %d, want 3", got)
	}
}
