package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Batch is what an on-failure message says about a stream batch.
type Batch struct {
	// Condition is why Lambda gave up: RetryAttemptsExhausted or
	// RecordAgeExceeded.
	Condition string
	// ShardID, StartSequence and EndSequence locate the records in the
	// stream, for as long as the stream keeps them (24 hours).
	ShardID, StartSequence, EndSequence string
	// StreamARN is the table's stream.
	StreamARN string
	// FirstArrival and LastArrival are the approximate times the first and
	// last records reached the stream (whole seconds for DynamoDB).
	FirstArrival, LastArrival time.Time
	// Size is the number of records.
	Size int
}

// failure is Lambda's on-failure destination payload for a DynamoDB
// stream event source.
type failure struct {
	RequestContext struct {
		Condition string `json:"condition"`
	} `json:"requestContext"`
	Info *struct {
		ShardID      string `json:"shardId"`
		Start        string `json:"startSequenceNumber"`
		End          string `json:"endSequenceNumber"`
		FirstArrival string `json:"approximateArrivalOfFirstRecord"`
		LastArrival  string `json:"approximateArrivalOfLastRecord"`
		BatchSize    int    `json:"batchSize"`
		StreamARN    string `json:"streamArn"`
	} `json:"DDBStreamBatchInfo"`
}

// ErrNotAFailure is returned for a message that is not Lambda's on-failure
// record of a DynamoDB stream batch.
var ErrNotAFailure = errors.New("replay: not an on-failure record of a DynamoDB stream batch")

// ParseFailure reads one NotifyFailures message body.
func ParseFailure(body []byte) (Batch, error) {
	var f failure
	if err := json.Unmarshal(body, &f); err != nil {
		return Batch{}, fmt.Errorf("%w: %w", ErrNotAFailure, err)
	}
	if f.Info == nil {
		return Batch{}, fmt.Errorf("%w: no DDBStreamBatchInfo", ErrNotAFailure)
	}
	b := Batch{
		Condition: f.RequestContext.Condition,
		ShardID:   f.Info.ShardID, StartSequence: f.Info.Start, EndSequence: f.Info.End,
		StreamARN: f.Info.StreamARN, Size: f.Info.BatchSize,
	}
	var err error
	if b.FirstArrival, err = time.Parse(time.RFC3339Nano, f.Info.FirstArrival); err != nil {
		return Batch{}, fmt.Errorf("%w: approximateArrivalOfFirstRecord: %w", ErrNotAFailure, err)
	}
	if b.LastArrival, err = time.Parse(time.RFC3339Nano, f.Info.LastArrival); err != nil {
		return Batch{}, fmt.Errorf("%w: approximateArrivalOfLastRecord: %w", ErrNotAFailure, err)
	}
	if b.LastArrival.Before(b.FirstArrival) {
		return Batch{}, fmt.Errorf("%w: last record arrived before the first", ErrNotAFailure)
	}
	return b, nil
}

