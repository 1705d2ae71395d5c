package fediverse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	smithytime "github.com/aws/smithy-go/time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// Lifecycle is one change of a story as the table's stream records it:
// whether it was and is live (published, not deleted, released) and its
// versions before and after.
type Lifecycle struct {
	ID                     string
	WasLive, IsLive        bool
	OldVersion, NewVersion int64
}

// What a change sends to the followers.
const (
	SendNothing = ""
	SendCreate  = "Create"
	SendUpdate  = "Update"
	SendDelete  = "Delete"
)

// Decide is the lifecycle rule: a story becoming live (published, or
// released at its scheduled time, never before) is a Create; a live story
// saved again an Update; a live story unpublished or deleted a Delete.
// A rename is an Update of the same id; a draft's saves send nothing.
func Decide(l Lifecycle) string {
	switch {
	case !l.WasLive && l.IsLive:
		return SendCreate
	case l.WasLive && l.IsLive && l.NewVersion != l.OldVersion:
		return SendUpdate
	case l.WasLive && !l.IsLive:
		return SendDelete
	}
	return SendNothing
}

// Federator announces stories to the followers as they change.
type Federator struct {
	Pub      *activitypub.Publication
	Store    Store
	Articles ArticleReader
	// Outbox takes the deliveries: the queue deployed, Direct locally.
	Outbox Outbox
	Now    func() time.Time
	Log    *slog.Logger
	// Metrics receives one record per batch Handle reads: deliveries
	// queued. Optional.
	Metrics *metrics.Emitter
}

// Announce queues what change l calls for to every follower's server, one
// delivery per unique inbox (shared inboxes first). A Create or Update is
// of the story as stored now: if it is no longer live, a later record
// announces that. It returns how many deliveries it queued.
func (f *Federator) Announce(ctx context.Context, l Lifecycle) (int, error) {
	kind := Decide(l)
	if kind == SendNothing {
		return 0, nil
	}
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	var act activitypub.Activity
	switch kind {
	case SendDelete:
		at := now()
		act = f.Pub.Delete(l.ID, at)
		// The id answers 410 from now on, as the Delete arrives.
		if err := f.Store.SaveInteraction(ctx, Interaction{ArticleID: l.ID, Kind: KindWithdrawn, At: at}); err != nil {
			return 0, fmt.Errorf("fediverse: announce %q: %w", l.ID, err)
		}
	default:
		a, err := f.Articles.Get(ctx, l.ID)
		if errors.Is(err, article.ErrNotFound) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("fediverse: announce %q: %w", l.ID, err)
		}
		if !a.LiveAt(now()) {
			return 0, nil
		}
		if kind == SendCreate {
			// Public again: its id answers with the Note, not 410.
			if err := f.Store.RemoveInteraction(ctx, l.ID, KindWithdrawn, ""); err != nil {
				return 0, fmt.Errorf("fediverse: announce %q: %w", l.ID, err)
			}
			act = f.Pub.Create(&a)
		} else {
			act = f.Pub.Update(&a)
		}
	}
	body, err := activitypub.Marshal(act)
	if err != nil {
		return 0, err
	}
	followers, err := f.Store.Followers(ctx)
	if err != nil {
		return 0, fmt.Errorf("fediverse: announce %q: %w", l.ID, err)
	}
	inboxes := UniqueInboxes(followers)
	// The same change announced again (a stream record delivered twice)
	// has the same keys, which the queue drops; a later change of the
	// same kind (published again) has a new version.
	key := l.ID + "/" + kind + "/" + strconv.FormatInt(l.NewVersion, 10)
	queued := now()
	ds := make([]Delivery, len(inboxes))
	for i, in := range inboxes {
		ds[i] = Delivery{Key: key, Inbox: in, Activity: body, Queued: queued}
	}
	if err := f.Outbox.Enqueue(ctx, ds); err != nil {
		return 0, fmt.Errorf("fediverse: announce %q: %w", l.ID, err)
	}
	if f.Log != nil {
		f.Log.LogAttrs(ctx, slog.LevelInfo, "fediverse: announced", slog.String("article", l.ID), slog.String("activity", kind),
			slog.Int("followers", len(followers)), slog.Int("inboxes", len(inboxes)), slog.Int("queued", len(ds)))
	}
	return len(ds), nil
}

