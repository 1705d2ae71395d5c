package stackcheck

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/outbox"
)

// templateTimeout is a function's Timeout in seconds, its own or Globals'.
func templateTimeout(t *testing.T, tp Template, fn map[string]any) int64 {
	t.Helper()
	if v, ok := Get(fn, "Properties", "Timeout"); ok {
		return v.(int64)
	}
	v, ok := Get(tp, "Globals", "Function", "Timeout")
	if !ok {
		t.Fatal("no Timeout in the function or Globals")
	}
	return v.(int64)
}

// alarm returns the alarm resource id, failing when it is missing.
func alarm(t *testing.T, tp Template, id string) map[string]any {
	t.Helper()
	a := tp.Resources("AWS::CloudWatch::Alarm")[id]
	if a == nil {
		t.Fatalf("no AWS::CloudWatch::Alarm %s", id)
	}
	return a
}

// metric is the namespace, name and dimension refs of a single-metric alarm.
func metric(a map[string]any) (ns, name string, dims map[string][]string) {
	dims = map[string][]string{}
	l, _ := Get(a, "Properties", "Dimensions")
	for _, d := range l.([]any) {
		v := Must(Get(d, "Value"))
		refs := Refs(v)
		if s, ok := v.(string); ok {
			refs = []string{s}
		}
		dims[String(d, "Name")] = refs
	}
	return String(a, "Properties", "Namespace"), String(a, "Properties", "MetricName"), dims
}

// TestEveryAlarmPages: an alarm nobody hears is no alarm. Each one
// publishes to AlarmTopic, on alarm and on recovery, and treats missing data
// as fine (a quiet night is not an outage), except a heartbeat (an alarm on
// too little), for which missing data is the failure it exists to catch.
func TestEveryAlarmPages(t *testing.T) {
	tp := template(t)
	alarms := tp.Resources("AWS::CloudWatch::Alarm")
	if len(alarms) == 0 {
		t.Fatal("no alarms")
	}
	for id, a := range alarms {
		for _, k := range []string{"AlarmActions", "OKActions"} {
			if got := Refs(Must(Get(a, "Properties", k))); !slices.Equal(got, []string{"AlarmTopic"}) {
				t.Errorf("%s: %s = %v, want AlarmTopic", id, k, got)
			}
		}
		want := "notBreaching"
		if strings.HasPrefix(String(a, "Properties", "ComparisonOperator"), "LessThan") {
			want = "breaching"
		}
		if got := String(a, "Properties", "TreatMissingData"); got != want {
			t.Errorf("%s: TreatMissingData = %q, want %s", id, got, want)
		}
		if String(a, "Properties", "AlarmDescription") == "" && Must(Get(a, "Properties", "AlarmDescription")) == nil {
			t.Errorf("%s: no AlarmDescription; the page must say what broke", id)
		}
	}
	topic := tp.Resources("AWS::SNS::Topic")["AlarmTopic"]
	if topic == nil {
		t.Fatal("no AWS::SNS::Topic AlarmTopic")
	}
	sub := tp.Resources("AWS::SNS::Subscription")["AlarmEmailSubscription"]
	if sub == nil {
		t.Fatal("no AlarmEmailSubscription")
	}
	if String(sub, "Condition") != "HasAlarmEmail" || String(sub, "Properties", "Protocol") != "email" ||
		!slices.Equal(Refs(Must(Get(sub, "Properties", "Endpoint"))), []string{"AlarmEmail"}) ||
		!slices.Equal(Refs(Must(Get(sub, "Properties", "TopicArn"))), []string{"AlarmTopic"}) {
		t.Errorf("AlarmEmailSubscription = %v, want an email subscription of AlarmEmail to AlarmTopic under HasAlarmEmail", sub)
	}
	cond, _ := Get(tp, "Conditions", "HasAlarmEmail")
	if got := Refs(cond); !slices.Equal(got, []string{"AlarmEmail"}) {
		t.Errorf("HasAlarmEmail refers to %v, want AlarmEmail", got)
	}
}

