package feedapi

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// BenchmarkCachedRSSPath takes the cached RSS path of `make bench`'s
// comparison apart (GET /feeds/rss.xml, gzip, 20 of 50 articles on bolt,
// the rendered feed in the cache), each case adding one layer to the one
// before, so the differences are what each layer costs a request:
//
//   - route, head read: the feed route reading the head from bolt on
//     every request (validators, headers, the cache lookup, the write);
//   - route: the same with the head kept for HeadTTL, as deployed
//     (the difference is the head's read and decode);
//   - +log-line: route inside Observe with the functions' logger
//     (logging.New), to io.Discard (+ the request ID and the JSON log
//     line);
//   - +metrics-line: Observe as the functions wire it, the request's one
//     line being its log line and its EMF record (in place of +log-line's).
func BenchmarkCachedRSSPath(b *testing.B) {
	fx := newFeedFixture(b)
	for i := range 50 {
		fx.add(b, fmt.Sprintf("Статия %d", i), "Свят", time.Duration(i)*time.Minute)
	}
	route := func(heads *HeadCache) http.Handler {
		rt := httpapi.NewRouter()
		Register(rt, fx.store, Options{
			Site: feedSite(), Sealer: cursor.New("test"), StoreTimeout: time.Second,
			Now: func() time.Time { return fx.now }, Cache: feed.NewCache(8 << 20), Heads: heads,
		})
		return rt
	}
	log := logging.New(io.Discard, func(string) string { return "" })
	emf := metrics.New(io.Discard, metrics.Options{Service: "feeds"})
	kept := route(NewHeadCache(HeadTTL)) // the fixed clock keeps it
	for _, c := range []struct {
		name string
		h    http.Handler
	}{
		{"route, head read", route(nil)},
		{"route", kept},
		{"+log-line", httpapi.Observe(log, kept)},
		{"+metrics-line", httpapi.Observe(log, kept, httpapi.WithMetrics(emf))},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
			r.Header.Set("Accept-Encoding", "gzip")
			r.Header.Set("User-Agent", "Feedly/1.0")
			w := &discardWriter{h: http.Header{}}
			c.h.ServeHTTP(w, r) // renders and caches
			b.ReportAllocs()
			cpu := processCPU(b)
			for b.Loop() {
				clear(w.h)
				w.code = 0
				c.h.ServeHTTP(w, r)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
			b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}

// discardWriter is a ResponseWriter that keeps only the status, so the
// benchmark measures the handler, not a recorder's copying.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(b), nil
}
func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

// processCPU is the CPU time this process has used (user and system, the
// garbage collector's included). Per operation it is what a request costs
// the machine, and unlike ns/op it does not grow when other work shares
// the cores.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
