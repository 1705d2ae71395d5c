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

// StateStore keeps a followed source's validators between runs.
type StateStore interface {
	Load(ctx context.Context) (Validators, error)
	Save(ctx context.Context, v Validators) error
}

// ParameterClient is what ParameterState needs from SSM (parameter.Store).
type ParameterClient interface {
	GetParameter(ctx context.Context, name string) (string, error)
	PutParameter(ctx context.Context, name, value string) error
}

// ParameterState keeps the validators as JSON in one SSM String parameter
// (the template's FollowState, initially "{}"): the function may read and
// write that parameter and nothing else.
type ParameterState struct {
	Client ParameterClient
	Name   string
}

// Load implements StateStore; a missing or unreadable value is no state
// (the next fetch is unconditional, which is only slower).
func (p ParameterState) Load(ctx context.Context) (Validators, error) {
	s, err := p.Client.GetParameter(ctx, p.Name)
	if errors.Is(err, parameter.ErrMissing) {
		return Validators{}, nil
	}
	if err != nil {
		return Validators{}, err
	}
	var v Validators
	if json.Unmarshal([]byte(s), &v) != nil {
		return Validators{}, nil
	}
	return v, nil
}

// Save implements StateStore.
func (p ParameterState) Save(ctx context.Context, v Validators) error {
	b, _ := json.Marshal(v) // two strings: cannot fail
	return p.Client.PutParameter(ctx, p.Name, string(b))
}

// Follower imports from a publisher's feed on a schedule: one conditional
// GET of URL; when it changed, the import of what it holds; then the new
// validators are kept. Items are imported by the same code and rules as
// cmd/import, so re-reading an unchanged item writes nothing.
type Follower struct {
	URL      string
	Loader   *Loader
	Importer *Importer
	// State, if nil, keeps nothing: every fetch is unconditional.
	State   StateStore
	Log     *slog.Logger
	Metrics *metrics.Emitter
}

// FollowResult is what a run did, returned to the invoker (and logged).
type FollowResult struct {
	NotModified bool     `json:"notModified"`
	Items       int      `json:"items"`
	Created     int      `json:"created"`
	Updated     int      `json:"updated"`
	Unchanged   int      `json:"unchanged"`
	Skipped     int      `json:"skipped"`
	Failed      []string `json:"failed,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
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
	var since Validators
	if f.State != nil {
		v, err := f.State.Load(ctx)
		if err != nil {
			log.Warn("follow: state not read; fetching unconditionally", slog.String("error", err.Error()))
		}
		since = v
	}
	start := time.Now()
	loaded, err := f.Loader.Load(ctx, f.URL, since)
	if err != nil {
		log.Error("follow: source not read", slog.String("url", f.URL), slog.String("error", err.Error()))
		return FollowResult{}, fmt.Errorf("follow: %w", err)
	}
	if loaded.NotModified {
		log.Info("follow: source not modified", slog.String("url", f.URL))
		return FollowResult{NotModified: true}, nil
	}
	sum, err := f.Importer.Run(ctx, loaded.Items)
	res := FollowResult{Items: len(loaded.Items), Created: sum.Created, Updated: sum.Updated,
		Unchanged: sum.Unchanged, Skipped: sum.SkippedTotal()}
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
		slog.Int("pages", loaded.Pages), slog.Duration("took", time.Since(start)))
	if err != nil {
		return res, fmt.Errorf("follow: %w", err)
	}
	if reason, ok := failedWith(sum, article.ErrUnavailable); ok {
		return res, errors.New("follow: the store refused writes: " + reason)
	}
	if f.State != nil && len(sum.Failed) == 0 {
		if err := f.State.Save(ctx, loaded.Validators); err != nil {
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