// TestFunctionOperations: every function logs to its own group with the
// retention parameter, has Errors, Throttles and p99 Duration alarms (the
// last at 80% of its own timeout), and its gradual deployment rolls back on
// exactly those alarms.
func TestFunctionOperations(t *testing.T) {
	tp := template(t)
	groups := tp.Resources("AWS::Logs::LogGroup")
	if got := String(tp, "Globals", "Function", "AutoPublishAlias"); got == "" {
		t.Error("Globals.Function has no AutoPublishAlias: DeploymentPreference needs one")
	}
	notifyLogs := ""
	for _, st := range statements(t, tp, "NotifyFunction", tp.Resources("AWS::Serverless::Function")["NotifyFunction"]) {
		if st["Sid"] == "Logs" {
			notifyLogs = String(st, "Resource", "Fn::Sub")
		}
	}
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		t.Run(id, func(t *testing.T) {
			name := strings.TrimSuffix(id, "Function")
			lg := Refs(Must(Get(fn, "Properties", "LoggingConfig", "LogGroup")))
			if len(lg) != 1 || groups[lg[0]] == nil {
				t.Fatalf("LoggingConfig.LogGroup refers to %v, want an AWS::Logs::LogGroup of the template", lg)
			}
			group := groups[lg[0]]
			groupName := String(group, "Properties", "LogGroupName", "Fn::Sub")
			if !strings.HasPrefix(groupName, "/aws/lambda/") {
				t.Errorf("log group name %q, want /aws/lambda/...", groupName)
			}
			if id == "NotifyFunction" {
				// The explicit role must allow writing to the group.
				prefix := strings.TrimSuffix(notifyLogs[strings.Index(notifyLogs, "log-group:")+len("log-group:"):], "*")
				if !strings.HasPrefix(groupName, prefix) {
					t.Errorf("NotifyRole may write logs to %q*, not to its group %q", prefix, groupName)
				}
			}

			wantAlarms := []string{name + "ErrorsAlarm", name + "ThrottlesAlarm", name + "DurationAlarm"}
			for i, metricName := range []string{"Errors", "Throttles", "Duration"} {
				a := alarm(t, tp, wantAlarms[i])
				ns, m, dims := metric(a)
				if ns != "AWS/Lambda" || m != metricName || !slices.Equal(dims["FunctionName"], []string{id}) || len(dims) != 1 {
					t.Errorf("%s watches %s %s %v, want AWS/Lambda %s of %s", wantAlarms[i], ns, m, dims, metricName, id)
				}
			}
			dur := alarm(t, tp, name+"DurationAlarm")
			if got := String(dur, "Properties", "ExtendedStatistic"); got != "p99" {
				t.Errorf("duration alarm statistic %q, want p99", got)
			}
			want := templateTimeout(t, tp, fn) * 1000 * 8 / 10
			if got, _ := Get(dur, "Properties", "Threshold"); got != want {
				t.Errorf("duration alarm threshold %v ms, want %d (80%% of the %ds timeout)", got, want, templateTimeout(t, tp, fn))
			}

			if String(fn, "Condition") != "" {
				// SAM makes the CodeDeploy deployment group without the
				// function's Condition: it would name alarms that do not
				// exist when the condition is false.
				if dp, ok := Get(fn, "Properties", "DeploymentPreference"); ok {
					t.Errorf("a conditional function has DeploymentPreference %v; SAM would create its deployment group unconditionally", dp)
				}
				return
			}
			if got := Refs(Must(Get(fn, "Properties", "DeploymentPreference", "Type"))); !slices.Equal(got, []string{"DeploymentStrategy"}) {
				t.Errorf("DeploymentPreference.Type refers to %v, want the DeploymentStrategy parameter", got)
			}
			got := Refs(Must(Get(fn, "Properties", "DeploymentPreference", "Alarms")))
			sort.Strings(got)
			sort.Strings(wantAlarms)
			if !slices.Equal(got, wantAlarms) {
				t.Errorf("DeploymentPreference.Alarms = %v, want %v", got, wantAlarms)
			}
		})
	}
	for id, g := range groups {
		if got := Refs(Must(Get(g, "Properties", "RetentionInDays"))); !slices.Equal(got, []string{"LogRetentionDays"}) {
			t.Errorf("log group %s: RetentionInDays refers to %v, want LogRetentionDays", id, got)
		}
	}
	if got, _ := Get(tp, "Parameters", "LogRetentionDays", "Default"); got != int64(30) {
		t.Errorf("LogRetentionDays default %v, want 30", got)
	}
}

