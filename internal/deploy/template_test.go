package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/release"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// root is the repository root, where template.yaml lives.
const root = "../.."

var (
	tmplOnce sync.Once
	tmpl     Template
	tmplErr  error
)

func template(t *testing.T) Template {
	t.Helper()
	tmplOnce.Do(func() { tmpl, tmplErr = Load(filepath.Join(root, "template.yaml")) })
	if tmplErr != nil {
		t.Fatal(tmplErr)
	}
	return tmpl
}

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
}

// streamFunctions are the functions triggered by the table stream, not HTTP.
var streamFunctions = map[string]bool{"notify": true, "tally": true}

// scheduledFunctions are the functions invoked by a schedule, not HTTP:
// release by EventBridge Scheduler, follow by an EventBridge rule.
var scheduledFunctions = map[string]bool{"release": true, "follow": true}

// adminFunctions serve the admin API; every other HTTP function is public.
var adminFunctions = map[string]bool{"articles": true}

// logicalID is the resource name of the function in functions/<dir>.
func logicalID(dir string) string {
	return strings.ToUpper(dir[:1]) + dir[1:] + "Function"
}

func functionDirs(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestEveryFunctionFolderHasAResourceAndViceVersa(t *testing.T) {
	tp := template(t)
	var want []string
	for _, d := range functionDirs(t) {
		want = append(want, logicalID(d))
		if _, ok := routers[d]; !ok && !streamFunctions[d] && !scheduledFunctions[d] {
			t.Errorf("functions/%s: neither an HTTP function (routers) nor a stream or scheduled function in this test", d)
		}
	}
	got := sortedKeys(tp.Resources("AWS::Serverless::Function"))
	if !slices.Equal(got, want) {
		t.Errorf("function resources = %q, want one per functions/ folder: %q", got, want)
	}
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		if got := String(fn, "Metadata", "BuildMethod"); got != "makefile" {
			t.Errorf("%s: Metadata.BuildMethod = %q, want makefile", id, got)
		}
		if got := String(fn, "Properties", "CodeUri"); got != "." {
			t.Errorf("%s: CodeUri = %q, want .", id, got)
		}
		for _, p := range []string{"Runtime", "Handler", "Architectures"} {
			if _, ok := Get(fn, "Properties", p); ok {
				t.Errorf("%s: sets %s; it belongs in Globals.Function", id, p)
			}
		}
	}
}

func TestGlobals(t *testing.T) {
	g, _ := Get(template(t), "Globals", "Function")
	for _, c := range []struct {
		path []any
		want string
	}{
		{[]any{"Runtime"}, "provided.al2023"},
		{[]any{"Handler"}, "bootstrap"},
		{[]any{"Architectures", 0}, "arm64"},
		{[]any{"LoggingConfig", "LogFormat"}, "JSON"},
	} {
		if got := String(g, c.path...); got != c.want {
			t.Errorf("Globals.Function %v = %q, want %q", c.path, got, c.want)
		}
	}
	if l := strs(Must(Get(g, "Architectures"))); len(l) != 1 {
		t.Errorf("Architectures = %v, want [arm64] only", l)
	}
}

// TestBuildTargets asks make what each build-<LogicalId> target of build.mk
// would run, so the check is of the commands, not of the file's text.
func TestBuildTargets(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		const msg = "make is not on PATH: GNU make runs sam build's build-<LogicalId> targets"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	b, err := os.ReadFile(filepath.Join(root, "build.mk"))
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, line := range strings.Split(string(b), "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && strings.HasPrefix(name, "build-") && !strings.ContainsAny(name, " \t$=") {
			targets = append(targets, strings.TrimPrefix(name, "build-"))
		}
	}
	sort.Strings(targets)
	want := sortedKeys(template(t).Resources("AWS::Serverless::Function"))
	if !slices.Equal(targets, want) {
		t.Errorf("build.mk targets = %q, want build-<LogicalId> for %q", targets, want)
	}
	for _, d := range functionDirs(t) {
		id := logicalID(d)
		t.Run(id, func(t *testing.T) {
			cmd := exec.Command("make", "--no-print-directory", "-n", "-f", "build.mk", "build-"+id, "ARTIFACTS_DIR=/artifacts", "GO=go")
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("make -n build-%s: %v\n%s", id, err, out)
			}
			got := string(out)
			for _, want := range []string{
				"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0", "go build", "-tags lambda.norpc", "-trimpath",
				"-ldflags='-s -w'", "-o /artifacts/bootstrap", "./functions/" + d + "\n",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("build-%s runs\n%s\nwhich lacks %q", id, got, want)
				}
			}
		})
	}
}

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

