package dynamo_test

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// rawHead reads the site feed's head item as stored.
func rawHead(t *testing.T, client *dynamodb.Client, table string) map[string]types.AttributeValue {
	t.Helper()
	out, err := client.GetItem(t.Context(), &dynamodb.GetItemInput{
		TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{
			dynamo.AttrPK: &types.AttributeValueMemberS{Value: "HEAD#site"},
			dynamo.AttrSK: &types.AttributeValueMemberS{Value: "HEAD"},
		},
	})
	if err != nil || out.Item == nil {
		t.Fatalf("GetItem(HEAD#site) = %v, %v", out, err)
	}
	return out.Item
}

func pendingArticle(id string, at, saved time.Time) article.Article {
	return article.Article{ID: id, Slug: id, Title: "Ембарго " + id, Section: "Свят",
		Status: article.StatusPublished, PublishedAt: at, CreatedAt: saved, UpdatedAt: saved, Version: 1}
}

// TestHeadItemIgnoresPending: the site head, the item every feed request
// reads, is byte for byte the same after any number of pending articles
// (it used to gain a ~100-byte attribute per pending article, and ~4,000
// would have passed DynamoDB's 400 KB item limit and failed every save
// that writes it).
func TestHeadItemIgnoresPending(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	s := dynamo.New(client, table)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	live := pendingArticle("live", t0.Add(-time.Hour), t0.Add(-time.Hour))
	if err := s.Save(t.Context(), live, 0); err != nil {
		t.Fatal(err)
	}
	before := rawHead(t, client, table)
	for i := range 25 {
		a := pendingArticle(fmt.Sprintf("pending-%02d", i), t0.Add(time.Duration(i+1)*time.Hour), t0)
		if err := s.Save(t.Context(), a, 0); err != nil {
			t.Fatal(err)
		}
	}
	if after := rawHead(t, client, table); !reflect.DeepEqual(after, before) {
		t.Errorf("site head after 25 pending saves has %q, want it as before: %q",
			slices.Sorted(maps.Keys(after)), slices.Sorted(maps.Keys(before)))
	}
	// The release finds them in their own partition all the same.
	got, err := s.Release(t.Context(), t0.Add(3*time.Hour))
	if err != nil || len(got) != 3 {
		t.Fatalf("Release = %d articles, %v; want 3", len(got), err)
	}
}

// TestReleaseDropsLegacyPendingAttribute: a head written before pending
// articles left it holds a sched:<id> attribute per pending article; the
// release of that article removes it, so such tables shrink back.
func TestReleaseDropsLegacyPendingAttribute(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	s := dynamo.New(client, table)
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	if err := s.Save(t.Context(), pendingArticle("live", t0.Add(-time.Hour), t0.Add(-time.Hour)), 0); err != nil {
		t.Fatal(err)
	}
	a := pendingArticle("old", t0.Add(time.Hour), t0)
	if err := s.Save(t.Context(), a, 0); err != nil {
		t.Fatal(err)
	}
	// As the earlier code left it.
	_, err := client.UpdateItem(t.Context(), &dynamodb.UpdateItemInput{
		TableName: aws.String(table),
		Key: map[string]types.AttributeValue{
			dynamo.AttrPK: &types.AttributeValueMemberS{Value: "HEAD#site"},
			dynamo.AttrSK: &types.AttributeValueMemberS{Value: "HEAD"},
		},
		UpdateExpression:          aws.String("SET #s = :t"),
		ExpressionAttributeNames:  map[string]string{"#s": "sched:old"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberS{Value: a.PublishedAt.Format(time.RFC3339Nano)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := s.FeedHead(t.Context(), article.SiteFeed); err != nil || h.Rev != 1 {
		t.Fatalf("FeedHead with a legacy attribute = rev %d, %v; want rev 1", h.Rev, err)
	}
	if got, err := s.Release(t.Context(), t0.Add(2*time.Hour)); err != nil || len(got) != 1 {
		t.Fatalf("Release = %d articles, %v; want 1", len(got), err)
	}
	if _, ok := rawHead(t, client, table)["sched:old"]; ok {
		t.Error("the released article's legacy sched: attribute is still on the site head")
	}
}
