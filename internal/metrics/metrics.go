package metrics

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/logging"
)

// Namespace is the CloudWatch namespace of every metric here.
const Namespace = "Syndicate"

// Metric names. docs/operations.md describes each one.
const (
	Requests             = "Requests"
	Latency              = "Latency"
	StoreCalls           = "StoreCalls"
	StoreLatency         = "StoreLatency"
	StoreErrors          = "StoreErrors"
	FeedCacheHits        = "FeedCacheHits"
	FeedCacheMisses      = "FeedCacheMisses"
	CardsWithoutPhoto    = "CardsWithoutPhoto"
	ShareClicks          = "ShareClicks"
	CounterWriteFailures = "CounterWriteFailures"
	// ShareLinksDegraded counts share links redirected without their
	// article: the store failed and no recent copy was at hand.
	ShareLinksDegraded = "ShareLinksDegraded"
	PingsSent          = "PingsSent"
	PingsFailed        = "PingsFailed"
	// PingsRefused counts topics the hub answered with a 4xx other than
	// 408 and 429: never retried, and no ping a subscriber got.
	PingsRefused = "PingsRefused"
	// InvalidationFailures counts CDN invalidations that failed or did not
	// complete in time (the notifier then waits out the feeds' max-age).
	InvalidationFailures = "InvalidationFailures"
	// OriginRefused counts requests the public functions refused for
	// lacking the CDN's origin secret (httpapi.RequireOrigin).
	OriginRefused = "OriginRefused"
	Released      = "Released"
	// The follow function's run: items created, updated and failed.
	ImportCreated = "ImportCreated"
	ImportUpdated = "ImportUpdated"
	ImportFailed  = "ImportFailed"
	// Deliveries to fediverse servers: queued by the federate function
	// (one per unique inbox); then, by the deliver function, answered 2xx,
	// refused for good (4xx but 429, or a private address), retried later
	// (5xx, 429, timeouts with attempts left), failed on the last attempt
	// (to the dead-letter queue), and skipped unsent (a host failing for
	// days); followers removed with their dead host.
	DeliveriesQueued  = "DeliveriesQueued"
	DeliveriesSent    = "DeliveriesSent"
	DeliveriesRefused = "DeliveriesRefused"
	DeliveriesRetried = "DeliveriesRetried"
	DeliveriesFailed  = "DeliveriesFailed"
	DeliveriesSkipped = "DeliveriesSkipped"
	FollowersPruned   = "FollowersPruned"
	// DeliveryLatency (milliseconds) is a sent delivery's time from the
	// story change to the inbox's 2xx; DeliveryBackoff (seconds) the wait
	// before a failed delivery's next attempt, with the host as a
	// property (EmitSample).
	DeliveryLatency = "DeliveryLatency"
	DeliveryBackoff = "DeliveryBackoff"
)

// Dimension names.
const (
	DimService     = "Service"
	DimRoute       = "Route"
	DimStatusClass = "StatusClass"
	DimNetwork     = "Network"
	// PropHost is a property, not a dimension: a dimension value per peer
	// host would be a billed custom metric each.
	PropHost = "Host"
)

// Options are the settings of New.
type Options struct {
	// Service is the Service dimension of every record: the function
	// ("feeds", "share", ...).
	Service string
	// Level is the lowest "level" of every record: the lowest level Lambda
	// keeps (AWS_LAMBDA_LOG_LEVEL), so that log-level filtering, which
	// reads "level" and counts a line without one as INFO, never drops a
	// metric. A request's record, its log line too, is INFO (ERROR for a
	// 5xx) unless Level is higher. Empty means INFO.
	Level string
	// Now stamps the records; nil means time.Now.
	Now func() time.Time
}

// Emitter writes EMF records to one writer, a line at a time. It is safe
// for concurrent use.
type Emitter struct {
	mu      sync.Mutex
	w       io.Writer
	service string
	level   string
	now     func() time.Time
	buf     []byte
}

