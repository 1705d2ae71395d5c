package metrics

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"
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
	PingsSent            = "PingsSent"
	PingsFailed          = "PingsFailed"
)

// Dimension names.
const (
	DimService     = "Service"
	DimRoute       = "Route"
	DimStatusClass = "StatusClass"
	DimNetwork     = "Network"
)

// Options are the settings of New.
type Options struct {
	// Service is the Service dimension of every record: the function
	// ("feeds", "share", ...).
	Service string
	// Level is the "level" member of every record: the lowest level Lambda
	// keeps (AWS_LAMBDA_LOG_LEVEL), so that log-level filtering, which
	// reads "level" and counts a line without one as INFO, never drops a
	// metric. Empty means INFO.
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
	counts       map[string]int
	network      string
	clicks       int
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
	r.mu.Lock()
	if r.counts == nil {
		r.counts = make(map[string]int, 2)
	}
	r.counts[name] += n
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

// Request is what an HTTP request adds to its record.
type Request struct {
	// Route is the route pattern ("GET /share/{slug}"), never the path.
	Route string
	// Status is the response status.
	Status int
	// Latency is the time from receipt to the last byte handed on.
	Latency time.Duration
	// RequestID ties the record to the request's log lines; a property,
	// not a dimension.
	RequestID string
}

// StatusClass is "2xx" .. "5xx" for a status.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		return "5xx"
	}
	return string(rune('0'+status/100)) + "xx"
}

// directive is one entry of _aws.CloudWatchMetrics.
type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

// EmitRequest writes the record of one HTTP request: its count, latency
// and store figures by Service, Route and StatusClass; the counters r
// gathered by Service; and share clicks by Service and Network.
func (e *Emitter) EmitRequest(req Request, r *Recorder) error {
	if e == nil {
		return nil
	}
	root := map[string]any{
		DimRoute:       req.Route,
		DimStatusClass: StatusClass(req.Status),
		Requests:       1,
		Latency:        ms(req.Latency),
	}
	if req.RequestID != "" {
		root["requestId"] = req.RequestID
	}
	dirs := []directive{{
		Namespace:  Namespace,
		Dimensions: [][]string{{DimService, DimRoute, DimStatusClass}},
		Metrics:    []metricDef{{Requests, "Count"}, {Latency, "Milliseconds"}},
	}}
	return e.emit(root, dirs, r, &dirs[0])
}

// Emit writes the record of a unit of work that is not an HTTP request (a
// stream batch): r's counters by Service.
func (e *Emitter) Emit(r *Recorder) error {
	if e == nil {
		return nil
	}
	return e.emit(map[string]any{}, nil, r, nil)
}

func (e *Emitter) emit(root map[string]any, dirs []directive, r *Recorder, request *directive) error {
	var counters []metricDef
	if r != nil {
		r.mu.Lock()
		if r.storeCalls > 0 && request != nil {
			root[StoreCalls] = r.storeCalls
			root[StoreLatency] = ms(r.storeLatency)
			root[StoreErrors] = r.storeErrors
			request.Metrics = append(request.Metrics,
				metricDef{StoreCalls, "Count"}, metricDef{StoreLatency, "Milliseconds"}, metricDef{StoreErrors, "Count"})
		}
		for _, name := range counterOrder {
			if n, ok := r.counts[name]; ok {
				root[name] = n
				counters = append(counters, metricDef{name, "Count"})
			}
		}
		if r.clicks > 0 {
			root[DimNetwork] = r.network
			root[ShareClicks] = r.clicks
			dirs = append(dirs, directive{Namespace: Namespace, Dimensions: [][]string{{DimService, DimNetwork}},
				Metrics: []metricDef{{ShareClicks, "Count"}}})
		}
		r.mu.Unlock()
	}
	if len(counters) > 0 {
		dirs = append(dirs, directive{Namespace: Namespace, Dimensions: [][]string{{DimService}}, Metrics: counters})
	}
	if len(dirs) == 0 {
		return nil
	}
	root[DimService] = e.service
	root["level"] = e.level
	root["_aws"] = map[string]any{
		"Timestamp":         e.now().UnixMilli(),
		"CloudWatchMetrics": dirs,
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := json.Marshal(root)
	if err != nil {
		return err
	}
	e.buf = append(append(e.buf[:0], b...), '\n')
	_, err = e.w.Write(e.buf)
	return err
}

// counterOrder fixes the order of the counters in a record.
var counterOrder = []string{FeedCacheHits, FeedCacheMisses, CardsWithoutPhoto, CounterWriteFailures, PingsSent, PingsFailed}

// ms is d in milliseconds with microsecond precision.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
