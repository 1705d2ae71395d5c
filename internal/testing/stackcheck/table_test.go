package stackcheck

import (
	"slices"
	"sort"
	"testing"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func TestTableMatchesTheStore(t *testing.T) {
	tp := template(t)
	tables := tp.Resources("AWS::DynamoDB::Table")
	table := tables["ArticlesTable"]
	if len(tables) != 1 || table == nil {
		t.Fatalf("tables = %v, want ArticlesTable only", sortedKeys(tables))
	}
	for _, p := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
		if got := String(table, p); got != "Retain" {
			t.Errorf("%s = %q, want Retain: deleting the stack must never delete the articles", p, got)
		}
	}
	props := table["Properties"]
	for _, c := range []struct {
		path []any
		want any
	}{
		{[]any{"BillingMode"}, "PAY_PER_REQUEST"},
		{[]any{"PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"}, true},
		{[]any{"SSESpecification", "SSEEnabled"}, true},
		{[]any{"StreamSpecification", "StreamViewType"}, "NEW_AND_OLD_IMAGES"},
		{[]any{"KeySchema", 0, "AttributeName"}, dynamo.AttrPK},
		{[]any{"KeySchema", 0, "KeyType"}, "HASH"},
		{[]any{"KeySchema", 1, "AttributeName"}, dynamo.AttrSK},
		{[]any{"KeySchema", 1, "KeyType"}, "RANGE"},
	} {
		if got, _ := Get(props, c.path...); got != c.want {
			t.Errorf("ArticlesTable %v = %v, want %v", c.path, got, c.want)
		}
	}
	want := map[string][2]string{
		dynamo.IndexAdmin:  {dynamo.AttrGSI1PK, dynamo.AttrGSI1SK},
		dynamo.IndexFeed:   {dynamo.AttrFeed, dynamo.AttrFeedSort},
		dynamo.IndexShares: {dynamo.AttrSharesPart, dynamo.AttrSharesRank},
	}
	gsis, _ := Get(props, "GlobalSecondaryIndexes")
	got := map[string][2]string{}
	for _, g := range gsis.([]any) {
		got[String(g, "IndexName")] = [2]string{String(g, "KeySchema", 0, "AttributeName"), String(g, "KeySchema", 1, "AttributeName")}
		if p := String(g, "Projection", "ProjectionType"); p != "ALL" {
			t.Errorf("index %s projects %s, want ALL (a feed page is one Query)", String(g, "IndexName"), p)
		}
	}
	if len(got) != len(want) {
		t.Errorf("indexes = %v, want %v", got, want)
	}
	for name, keys := range want {
		if got[name] != keys {
			t.Errorf("index %s keys = %v, want %v", name, got[name], keys)
		}
	}
	defs, _ := Get(props, "AttributeDefinitions")
	var attrs []string
	for _, d := range defs.([]any) {
		attrs = append(attrs, String(d, "AttributeName"))
	}
	sort.Strings(attrs)
	wantAttrs := []string{dynamo.AttrPK, dynamo.AttrSK, dynamo.AttrGSI1PK, dynamo.AttrGSI1SK, dynamo.AttrFeed, dynamo.AttrFeedSort,
		dynamo.AttrSharesPart, dynamo.AttrSharesRank}
	sort.Strings(wantAttrs)
	if !slices.Equal(attrs, wantAttrs) {
		t.Errorf("AttributeDefinitions = %q, want %q", attrs, wantAttrs)
	}
}
