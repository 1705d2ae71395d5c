package stackcheck

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/release"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// routers builds each HTTP function's router as its main does, with no
// dependencies: registration only records the routes.
var routers = map[string]func() *httpapi.Router{
	"articles": func() *httpapi.Router {
		rt := httpapi.NewRouter()
		adminapi.Register(rt, nil, nil, adminapi.Options{})
		previewapi.Register(rt, nil, nil, previewapi.Options{})
		return rt
	},
	"feeds": func() *httpapi.Router {
		rt := httpapi.NewRouter()
		feedapi.Register(rt, nil, feedapi.Options{Site: &feed.Channel{}})
		return rt
	},
	"share": func() *httpapi.Router {
		rt := httpapi.NewRouter()
		shareapi.Register(rt, nil, shareapi.Options{})
		return rt
	},
	"fediverse": func() *httpapi.Router {
		rt := httpapi.NewRouter()
		fediapi.Register(rt, fediapi.Options{})
		return rt
	},
}

// streamFunctions are the functions triggered by the table stream, not HTTP.
var streamFunctions = map[string]bool{"notify": true, "tally": true, "federate": true}

// queueFunctions are the functions fed by an SQS queue: deliver, by the
// fediverse delivery queue.
var queueFunctions = map[string]bool{"deliver": true}

// scheduledFunctions are the functions invoked by a schedule, not HTTP:
// release by EventBridge Scheduler, follow by an EventBridge rule.
var scheduledFunctions = map[string]bool{"release": true, "follow": true}

// adminFunctions serve the admin API; every other HTTP function is public.
var adminFunctions = map[string]bool{"articles": true}

// route is "METHOD /path", the HTTP API's route key.
func routeKeys(rs []httpapi.Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Method+" "+r.Path)
		if r.Method == "GET" {
			// httpapi.Router serves HEAD on every GET route; the template
			// routes it so feed validators and crawlers reach the function.
			out = append(out, "HEAD "+r.Path)
		}
	}
	sort.Strings(out)
	return out
}

// templateRoutes lists a function's HttpApi route keys and the APIs they
// are on.
func templateRoutes(t *testing.T, fn map[string]any) (keys []string, apis map[string]bool) {
	t.Helper()
	apis = map[string]bool{}
	events, _ := Get(fn, "Properties", "Events")
	for name, e := range events.(map[string]any) {
		if String(e, "Type") != "HttpApi" {
			continue
		}
		keys = append(keys, String(e, "Properties", "Method")+" "+String(e, "Properties", "Path"))
		api := String(e, "Properties", "ApiId", "Ref")
		if api == "" {
			t.Errorf("event %s: no ApiId: it would land on SAM's implicit API", name)
		}
		apis[api] = true
	}
	sort.Strings(keys)
	return keys, apis
}

