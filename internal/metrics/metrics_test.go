package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var clock = func() time.Time { return time.Date(2026, 11, 30, 10, 30, 0, 0, time.UTC) }

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n got %s\nwant %s", name, got, want)
	}
}

// emfUnits are CloudWatch's standard units, the only ones EMF accepts.
var emfUnits = []string{"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
	"Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
	"Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
	"Gigabits/Second", "Terabits/Second", "Count/Second", "None"}

// checkEMF validates one line against the embedded metric format
// specification: a JSON object alone on its line; _aws with an integer
// Timestamp in epoch milliseconds and CloudWatchMetrics directives, each
// with a Namespace, dimension sets of at most 30 names that all name string
// members of the root, and at most 100 metric definitions that name number
// members of the root, with standard units.
func checkEMF(t *testing.T, line []byte) map[string]any {
	t.Helper()
	if bytes.ContainsAny(line, "\n\r") {
		t.Fatalf("record spans lines: %q", line)
	}
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("record is not a JSON object: %v: %s", err, line)
	}
	if dec.More() {
		t.Fatalf("data after the JSON object: %s", line)
	}
	aws, ok := root["_aws"].(map[string]any)
	if !ok {
		t.Fatalf("no _aws object: %s", line)
	}
	for k := range aws {
		if k != "Timestamp" && k != "CloudWatchMetrics" {
			t.Errorf("_aws has member %q the specification does not define", k)
		}
	}
	ts, ok := aws["Timestamp"].(json.Number)
	if _, err := ts.Int64(); !ok || err != nil {
		t.Errorf("_aws.Timestamp = %v, want an integer (epoch milliseconds)", aws["Timestamp"])
	}
	dirs, ok := aws["CloudWatchMetrics"].([]any)
	if !ok || len(dirs) == 0 {
		t.Fatalf("_aws.CloudWatchMetrics = %v, want directives", aws["CloudWatchMetrics"])
	}
	for _, d := range dirs {
		dir := d.(map[string]any)
		for k := range dir {
			if k != "Namespace" && k != "Dimensions" && k != "Metrics" {
				t.Errorf("directive has member %q", k)
			}
		}
		if ns, _ := dir["Namespace"].(string); ns == "" || len(ns) > 255 {
			t.Errorf("Namespace = %v", dir["Namespace"])
		}
		sets, ok := dir["Dimensions"].([]any)
		if !ok {
			t.Errorf("Dimensions = %v, want an array of dimension sets", dir["Dimensions"])
		}
		for _, set := range sets {
			names, ok := set.([]any)
			if !ok || len(names) > 30 {
				t.Errorf("dimension set %v, want an array of at most 30 names", set)
			}
			for _, n := range names {
				if v, ok := root[n.(string)].(string); !ok || v == "" || len(v) > 1024 {
					t.Errorf("dimension %v: root member %v, want a non-empty string", n, root[n.(string)])
				}
			}
		}
		defs, ok := dir["Metrics"].([]any)
		if !ok || len(defs) == 0 || len(defs) > 100 {
			t.Errorf("Metrics = %v, want 1 to 100 definitions", dir["Metrics"])
		}
		for _, m := range defs {
			def := m.(map[string]any)
			name, _ := def["Name"].(string)
			switch v := root[name].(type) {
			case json.Number:
			case []any:
				// EMF's values: an array of at most 100 numbers.
				for _, x := range v {
					if _, ok := x.(json.Number); !ok || len(v) > 100 {
						t.Errorf("metric %q: values %v, want at most 100 numbers", name, v)
						break
					}
				}
			default:
				t.Errorf("metric %q: root member %v, want a number", name, root[name])
			}
			if u, ok := def["Unit"].(string); ok && !slices.Contains(emfUnits, u) {
				t.Errorf("metric %q: unit %q is not a CloudWatch unit", name, u)
			}
		}
	}
	return root
}

