package stackcheck

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// statements returns every IAM statement a function gets: its inline
// Policies, or the policies of its explicit Role.
func statements(t *testing.T, tp Template, id string, fn map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	add := func(doc any) {
		st, _ := Get(doc, "Statement")
		l, _ := st.([]any)
		for _, s := range l {
			out = append(out, s.(map[string]any))
		}
	}
	if role := Refs(Must(Get(fn, "Properties", "Role"))); len(role) > 0 {
		r := tp.Resources("AWS::IAM::Role")[role[0]]
		if r == nil {
			t.Fatalf("%s: Role %q is not an AWS::IAM::Role of the template", id, role[0])
		}
		ps, _ := Get(r, "Properties", "Policies")
		for _, p := range ps.([]any) {
			// A conditional policy (!If [Cond, policy, AWS::NoValue]) is
			// checked as if its condition held.
			if l, ok := Get(p, "Fn::If"); ok {
				p = Must(Get(l, 1))
			}
			add(Must(Get(p, "PolicyDocument")))
		}
		if mp, ok := Get(r, "Properties", "ManagedPolicyArns"); ok {
			t.Errorf("%s: role has managed policies %v; least privilege wants inline statements", id, mp)
		}
		return out
	}
	ps, _ := Get(fn, "Properties", "Policies")
	l, _ := ps.([]any)
	for _, p := range l {
		if _, ok := Get(p, "Statement"); !ok {
			t.Errorf("%s: policy %v is not an inline statement list (SAM policy templates are broader than needed)", id, p)
			continue
		}
		add(p)
	}
	return out
}

func TestPoliciesAreLeastPrivilege(t *testing.T) {
	tp := template(t)
	allowed := map[string][]string{
		"ArticlesFunction": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchGetItem", "ssm:GetParameter"},
		"FeedsFunction":    {"dynamodb:GetItem", "dynamodb:Query"},
		"ShareFunction":    {"dynamodb:GetItem", "dynamodb:UpdateItem"},
		"NotifyFunction": {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
			"sqs:SendMessage", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
			"cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"},
		"ReleaseFunction": {"dynamodb:Query", "dynamodb:UpdateItem"},
		"FollowFunction": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"ssm:GetParameter", "ssm:PutParameter"},
		// Queues: it signs nothing, so it reads no key; it writes only a
		// story's withdrawn mark (checked below).
		"FederateFunction": {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
			"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "sqs:SendMessage",
			"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"},
		// Receives from the queue, never sends; host health and the
		// followers' partition only (checked below).
		"DeliverFunction": {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes",
			"dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "ssm:GetParameter",
			"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"},
		// Writes only to the fediverse items (checked below).
		"FediverseFunction": {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "ssm:GetParameter"},
		// Its item-level limits: TestTally.
		"TallyFunction": {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams",
			"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem",
			"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"},
	}
	counterAttrs := append([]string{dynamo.AttrPK, dynamo.AttrSK}, share.Networks...)
	sort.Strings(counterAttrs)
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		t.Run(id, func(t *testing.T) {
			sts := statements(t, tp, id, fn)
			if len(sts) == 0 {
				t.Fatal("no policy statements")
			}
			namesTable := false
			for _, st := range sts {
				actions := strs(st["Action"])
				resources := st["Resource"]
				for _, a := range actions {
					if !slices.Contains(allowed[id], a) {
						t.Errorf("action %s is not among this function's needs %v", a, allowed[id])
					}
					if strings.HasPrefix(a, "dynamodb:") {
						refs := Refs(resources)
						if len(refs) == 0 || slices.ContainsFunc(refs, func(r string) bool { return r != "ArticlesTable" }) {
							t.Errorf("%s on %v: DynamoDB statements must name ArticlesTable only", a, resources)
						}
						namesTable = true
					}
					if strings.HasPrefix(a, "cloudfront:") {
						// This distribution only, never every one.
						r := String(resources, "Fn::Sub")
						if refs := Refs(resources); !slices.Equal(refs, []string{"CDN"}) || !strings.HasSuffix(r, ":distribution/${CDN}") {
							t.Errorf("%s on %v: want this stack's distribution (CDN) only", a, resources)
						}
					}
					if a == "dynamodb:GetItem" && id == "ShareFunction" {
						// Articles by ID and by slug (a previous slug's alias
						// item leads to the article's own): nothing else.
						want := []string{dynamo.ArticlePartitionPrefix + "*", dynamo.SlugPartitionPrefix + "*"}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, want) {
							t.Errorf("share GetItem limited to partitions %q, want %q", got, want)
						}
					}
					if (a == "dynamodb:PutItem" || a == "dynamodb:DeleteItem") && id == "FediverseFunction" {
						want := []string{dynamo.FediPartitionPrefix + "*"}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, want) {
							t.Errorf("fediverse %s limited to partitions %q, want %q: it must not write articles", a, got, want)
						}
					}
					if (a == "dynamodb:GetItem" || a == "dynamodb:Query") && id == "FederateFunction" {
						want := []string{dynamo.ArticlePartitionPrefix + "*", dynamo.FediPartitionPrefix + "*"}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, want) {
							t.Errorf("federate %s limited to partitions %q, want %q", a, got, want)
						}
					}
					if (a == "dynamodb:PutItem" || a == "dynamodb:DeleteItem") && id == "FederateFunction" {
						want := []string{dynamo.FediStoryPrefix + "*"}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, want) {
							t.Errorf("federate %s limited to partitions %q, want %q: the withdrawn mark only", a, got, want)
						}
					}
					if strings.HasPrefix(a, "sqs:") && (id == "FederateFunction" || id == "DeliverFunction") {
						if got := Refs(resources); !slices.Equal(got, []string{"DeliveryQueue"}) {
							t.Errorf("%s on %v, want the DeliveryQueue only", a, resources)
						}
					}
					if strings.HasPrefix(a, "dynamodb:") && id == "DeliverFunction" {
						want := []string{dynamo.FediHostPrefix + "*", dynamo.FediFollowersPartition}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, want) {
							t.Errorf("deliver %s limited to partitions %q, want %q", a, got, want)
						}
					}
					if a == "ssm:GetParameter" && (id == "FediverseFunction" || id == "DeliverFunction") {
						if r := String(resources, "Fn::Sub"); !strings.HasSuffix(r, ":parameter${FediverseKeyParameter}") {
							t.Errorf("fediverse ssm:GetParameter on %q, want the key parameter only", r)
						}
					}
					if a == "dynamodb:UpdateItem" && id == "ShareFunction" {
						got := strs(Must(Get(st, "Condition", "ForAllValues:StringEquals", "dynamodb:Attributes")))
						sort.Strings(got)
						if !slices.Equal(got, counterAttrs) {
							t.Errorf("share UpdateItem limited to attributes %q, want the keys and share.Networks %q", got, counterAttrs)
						}
						if got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys"))); !slices.Equal(got, []string{dynamo.SharePartitionPrefix + "*"}) {
							t.Errorf("share UpdateItem limited to partitions %q, want the counter shards' %q", got, dynamo.SharePartitionPrefix+"*")
						}
					}
				}
				if r, ok := resources.(string); ok && r == "*" && !slices.ContainsFunc(actions, func(a string) bool { return strings.HasPrefix(a, "xray:") }) {
					t.Errorf("statement %v on every resource", actions)
				}
			}
			if !namesTable {
				t.Error("no statement names ArticlesTable")
			}
		})
	}
}