// Must returns v, or nil when ok is false.
func Must(v any, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
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

// TestEnvironmentIsWhatConfigReads catches a misspelt variable: every name
// the template sets must be one config.Load asks for.
func TestEnvironmentIsWhatConfigReads(t *testing.T) {
	read := map[string]bool{}
	_, _ = config.Load(func(name string) string { read[name] = true; return "" })
	tp := template(t)
	check := func(where string, env any) {
		vars, _ := Get(env, "Variables")
		m, _ := vars.(map[string]any)
		for name := range m {
			if !read[name] {
				t.Errorf("%s sets %s, which config.Load never reads", where, name)
			}
		}
	}
	check("Globals", Must(Get(tp, "Globals", "Function", "Environment")))
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		check(id, Must(Get(fn, "Properties", "Environment")))
	}
	// env.json may only set what the template declares: sam local passes
	// nothing else.
	b, err := os.ReadFile(filepath.Join(root, "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var local map[string]map[string]string
	if err := json.Unmarshal(b, &local); err != nil {
		t.Fatalf("env.json: %v", err)
	}
	globals, _ := Get(tp, "Globals", "Function", "Environment", "Variables")
	fns := tp.Resources("AWS::Serverless::Function")
	for scope, vars := range local {
		if scope != "Parameters" && fns[scope] == nil {
			t.Errorf("env.json: %q is neither Parameters nor a function", scope)
			continue
		}
		for name := range vars {
			_, global := globals.(map[string]any)[name]
			_, own := Get(fns[scope], "Properties", "Environment", "Variables", name)
			if !global && !own {
				t.Errorf("env.json %s.%s: the template does not declare it, so sam local ignores it", scope, name)
			}
		}
	}
}

func TestParametersAndOutputs(t *testing.T) {
	tp := template(t)
	for _, p := range []string{"SiteURL", "SiteName", "SiteLocale", "BaseURL", "HubURL", "AdminTokenParameter", "BrandColor", "ImageOrigins",
		"LogRetentionDays", "AlarmEmail", "ShareReservedConcurrency", "DeploymentStrategy", "CursorSecret"} {
		if _, ok := Get(tp, "Parameters", p); !ok {
			t.Errorf("no parameter %s", p)
		}
	}
	cfg, _ := config.Load(func(string) string { return "" })
	if got := String(tp, "Parameters", "HubURL", "Default"); got != cfg.HubURL {
		t.Errorf("HubURL default %q, config's default %q", got, cfg.HubURL)
	}
	if got := String(tp, "Parameters", "BrandColor", "Default"); got != cfg.BrandColor {
		t.Errorf("BrandColor default %q, config's default %q", got, cfg.BrandColor)
	}
	outputs, _ := Get(tp, "Outputs")
	var values []string
	for _, o := range outputs.(map[string]any) {
		values = append(values, String(o, "Value", "Fn::Sub"))
	}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"} {
		if !slices.Contains(values, "${BaseURL}"+path) {
			t.Errorf("no output for the site feed %s", path)
		}
	}
	for _, o := range []string{"PublicApiURL", "AdminApiURL"} {
		if _, ok := Get(outputs, o); !ok {
			t.Errorf("no output %s", o)
		}
	}
	// With the CDN, the execute-api URL refuses requests without the CDN's
	// secret: it is published only for stacks without a CDN.
	if got := String(outputs, "PublicApiURL", "Condition"); got != "NoCDN" {
		t.Errorf("PublicApiURL output Condition = %q, want NoCDN (the origin is no public door)", got)
	}
	if c, _ := Get(tp, "Conditions", "NoCDN", "Fn::Not", 0, "Condition"); c != "CreateCDN" {
		t.Errorf("NoCDN is %v, want !Not [!Condition CreateCDN]", Must(Get(tp, "Conditions", "NoCDN")))
	}
}

// cacheKeys is what each path of the CDN keys on: the query parameters its
// handler reads, nothing else, so that fbclid, utm_* and ?x=random share
// one cache entry. The patterns are CloudFront's, in the order they match.
var cacheKeys = []struct {
	pattern string
	query   []string // nil: no query string in the key
}{
	{"/share/*/card.png", []string{"v", "w"}},
	{"/share/*/to/*", []string{cachingDisabled}},
	{"/share/*", nil},
	{"/feeds/*", []string{"limit", "cursor"}},
	{"/oembed", []string{"url", "format", "maxwidth", "maxheight"}},
	{"/sitemap-news.xml", nil},
}

// cachingDisabled stands, in cacheKeys, for the managed CachingDisabled
// policy: share links are counted per click, and a caching policy would let
// CloudFront collapse simultaneous clicks into one origin request.
const cachingDisabled = "(CachingDisabled)"

// ManagedCachingDisabled is the ID of AWS's managed CachingDisabled policy.
const managedCachingDisabled = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"

// cachePolicyQuery returns the query strings a cache policy keys on, nil
// for none; it fails the test for "all" or an unknown behaviour.
func cachePolicyQuery(t *testing.T, policy map[string]any) []string {
	t.Helper()
	cfg, _ := Get(policy, "Properties", "CachePolicyConfig")
	for _, c := range []struct {
		path []any
		want any
	}{
		// Lifetimes come from the origin's Cache-Control: no floor, and
		// no caching of what carries no header.
		{[]any{"MinTTL"}, int64(0)},
		{[]any{"DefaultTTL"}, int64(0)},
		{[]any{"ParametersInCacheKeyAndForwardedToOrigin", "CookiesConfig", "CookieBehavior"}, "none"},
		{[]any{"ParametersInCacheKeyAndForwardedToOrigin", "HeadersConfig", "HeaderBehavior"}, "none"},
	} {
		if got, _ := Get(cfg, c.path...); got != c.want {
			t.Errorf("cache policy %v = %v, want %v", c.path, got, c.want)
		}
	}
	qs, _ := Get(cfg, "ParametersInCacheKeyAndForwardedToOrigin", "QueryStringsConfig")
	switch b := String(qs, "QueryStringBehavior"); b {
	case "none":
		return nil
	case "whitelist":
		return strs(Must(Get(qs, "QueryStrings")))
	default:
		t.Errorf("cache policy keys on query strings %q: every viewer's fbclid would miss the cache", b)
		return []string{"*"}
	}
}

func TestCDN(t *testing.T) {
	tp := template(t)
	cdn := tp.Resources("AWS::CloudFront::Distribution")["CDN"]
	policies := tp.Resources("AWS::CloudFront::CachePolicy")
	orp := tp.Resources("AWS::CloudFront::OriginRequestPolicy")["OriginRequestPolicy"]
	if cdn == nil || len(policies) == 0 || orp == nil {
		t.Fatal("no CDN distribution, cache policies or origin request policy")
	}
	for id, r := range tp.Resources("") {
		if strings.HasPrefix(String(r, "Type"), "AWS::CloudFront::") && String(r, "Condition") != "CreateCDN" {
			t.Errorf("%s: CDN resources must be optional (Condition: CreateCDN)", id)
		}
	}
	// The origin sees only what the cache key holds: another query
	// parameter reaching it would make one cache entry's content depend
	// on whichever viewer filled it.
	ocfg, _ := Get(orp, "Properties", "OriginRequestPolicyConfig")
	if got := String(ocfg, "QueryStringsConfig", "QueryStringBehavior"); got != "none" {
		t.Errorf("origin request policy forwards query strings %q, want none beyond the cache key", got)
	}
	if got := String(ocfg, "CookiesConfig", "CookieBehavior"); got != "none" {
		t.Errorf("origin request policy forwards cookies %q, want none", got)
	}
	if got := strs(Must(Get(ocfg, "HeadersConfig", "Headers"))); String(ocfg, "HeadersConfig", "HeaderBehavior") != "whitelist" || !slices.Equal(got, []string{"User-Agent"}) {
		t.Errorf("origin request policy headers = %v, want User-Agent only (crawler detection)", got)
	}

	dc, _ := Get(cdn, "Properties", "DistributionConfig")
	behaviours := []any{}
	if l, ok := Get(dc, "CacheBehaviors"); ok {
		behaviours = l.([]any)
	}
	check := func(where string, beh any, want []string) {
		if got := strs(Must(Get(beh, "AllowedMethods"))); !slices.Equal(got, []string{"GET", "HEAD"}) {
			t.Errorf("%s allows %v, want GET and HEAD only (the admin API is not behind the CDN)", where, got)
		}
		if got := Refs(Must(Get(beh, "OriginRequestPolicyId"))); !slices.Equal(got, []string{"OriginRequestPolicy"}) {
			t.Errorf("%s: origin request policy %v, want OriginRequestPolicy", where, got)
		}
		if id, _ := Get(beh, "CachePolicyId"); id == managedCachingDisabled {
			if !slices.Equal(want, []string{cachingDisabled}) {
				t.Errorf("%s: caching disabled, want query strings %q in the key", where, want)
			}
			return
		}
		ref := Refs(Must(Get(beh, "CachePolicyId")))
		if len(ref) != 1 || policies[ref[0]] == nil {
			t.Fatalf("%s: cache policy %v is not one of the template's", where, ref)
		}
		got := cachePolicyQuery(t, policies[ref[0]])
		if !slices.Equal(got, want) {
			t.Errorf("%s keys on query strings %q, want %q", where, got, want)
		}
	}
	if len(behaviours) != len(cacheKeys) {
		t.Errorf("%d cache behaviours, want %d", len(behaviours), len(cacheKeys))
	}
	for i, ck := range cacheKeys {
		if i >= len(behaviours) {
			break
		}
		if got := String(behaviours[i], "PathPattern"); got != ck.pattern {
			t.Errorf("behaviour %d is for %q, want %q", i, got, ck.pattern)
		}
		check(ck.pattern, behaviours[i], ck.query)
	}
	check("default behaviour", Must(Get(dc, "DefaultCacheBehavior")), nil)
	if v, _ := Get(dc, "DefaultCacheBehavior", "Compress"); v != true {
		t.Error("CDN does not compress")
	}
	origin, _ := Get(dc, "Origins", 0, "DomainName")
	if got := Refs(origin); !slices.Equal(got, []string{"PublicApi"}) {
		t.Errorf("CDN origin refers to %v, want PublicApi", got)
	}

	// Every public GET route is matched by a pattern that keys on what its
	// handler reads: the feeds' limit and cursor, oEmbed's parameters.
	fns := tp.Resources("AWS::Serverless::Function")
	for _, id := range []string{"FeedsFunction", "ShareFunction"} {
		keys, _ := templateRoutes(t, fns[id])
		for _, k := range keys {
			method, path, _ := strings.Cut(k, " ")
			if method != "GET" {
				continue
			}
			matched := ""
			for _, ck := range cacheKeys {
				if pathMatch(ck.pattern, path) {
					matched = ck.pattern
					break
				}
			}
			if matched == "" {
				t.Errorf("route %s falls to the default behaviour; give it a cache key", k)
			}
		}
	}
}

// pathMatch is CloudFront's path pattern match: * is any run of
// characters, / included. A {param} of a route stands for one segment.
func pathMatch(pattern, path string) bool {
	// A route's {param} matches as a sample segment would.
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(path[i:], '}')
		path = path[:i] + "x" + path[i+j+1:]
	}
	return PathMatch(pattern, path)
}

