package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// TestShareShards: a viral article's clicks are spread evenly over
// ShareShards counter items, each its own partition key and none the
// article's, dated by the store's clock, and summed on read.
func TestShareShards(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	day := time.Date(2026, 11, 30, 23, 59, 0, 0, time.FixedZone("EET", 7200)) // 21:59 UTC
	s := dynamo.New(client, table, dynamo.WithClock(func() time.Time { return day }))
	ctx := context.Background()
	const rounds = 3
	for range rounds * dynamo.ShareShards {
		if err := s.IncrementShare(ctx, "a", "facebook"); err != nil {
			t.Fatal(err)
		}
	}
	out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	perPK := map[string]int{}
	for _, item := range out.Items {
		pk := item[dynamo.AttrPK].(*types.AttributeValueMemberS).Value
		sk := item[dynamo.AttrSK].(*types.AttributeValueMemberS).Value
		if !strings.HasPrefix(pk, "SHARES#a#") || sk != "SHARES#2026-11-30" {
			t.Errorf("counter item (%s, %s), want (SHARES#a#<shard>, SHARES#2026-11-30)", pk, sk)
		}
		n := item["facebook"].(*types.AttributeValueMemberN).Value
		if n != "3" {
			t.Errorf("%s holds %s increments, want %d: the shards are not taken in turn", pk, n, rounds)
		}
		perPK[pk]++
	}
	if len(perPK) != dynamo.ShareShards {
		t.Errorf("%d counter partitions, want %d", len(perPK), dynamo.ShareShards)
	}
	counts, err := s.ShareCounts(ctx, "a")
	if err != nil || counts["facebook"] != rounds*dynamo.ShareShards {
		t.Errorf("ShareCounts = %v, %v; want facebook %d", counts, err, rounds*dynamo.ShareShards)
	}
	// The next day starts new items; the total spans both.
	day = day.Add(time.Hour)
	if err := s.IncrementShare(ctx, "a", "x"); err != nil {
		t.Fatal(err)
	}
	counts, err = s.ShareCounts(ctx, "a")
	if err != nil || counts["facebook"] != rounds*dynamo.ShareShards || counts["x"] != 1 {
		t.Errorf("ShareCounts over two days = %v, %v", counts, err)
	}
}
