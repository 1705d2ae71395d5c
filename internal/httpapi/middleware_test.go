package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// TestObserveMetrics: one record per request, by route pattern (never the
// raw path) and status class, with what the handler recorded through the
// Recorder in its context, and the request's id; every log line of the
// request carries the same id.
func TestObserveMetrics(t *testing.T) {
	rt := NewRouter()
	rt.HandleFunc(http.MethodGet, "/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		rec := metrics.FromContext(r.Context())
		rec.Store(2*time.Millisecond, false)
		rec.Add(metrics.FeedCacheHits, 1)
		Logger(r.Context()).Info("inside")
		w.WriteHeader(http.StatusOK)
	})
	rt.HandleFunc(http.MethodGet, "/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	var logs, emf bytes.Buffer
	h := Observe(slog.New(slog.NewJSONHandler(&logs, nil)), rt, WithMetrics(metrics.New(&emf, metrics.Options{Service: "test"})))
	for _, c := range []struct {
		path, route, class string
	}{
		{"/items/abc", "GET /items/{id}", "2xx"},
		{"/items/zyx", "GET /items/{id}", "2xx"},
		{"/boom", "GET /boom", "5xx"},
		{"/nowhere", "unmatched", "4xx"},
	} {
		logs.Reset()
		emf.Reset()
		r := httptest.NewRequest(http.MethodGet, c.path, nil)
		r.Header.Set(RequestIDHeader, "req-"+strings.Trim(c.path, "/")[:3])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var rec map[string]any
		if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
			t.Fatalf("%s: metrics record: %v: %q", c.path, err, emf.String())
		}
		id := w.Header().Get(RequestIDHeader)
		if rec["Route"] != c.route || rec["StatusClass"] != c.class || rec["requestId"] != id || rec["Service"] != "test" || rec["Requests"] != float64(1) {
			t.Errorf("%s: record %v, want route %q, class %s, requestId %s", c.path, rec, c.route, c.class, id)
		}
		if c.route == "GET /items/{id}" && (rec["StoreCalls"] != float64(1) || rec["FeedCacheHits"] != float64(1)) {
			t.Errorf("%s: record %v lacks what the handler recorded", c.path, rec)
		}
		// The record is the request's log line too, and the only one.
		if rec["message"] != "request" || rec["method"] != http.MethodGet || rec["route"] != c.route ||
			rec["status"] != float64(w.Code) || rec["bytes"] != float64(w.Body.Len()) || rec["duration_us"] == nil {
			t.Errorf("%s: record %v lacks the request line's fields (status %d, %d bytes)", c.path, rec, w.Code, w.Body.Len())
		}
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if line == "" {
				continue
			}
			var l map[string]any
			if err := json.Unmarshal([]byte(line), &l); err != nil || l["requestId"] != id {
				t.Errorf("%s: log line without the request id %s: %s", c.path, id, line)
			}
			if l["msg"] == "request" {
				t.Errorf("%s: a request line beside the metrics record: %s", c.path, line)
			}
		}
	}
}

// TestObserveWithoutMetrics: no emitter, no recorder, nothing written.
func TestObserveWithoutMetrics(t *testing.T) {
	rt := NewRouter()
	rt.HandleFunc(http.MethodGet, "/x", func(w http.ResponseWriter, r *http.Request) {
		if metrics.FromContext(r.Context()) != nil {
			t.Error("a recorder without WithMetrics")
		}
	})
	w := httptest.NewRecorder()
	Observe(slog.New(slog.NewTextHandler(io.Discard, nil)), rt).ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
	if w.Code != http.StatusOK {
		t.Errorf("status %d", w.Code)
	}
}