func TestPublicThrottlesHoldAViralDay(t *testing.T) {
	tp := template(t)
	api := tp.Resources("AWS::Serverless::HttpApi")["PublicApi"]
	for _, c := range []struct {
		setting, param string
		min            int64
	}{
		{"ThrottlingRateLimit", "PublicApiRateLimit", 1000},
		{"ThrottlingBurstLimit", "PublicApiBurstLimit", 2000},
	} {
		if got := String(api, "Properties", "DefaultRouteSettings", c.setting, "Ref"); got != c.param {
			t.Errorf("PublicApi %s = %v, want !Ref %s", c.setting, Must(Get(api, "Properties", "DefaultRouteSettings", c.setting)), c.param)
		}
		def, _ := Get(tp, "Parameters", c.param, "Default")
		lo, _ := Get(tp, "Parameters", c.param, "MinValue")
		if d, ok := def.(int64); !ok || d < c.min {
			t.Errorf("%s default %v, want at least %d", c.param, def, c.min)
		}
		if m, ok := lo.(int64); !ok || m < c.min {
			t.Errorf("%s MinValue %v, want %d: no deploy may throttle below it", c.param, lo, c.min)
		}
	}
	// HTTP API throttles are global: a per-route limit below the default
	// would turn away every reader, not the one bot.
	if rs, ok := Get(api, "Properties", "RouteSettings"); ok {
		t.Errorf("PublicApi has RouteSettings %v; per-client limits belong to the WAF", rs)
	}
}

