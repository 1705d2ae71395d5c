package stackcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// storeOperations lists the DynamoDB operations package dynamo calls: every
// s.client.<Operation>(...) in its non-test sources.
func storeOperations(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join(root, "internal", "store", "dynamo")
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources in %s: %v", dir, err)
	}
	var ops []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "client" && !slices.Contains(ops, sel.Sel.Name) {
				ops = append(ops, sel.Sel.Name)
			}
			return true
		})
	}
	sort.Strings(ops)
	return ops
}

// alarmMetricIDs lists the Ids of a metric math alarm's metric queries (not
// its expressions).
func alarmMetricIDs(a map[string]any) []string {
	var ids []string
	l, _ := Get(a, "Properties", "Metrics")
	qs, _ := l.([]any)
	for _, q := range qs {
		if _, ok := Get(q, "MetricStat"); ok {
			ids = append(ids, String(q, "Id"))
		}
	}
	return ids
}

// TestSilentFailuresPage (issue 18): each failure that used to be a log
// line only, or a number nobody watched, has an alarm on the metric that
// counts it, written by the service that sees it.
func TestSilentFailuresPage(t *testing.T) {
	tp := template(t)
	for _, c := range []struct {
		id, ns, metric, dimName, dimValue string
		stat, op                          string
	}{
		// share: a click redirected without its count.
		{"CounterWriteFailuresAlarm", metrics.Namespace, metrics.CounterWriteFailures, metrics.DimService, "share", "Sum", "GreaterThanThreshold"},
		// share: a click redirected without its article.
		{"ShareLinksDegradedAlarm", metrics.Namespace, metrics.ShareLinksDegraded, metrics.DimService, "share", "Sum", "GreaterThanThreshold"},
		// An editor's request failed.
		{"AdminApi5xxAlarm", "AWS/ApiGateway", "5xx", "ApiId", "AdminApi", "Sum", "GreaterThanThreshold"},
		// One record per run, so too few records is the schedule stopped.
		{"ReleaseHeartbeatAlarm", metrics.Namespace, metrics.Released, metrics.DimService, "release", "SampleCount", "LessThanThreshold"},
		{"InvalidationFailuresAlarm", metrics.Namespace, metrics.InvalidationFailures, metrics.DimService, "notify", "Sum", "GreaterThanThreshold"},
		{"HubRefusalsAlarm", metrics.Namespace, metrics.PingsRefused, metrics.DimService, "notify", "Sum", "GreaterThanThreshold"},
	} {
		t.Run(c.id, func(t *testing.T) {
			a := alarm(t, tp, c.id)
			ns, m, dims := metric(a)
			if ns != c.ns || m != c.metric || len(dims) != 1 || !slices.Equal(dims[c.dimName], []string{c.dimValue}) {
				t.Errorf("watches %s %s %v, want %s %s with %s=%s", ns, m, dims, c.ns, c.metric, c.dimName, c.dimValue)
			}
			if got := String(a, "Properties", "Statistic"); got != c.stat {
				t.Errorf("Statistic %q, want %s", got, c.stat)
			}
			if got := String(a, "Properties", "ComparisonOperator"); got != c.op {
				t.Errorf("ComparisonOperator %q, want %s", got, c.op)
			}
		})
	}

	// The heartbeat must fire before the schedule's first missed release is
	// long past, and never on a healthy schedule: rate(1 minute) gives
	// Period/60 runs a period, and the threshold must stay below that
	// with one run to spare.
	hb := alarm(t, tp, "ReleaseHeartbeatAlarm")
	period := Must(Get(hb, "Properties", "Period")).(int64)
	threshold := Must(Get(hb, "Properties", "Threshold")).(int64)
	evals := Must(Get(hb, "Properties", "EvaluationPeriods")).(int64)
	if expr := String(tp, "Resources", "ReleaseFunction", "Properties", "Events", "EveryMinute", "Properties", "ScheduleExpression"); expr != "rate(1 minute)" {
		t.Fatalf("release schedule %q; the heartbeat's threshold assumes rate(1 minute)", expr)
	}
	if runs := period / 60; threshold < 1 || threshold > runs-1 {
		t.Errorf("heartbeat threshold %d runs per %d s, want 1..%d (%d runs expected)", threshold, period, runs-1, runs)
	}
	if period*evals > 15*60 {
		t.Errorf("heartbeat pages after %d s without runs, want 15 minutes at most", period*evals)
	}

	// Origin 403s as a share of the public API's requests, both public
	// functions counted, a quiet period no page.
	a := alarm(t, tp, "OriginRefusalsAlarm")
	l, _ := Get(a, "Properties", "Metrics")
	services := []string{}
	count := false
	expr := fmtQueries(l)
	for _, q := range l.([]any) {
		if String(q, "Expression") != "" {
			continue
		}
		m, _ := Get(q, "MetricStat", "Metric")
		switch String(m, "Namespace") + " " + String(m, "MetricName") {
		case metrics.Namespace + " " + metrics.OriginRefused:
			services = append(services, String(m, "Dimensions", 0, "Value"))
			if String(q, "MetricStat", "Stat") != "Sum" {
				t.Errorf("OriginRefusalsAlarm: %s is not summed", String(q, "Id"))
			}
			if !strings.Contains(expr, "FILL("+String(q, "Id")+", 0)") {
				t.Errorf("OriginRefusalsAlarm: %s is not FILLed with 0", String(q, "Id"))
			}
		case "AWS/ApiGateway Count":
			count = slices.Equal(Refs(Must(Get(m, "Dimensions", 0, "Value"))), []string{"PublicApi"})
		default:
			t.Errorf("OriginRefusalsAlarm reads %v", m)
		}
	}
	sort.Strings(services)
	if !slices.Equal(services, []string{"feeds", "share"}) || !count {
		t.Errorf("OriginRefusalsAlarm reads OriginRefused of %v and PublicApi Count %t, want feeds and share over the public API's requests", services, count)
	}
	if !regexp.MustCompile(`^IF\(requests >= \d+, 100 \* .+ / requests, 0\)$`).MatchString(expr) {
		t.Errorf("OriginRefusalsAlarm expression %q, want a percentage of requests with a minimum count", expr)
	}
}