func TestRoutesMatchTheHandlers(t *testing.T) {
	tp := template(t)
	fns := tp.Resources("AWS::Serverless::Function")
	apis := tp.Resources("AWS::Serverless::HttpApi")
	for _, d := range functionDirs(t) {
		t.Run(d, func(t *testing.T) {
			fn := fns[logicalID(d)]
			if fn == nil {
				t.Skip("no resource; reported by TestEveryFunctionFolderHasAResourceAndViceVersa")
			}
			got, onAPIs := templateRoutes(t, fn)
			var want []string
			if build, ok := routers[d]; ok {
				want = routeKeys(build().Routes())
			}
			if !slices.Equal(got, want) {
				t.Errorf("template routes:\n got %q\nwant %q (the router's, HEAD for each GET)", got, want)
			}
			for api := range onAPIs {
				if apis[api] == nil {
					t.Errorf("routes on %q, which is not an AWS::Serverless::HttpApi", api)
				}
				if isAdmin := api == "AdminApi"; isAdmin != adminFunctions[d] {
					t.Errorf("routes on %s: admin routes belong on AdminApi and public ones on PublicApi", api)
				}
			}
			if len(onAPIs) > 1 {
				t.Errorf("routes spread over %d APIs, want one", len(onAPIs))
			}
		})
	}
	for id, api := range apis {
		if got := String(api, "Properties", "StageName"); got != "$default" {
			t.Errorf("%s: StageName = %q, want $default", id, got)
		}
		for _, k := range []string{"ThrottlingBurstLimit", "ThrottlingRateLimit"} {
			if _, ok := Get(api, "Properties", "DefaultRouteSettings", k); !ok {
				t.Errorf("%s: no DefaultRouteSettings.%s", id, k)
			}
		}
	}
	// RouteSettings keys must name real routes, or they throttle nothing.
	var all []string
	for _, fn := range fns {
		k, _ := templateRoutes(t, fn)
		all = append(all, k...)
	}
	for id, api := range apis {
		rs, _ := Get(api, "Properties", "RouteSettings")
		m, _ := rs.(map[string]any)
		for key := range m {
			if !slices.Contains(all, key) {
				t.Errorf("%s: RouteSettings for %q, which is no route", id, key)
			}
		}
	}
}

// TestReleaseSchedule: the release function runs every minute from one
// EventBridge Scheduler schedule, whose role trusts the scheduler of this
// account only and may only invoke the function's live alias (SAM's
// target under AutoPublishAlias); its Input decodes strictly into the
// handler's event; the function may query only the feed index (where the
// schedule partition lives) and update only article and head items.
func TestReleaseSchedule(t *testing.T) {
	tp := template(t)
	fn := tp.Resources("AWS::Serverless::Function")["ReleaseFunction"]
	evs, _ := Get(fn, "Properties", "Events")
	if m, _ := evs.(map[string]any); len(m) != 1 {
		t.Fatalf("ReleaseFunction events = %v, want exactly one schedule", evs)
	}
	ev, _ := Get(evs, "EveryMinute")
	if got := String(ev, "Type"); got != "ScheduleV2" {
		t.Errorf("event type %q, want ScheduleV2 (AWS::Scheduler::Schedule)", got)
	}
	p, _ := Get(ev, "Properties")
	if got := String(p, "ScheduleExpression"); got != "rate(1 minute)" {
		t.Errorf("ScheduleExpression %q, want rate(1 minute): articles must go live within a minute", got)
	}
	if got := String(p, "FlexibleTimeWindow", "Mode"); got != "OFF" {
		t.Errorf("FlexibleTimeWindow.Mode %q, want OFF", got)
	}
	if got := String(p, "Name", "Fn::Sub"); !strings.Contains(got, "${AWS::StackName}") {
		t.Errorf("schedule Name %q, want one with the stack name (names are unique per account)", got)
	}
	if v, _ := Get(p, "RetryPolicy", "MaximumEventAgeInSeconds"); v != int64(60) {
		t.Errorf("RetryPolicy.MaximumEventAgeInSeconds = %v, want 60: the next run makes up a missed one", v)
	}
	dec := json.NewDecoder(strings.NewReader(String(p, "Input")))
	dec.DisallowUnknownFields()
	var in release.Event
	if err := dec.Decode(&in); err != nil || in.ScheduledTime != "<aws.scheduler.scheduled-time>" || in.ExecutionID != "<aws.scheduler.execution-id>" {
		t.Errorf("Input decodes to %+v, %v; want release.Event of the scheduler's context attributes", in, err)
	}
	role := Refs(Must(Get(p, "RoleArn")))
	if !slices.Equal(role, []string{"ReleaseScheduleRole"}) {
		t.Fatalf("RoleArn refers to %v, want ReleaseScheduleRole", role)
	}
	r := tp.Resources("AWS::IAM::Role")["ReleaseScheduleRole"]
	trust, _ := Get(r, "Properties", "AssumeRolePolicyDocument", "Statement")
	if l, _ := trust.([]any); len(l) != 1 || String(l[0], "Principal", "Service") != "scheduler.amazonaws.com" ||
		!slices.Equal(Refs(Must(Get(l[0], "Condition", "StringEquals", "aws:SourceAccount"))), []string{"AWS::AccountId"}) {
		t.Errorf("ReleaseScheduleRole trusts %v, want scheduler.amazonaws.com of this account only", trust)
	}
	if mp, ok := Get(r, "Properties", "ManagedPolicyArns"); ok {
		t.Errorf("ReleaseScheduleRole has managed policies %v", mp)
	}
	ps, _ := Get(r, "Properties", "Policies")
	var sts []any
	for _, pol := range ps.([]any) {
		l, _ := Get(pol, "PolicyDocument", "Statement")
		sts = append(sts, l.([]any)...)
	}
	if len(sts) != 1 || !slices.Equal(strs(Must(Get(sts[0], "Action"))), []string{"lambda:InvokeFunction"}) ||
		String(sts[0], "Resource", "Fn::Sub") != "${ReleaseFunction.Arn}:"+String(tp, "Globals", "Function", "AutoPublishAlias") {
		t.Errorf("ReleaseScheduleRole statements %v, want lambda:InvokeFunction on ReleaseFunction's live alias only", sts)
	}
	for _, st := range statements(t, tp, "ReleaseFunction", fn) {
		switch strs(st["Action"])[0] {
		case "dynamodb:Query":
			if got := String(st, "Resource", "Fn::Sub"); got != "${ArticlesTable.Arn}/index/"+dynamo.IndexFeed {
				t.Errorf("Query on %q, want the feed index only", got)
			}
		case "dynamodb:UpdateItem":
			got := strs(Must(Get(st, "Condition", "ForAllValues:StringLike", "dynamodb:LeadingKeys")))
			if !slices.Equal(got, []string{"ARTICLE#*", "HEAD#*"}) {
				t.Errorf("UpdateItem limited to partitions %q, want article and head items only", got)
			}
		}
	}
}