func TestWAF(t *testing.T) {
	tp := template(t)
	acl := tp.Resources("AWS::WAFv2::WebACL")["WebACL"]
	if acl == nil {
		t.Fatal("no WebACL")
	}
	if got := String(acl, "Condition"); got != "CreateWAF" {
		t.Errorf("WebACL Condition = %q, want CreateWAF", got)
	}
	if got := String(tp, "Parameters", "EnableWAF", "Default"); got != "true" {
		t.Errorf("EnableWAF default %q, want true: on unless turned off", got)
	}
	if got := String(acl, "Properties", "Scope"); got != "CLOUDFRONT" {
		t.Errorf("Scope = %q, want CLOUDFRONT", got)
	}
	waf, _ := Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "WebACLId")
	if refs := Refs(waf); !slices.Contains(refs, "WebACL") || !slices.Contains(refs, "WebACLArn") {
		t.Errorf("CDN WebACLId refers to %v, want the stack's WebACL or WebACLArn", refs)
	}
	rules, _ := Get(acl, "Properties", "Rules")
	limits := map[string]string{} // scope-down regexp ("" for all) -> limit parameter
	for _, r := range rules.([]any) {
		rb, ok := Get(r, "Statement", "RateBasedStatement")
		if !ok {
			continue
		}
		if got := String(rb, "AggregateKeyType"); got != "IP" {
			t.Errorf("rule %s aggregates by %q, want IP", String(r, "Name"), got)
		}
		if got, _ := Get(r, "Action", "Block", "CustomResponse", "ResponseCode"); got != int64(429) {
			t.Errorf("rule %s answers %v, want 429", String(r, "Name"), got)
		}
		limits[String(rb, "ScopeDownStatement", "RegexMatchStatement", "RegexString")] = String(rb, "Limit", "Ref")
	}
	shareRE := ""
	for re := range limits {
		if re != "" {
			shareRE = re
		}
	}
	if limits[""] != "WAFRateLimit" || shareRE == "" || limits[shareRE] != "WAFShareLinkRateLimit" {
		t.Fatalf("rate rules = %v, want one per IP on everything (WAFRateLimit) and one on share links (WAFShareLinkRateLimit)", limits)
	}
	re := regexp.MustCompile(shareRE)
	for path, want := range map[string]bool{
		"/share/some-slug/to/facebook": true, "/share/01JFSEED/to/x": true,
		"/share/some-slug": false, "/share/some-slug/card.png": false, "/feeds/rss.xml": false,
	} {
		if re.MatchString(path) != want {
			t.Errorf("share-link rule matches %s: %t, want %t", path, !want, want)
		}
	}
	// A CLOUDFRONT web ACL exists only in us-east-1: a deploy elsewhere
	// that would create one must fail, not quietly run without it.
	rule, _ := Get(tp, "Rules", "WAFNeedsUSEast1")
	if got := String(rule, "Assertions", 0, "Assert", "Fn::Equals", 1); got != "us-east-1" || String(rule, "Assertions", 0, "Assert", "Fn::Equals", 0, "Ref") != "AWS::Region" {
		t.Errorf("Rules.WAFNeedsUSEast1 = %v, want an assertion that AWS::Region is us-east-1", rule)
	}
	if refs := Refs(Must(Get(rule, "RuleCondition"))); !slices.Contains(refs, "EnableWAF") || !slices.Contains(refs, "WebACLArn") {
		t.Errorf("Rules.WAFNeedsUSEast1 applies when %v, want EnableWAF without WebACLArn", refs)
	}
	share, _ := Get(tp, "Parameters", "WAFShareLinkRateLimit", "Default")
	all, _ := Get(tp, "Parameters", "WAFRateLimit", "Default")
	if share.(int64) >= all.(int64) {
		t.Errorf("share-link limit %v is not stricter than the general %v", share, all)
	}
}

