package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
)

type ctxKey int

const requestKey ctxKey = 0

// request is what Observe puts in a request's context: its ID, and the
// logger carrying it, made only when a handler asks for it (Logger): the
// request's own log line passes the ID as an attribute instead, since a
// derived logger costs an allocation-heavy copy of the handler per
// request (BenchmarkObserve).
//
// It also holds the request's statusWriter and metrics.Recorder, so that
// Observe allocates once for all three.
type request struct {
	id   string
	base *slog.Logger
	once sync.Once
	log  *slog.Logger
	sw   statusWriter
	rec  metrics.Recorder
}

func (q *request) logger() *slog.Logger {
	q.once.Do(func() { q.log = q.base.With(slog.String("requestId", q.id)) })
	return q.log
}

// RequestIDHeader carries the request ID. The Lambda adapter sets it from
// API Gateway's request ID; otherwise a client's value (if sane) or a new
// random one is used. It is echoed in the response.
const RequestIDHeader = "X-Request-Id"

// Logger returns the request's logger, carrying its request ID, or the
// default logger outside a request.
func Logger(ctx context.Context) *slog.Logger {
	if q, ok := ctx.Value(requestKey).(*request); ok {
		return q.logger()
	}
	return slog.Default()
}

// RequestID returns the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	if q, ok := ctx.Value(requestKey).(*request); ok {
		return q.id
	}
	return ""
}

// ObserveOption changes what Observe records.
type ObserveOption func(*observer)

type observer struct {
	metrics *metrics.Emitter
}

// WithMetrics has Observe write one EMF record per request to e (route,
// status class, latency, and what the request's metrics.Recorder
// gathered: store calls, cache hits, share clicks ...) in place of the
// request's log line: the record carries the line's fields too
// (metrics.Request), so a request is one line and one write.
func WithMetrics(e *metrics.Emitter) ObserveOption {
	return func(o *observer) { o.metrics = e }
}

// Observe wraps h with what every route needs: a request ID, one structured
// log line per request (message "request": requestId, method, route,
// status, bytes, duration_us), and recovery from panics, answered 500
// without detail; with WithMetrics, a metrics.Recorder in the request's
// context, and the line is the request's metrics record as well. It is
// the outermost layer of every function's handler.
func Observe(log *slog.Logger, h http.Handler, opts ...ObserveOption) http.Handler {
	var o observer
	for _, opt := range opts {
		opt(&o)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !saneID(id) {
			id = newRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		q := &request{id: id, base: log, sw: statusWriter{ResponseWriter: w}}
		ctx := context.WithValue(r.Context(), requestKey, q)
		var rec *metrics.Recorder
		if o.metrics != nil {
			rec = &q.rec
			ctx = metrics.WithRecorder(ctx, rec)
		}
		r = r.WithContext(ctx)
		sw := &q.sw
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				q.logger().LogAttrs(ctx, slog.LevelError, "panic", slog.Any("panic", p),
					slog.String("method", r.Method), slog.String("path", r.URL.Path))
				if !sw.wrote {
					WriteProblem(sw, r, Problem{Status: http.StatusInternalServerError, Detail: "internal error; it was logged"})
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			if o.metrics != nil {
				// One line, the log line and the metrics record: with
				// a line of each, their encodings and two writes were a
				// fifth of cmd/local's CPU on the cached feed path under
				// load (a CPU profile); one line is half that. In
				// process, BenchmarkObserve: log-line against
				// metrics-line.
				req := metrics.Request{Route: route, Method: r.Method, Status: status, Bytes: sw.bytes, Latency: elapsed, RequestID: id}
				if err := o.metrics.EmitRequest(req, rec); err != nil {
					q.logger().LogAttrs(ctx, slog.LevelWarn, "metrics: not written", slog.String("error", err.Error()))
				}
				return
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			// requestId is the key Lambda's own JSON log lines use; first,
			// as a derived logger would put it. The duration is whole
			// microseconds: slog's JSON handler writes an integer with
			// strconv, but a float through encoding/json (3 allocations
			// and about a fifth of the line's encoding).
			log.LogAttrs(ctx, level, logging.RequestMessage,
				slog.String("requestId", id),
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Int64("duration_us", elapsed.Microseconds()),
			)
		}()
		h.ServeHTTP(sw, r)
	})
}

func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '=') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter remembers what was sent, for the log line and for knowing
// whether a panic can still be answered with a problem.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status = code
		w.wrote = true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.status = http.StatusOK
		w.wrote = true
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
