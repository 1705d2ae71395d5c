package release

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// Event is what the schedule sends: its Input in template.yaml, filled in
// by EventBridge Scheduler's context attributes. Both are for the log
// only; what is due is decided by the function's own clock.
type Event struct {
	// ScheduledTime is <aws.scheduler.scheduled-time>, RFC 3339.
	ScheduledTime string `json:"scheduledTime"`
	// ExecutionID is <aws.scheduler.execution-id>.
	ExecutionID string `json:"executionId"`
}

// Result is the handler's answer: the IDs of the articles released.
type Result struct {
	Released []string `json:"released"`
}

// Store releases the scheduled articles due at now; *dynamo.Store is one.
type Store interface {
	Release(ctx context.Context, now time.Time) ([]article.Article, error)
}

// Options configure a Releaser. Zero values take the defaults noted.
type Options struct {
	// Now is the clock; time.Now.
	Now func() time.Time
	// Log receives one line per invocation and one per article released.
	Log *slog.Logger
	// Metrics receives one record per invocation: Released, the number of
	// articles it released (0 included, so a silent schedule shows as
	// missing data); nil records nothing.
	Metrics *metrics.Emitter
	// StoreTimeout bounds the release; 30 s, well inside a minute.
	StoreTimeout time.Duration
}

// Releaser is the schedule's handler. It is safe for concurrent use.
type Releaser struct {
	store Store
	opts  Options
}

// New returns a Releaser on store.
func New(store Store, opts Options) *Releaser {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 30 * time.Second
	}
	return &Releaser{store: store, opts: opts}
}

// Handle releases what is due. An error fails the invocation (the
// function's Errors alarm watches for it); the next minute's run retries,
// and what the failed run released stays released: each article is its
// own transaction.
func (r *Releaser) Handle(ctx context.Context, e Event) (Result, error) {
	rec := new(metrics.Recorder)
	ctx = metrics.WithRecorder(ctx, rec)
	now := r.opts.Now()
	sctx, cancel := context.WithTimeout(ctx, r.opts.StoreTimeout)
	released, err := r.store.Release(sctx, now)
	cancel()
	res := Result{Released: make([]string, 0, len(released))}
	for i := range released {
		a := &released[i]
		res.Released = append(res.Released, a.ID)
		r.opts.Log.LogAttrs(ctx, slog.LevelInfo, "release: scheduled article released",
			slog.String("id", a.ID), slog.String("slug", a.Slug), slog.Time("publishedAt", a.PublishedAt),
			slog.Duration("late", now.Sub(a.PublishedAt)))
	}
	rec.Add(metrics.Released, len(released))
	if r.opts.Metrics != nil {
		if merr := r.opts.Metrics.Emit(rec); merr != nil {
			r.opts.Log.LogAttrs(ctx, slog.LevelWarn, "metrics: not written", slog.String("error", merr.Error()))
		}
	}
	attrs := []slog.Attr{slog.String("scheduledTime", e.ScheduledTime), slog.String("executionId", e.ExecutionID),
		slog.Int("released", len(released))}
	if err != nil {
		r.opts.Log.LogAttrs(ctx, slog.LevelError, "release: failed", append(attrs, slog.String("error", err.Error()))...)
		return res, fmt.Errorf("release: %w", err)
	}
	r.opts.Log.LogAttrs(ctx, slog.LevelInfo, "release: run", attrs...)
	return res, nil
}