func TestOriginSecret(t *testing.T) {
	tp := template(t)
	hs, _ := Get(tp, "Resources", "CDN", "Properties", "DistributionConfig", "Origins", 0, "OriginCustomHeaders", "Fn::If")
	if c, _ := Get(hs, 0); c != "UseOriginSecret" {
		t.Fatalf("OriginCustomHeaders = %v, want !If [UseOriginSecret, ...]", hs)
	}
	h, _ := Get(hs, 1, 0)
	if got := String(h, "HeaderName"); got != httpapi.OriginSecretHeader {
		t.Errorf("origin header %q, want httpapi.OriginSecretHeader %q", got, httpapi.OriginSecretHeader)
	}
	// The value is resolved from SSM at deploy time, never written here.
	const ref = "{{resolve:ssm:${OriginSecretParameter}}}"
	if got := String(h, "HeaderValue", "Fn::Sub"); got != ref {
		t.Errorf("origin header value %v, want %s", Must(Get(h, "HeaderValue")), ref)
	}
	fns := tp.Resources("AWS::Serverless::Function")
	for _, id := range []string{"FeedsFunction", "ShareFunction"} {
		v, _ := Get(fns[id], "Properties", "Environment", "Variables", "ORIGIN_SECRET", "Fn::If")
		if c, _ := Get(v, 0); c != "UseOriginSecret" || String(v, 1, "Fn::Sub") != ref || String(v, 2) != "" {
			t.Errorf("%s ORIGIN_SECRET = %v, want !If [UseOriginSecret, %s, \"\"]", id, v, ref)
		}
	}
	for id := range fns {
		if id == "FeedsFunction" || id == "ShareFunction" {
			continue
		}
		if _, ok := Get(fns[id], "Properties", "Environment", "Variables", "ORIGIN_SECRET"); ok {
			t.Errorf("%s gets ORIGIN_SECRET; only the CDN's origins need it", id)
		}
	}
	if _, ok := Get(tp, "Globals", "Function", "Environment", "Variables", "ORIGIN_SECRET"); ok {
		t.Error("ORIGIN_SECRET in Globals: only the CDN's origins need it")
	}
}

