package tally

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
)

// Totals recomputes an article's share total from its counters; it must
// be idempotent. *dynamo.Store provides it.
type Totals interface {
	RecomputeShareTotal(ctx context.Context, id string) error
}

// RecordArticle reads a stream record into the article whose total it may
// change; ok is false for records that change none. The item format is
// the store's, so the store provides it (dynamo.StreamShareArticle).
type RecordArticle func(*events.DynamoDBStreamRecord) (id string, ok bool)

// Options configure an Aggregator. Zero values take the defaults noted.
type Options struct {
	// Totals and Article are required.
	Totals  Totals
	Article RecordArticle
	// Concurrency is how many articles are recomputed at once; 8.
	Concurrency int
	// ArticleTimeout bounds one article's recompute, so a hung request
	// fails that article alone, reported, within the function's timeout;
	// 30 s.
	ArticleTimeout time.Duration
	// Log receives one line per batch and one per failed article.
	Log *slog.Logger
	// Now is the clock for the batch's duration; time.Now.
	Now func() time.Time
}

// Aggregator handles stream batches. It is safe for concurrent use.
type Aggregator struct {
	opts Options
}

// New returns an Aggregator with opts' defaults filled in.
func New(opts Options) *Aggregator {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.ArticleTimeout <= 0 {
		opts.ArticleTimeout = 30 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Aggregator{opts: opts}
}

// Handle recomputes the total of every article the batch touched, once
// each however many of its records the batch holds. The records of an
// article whose recompute failed are reported in BatchItemFailures, so
// Lambda retries from the earliest of them; what it delivers again is
// recomputed again, which counts nothing twice.
func (a *Aggregator) Handle(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	res := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	start := a.opts.Now()
	records := map[string][]int{}
	var ids []string
	for i := range e.Records {
		id, ok := a.opts.Article(&e.Records[i].Change)
		if !ok {
			continue
		}
		if _, seen := records[id]; !seen {
			ids = append(ids, id)
		}
		records[id] = append(records[id], i)
	}
	failed := a.Recompute(ctx, ids)
	for _, id := range ids {
		if failed[id] == nil {
			continue
		}
		for _, i := range records[id] {
			res.BatchItemFailures = append(res.BatchItemFailures,
				events.DynamoDBBatchItemFailure{ItemIdentifier: e.Records[i].Change.SequenceNumber})
		}
	}
	a.opts.Log.LogAttrs(ctx, slog.LevelInfo, "tally: batch",
		slog.Int("records", len(e.Records)), slog.Int("articles", len(ids)),
		slog.Int("failed", len(failed)), slog.Int64("ms", a.opts.Now().Sub(start).Milliseconds()))
	return res, nil
}

// Recompute recomputes the totals of ids, Concurrency at a time, and
// returns the error of each one that failed (logged too).
func (a *Aggregator) Recompute(ctx context.Context, ids []string) map[string]error {
	var (
		mu     sync.Mutex
		failed = map[string]error{}
		wg     sync.WaitGroup
		sem    = make(chan struct{}, a.opts.Concurrency)
	)
	for _, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(ctx, a.opts.ArticleTimeout)
			defer cancel()
			if err := a.opts.Totals.RecomputeShareTotal(ctx, id); err != nil {
				a.opts.Log.LogAttrs(ctx, slog.LevelError, "tally: share total not recomputed",
					slog.String("id", id), slog.String("error", err.Error()))
				mu.Lock()
				failed[id] = err
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failed
}

// Lister pages through live articles; newsroom.Store and both stores
// provide it.
type Lister interface {
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

// Backfill recomputes the total of every live article, a page of 100 at
// a time, and returns how many it recomputed. It is the one-time step
// after the first deploy of the aggregator (counts written before it have
// no total item) and safe to run again at any time: recomputing is
// idempotent and races the aggregator harmlessly. It stops at the first
// page with a failure, naming the articles; run it again to finish.
func (a *Aggregator) Backfill(ctx context.Context, list Lister) (int, error) {
	done := 0
	var after article.Position
	for {
		page, err := list.List(ctx, article.ListOptions{Limit: 100, After: after})
		if err != nil {
			return done, fmt.Errorf("tally: backfill: list after %d articles: %w", done, err)
		}
		ids := make([]string, len(page.Articles))
		for i := range page.Articles {
			ids[i] = page.Articles[i].ID
		}
		if failed := a.Recompute(ctx, ids); len(failed) > 0 {
			for _, id := range ids {
				if err := failed[id]; err != nil {
					return done + len(ids) - len(failed), fmt.Errorf("tally: backfill: %d of %d articles failed, first %q: %w",
						len(failed), len(ids), id, err)
				}
			}
		}
		done += len(ids)
		if page.Next.IsZero() {
			return done, nil
		}
		after = page.Next
	}
}