// New returns an Emitter writing to w (os.Stdout in Lambda).
func New(w io.Writer, opts Options) *Emitter {
	e := &Emitter{w: w, service: opts.Service, level: strings.ToUpper(strings.TrimSpace(opts.Level)), now: opts.Now}
	if e.level == "" || e.level == "TRACE" {
		// TRACE is below everything slog writes; INFO is kept at TRACE too.
		e.level = "INFO"
	}
	if e.now == nil {
		e.now = time.Now
	}
	return e
}

// Recorder gathers one unit of work's metrics. The zero value is ready; a
// nil *Recorder ignores everything, so code can record unconditionally.
// It is safe for concurrent use (a request's store calls may overlap).
type Recorder struct {
	mu           sync.Mutex
	storeCalls   int
	storeErrors  int
	storeLatency time.Duration
	counts       [len(counterOrder)]int
	counted      [len(counterOrder)]bool
	network      string
	clicks       int
	// latencies are DeliveryLatency values, in milliseconds.
	latencies []float64
}

// maxValues bounds the values of one metric in a record (EMF's limit).
const maxValues = 100

// Latency records a delivery's latency (DeliveryLatency); the first
// maxValues of a unit of work are kept.
func (r *Recorder) Latency(d time.Duration) {
	if r == nil {
		return
	}
	r.mu.Lock()
	if len(r.latencies) < maxValues {
		r.latencies = append(r.latencies, ms(d))
	}
	r.mu.Unlock()
}

// Store records one call to the store (an HTTP attempt to DynamoDB) that
// took d and failed if failed.
func (r *Recorder) Store(d time.Duration, failed bool) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.storeCalls++
	r.storeLatency += d
	if failed {
		r.storeErrors++
	}
	r.mu.Unlock()
}

// Add adds n to the counter name (one of the constants above).
func (r *Recorder) Add(name string, n int) {
	if r == nil {
		return
	}
	i := slices.Index(counterOrder[:], name)
	if i < 0 {
		return // not a counter: a programming error, and no metric to invent
	}
	r.mu.Lock()
	r.counts[i] += n
	r.counted[i] = true
	r.mu.Unlock()
}

// ShareClick records a share link followed to network (one of
// share.Networks; a request follows at most one).
func (r *Recorder) ShareClick(network string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	r.network = network
	r.clicks++
	r.mu.Unlock()
}

type ctxKey struct{}

// WithRecorder returns ctx carrying r.
func WithRecorder(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, ctxKey{}, r)
}

// FromContext returns the Recorder in ctx, or nil (which records nothing).
func FromContext(ctx context.Context) *Recorder {
	r, _ := ctx.Value(ctxKey{}).(*Recorder)
	return r
}

// Request is what an HTTP request adds to its record. The record is also
// the request's log line (message "request"): the fields of the line
// httpapi.Observe writes without metrics (requestId, method, route,
// status, bytes, duration_us) with the metrics beside them, so that a
// request costs one line and one write, not two (httpapi's
// BenchmarkObserve).
type Request struct {
	// Route is the route pattern ("GET /share/{slug}"), never the path.
	Route string
	// Method is the request's method.
	Method string
	// Status is the response status.
	Status int
	// Bytes is the size of the body sent.
	Bytes int64
	// Latency is the time from receipt to the last byte handed on.
	Latency time.Duration
	// RequestID ties the record to the request's other log lines; a
	// property, not a dimension.
	RequestID string
}

// StatusClass is "2xx" .. "5xx" for a status.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		return "5xx"
	}
	return string(rune('0'+status/100)) + "xx"
}

// EmitRequest writes the record of one HTTP request, which is also its
// log line: the line's fields (level INFO, ERROR for a 5xx, raised to the
// Emitter's level so that Lambda's filtering keeps the metrics), its count,
// latency and store figures by Service, Route and StatusClass; the
// counters r gathered by Service; and share clicks by Service and Network.
func (e *Emitter) EmitRequest(req Request, r *Recorder) error {
	if e == nil {
		return nil
	}
	return e.emit(&req, r)
}

