package fediverse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Delivery is one activity for one inbox: what the federator queues and
// the deliverer sends, signing it then (a fresh Date).
type Delivery struct {
	// Key is the same for the same story change and inbox however often
	// the change is announced (a redelivered stream record): the queue
	// drops a repeat (DedupKey).
	Key      string
	Inbox    string
	Activity json.RawMessage
	// Queued is when the story change was announced: a delivery's latency
	// is counted from it.
	Queued time.Time
}

// Host is the lower-case host (with port) of the delivery's inbox: the
// unit the per-host limits, backoff and health go by.
func (d *Delivery) Host() string { return InboxHost(d.Inbox) }

// InboxHost is the lower-case host (with port) of an inbox URL, or the
// URL itself when it has none.
func InboxHost(inbox string) string {
	if u, err := url.Parse(inbox); err == nil && u.Host != "" {
		return strings.ToLower(u.Host)
	}
	return inbox
}

// Outbox takes a story change's deliveries to send: an SQS FIFO queue
// deployed (package outbox), Direct under make run.
type Outbox interface {
	Enqueue(ctx context.Context, ds []Delivery) error
}

// Direct is make run's outbox: it delivers at once, in process, with the
// fan-out's short retries (no retries for a day, no host health).
type Direct struct {
	Fanout *Fanout
	Log    *slog.Logger
}

// Enqueue delivers ds now, one fan-out per activity, and logs how it went.
func (o *Direct) Enqueue(ctx context.Context, ds []Delivery) error {
	byKey := map[string][]string{}
	var order []string
	bodies := map[string][]byte{}
	for i := range ds {
		k := string(ds[i].Activity)
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
			bodies[k] = ds[i].Activity
		}
		byKey[k] = append(byKey[k], ds[i].Inbox)
	}
	for _, k := range order {
		rep := o.Fanout.Deliver(ctx, byKey[k], bodies[k])
		if o.Log != nil {
			o.Log.LogAttrs(ctx, slog.LevelInfo, "fediverse: delivered", slog.Int("inboxes", len(byKey[k])), slog.Int("sent", rep.Sent),
				slog.Int("refused", len(rep.Refused)), slog.Int("failed", len(rep.Failed)))
		}
	}
	return nil
}

// HostHealth is a peer host's delivery record: kept only while its
// deliveries fail, removed by the first one it answers 2xx.
type HostHealth struct {
	Host string
	// FailingSince is the first failure (5xx, 429, timeout) with no
	// success since; LastFailure the latest; Failures how many.
	FailingSince time.Time
	LastFailure  time.Time
	Failures     int64
}

// Failing reports whether the host has a failure on record.
func (h HostHealth) Failing() bool { return !h.FailingSince.IsZero() }

// HostStore keeps host health (a Store).
type HostStore interface {
	// Host returns host's record; the zero HostHealth (with Host set)
	// when its deliveries do not fail.
	Host(ctx context.Context, host string) (HostHealth, error)
	// HostFailed records a failure at at and returns the record: the
	// first one since a success starts FailingSince.
	HostFailed(ctx context.Context, host string, at time.Time) (HostHealth, error)
	// HostRecovered removes host's record.
	HostRecovered(ctx context.Context, host string) error
}

// Policy is the deliverer's schedule.
type Policy struct {
	// Attempts is how often a delivery is tried on a temporary failure
	// before it goes to the dead-letter queue.
	Attempts int
	// Backoff is the wait after the first failure, doubled after each
	// one, at most MaxBackoff; a peer's longer Retry-After wins, up to
	// MaxBackoff too.
	Backoff, MaxBackoff time.Duration
	// A host failing continuously for SkipAfter is skipped: its
	// deliveries are dropped unsent, but one is tried every ProbeEvery
	// (a success ends the failing). Once failing for PruneAfter, its
	// followers are removed.
	SkipAfter, ProbeEvery, PruneAfter time.Duration
}

// DefaultPolicy: 12 attempts, 45 s, 90 s, 3 min … doubling up to SQS's
// 12-hour visibility maximum, so the last attempt is about 25 hours after
// the first (RetryWindow); a host failing for 3 days is skipped (one
// probe every 6 hours), and pruned after 7 days, as Mastodon marks a
// server unavailable after a week of failures.
var DefaultPolicy = Policy{Attempts: 12, Backoff: 45 * time.Second, MaxBackoff: 12 * time.Hour,
	SkipAfter: 3 * 24 * time.Hour, ProbeEvery: 6 * time.Hour, PruneAfter: 7 * 24 * time.Hour}

// RetryIn is the wait after the attempt-th failed attempt (1-based).
func (p Policy) RetryIn(attempt int) time.Duration {
	d := p.Backoff
	for i := 1; i < attempt && d < p.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, p.MaxBackoff)
}