// fmtQueries is every Expression of a metric math alarm's queries, joined.
func fmtQueries(l any) string {
	var b strings.Builder
	qs, _ := l.([]any)
	for _, q := range qs {
		b.WriteString(String(q, "Expression"))
	}
	return b.String()
}

// TestEveryAlarmHasARunbookLine: a page says what broke; docs/operations.md
// says what to do. Every alarm is named in its Alarms table (the
// per-function ones as <Fn>ErrorsAlarm and the like).
func TestEveryAlarmHasARunbookLine(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## Alarms")
	if start < 0 {
		t.Fatal("docs/operations.md has no Alarms section")
	}
	section := doc[start:]
	if end := strings.Index(section[len("## Alarms"):], "\n## "); end >= 0 {
		section = section[:len("## Alarms")+end]
	}
	rows := map[string]string{} // alarm name as written -> its table row
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range regexp.MustCompile("`([<>A-Za-z0-9]+Alarm)`").FindAllStringSubmatch(line, -1) {
			rows[m[1]] = line
		}
	}
	tp := template(t)
	fns := tp.Resources("AWS::Serverless::Function")
	for id := range tp.Resources("AWS::CloudWatch::Alarm") {
		name := id
		for fn := range fns {
			p := strings.TrimSuffix(fn, "Function")
			for _, suffix := range []string{"ErrorsAlarm", "ThrottlesAlarm", "DurationAlarm"} {
				if id == p+suffix && rows[id] == "" {
					name = "<Fn>" + suffix
				}
			}
		}
		row := rows[name]
		if row == "" {
			t.Errorf("%s: no row in docs/operations.md's Alarms table", id)
			continue
		}
		if cells := strings.Split(strings.Trim(row, "| "), "|"); len(cells) < 4 || strings.TrimSpace(cells[len(cells)-1]) == "" {
			t.Errorf("%s: its row %q has no first-look (runbook) cell", id, row)
		}
	}
}
