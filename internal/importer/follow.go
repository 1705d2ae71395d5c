package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/parameter"
)

// StateStore keeps a followed source's state between runs.
type StateStore interface {
	Load(ctx context.Context) (FollowState, error)
	Save(ctx context.Context, v FollowState) error
}

// FollowState is what one run of the follow function leaves the next. A
// document is read in a pass of one or more runs, a window of items each:
// Validators are the document's as the pass's first run fetched it (for
// the conditional GET after the pass), Next where the next run resumes.
type FollowState struct {
	Validators
	// Next is the index of the first item the next run imports; zero when
	// the document was read to its end.
	Next int `json:"next,omitempty"`
}

// ParameterClient is what ParameterState needs from SSM (parameter.Store).
type ParameterClient interface {
	GetParameter(ctx context.Context, name string) (string, error)
	PutParameter(ctx context.Context, name, value string) error
}

// ParameterState keeps the state as JSON in one SSM String parameter
// (the template's FollowState, initially "{}"): the function may read and
// write that parameter and nothing else.
type ParameterState struct {
	Client ParameterClient
	Name   string
}

// Load implements StateStore; a missing or unreadable value is no state
// (the next fetch is unconditional and starts at the first item, which is
// only slower).
func (p ParameterState) Load(ctx context.Context) (FollowState, error) {
	s, err := p.Client.GetParameter(ctx, p.Name)
	if errors.Is(err, parameter.ErrMissing) {
		return FollowState{}, nil
	}
	if err != nil {
		return FollowState{}, err
	}
	var v FollowState
	if json.Unmarshal([]byte(s), &v) != nil || v.Next < 0 {
		return FollowState{}, nil
	}
	return v, nil
}

// Save implements StateStore.
func (p ParameterState) Save(ctx context.Context, v FollowState) error {
	b, _ := json.Marshal(v) // two strings and a number: cannot fail
	return p.Client.PutParameter(ctx, p.Name, string(b))
}

// DefaultFollowItems is how many items one follow run imports at most when
// Follower.MaxItems is zero. A run of 500 items from a 100,000-item feed
// (BenchmarkFollowPeak) takes 1-2 s and peaks under 90 MiB here, against
// TestFollowPeakMemory's bound of 128 MiB; a window of 500 leaves most of
// the 120 s run for a slow store and source.
const DefaultFollowItems = 500

// Follower imports from a publisher's feed on a schedule: one conditional
// GET of URL; when it changed, the import of what it holds; then the new
// validators are kept. Items are imported by the same code and rules as
// cmd/import, so re-reading an unchanged item writes nothing.
type Follower struct {
	URL      string
	Loader   *Loader
	Importer *Importer
	// State, if nil, keeps nothing: every fetch is unconditional, and a
	// run reads only the first window of the feed.
	State StateStore
	// MaxItems bounds the items one run imports (DefaultFollowItems if
	// zero): a larger document is read a window per run, each run
	// resuming where the last stopped (FollowState.Next), so that a run's
	// time and memory are those of the window, not of the source.
	MaxItems int
	Log      *slog.Logger
	Metrics  *metrics.Emitter
}

func (f *Follower) maxItems() int {
	if f.MaxItems > 0 {
		return f.MaxItems
	}
	return DefaultFollowItems
}