// Emit writes the record of a unit of work that is not an HTTP request (a
// stream batch, a scheduled run): r's counters and store figures by
// Service. A recorder with no counter
// writes nothing.
func (e *Emitter) Emit(r *Recorder) error {
	if e == nil {
		return nil
	}
	return e.emit(nil, r)
}

// emit writes one record by hand into a reused buffer: the shapes are
// fixed, and encoding/json would build a map per request.
func (e *Emitter) emit(req *Request, r *Recorder) error {
	var rec Recorder
	if r != nil {
		r.mu.Lock()
		rec.storeCalls, rec.storeErrors, rec.storeLatency = r.storeCalls, r.storeErrors, r.storeLatency
		rec.counts, rec.counted, rec.network, rec.clicks = r.counts, r.counted, r.network, r.clicks
		rec.latencies = slices.Clone(r.latencies)
		r.mu.Unlock()
	}
	counters := false
	for _, c := range rec.counted {
		counters = counters || c
	}
	// Outside a request (a scheduled run), store figures go by Service.
	unitStore := req == nil && rec.storeCalls > 0
	if req == nil && !counters && rec.clicks == 0 && !unitStore && len(rec.latencies) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	b := append(e.buf[:0], '{')
	if req != nil {
		b = e.appendRequestLine(b, now, req)
		b = append(b, ',')
	}
	b = append(b, `"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, now.UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":[`...)
	sep := false
	directive := func(dims string) {
		if sep {
			b = append(b, ',')
		}
		sep = true
		b = append(b, `{"Namespace":"`+Namespace+`","Dimensions":[[`...)
		b = append(b, dims...)
		b = append(b, `]],"Metrics":[`...)
	}
	def := func(first bool, name, unit string) {
		if !first {
			b = append(b, ',')
		}
		b = append(b, `{"Name":"`...)
		b = append(b, name...)
		b = append(b, `","Unit":"`...)
		b = append(b, unit...)
		b = append(b, `"}`...)
	}
	if req != nil {
		directive(`"` + DimService + `","` + DimRoute + `","` + DimStatusClass + `"`)
		def(true, Requests, "Count")
		def(false, Latency, "Milliseconds")
		if rec.storeCalls > 0 {
			def(false, StoreCalls, "Count")
			def(false, StoreLatency, "Milliseconds")
			def(false, StoreErrors, "Count")
		}
		b = append(b, "]}"...)
	}
	if unitStore {
		directive(`"` + DimService + `"`)
		def(true, StoreCalls, "Count")
		def(false, StoreLatency, "Milliseconds")
		def(false, StoreErrors, "Count")
		b = append(b, "]}"...)
	}
	if rec.clicks > 0 {
		directive(`"` + DimService + `","` + DimNetwork + `"`)
		def(true, ShareClicks, "Count")
		b = append(b, "]}"...)
	}
	if counters || len(rec.latencies) > 0 {
		directive(`"` + DimService + `"`)
		first := true
		for i, name := range counterOrder {
			if rec.counted[i] {
				def(first, name, "Count")
				first = false
			}
		}
		if len(rec.latencies) > 0 {
			def(first, DeliveryLatency, "Milliseconds")
		}
		b = append(b, "]}"...)
	}
	b = append(b, "]}"...)
	b = appendString(b, DimService, e.service)
	if req != nil {
		b = appendString(b, DimRoute, req.Route)
		b = appendString(b, DimStatusClass, StatusClass(req.Status))
		b = appendNumber(b, Requests, 1)
		b = appendNumber(b, Latency, ms(req.Latency))
		if rec.storeCalls > 0 {
			b = appendNumber(b, StoreCalls, float64(rec.storeCalls))
			b = appendNumber(b, StoreLatency, ms(rec.storeLatency))
			b = appendNumber(b, StoreErrors, float64(rec.storeErrors))
		}
	}
	if req == nil {
		b = appendString(b, logging.LevelKey, e.level)
	}
	if unitStore {
		b = appendNumber(b, StoreCalls, float64(rec.storeCalls))
		b = appendNumber(b, StoreLatency, ms(rec.storeLatency))
		b = appendNumber(b, StoreErrors, float64(rec.storeErrors))
	}
	if rec.clicks > 0 {
		b = appendString(b, DimNetwork, rec.network)
		b = appendNumber(b, ShareClicks, float64(rec.clicks))
	}
	for i, name := range counterOrder {
		if rec.counted[i] {
			b = appendNumber(b, name, float64(rec.counts[i]))
		}
	}
	if len(rec.latencies) > 0 {
		b = append(b, `,"`+DeliveryLatency+`":[`...)
		for i, v := range rec.latencies {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, v, 'f', -1, 64)
		}
		b = append(b, ']')
	}
	b = append(b, "}\n"...)
	e.buf = b
	_, err := e.w.Write(b)
	return err
}

