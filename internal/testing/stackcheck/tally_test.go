package stackcheck

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// TestTally checks the share-total aggregator's deployment against the
// code: its event source wakes it for exactly the records
// dynamo.StreamShareArticle acts on, in large batches, with per-record
// failure reports; its role reads the counter shards and the articles'
// own partitions and writes the total items only; it may write to its log
// group.
func TestTally(t *testing.T) {
	tp := template(t)
	fn := tp.Resources("AWS::Serverless::Function")["TallyFunction"]
	if fn == nil {
		t.Fatal("no TallyFunction")
	}
	src, _ := Get(fn, "Properties", "Events", "TableStream", "Properties")
	if got := String(fn, "Properties", "Events", "TableStream", "Type"); got != "DynamoDB" {
		t.Errorf("event type %q, want DynamoDB", got)
	}
	if got := Refs(src.(map[string]any)["Stream"]); !slices.Equal(got, []string{"ArticlesTable"}) {
		t.Errorf("Stream refers to %v, want ArticlesTable's stream", got)
	}
	if v, _ := Get(src, "BisectBatchOnFunctionError"); v != true {
		t.Error("BisectBatchOnFunctionError is not on")
	}
	if got := strs(Must(Get(src, "FunctionResponseTypes"))); !slices.Contains(got, "ReportBatchItemFailures") {
		t.Errorf("FunctionResponseTypes = %v, want ReportBatchItemFailures", got)
	}
	// Many clicks per recompute: a large batch and a window of 30-60 s.
	if v, _ := Get(src, "BatchSize"); v.(int64) < 500 {
		t.Errorf("BatchSize = %v, want a large batch (500 or more)", v)
	}
	if v, _ := Get(src, "MaximumBatchingWindowInSeconds"); v.(int64) < 30 || v.(int64) > 60 {
		t.Errorf("MaximumBatchingWindowInSeconds = %v, want 30 to 60", v)
	}
	if v, ok := Get(src, "MaximumRetryAttempts"); !ok || v.(int64) < 1 {
		t.Errorf("MaximumRetryAttempts = %v, want retries", v)
	}

	// The filters: Lambda's patterns, evaluated here for the two forms
	// used (an exact string, a prefix), against the store's reader.
	type pattern struct {
		DynamoDB struct {
			Keys map[string]map[string][]json.RawMessage `json:"Keys"`
		} `json:"dynamodb"`
	}
	filters, _ := Get(src, "FilterCriteria", "Filters")
	var patterns []pattern
	for i := range filters.([]any) {
		var p pattern
		if err := json.Unmarshal([]byte(String(src, "FilterCriteria", "Filters", i, "Pattern")), &p); err != nil {
			t.Fatalf("filter %d: %v", i, err)
		}
		patterns = append(patterns, p)
	}
	matches := func(pk, sk string) bool {
		keys := map[string]string{dynamo.AttrPK: pk, dynamo.AttrSK: sk}
		for _, p := range patterns {
			all := len(p.DynamoDB.Keys) > 0
			for attr, typed := range p.DynamoDB.Keys {
				hit := false
				for _, m := range typed["S"] {
					var exact string
					var prefix struct {
						Prefix string `json:"prefix"`
					}
					switch {
					case json.Unmarshal(m, &exact) == nil:
						hit = hit || keys[attr] == exact
					case json.Unmarshal(m, &prefix) == nil && prefix.Prefix != "":
						hit = hit || strings.HasPrefix(keys[attr], prefix.Prefix)
					default:
						t.Fatalf("filter on %s: %s is neither a string nor a prefix", attr, m)
					}
				}
				all = all && hit
			}
			if all {
				return true
			}
		}
		return false
	}
	for _, k := range [][2]string{
		{"SHARES#a#0", "SHARES#2026-03-01"}, {"SHARES#a#15", "SHARES#2026-03-01"},
		{"ARTICLE#a", "ARTICLE"}, {"ARTICLE#a", "FEED#site"}, {"ARTICLE#a", "SHARES"},
		{"SLUG#s", "SLUG"}, {"HEAD#site", "HEAD"}, {dynamo.TotalPartitionPrefix + "a", "TOTAL"},
	} {
		r := events.DynamoDBStreamRecord{Keys: map[string]events.DynamoDBAttributeValue{
			dynamo.AttrPK: events.NewStringAttribute(k[0]), dynamo.AttrSK: events.NewStringAttribute(k[1]),
		}}
		_, acts := dynamo.StreamShareArticle(&r)
		if got := matches(k[0], k[1]); got != acts {
			t.Errorf("record %s/%s: the filter lets it through: %t; the aggregator acts on it: %t", k[0], k[1], got, acts)
		}
	}

	// The role: item-level limits on every DynamoDB item action.
	leading := map[string][]string{
		"dynamodb:GetItem": {dynamo.SharePartitionPrefix + "*", "ARTICLE#*"},
		"dynamodb:Query":   {dynamo.SharePartitionPrefix + "*", "ARTICLE#*"},
		"dynamodb:PutItem": {dynamo.TotalPartitionPrefix + "*"},
	}
	logs := ""
	for _, st := range statements(t, tp, "TallyFunction", fn) {
		if st["Sid"] == "Logs" {
			logs = String(st, "Resource", "Fn::Sub")
		}
		for _, a := range strs(st["Action"]) {
			want, limited := leading[a]
			if !limited {
				continue
			}
			got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")))
			if !slices.Equal(got, want) {
				t.Errorf("%s limited to partitions %q, want %q", a, got, want)
			}
			if r := Refs(st["Resource"]); !slices.Equal(r, []string{"ArticlesTable"}) || strings.Contains(String(st, "Resource", "Fn::Sub"), "index") {
				t.Errorf("%s on %v, want the table itself, no index", a, st["Resource"])
			}
			delete(leading, a)
		}
	}
	if len(leading) != 0 {
		t.Errorf("no statement allows %v", leading)
	}
	if !strings.Contains(logs, "log-group:") {
		t.Fatalf("TallyRole has no Logs statement on log groups: %q", logs)
	}
	group := String(tp.Resources("AWS::Logs::LogGroup")["TallyLogGroup"], "Properties", "LogGroupName", "Fn::Sub")
	prefix := strings.TrimSuffix(logs[strings.Index(logs, "log-group:")+len("log-group:"):], "*")
	if group == "" || !strings.HasPrefix(group, prefix) {
		t.Errorf("TallyRole may write logs to %q*, not to its group %q", prefix, group)
	}
}