// notifyFallbackDelay is how long the notifier waits before pinging when
// the invalidation failed: the feeds' max-age (feedapi's Cache-Control).
const notifyFallbackDelay = 300 * time.Second

func TestNotifyInvalidatesTheCDN(t *testing.T) {
	tp := template(t)
	fn := tp.Resources("AWS::Serverless::Function")["NotifyFunction"]
	v, _ := Get(fn, "Properties", "Environment", "Variables", "DISTRIBUTION_ID", "Fn::If")
	if c, _ := Get(v, 0); c != "CreateCDN" || String(v, 1, "Ref") != "CDN" {
		t.Errorf("NotifyFunction DISTRIBUTION_ID = %v, want !If [CreateCDN, !Ref CDN, \"\"]", v)
	}
	wait, err := time.ParseDuration(String(fn, "Properties", "Environment", "Variables", "INVALIDATION_WAIT"))
	if err != nil {
		t.Fatalf("INVALIDATION_WAIT: %v", err)
	}
	timeout, _ := Get(fn, "Properties", "Timeout")
	// The wait, then (if the invalidation failed) the feeds' max-age, then
	// the pings' own retries must fit the function's timeout.
	need := wait + notifyFallbackDelay + time.Minute
	if got := time.Duration(timeout.(int64)) * time.Second; got < need {
		t.Errorf("NotifyFunction Timeout %v < %v (wait %v + fallback %v + a minute of pings)", got, need, wait, notifyFallbackDelay)
	}
}

func TestParseIntrinsics(t *testing.T) {
	tp, err := Parse([]byte(`
A: !Ref Foo
B: !GetAtt Table.StreamArn
C: !Sub "${Api}.execute-api.${AWS::Region}.${Table.Arn}/x${!Literal}"
D: !If [Cond, !Ref X, !Ref "AWS::NoValue"]
E: [1, true, "s"]
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		want []string
	}{
		{"A", []string{"Foo"}}, {"B", []string{"Table"}}, {"C", []string{"Api", "Table"}}, {"D", []string{"X", "AWS::NoValue"}},
	} {
		got := Refs(tp[c.key])
		sort.Strings(got)
		sort.Strings(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("Refs(%s) = %q, want %q", c.key, got, c.want)
		}
	}
	if got, _ := Get(tp, "B", "Fn::GetAtt", 1); got != "StreamArn" {
		t.Errorf("!GetAtt long form attribute = %v, want StreamArn", got)
	}
	if _, err := Parse([]byte("A: !Bogus x\n")); err == nil {
		t.Error("unknown tag accepted")
	}
}