// TestAccessLogs: both HTTP APIs log one JSON object per request, with the
// request id that the function's own log lines carry.
func TestAccessLogs(t *testing.T) {
	tp := template(t)
	groups := tp.Resources("AWS::Logs::LogGroup")
	apis := tp.Resources("AWS::Serverless::HttpApi")
	if len(apis) != 2 {
		t.Errorf("HTTP APIs = %v, want PublicApi and AdminApi", sortedKeys(apis))
	}
	for id, api := range apis {
		dest := Refs(Must(Get(api, "Properties", "AccessLogSettings", "DestinationArn")))
		if len(dest) != 1 || groups[dest[0]] == nil {
			t.Errorf("%s: access logs go to %v, want an AWS::Logs::LogGroup of the template", id, dest)
		}
		var line map[string]string
		format := String(api, "Properties", "AccessLogSettings", "Format")
		if err := json.Unmarshal([]byte(format), &line); err != nil {
			t.Errorf("%s: access log format is not one JSON object: %v", id, err)
			continue
		}
		for _, k := range []string{"requestId", "status", "route", "latencyMs", "integrationError"} {
			if !strings.HasPrefix(line[k], "$context.") {
				t.Errorf("%s: access log lacks %s", id, k)
			}
		}
	}
}

// TestServiceAlarms checks the alarms that are not per function.
func TestServiceAlarms(t *testing.T) {
	tp := template(t)
	for _, c := range []struct {
		id, ns, metric, dim, ref string
	}{
		{"NotifyIteratorAgeAlarm", "AWS/Lambda", "IteratorAge", "FunctionName", "NotifyFunction"},
		{"NotifyFailuresAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "NotifyFailures"},
		{"TallyIteratorAgeAlarm", "AWS/Lambda", "IteratorAge", "FunctionName", "TallyFunction"},
		{"DeliveryDeadLettersAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "DeliveryDeadLetters"},
	} {
		ns, m, dims := metric(alarm(t, tp, c.id))
		if ns != c.ns || m != c.metric || !slices.Equal(dims[c.dim], []string{c.ref}) {
			t.Errorf("%s watches %s %s %v, want %s %s with %s of %s", c.id, ns, m, dims, c.ns, c.metric, c.dim, c.ref)
		}
	}
	// Metric math alarms: which metrics they read.
	mathMetrics := func(id string) (metrics []string, dims map[string][]string, expr string) {
		dims = map[string][]string{}
		l, _ := Get(alarm(t, tp, id), "Properties", "Metrics")
		for _, q := range l.([]any) {
			if e := String(q, "Expression"); e != "" {
				expr = e
				continue
			}
			m, _ := Get(q, "MetricStat", "Metric")
			metrics = append(metrics, String(m, "Namespace")+" "+String(m, "MetricName"))
			ds, _ := Get(m, "Dimensions")
			for _, d := range ds.([]any) {
				v := Must(Get(d, "Value"))
				if s, ok := v.(string); ok {
					dims[String(d, "Name")] = append(dims[String(d, "Name")], s)
				} else {
					dims[String(d, "Name")] = append(dims[String(d, "Name")], Refs(v)...)
				}
			}
		}
		return metrics, dims, expr
	}
	ms, dims, expr := mathMetrics("PublicApi5xxAlarm")
	sort.Strings(ms)
	if !slices.Equal(ms, []string{"AWS/ApiGateway 5xx", "AWS/ApiGateway Count"}) || slices.ContainsFunc(dims["ApiId"], func(s string) bool { return s != "PublicApi" }) || expr == "" {
		t.Errorf("PublicApi5xxAlarm reads %v %v (%s), want 5xx over Count of PublicApi", ms, dims, expr)
	}
	// The throttle alarm covers every DynamoDB item operation any function
	// may call (its policies) and every one package dynamo does call: a
	// transaction is throttled as TransactWriteItems, whatever the items'
	// actions, and CloudWatch counts it under that name only.
	ms, dims, expr = mathMetrics("TableThrottlesAlarm")
	ops := storeOperations(t)
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		for _, st := range statements(t, tp, id, fn) {
			for _, a := range strs(st["Action"]) {
				op, ok := strings.CutPrefix(a, "dynamodb:")
				if ok && !strings.Contains(op, "Stream") && op != "GetRecords" && op != "GetShardIterator" && !slices.Contains(ops, op) {
					ops = append(ops, op)
				}
			}
		}
	}
	got := dims["Operation"]
	sort.Strings(ops)
	sort.Strings(got)
	if !slices.Equal(got, ops) {
		t.Errorf("TableThrottlesAlarm watches operations %v, want every one the functions may call or package dynamo calls: %v", got, ops)
	}
	// An operation with no throttle in the minute has no datapoint: a plain
	// sum would then have none either, and one hot operation would never
	// fire the alarm.
	ids := alarmMetricIDs(alarm(t, tp, "TableThrottlesAlarm"))
	for _, id := range ids {
		if !strings.Contains(expr, "FILL("+id+", 0)") {
			t.Errorf("TableThrottlesAlarm expression %q does not FILL(%s, 0)", expr, id)
		}
	}
	if !slices.Contains(ops, "TransactWriteItems") {
		t.Error("package dynamo no longer calls TransactWriteItems? storeOperations found none")
	}
	for _, m := range ms {
		if m != "AWS/DynamoDB ThrottledRequests" {
			t.Errorf("TableThrottlesAlarm reads %s", m)
		}
	}
	if slices.ContainsFunc(dims["TableName"], func(s string) bool { return s != "ArticlesTable" }) {
		t.Errorf("TableThrottlesAlarm tables %v, want ArticlesTable", dims["TableName"])
	}
}

func TestNotifyFailuresQueue(t *testing.T) {
	q := template(t).Resources("AWS::SQS::Queue")["NotifyFailures"]
	if q == nil {
		t.Fatal("no NotifyFailures queue")
	}
	for _, p := range []string{"DeletionPolicy", "UpdateReplacePolicy"} {
		if got := String(q, p); got != "Retain" {
			t.Errorf("%s = %q, want Retain like the table: the queue is the only record of missed pings", p, got)
		}
	}
	// cmd/replay works from the table, not the stream, so a message stays
	// replayable as long as SQS keeps it: keep it the maximum.
	if got, _ := Get(q, "Properties", "MessageRetentionPeriod"); got != int64(14*24*3600) {
		t.Errorf("MessageRetentionPeriod = %v, want 14 days", got)
	}
}

// TestDeliveryQueue: the fediverse delivery queue is FIFO (per-host
// groups: outbox), encrypted, kept beyond the retries, redriven to its
// FIFO dead-letter queue after fediverse.DefaultPolicy.Attempts receives;
// its visibility timeout is at least the deliver function's timeout (AWS
// refuses less); the deliver function reads it with partial batch
// responses and a concurrency cap, and both functions are given its URL.
func TestDeliveryQueue(t *testing.T) {
	tp := template(t)
	qs := tp.Resources("AWS::SQS::Queue")
	q, dlq := qs["DeliveryQueue"], qs["DeliveryDeadLetters"]
	if q == nil || dlq == nil {
		t.Fatal("no DeliveryQueue or DeliveryDeadLetters")
	}
	for id, r := range map[string]map[string]any{"DeliveryQueue": q, "DeliveryDeadLetters": dlq} {
		if got, _ := Get(r, "Properties", "FifoQueue"); got != true {
			t.Errorf("%s FifoQueue = %v, want true", id, got)
		}
		if got, _ := Get(r, "Properties", "SqsManagedSseEnabled"); got != true {
			t.Errorf("%s SqsManagedSseEnabled = %v, want true", id, got)
		}
	}
	if got := Refs(Must(Get(q, "Properties", "RedrivePolicy", "deadLetterTargetArn"))); !slices.Equal(got, []string{"DeliveryDeadLetters"}) {
		t.Errorf("redrive to %v, want DeliveryDeadLetters", got)
	}
	if got, _ := Get(q, "Properties", "RedrivePolicy", "maxReceiveCount"); got != int64(fediverse.DefaultPolicy.Attempts) {
		t.Errorf("maxReceiveCount = %v, want fediverse.DefaultPolicy.Attempts (%d)", got, fediverse.DefaultPolicy.Attempts)
	}
	retention, _ := Get(q, "Properties", "MessageRetentionPeriod")
	if r, ok := retention.(int64); !ok || time.Duration(r)*time.Second <= fediverse.DefaultPolicy.RetryWindow() {
		t.Errorf("MessageRetentionPeriod = %v s, want more than the retries' %v", retention, fediverse.DefaultPolicy.RetryWindow())
	}
	fn := tp.Resources("AWS::Serverless::Function")["DeliverFunction"]
	timeout, _ := Get(fn, "Properties", "Timeout")
	if vt, _ := Get(q, "Properties", "VisibilityTimeout"); vt.(int64) < timeout.(int64) {
		t.Errorf("VisibilityTimeout %v below the deliver function's timeout %v", vt, timeout)
	}
	ev := Must(Get(fn, "Properties", "Events", "DeliveryQueue", "Properties"))
	if got := Refs(Must(Get(ev, "Queue"))); !slices.Equal(got, []string{"DeliveryQueue"}) {
		t.Errorf("deliver reads %v, want DeliveryQueue", got)
	}
	if got := strs(Must(Get(ev, "FunctionResponseTypes"))); !slices.Equal(got, []string{"ReportBatchItemFailures"}) {
		t.Errorf("FunctionResponseTypes = %v, want ReportBatchItemFailures", got)
	}
	if got := Refs(Must(Get(ev, "ScalingConfig", "MaximumConcurrency"))); !slices.Equal(got, []string{"DeliveryConcurrency"}) {
		t.Errorf("MaximumConcurrency = %v, want the DeliveryConcurrency parameter", got)
	}
	if got, _ := Get(ev, "BatchSize"); got != int64(outbox.MaxBatch) {
		t.Errorf("BatchSize = %v, want %d", got, outbox.MaxBatch)
	}
	for _, id := range []string{"FederateFunction", "DeliverFunction"} {
		v, _ := Get(tp.Resources("AWS::Serverless::Function")[id], "Properties", "Environment", "Variables", "DELIVERY_QUEUE_URL")
		if got := Refs(v); !slices.Equal(got, []string{"DeliveryQueue"}) {
			t.Errorf("%s DELIVERY_QUEUE_URL = %v, want the DeliveryQueue's URL", id, v)
		}
	}
}

func TestShareConcurrency(t *testing.T) {
	tp := template(t)
	for id, fn := range tp.Resources("AWS::Serverless::Function") {
		rc, ok := Get(fn, "Properties", "ReservedConcurrentExecutions")
		if id != "ShareFunction" {
			if ok {
				t.Errorf("%s reserves concurrency; only share is capped", id)
			}
			continue
		}
		if got := Must(Get(rc, "Fn::If", 0)); got != "ReserveShareConcurrency" {
			t.Errorf("share ReservedConcurrentExecutions = %v, want !If [ReserveShareConcurrency, ...]", rc)
		}
		if got := Refs(rc); !slices.Contains(got, "ShareReservedConcurrency") {
			t.Errorf("share ReservedConcurrentExecutions refers to %v, want ShareReservedConcurrency", got)
		}
	}
	if got := Refs(Must(Get(tp, "Conditions", "ReserveShareConcurrency"))); !slices.Equal(got, []string{"ShareReservedConcurrency"}) {
		t.Errorf("ReserveShareConcurrency refers to %v", got)
	}
}

// TestCursorSecretIsNeverDerived: deployed, CURSOR_SECRET is the parameter
// or a key the stack generated, never empty (config.Load would refuse).
func TestCursorSecretIsNeverDerived(t *testing.T) {
	tp := template(t)
	v, _ := Get(tp, "Globals", "Function", "Environment", "Variables", "CURSOR_SECRET")
	branches, _ := Get(v, "Fn::If")
	l, _ := branches.([]any)
	if len(l) != 3 || l[0] != "GenerateCursorSecret" {
		t.Fatalf("CURSOR_SECRET = %v, want !If [GenerateCursorSecret, generated, parameter]", v)
	}
	gen := String(l[1], "Fn::Sub")
	if !strings.HasPrefix(gen, "{{resolve:secretsmanager:${CursorSecretValue}") {
		t.Errorf("generated branch %q, want a dynamic reference to CursorSecretValue", gen)
	}
	if got := Refs(l[2]); !slices.Equal(got, []string{"CursorSecret"}) {
		t.Errorf("given branch refers to %v, want CursorSecret", got)
	}
	s := tp.Resources("AWS::SecretsManager::Secret")["CursorSecretValue"]
	if s == nil || String(s, "Condition") != "GenerateCursorSecret" {
		t.Fatalf("CursorSecretValue = %v, want a secret under GenerateCursorSecret", s)
	}
	if n, _ := Get(s, "Properties", "GenerateSecretString", "PasswordLength"); n.(int64) < 32 {
		t.Errorf("generated key length %v, want at least 32", n)
	}
	if got := fmt.Sprint(Must(Get(tp, "Conditions", "GenerateCursorSecret"))); !strings.Contains(got, "CursorSecret") {
		t.Errorf("GenerateCursorSecret = %s, want CursorSecret empty", got)
	}
}

// TestEveryResourceIsChecked: a resource no test here looks at is one the
// code can drift from. New resources get a check and a line here.
func TestEveryResourceIsChecked(t *testing.T) {
	checked := map[string]string{
		"ArticlesTable": "TestTableMatchesTheStore", "PublicApi": "TestRoutesMatchTheHandlers", "AdminApi": "TestRoutesMatchTheHandlers",
		"NotifyRole": "TestPoliciesAreLeastPrivilege", "NotifyFailures": "TestNotifyFailuresQueue",
		"CDN": "TestCDN", "PageCachePolicy": "TestCDN", "CardCachePolicy": "TestCDN", "FeedCachePolicy": "TestCDN",
		"OEmbedCachePolicy": "TestCDN", "OriginRequestPolicy": "TestCDN",
		"AlarmTopic": "TestEveryAlarmPages", "AlarmEmailSubscription": "TestEveryAlarmPages",
		"PublicApiAccessLogs": "TestAccessLogs", "AdminApiAccessLogs": "TestAccessLogs",
		"NotifyIteratorAgeAlarm": "TestServiceAlarms", "NotifyFailuresAlarm": "TestServiceAlarms",
		"PublicApi5xxAlarm": "TestServiceAlarms", "TableThrottlesAlarm": "TestServiceAlarms",
		"CursorSecretValue": "TestCursorSecretIsNeverDerived", "ReleaseScheduleRole": "TestReleaseSchedule",
		"FollowState": "TestFollow", "FollowImportFailedAlarm": "TestFollow",
		"TallyRole": "TestTally", "TallyIteratorAgeAlarm": "TestServiceAlarms",
		"FederateRole":  "TestPoliciesAreLeastPrivilege",
		"DeliverRole":   "TestPoliciesAreLeastPrivilege",
		"DeliveryQueue": "TestDeliveryQueue", "DeliveryDeadLetters": "TestDeliveryQueue",
		"DeliveryDeadLettersAlarm": "TestServiceAlarms",
		"DiscoveryCachePolicy":     "TestCDN", "FediverseOriginRequestPolicy": "TestCDN",
		"CounterWriteFailuresAlarm": "TestSilentFailuresPage", "AdminApi5xxAlarm": "TestSilentFailuresPage",
		"ReleaseHeartbeatAlarm": "TestSilentFailuresPage", "InvalidationFailuresAlarm": "TestSilentFailuresPage",
		"HubRefusalsAlarm": "TestSilentFailuresPage", "OriginRefusalsAlarm": "TestSilentFailuresPage",
		"DomainRecords": "TestCustomDomain", "ShareLinksDegradedAlarm": "TestSilentFailuresPage",
	}
	tp := template(t)
	for id := range tp.Resources("AWS::Serverless::Function") {
		checked[id] = "TestEveryFunctionFolderHasAResourceAndViceVersa"
		name := strings.TrimSuffix(id, "Function")
		for _, s := range []string{"LogGroup", "ErrorsAlarm", "ThrottlesAlarm", "DurationAlarm"} {
			checked[name+s] = "TestFunctionOperations"
		}
	}
	for _, id := range sortedKeys(tp.Resources("")) {
		if checked[id] == "" {
			t.Errorf("resource %s is checked by no test of internal/deploy", id)
		}
	}
}