// RetryWindow is the time from the first attempt to the last.
func (p Policy) RetryWindow() time.Duration {
	var total time.Duration
	for a := 1; a < p.Attempts; a++ {
		total += p.RetryIn(a)
	}
	return total
}

// Results of Deliverer.Attempt.
const (
	// ResultSent: the inbox answered 2xx.
	ResultSent = "sent"
	// ResultRefused: 4xx other than 429 (or a private address): dropped
	// for good.
	ResultRefused = "refused"
	// ResultRetry: a 5xx, 429 or timeout with attempts left; try again
	// after Outcome.RetryIn.
	ResultRetry = "retry"
	// ResultFailed: a temporary failure on the last attempt: the queue
	// moves it to the dead-letter queue.
	ResultFailed = "failed"
	// ResultSkipped: the host has been failing for Policy.SkipAfter;
	// dropped unsent.
	ResultSkipped = "skipped"
)

// Outcome is what one attempt did.
type Outcome struct {
	Result  string
	RetryIn time.Duration
	// Latency is from Queued to the answer (sent deliveries).
	Latency time.Duration
	// Pruned is how many followers were removed with their dead host.
	Pruned int
	Err    error
}

// Deliverer sends one queued delivery at a time (the deliver function;
// package outbox reads SQS for it), keeping each host's health.
type Deliverer struct {
	Post  Poster
	Store interface {
		HostStore
		Followers(ctx context.Context) ([]Follower, error)
		RemoveFollower(ctx context.Context, actor string) error
	}
	Policy Policy
	Now    func() time.Time
	Log    *slog.Logger
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Attempt tries del for the attempt-th time (1-based; SQS's
// ApproximateReceiveCount). The error is the store's: the delivery was
// not tried and should be retried.
func (d *Deliverer) Attempt(ctx context.Context, del Delivery, attempt int) (Outcome, error) {
	host := del.Host()
	h, err := d.Store.Host(ctx, host)
	if err != nil {
		return Outcome{}, fmt.Errorf("fediverse: deliver to %s: %w", host, err)
	}
	now := d.now()
	if h.Failing() && now.Sub(h.FailingSince) >= d.Policy.SkipAfter && now.Sub(h.LastFailure) < d.Policy.ProbeEvery {
		out := Outcome{Result: ResultSkipped}
		if now.Sub(h.FailingSince) >= d.Policy.PruneAfter {
			if out.Pruned, err = d.prune(ctx, host); err != nil {
				return Outcome{}, err
			}
		}
		return out, nil
	}
	perr := d.Post.Post(ctx, del.Inbox, del.Activity)
	var de *DeliveryError
	switch {
	case perr == nil:
		if h.Failing() {
			if err := d.Store.HostRecovered(ctx, host); err != nil {
				d.warn(ctx, "fediverse: host recovery not recorded", host, err)
			}
		}
		return Outcome{Result: ResultSent, Latency: d.now().Sub(del.Queued)}, nil
	case errors.As(perr, &de) && de.Permanent:
		return Outcome{Result: ResultRefused, Err: perr}, nil
	}
	wait := d.Policy.RetryIn(attempt)
	if de != nil && de.RetryAfter > wait {
		// The peer asked for longer: honoured, up to the longest wait.
		wait = min(de.RetryAfter, d.Policy.MaxBackoff)
	}
	out := Outcome{Result: ResultRetry, RetryIn: wait, Err: perr}
	if attempt >= d.Policy.Attempts {
		out = Outcome{Result: ResultFailed, Err: perr}
	}
	h, err = d.Store.HostFailed(ctx, host, d.now())
	if err != nil {
		d.warn(ctx, "fediverse: host failure not recorded", host, err)
		return out, nil
	}
	if d.now().Sub(h.FailingSince) >= d.Policy.PruneAfter {
		if out.Pruned, err = d.prune(ctx, host); err != nil {
			d.warn(ctx, "fediverse: dead host not pruned", host, err)
		}
	}
	return out, nil
}

// prune removes every follower whose deliveries go to host.
func (d *Deliverer) prune(ctx context.Context, host string) (int, error) {
	fs, err := d.Store.Followers(ctx)
	if err != nil {
		return 0, fmt.Errorf("fediverse: prune %s: %w", host, err)
	}
	n := 0
	for i := range fs {
		if InboxHost(fs[i].DeliveryInbox()) != host {
			continue
		}
		if err := d.Store.RemoveFollower(ctx, fs[i].Actor); err != nil {
			return n, fmt.Errorf("fediverse: prune %s: %w", host, err)
		}
		n++
	}
	if n > 0 && d.Log != nil {
		d.Log.LogAttrs(ctx, slog.LevelWarn, "fediverse: dead host pruned", slog.String("host", host), slog.Int("followers", n))
	}
	return n, nil
}

func (d *Deliverer) warn(ctx context.Context, msg, host string, err error) {
	if d.Log != nil {
		d.Log.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("host", host), slog.String("error", err.Error()))
	}
}