// FollowResult is what a run did, returned to the invoker (and logged).
type FollowResult struct {
	NotModified bool `json:"notModified"`
	// Items is how many items this run read; Total how many the
	// document holds; Next, when not zero, the item the next run resumes
	// at.
	Items     int      `json:"items"`
	Total     int      `json:"total"`
	Next      int      `json:"next,omitempty"`
	Created   int      `json:"created"`
	Updated   int      `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Skipped   int      `json:"skipped"`
	Failed    []string `json:"failed,omitempty"`
	Warnings  []string `json:"warnings,omitempty"`
}

// Handle runs once, on a schedule (an EventBridge rule's event, whose
// content does not matter). It fails (so the Errors alarm counts it) when
// the source cannot be read or the store refuses a write; an item the
// service rejects is a failure of that item only: logged, counted in
// ImportFailed and alarmed on, and the validators are not saved, so the
// next run reads the source again.
func (f *Follower) Handle(ctx context.Context, _ events.CloudWatchEvent) (FollowResult, error) {
	rec := new(metrics.Recorder)
	ctx = metrics.WithRecorder(ctx, rec)
	defer func() { _ = f.Metrics.Emit(rec) }()
	log := f.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var state FollowState
	if f.State != nil {
		v, err := f.State.Load(ctx)
		if err != nil {
			log.Warn("follow: state not read; fetching unconditionally", slog.String("error", err.Error()))
		}
		state = v
	}
	since := state.Validators
	if state.Next > 0 {
		since = Validators{} // a document read part way is read again
	}
	loader := *f.Loader
	loader.Options.Window = Window{Skip: state.Next, Limit: f.maxItems()}
	start := time.Now()
	loaded, err := loader.Load(ctx, f.URL, since)
	if err != nil {
		log.Error("follow: source not read", slog.String("url", f.URL), slog.String("error", err.Error()))
		return FollowResult{}, fmt.Errorf("follow: %w", err)
	}
	if loaded.NotModified {
		log.Info("follow: source not modified", slog.String("url", f.URL))
		return FollowResult{NotModified: true}, nil
	}
	sum, err := f.Importer.Run(ctx, loaded.Items)
	res := FollowResult{Items: len(loaded.Items), Total: loaded.Total, Created: sum.Created, Updated: sum.Updated,
		Unchanged: sum.Unchanged, Skipped: sum.SkippedTotal()}
	if end := state.Next + f.maxItems(); end < loaded.Total {
		res.Next = end
	}
	for _, fl := range sum.Failed {
		res.Failed = append(res.Failed, fl.String())
		log.Warn("follow: item not imported", slog.String("item", fl.Ref), slog.String("id", fl.ID), slog.String("reason", fl.Reason))
	}
	for _, w := range sum.Warnings {
		res.Warnings = append(res.Warnings, w.String())
		log.Warn("follow: item imported with a warning", slog.String("item", w.Ref), slog.String("id", w.ID), slog.String("warning", w.Reason))
	}
	rec.Add(metrics.ImportCreated, sum.Created)
	rec.Add(metrics.ImportUpdated, sum.Updated)
	rec.Add(metrics.ImportFailed, len(sum.Failed))
	log.Info("follow: imported", slog.String("url", f.URL), slog.String("summary", sum.String()),
		slog.Int("from", state.Next), slog.Int("total", loaded.Total), slog.Int("next", res.Next),
		slog.Int("pages", loaded.Pages), slog.Duration("took", time.Since(start)))
	if err != nil {
		return res, fmt.Errorf("follow: %w", err)
	}
	if reason, ok := failedWith(sum, article.ErrUnavailable); ok {
		return res, errors.New("follow: the store refused writes: " + reason)
	}
	if f.State != nil && len(sum.Failed) == 0 {
		// A pass over the document keeps the validators its first run
		// got: once it ends, the next run's conditional GET is answered
		// 304 only if the document did not change since the pass began,
		// and otherwise a new pass reads it from the top.
		next := FollowState{Validators: state.Validators, Next: res.Next}
		if state.Next == 0 {
			next.Validators = loaded.Validators
		}
		if err := f.State.Save(ctx, next); err != nil {
			log.Warn("follow: state not saved; the next run fetches unconditionally", slog.String("error", err.Error()))
		}
	}
	return res, nil
}

// failedWith reports whether an item failed with target (the store
// unavailable: the run as a whole failed, and Lambda's Errors count it),
// and the first such reason.
func failedWith(s Summary, target error) (string, bool) {
	for _, f := range s.Failed {
		if errors.Is(f.Err, target) {
			return f.Reason, true
		}
	}
	return "", false
}
