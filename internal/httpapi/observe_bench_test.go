package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// BenchmarkObserve is what Observe adds to each request on the hot path
// (a cached feed: a 20 KB body from memory): bare is the handler alone;
// log-line adds the request ID and the JSON log line Observe writes
// without metrics; metrics-line is as the functions wire it, the one line
// that is both the log line and the EMF record. The difference is the
// per-request cost of the line.
func BenchmarkObserve(b *testing.B) {
	body := []byte(strings.Repeat("<item>Статия</item>", 1000))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = []string{"application/rss+xml; charset=utf-8"}
		metrics.FromContext(r.Context()).Add(metrics.FeedCacheHits, 1)
		WriteBody(w, r, http.StatusOK, body)
	})
	rt := NewRouter()
	rt.Handle(http.MethodGet, "/feeds/rss.xml", h)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	emf := metrics.New(io.Discard, metrics.Options{Service: "feeds", Now: func() time.Time { return time.Unix(1e9, 0) }})
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", rt},
		{"log-line", Observe(log, rt)},
		{"metrics-line", Observe(log, rt, WithMetrics(emf))},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
			r.Header.Set(RequestIDHeader, "4c8a1f4e-7d1b-4bde-9a59-1b2f3c4d5e6f")
			w := &nullWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, r)
			}
		})
	}
}

// nullWriter is a ResponseWriter that keeps nothing, so that the benchmark
// measures the handler and Observe, not a recorder's copying.
type nullWriter struct{ h http.Header }

func (w *nullWriter) Header() http.Header         { return w.h }
func (w *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nullWriter) WriteHeader(int)             {}