func TestNotifyEventSource(t *testing.T) {
	fn := template(t).Resources("AWS::Serverless::Function")["NotifyFunction"]
	src, _ := Get(fn, "Properties", "Events", "TableStream", "Properties")
	if got := Refs(src.(map[string]any)["Stream"]); !slices.Equal(got, []string{"ArticlesTable"}) {
		t.Errorf("Stream refers to %v, want ArticlesTable's stream", got)
	}
	if v, _ := Get(src, "BisectBatchOnFunctionError"); v != true {
		t.Error("BisectBatchOnFunctionError is not on")
	}
	if got := strs(Must(Get(src, "FunctionResponseTypes"))); !slices.Contains(got, "ReportBatchItemFailures") {
		t.Errorf("FunctionResponseTypes = %v, want ReportBatchItemFailures", got)
	}
	if got := String(src, "DestinationConfig", "OnFailure", "Type"); got != "SQS" {
		t.Errorf("on-failure destination type %q, want SQS", got)
	}
	if v, ok := Get(src, "MaximumRetryAttempts"); !ok || v.(int64) < 1 {
		t.Errorf("MaximumRetryAttempts = %v, want retries", v)
	}
	// The filter must let through exactly the records notify acts on.
	var pattern struct {
		DynamoDB struct {
			Keys map[string]map[string][]string `json:"Keys"`
		} `json:"dynamodb"`
	}
	if err := json.Unmarshal([]byte(String(src, "FilterCriteria", "Filters", 0, "Pattern")), &pattern); err != nil {
		t.Fatalf("filter pattern: %v", err)
	}
	if got := pattern.DynamoDB.Keys[dynamo.AttrSK]["S"]; !slices.Equal(got, []string{"ARTICLE"}) {
		t.Errorf("filter on %s = %v, want [ARTICLE], the canonical item notify reads", dynamo.AttrSK, got)
	}
}