// Lister lists every article newest first by sort time (the admin list);
// *dynamo.Store is one.
type Lister interface {
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

// pageSize is the admin list's largest page.
const pageSize = 100

// releaseLag bounds how long after its publishedAt a scheduled article is
// released (the one-minute schedule, then the stream's batching), so that
// a lost batch holding a release is matched by the article's publishedAt
// (a release leaves updatedAt as the editor's save set it).
const releaseLag = 5 * time.Minute

// ChangedFeeds walks every article and returns the feeds that the public
// ones whose last update lies in [from, to] are in now, the site feed
// first (always: any change of a public article touches it, a deletion
// included), and how many articles matched. A scheduled article (saved
// before its publishedAt) also matches when it was released in the window,
// that is when its publishedAt lies in [from - releaseLag, to]. The admin
// list is ordered by publication, not by update, so the walk reads every
// article: one Query per hundred.
func ChangedFeeds(ctx context.Context, l Lister, from, to time.Time) (keys []article.FeedKey, changed int, err error) {
	keys = []article.FeedKey{article.SiteFeed}
	seen := map[string]bool{article.SiteFeed.String(): true}
	opts := article.ListOptions{Limit: pageSize}
	for {
		page, err := l.List(ctx, opts)
		if err != nil {
			return nil, 0, fmt.Errorf("replay: list articles: %w", err)
		}
		for i := range page.Articles {
			a := &page.Articles[i]
			updated := !a.UpdatedAt.Before(from) && !a.UpdatedAt.After(to)
			released := a.Public() && a.PublishedAt.After(a.UpdatedAt) &&
				!a.PublishedAt.Before(from.Add(-releaseLag)) && !a.PublishedAt.After(to)
			if !updated && !released {
				continue
			}
			changed++
			for _, k := range a.Feeds() {
				if id := k.String(); !seen[id] {
					seen[id] = true
					keys = append(keys, k)
				}
			}
		}
		if page.Next.IsZero() {
			return keys, changed, nil
		}
		opts.After = page.Next
	}
}

// Pinger pings the hub for feeds; *notify.Notifier is one.
type Pinger interface {
	PingFeeds(ctx context.Context, keys []article.FeedKey) (topics int, failed []article.FeedKey)
}

// Message is one queue message.
type Message struct {
	ID, Body, Receipt string
}

// Queue is the failure queue: Receive returns the next few messages
// (hiding them for a while), none when it is empty; Delete removes one.
type Queue interface {
	Receive(ctx context.Context) ([]Message, error)
	Delete(ctx context.Context, receipt string) error
}

// Replayer replays every message of a Queue.
type Replayer struct {
	Queue  Queue
	Store  Lister
	Pinger Pinger
	// Margin widens each batch's window on both sides: arrival times are
	// whole seconds and approximate, and an article's UpdatedAt is the
	// writer's clock. Zero means DefaultMargin.
	Margin time.Duration
	// DryRun lists what would be pinged and deletes nothing.
	DryRun bool
	Log    *slog.Logger
}

// DefaultMargin is the Replayer's default Margin.
const DefaultMargin = 2 * time.Minute

// Report sums up a Run.
type Report struct {
	// Messages were read; Replayed were pinged in full and deleted; Kept
	// stay in the queue (a ping failed, or they could not be read).
	Messages, Replayed, Kept int
	// Articles matched the windows; Topics were pinged.
	Articles, Topics int
}

// Run replays every message until the queue answers none (or answers only
// messages already seen in this run). A message is deleted only once
// every ping of its window succeeded, so a failed replay can be run again.
func (r *Replayer) Run(ctx context.Context) (Report, error) {
	var rep Report
	margin := r.Margin
	if margin <= 0 {
		margin = DefaultMargin
	}
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	seen := map[string]bool{}
	for {
		msgs, err := r.Queue.Receive(ctx)
		if err != nil {
			return rep, fmt.Errorf("replay: receive: %w", err)
		}
		fresh := 0
		for _, m := range msgs {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			fresh++
			rep.Messages++
			if ok, err := r.one(ctx, log, m, margin, &rep); err != nil {
				return rep, err
			} else if !ok {
				rep.Kept++
			}
		}
		if fresh == 0 {
			return rep, nil
		}
	}
}

// one replays a message; ok is false when it stays in the queue.
func (r *Replayer) one(ctx context.Context, log *slog.Logger, m Message, margin time.Duration, rep *Report) (ok bool, _ error) {
	b, err := ParseFailure([]byte(m.Body))
	if err != nil {
		log.Error("replay: message kept: not a stream batch failure", slog.String("messageId", m.ID), slog.String("error", err.Error()))
		return false, nil
	}
	from, to := b.FirstArrival.Add(-margin), b.LastArrival.Add(margin)
	keys, n, err := ChangedFeeds(ctx, r.Store, from, to)
	if err != nil {
		return false, err
	}
	rep.Articles += n
	attrs := []slog.Attr{
		slog.String("messageId", m.ID), slog.String("condition", b.Condition), slog.Int("records", b.Size),
		slog.Time("from", from), slog.Time("to", to), slog.Int("articles", n), slog.Int("feeds", len(keys)),
	}
	if r.DryRun {
		feeds := make([]string, len(keys))
		for i, k := range keys {
			feeds[i] = k.String()
		}
		log.LogAttrs(ctx, slog.LevelInfo, "replay: would ping", append(attrs, slog.Any("feedKeys", feeds))...)
		return false, nil
	}
	topics, failed := r.Pinger.PingFeeds(ctx, keys)
	rep.Topics += topics
	if len(failed) > 0 {
		log.LogAttrs(ctx, slog.LevelWarn, "replay: message kept: pings failed", append(attrs, slog.Int("failedFeeds", len(failed)))...)
		return false, nil
	}
	if err := r.Queue.Delete(ctx, m.Receipt); err != nil {
		return false, fmt.Errorf("replay: delete message %s: %w", m.ID, err)
	}
	rep.Replayed++
	log.LogAttrs(ctx, slog.LevelInfo, "replay: replayed", append(attrs, slog.Int("topics", topics))...)
	return true, nil
}