// appendRequestLine appends the members of req's log line, as package
// logging writes a line: "timestamp" (RFC 3339 with nanoseconds, UTC),
// "level", "message", then the request's fields; the object's opening
// brace is already in b.
func (e *Emitter) appendRequestLine(b []byte, now time.Time, req *Request) []byte {
	b = append(b, `"`+logging.TimeKey+`":"`...)
	b = now.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	level := "INFO"
	if req.Status >= 500 {
		level = "ERROR"
	}
	if levelRank(e.level) > levelRank(level) {
		level = e.level
	}
	b = appendString(b, logging.LevelKey, level)
	b = appendString(b, logging.MessageKey, logging.RequestMessage)
	if req.RequestID != "" {
		b = appendString(b, "requestId", req.RequestID)
	}
	b = appendString(b, "method", req.Method)
	b = appendString(b, "route", req.Route)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(req.Status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, req.Bytes, 10)
	b = append(b, `,"duration_us":`...)
	b = strconv.AppendInt(b, req.Latency.Microseconds(), 10)
	return b
}

// levelRank orders Lambda's level names as its filtering does.
func levelRank(name string) int {
	switch name {
	case "DEBUG":
		return 1
	case "INFO":
		return 2
	case "WARN":
		return 3
	case "ERROR":
		return 4
	case "FATAL":
		return 5
	}
	return 0
}

// appendString appends ,"key":"value" with value escaped for JSON
// (invalid UTF-8 becomes U+FFFD, as encoding/json does).
func appendString(b []byte, key, value string) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":"`...)
	for i := 0; i < len(value); {
		c := value[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, hex[c>>4], hex[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(value[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, value[i:i+n]...)
			}
			i += n
		}
	}
	return append(b, '"')
}

const hex = "0123456789abcdef"

// appendNumber appends ,"key":v.
func appendNumber(b []byte, key string, v float64) []byte {
	b = append(b, `,"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// counterOrder fixes the order of the counters in a record.
var counterOrder = [...]string{FeedCacheHits, FeedCacheMisses, CardsWithoutPhoto, CounterWriteFailures, PingsSent, PingsFailed, Released,
	ImportCreated, ImportUpdated, ImportFailed, PingsRefused, InvalidationFailures, ShareLinksDegraded, OriginRefused,
	DeliveriesSent, DeliveriesRefused, DeliveriesFailed, DeliveriesQueued, DeliveriesRetried, DeliveriesSkipped, FollowersPruned}

// EmitBackoff writes one DeliveryBackoff record: host's next attempt is
// after d. By Service, with the host as a property, so CloudWatch Logs
// Insights lists the hosts in backoff and the metric shows the longest.
func (e *Emitter) EmitBackoff(host string, d time.Duration) error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b := append(e.buf[:0], `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, e.now().UnixMilli(), 10)
	b = append(b, `,"CloudWatchMetrics":[{"Namespace":"`+Namespace+`","Dimensions":[["`+DimService+`"]],"Metrics":[{"Name":"`+
		DeliveryBackoff+`","Unit":"Seconds"}]}]}`...)
	b = appendString(b, DimService, e.service)
	b = appendString(b, logging.LevelKey, e.level)
	b = appendString(b, PropHost, host)
	b = appendNumber(b, DeliveryBackoff, d.Seconds())
	b = append(b, "}\n"...)
	e.buf = b
	_, err := e.w.Write(b)
	return err
}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