// UniqueInboxes is where one activity for all followers goes: each
// server's shared inbox once, and the own inbox of followers whose server
// has none; sorted.
func UniqueInboxes(fs []Follower) []string {
	seen := make(map[string]bool, len(fs))
	var out []string
	for i := range fs {
		in := fs[i].DeliveryInbox()
		if in == "" || seen[in] {
			continue
		}
		seen[in] = true
		out = append(out, in)
	}
	sort.Strings(out)
	return out
}

// Report is what a fan-out did: Sent deliveries answered 2xx; Refused ones
// were refused for good (4xx other than 429); Failed ones still failed
// (5xx, 429, timeouts) after every attempt.
type Report struct {
	Sent    int
	Refused []string
	Failed  []string
}

// Fanout delivers one activity to many inboxes: at most Concurrency at
// once, at most PerHost to one host, each retried Attempts times with
// exponential backoff from Backoff on a temporary failure.
type Fanout struct {
	Post        Poster
	Concurrency int
	PerHost     int
	Attempts    int
	Backoff     time.Duration
	// Sleep waits between attempts; a timer honouring ctx when nil.
	Sleep func(ctx context.Context, d time.Duration) bool
}

// Deliver posts body to every inbox and reports how each ended.
func (f *Fanout) Deliver(ctx context.Context, inboxes []string, body []byte) Report {
	conc, perHost, attempts := max(f.Concurrency, 1), max(f.PerHost, 1), max(f.Attempts, 1)
	sleep := f.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var (
		mu    sync.Mutex
		rep   Report
		hosts = map[string]chan struct{}{}
	)
	slot := func(inbox string) chan struct{} {
		host := inbox
		if u, err := url.Parse(inbox); err == nil {
			host = strings.ToLower(u.Host)
		}
		mu.Lock()
		defer mu.Unlock()
		c, ok := hosts[host]
		if !ok {
			c = make(chan struct{}, perHost)
			hosts[host] = c
		}
		return c
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(conc, len(inboxes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for inbox := range work {
				sem := slot(inbox)
				outcome := "failed"
				for try := 0; try < attempts; try++ {
					if try > 0 && !sleep(ctx, f.Backoff<<(try-1)) {
						break
					}
					acquired := false
					select {
					case sem <- struct{}{}:
						acquired = true
					case <-ctx.Done():
					}
					if !acquired {
						break
					}
					err := f.Post.Post(ctx, inbox, body)
					<-sem
					var de *DeliveryError
					switch {
					case err == nil:
						outcome = "sent"
					case errors.As(err, &de) && de.Permanent:
						outcome = "refused"
					default:
						continue
					}
					break
				}
				mu.Lock()
				switch outcome {
				case "sent":
					rep.Sent++
				case "refused":
					rep.Refused = append(rep.Refused, inbox)
				default:
					rep.Failed = append(rep.Failed, inbox)
				}
				mu.Unlock()
			}
		}()
	}
	for _, in := range inboxes {
		work <- in
	}
	close(work)
	wg.Wait()
	sort.Strings(rep.Refused)
	sort.Strings(rep.Failed)
	return rep
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	return smithytime.SleepWithContext(ctx, d) == nil
}

// StreamReader reads a stream record's story change (dynamo.StreamLifecycle);
// ok is false for records about anything else.
type StreamReader func(r *events.DynamoDBStreamRecord) (Lifecycle, bool, error)

// Handle announces every story change of a batch of the table's stream, in
// order. A record whose story or followers could not be read, or whose
// deliveries could not all be queued, is reported in BatchItemFailures
// (Lambda retries from it; the deliveries already queued are dropped by
// the queue as repeats).
func (f *Federator) Handle(ctx context.Context, read StreamReader, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var res events.DynamoDBEventResponse
	rec := new(metrics.Recorder)
	defer func() {
		if f.Metrics != nil {
			if err := f.Metrics.Emit(rec); err != nil && f.Log != nil {
				f.Log.LogAttrs(ctx, slog.LevelWarn, "metrics: not written", slog.String("error", err.Error()))
			}
		}
	}()
	for i := range e.Records {
		r := &e.Records[i]
		l, ok, err := read(&r.Change)
		if err == nil && ok {
			var n int
			n, err = f.Announce(ctx, l)
			rec.Add(metrics.DeliveriesQueued, n)
		}
		if err != nil {
			if f.Log != nil {
				f.Log.LogAttrs(ctx, slog.LevelWarn, "fediverse: record not announced", slog.String("event", r.EventID),
					slog.String("error", err.Error()))
			}
			// Lambda retries from the first failure; the records after it
			// are retried with it.
			res.BatchItemFailures = append(res.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			return res, nil
		}
	}
	return res, nil
}