func TestEmitRequest(t *testing.T) {
	var buf bytes.Buffer
	e := New(&buf, Options{Service: "share", Level: "warn", Now: clock})
	// A share click whose counter write failed, two store attempts.
	rec := new(Recorder)
	rec.Store(4*time.Millisecond, false)
	rec.Store(3500*time.Microsecond, true)
	rec.ShareClick("viber")
	rec.Add(CounterWriteFailures, 1)
	if err := e.EmitRequest(Request{Route: "GET /share/{slug}/to/{network}", Method: "GET", Status: 302, Latency: 12345 * time.Microsecond, RequestID: "r-1"}, rec); err != nil {
		t.Fatal(err)
	}
	// A 404 on no route, no store call, no recorder.
	if err := e.EmitRequest(Request{Route: "unmatched", Method: "PROPFIND", Status: 404, Bytes: 210, Latency: time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	// A feed from the cache.
	rec = new(Recorder)
	rec.Add(FeedCacheHits, 1)
	rec.Store(2*time.Millisecond, false)
	if err := e.EmitRequest(Request{Route: "GET /feeds/rss.xml", Method: "GET", Status: 200, Bytes: 4450, Latency: 3 * time.Millisecond, RequestID: "r-3"}, rec); err != nil {
		t.Fatal(err)
	}
	golden(t, "requests.jsonl", buf.Bytes())
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if len(lines) != 3 {
		t.Fatalf("%d records, want one per request", len(lines))
	}
	for i, l := range lines {
		root := checkEMF(t, l)
		if root["level"] != "WARN" {
			t.Errorf("record %d level %v, want WARN: the lowest level Lambda keeps", i, root["level"])
		}
	}
	first := checkEMF(t, lines[0])
	for k, want := range map[string]string{"StatusClass": "3xx", "Network": "viber", "StoreErrors": "1", "StoreCalls": "2", "ShareClicks": "1", "CounterWriteFailures": "1", "StoreLatency": "7.5"} {
		if got := fmt.Sprint(first[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if _, ok := checkEMF(t, lines[1])["StoreCalls"]; ok {
		t.Error("a request without store calls reports StoreCalls")
	}
}

func TestEmitBatch(t *testing.T) {
	var buf bytes.Buffer
	e := New(&buf, Options{Service: "notify", Now: clock})
	rec := new(Recorder)
	rec.Add(PingsSent, 6)
	rec.Add(PingsFailed, 3)
	if err := e.Emit(rec); err != nil {
		t.Fatal(err)
	}
	if err := e.Emit(new(Recorder)); err != nil {
		t.Fatal(err)
	}
	golden(t, "batch.jsonl", buf.Bytes())
	if n := bytes.Count(buf.Bytes(), []byte("\n")); n != 1 {
		t.Errorf("%d records, want 1: an empty recorder writes nothing", n)
	}
	root := checkEMF(t, bytes.TrimSpace(buf.Bytes()))
	if root["level"] != "INFO" || fmt.Sprint(root["PingsFailed"]) != "3" {
		t.Errorf("record = %v", root)
	}
}

// A scheduled run (the follow function) is no request: its store figures
// go by Service, next to its counters.
func TestEmitScheduledRun(t *testing.T) {
	var buf bytes.Buffer
	e := New(&buf, Options{Service: "follow", Now: clock})
	rec := new(Recorder)
	rec.Store(3*time.Millisecond, false)
	rec.Store(5*time.Millisecond, true)
	rec.Add(ImportCreated, 4)
	rec.Add(ImportFailed, 0)
	if err := e.Emit(rec); err != nil {
		t.Fatal(err)
	}
	root := checkEMF(t, bytes.TrimSpace(buf.Bytes()))
	for k, want := range map[string]string{"StoreCalls": "2", "StoreLatency": "8", "StoreErrors": "1",
		"ImportCreated": "4", "ImportFailed": "0", "Service": "follow"} {
		if got := fmt.Sprint(root[k]); got != want {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if _, ok := root["Requests"]; ok {
		t.Error("a scheduled run counted as a request")
	}
	buf.Reset()
	only := new(Recorder)
	only.Store(time.Millisecond, false)
	if err := e.Emit(only); err != nil || buf.Len() == 0 {
		t.Errorf("store calls alone wrote nothing (%v)", err)
	}
}

// TestRequestLineLevel: a request's record is its log line, at INFO
// (ERROR for a 5xx), raised to the lowest level Lambda keeps, so that
// neither the line nor its metrics are filtered out; with the keys
// Lambda's JSON log format reads.
func TestRequestLineLevel(t *testing.T) {
	for _, c := range []struct {
		level  string
		status int
		want   string
	}{
		{"", 200, "INFO"},
		{"", 503, "ERROR"},
		{"debug", 200, "INFO"},
		{"TRACE", 404, "INFO"},
		{"WARN", 200, "WARN"},
		{"WARN", 500, "ERROR"},
		{"ERROR", 304, "ERROR"},
		{"FATAL", 200, "FATAL"},
	} {
		t.Run(fmt.Sprintf("%s_%d", c.level, c.status), func(t *testing.T) {
			var buf bytes.Buffer
			e := New(&buf, Options{Service: "feeds", Level: c.level, Now: clock})
			if err := e.EmitRequest(Request{Route: "GET /feeds/rss.xml", Method: "GET", Status: c.status, Bytes: 12, Latency: 1500 * time.Microsecond, RequestID: "r-9"}, nil); err != nil {
				t.Fatal(err)
			}
			root := checkEMF(t, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			if root["level"] != c.want {
				t.Errorf("level %v, want %s", root["level"], c.want)
			}
			ts, _ := root["timestamp"].(string)
			if got, err := time.Parse(time.RFC3339Nano, ts); err != nil || !got.Equal(clock()) || !strings.HasSuffix(ts, "Z") {
				t.Errorf("timestamp %q, want %s in UTC (%v)", ts, clock().UTC().Format(time.RFC3339Nano), err)
			}
			want := map[string]string{"message": "request", "requestId": "r-9", "method": "GET", "route": "GET /feeds/rss.xml",
				"status": strconv.Itoa(c.status), "bytes": "12", "duration_us": "1500"}
			for k, v := range want {
				if fmt.Sprint(root[k]) != v {
					t.Errorf("%s = %v, want %v", k, root[k], v)
				}
			}
		})
	}
}

func TestNilIsSafe(t *testing.T) {
	var r *Recorder
	r.Store(time.Second, true)
	r.Add(FeedCacheHits, 1)
	r.ShareClick("x")
	var e *Emitter
	if err := e.EmitRequest(Request{}, nil); err != nil {
		t.Error(err)
	}
	if FromContext(t.Context()) != nil {
		t.Error("a context without a recorder has one")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

func TestWriteErrorsAreReturned(t *testing.T) {
	e := New(failingWriter{}, Options{Service: "feeds"})
	if err := e.EmitRequest(Request{Route: "GET /x", Status: 200}, nil); err == nil {
		t.Error("write error not returned")
	}
}

func TestStatusClass(t *testing.T) {
	for status, want := range map[int]string{200: "2xx", 204: "2xx", 304: "3xx", 404: "4xx", 429: "4xx", 500: "5xx", 503: "5xx", 0: "5xx", 999: "5xx"} {
		if got := StatusClass(status); got != want {
			t.Errorf("StatusClass(%d) = %s, want %s", status, got, want)
		}
	}
}

func TestStoreClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{}`)
		case "/throttled":
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}`)
		case "/condition":
			w.WriteHeader(400)
			io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}`)
		default:
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	rec := new(Recorder)
	ctx := WithRecorder(t.Context(), rec)
	c := StoreClient(http.DefaultClient)
	for _, p := range []string{"/ok", "/throttled", "/condition", "/boom"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+p, strings.NewReader("{}"))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if p == "/condition" && !strings.Contains(string(body), "ConditionalCheckFailed") {
			t.Errorf("the peeked body was not handed on: %q", body)
		}
	}
	// Outside a request nothing is recorded and nothing breaks.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/ok", nil)
	if resp, err := c.Do(req); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if rec.storeCalls != 4 || rec.storeErrors != 2 {
		t.Errorf("calls %d, errors %d; want 4 calls, 2 errors (throttled, 500)", rec.storeCalls, rec.storeErrors)
	}
}

// BenchmarkEmitRequest is the cost per request of its metrics record: a
// feed served from the cache after one store call.
func BenchmarkEmitRequest(b *testing.B) {
	e := New(io.Discard, Options{Service: "feeds", Now: clock})
	req := Request{Route: "GET /feeds/{kind}/{slug}/rss.xml", Status: 200, Latency: 3 * time.Millisecond, RequestID: "Qx3fHhZ0FiAEJ2g="}
	b.ReportAllocs()
	for b.Loop() {
		rec := new(Recorder)
		rec.Store(2*time.Millisecond, false)
		rec.Add(FeedCacheHits, 1)
		if err := e.EmitRequest(req, rec); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStringsAreEscaped: whatever a route or id holds, the record stays
// one valid JSON object and the value survives.
func TestStringsAreEscaped(t *testing.T) {
	for _, s := range []string{`GET /a"b\c`, "tab\there\nnewline\x00", "Кирилица 🙂", "bad\xffutf8"} {
		var buf bytes.Buffer
		if err := New(&buf, Options{Service: s}).EmitRequest(Request{Route: s, Status: 200, RequestID: s}, nil); err != nil {
			t.Fatal(err)
		}
		root := checkEMF(t, bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		want := strings.ToValidUTF8(s, "\uFFFD")
		if root["Route"] != want || root["requestId"] != want || root["Service"] != want {
			t.Errorf("%q came back as %q", s, root["Route"])
		}
	}
}

// TestEmitDeliveries: the deliver function's batch record carries its
// counters and the latencies as one array (EMF's values); a backoff is a
// record of its own with the host as a property, never a dimension.
func TestEmitDeliveries(t *testing.T) {
	var buf bytes.Buffer
	e := New(&buf, Options{Service: "deliver", Now: clock})
	rec := new(Recorder)
	rec.Add(DeliveriesSent, 2)
	rec.Add(DeliveriesRetried, 1)
	rec.Latency(1500 * time.Millisecond)
	rec.Latency(250 * time.Microsecond)
	for range maxValues {
		rec.Latency(time.Second)
	}
	if err := e.Emit(rec); err != nil {
		t.Fatal(err)
	}
	if err := e.EmitBackoff("mastodon.example", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	golden(t, "deliveries.jsonl", buf.Bytes())
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d records, want 2", len(lines))
	}
	batch := checkEMF(t, lines[0])
	if vs, ok := batch[DeliveryLatency].([]any); !ok || len(vs) != maxValues || fmt.Sprint(vs[0], " ", vs[1]) != "1500 0.25" {
		t.Errorf("latencies = %v, want %d values starting 1500 0.25", batch[DeliveryLatency], maxValues)
	}
	backoff := checkEMF(t, lines[1])
	if backoff[PropHost] != "mastodon.example" || fmt.Sprint(backoff[DeliveryBackoff]) != "90" {
		t.Errorf("backoff record = %v", backoff)
	}
	if bytes.Contains(lines[1], []byte(`"Dimensions":[["Service","Host"]]`)) || !bytes.Contains(lines[1], []byte(`"Dimensions":[["Service"]]`)) {
		t.Errorf("backoff by Service only: %s", lines[1])
	}
}
