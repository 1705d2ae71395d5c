package outbox

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// Handler is the deliver function: a batch of the delivery queue in,
// each delivery tried once.
type Handler struct {
	Deliverer *fediverse.Deliverer
	Queue     *Queue
	Metrics   *metrics.Emitter
	Log       *slog.Logger
	// Reserve is the time kept back before the invocation's deadline: a
	// delivery is not started with less left (one request's timeout).
	Reserve time.Duration
}

// Handle tries every message of e, the hosts at once and each host's in
// order. A message to retry is reported in BatchItemFailures, hidden for
// its backoff first; a sent, refused, skipped or undecodable one is not
// (Lambda deletes it).
func (h *Handler) Handle(ctx context.Context, e events.SQSEvent) (events.SQSEventResponse, error) {
	rec := new(metrics.Recorder)
	var order []string
	byHost := map[string][]received{}
	for i := range e.Records {
		r := received{msg: &e.Records[i]}
		host := r.msg.Attributes["MessageGroupId"]
		if r.d, r.err = Decode(r.msg.Body); r.err == nil {
			host = r.d.Host()
		}
		if _, ok := byHost[host]; !ok {
			order = append(order, host)
		}
		byHost[host] = append(byHost[host], r)
	}
	var (
		mu   sync.Mutex
		res  events.SQSEventResponse
		wg   sync.WaitGroup
		fail = func(rs []received) {
			mu.Lock()
			for _, r := range rs {
				res.BatchItemFailures = append(res.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.msg.MessageId})
			}
			mu.Unlock()
		}
	)
	for _, host := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rest, wait := h.host(ctx, host, byHost[host], rec); len(rest) > 0 {
				if wait > 0 {
					receipts := make([]string, len(rest))
					for i, r := range rest {
						receipts[i] = r.msg.ReceiptHandle
					}
					if err := h.Queue.Delay(ctx, receipts, wait); err != nil {
						h.warn(ctx, "outbox: backoff not set", host, err)
					}
					if err := h.Metrics.EmitBackoff(host, wait); err != nil {
						h.warn(ctx, "metrics: not written", host, err)
					}
				}
				fail(rest)
			}
		}()
	}
	wg.Wait()
	if err := h.Metrics.Emit(rec); err != nil && h.Log != nil {
		h.Log.LogAttrs(ctx, slog.LevelWarn, "metrics: not written", slog.String("error", err.Error()))
	}
	return res, nil
}

// received is a message of a batch and its delivery, decoded once.
type received struct {
	msg *events.SQSMessage
	d   fediverse.Delivery
	err error // Decode's
}

// host tries ms, one host's messages, in order. It returns the ones to
// report as failures, from the first that must wait on, and how long to
// hide them (0: leave the queue's visibility timeout).
func (h *Handler) host(ctx context.Context, host string, ms []received, rec *metrics.Recorder) ([]received, time.Duration) {
	for i, m := range ms {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < h.Reserve {
			return ms[i:], 0
		}
		if m.err != nil {
			rec.Add(metrics.DeliveriesRefused, 1)
			h.warn(ctx, "outbox: message dropped", host, m.err)
			continue
		}
		d := m.d
		attempt, _ := strconv.Atoi(m.msg.Attributes["ApproximateReceiveCount"])
		out, err := h.Deliverer.Attempt(ctx, d, max(attempt, 1))
		if err != nil {
			// Not tried: the store could not be read.
			h.warn(ctx, "outbox: delivery not tried", host, err)
			return ms[i:], h.Deliverer.Policy.Backoff
		}
		rec.Add(metrics.FollowersPruned, out.Pruned)
		switch out.Result {
		case fediverse.ResultSent:
			rec.Add(metrics.DeliveriesSent, 1)
			rec.Latency(out.Latency)
		case fediverse.ResultRefused:
			rec.Add(metrics.DeliveriesRefused, 1)
			h.info(ctx, "outbox: delivery refused", d.Inbox, attempt, out.Err)
		case fediverse.ResultSkipped:
			rec.Add(metrics.DeliveriesSkipped, 1)
		case fediverse.ResultRetry:
			rec.Add(metrics.DeliveriesRetried, 1)
			h.info(ctx, "outbox: delivery failed, to retry", d.Inbox, attempt, out.Err)
			return ms[i:], out.RetryIn
		case fediverse.ResultFailed:
			// Its last attempt: visible again at once, the queue's
			// redrive moves it to the dead-letter queue.
			rec.Add(metrics.DeliveriesFailed, 1)
			h.info(ctx, "outbox: delivery failed for good, to the dead-letter queue", d.Inbox, attempt, out.Err)
			// (The host's later messages in this batch come back with it,
			// a receive counted without an attempt.)
			return ms[i:], time.Second
		}
	}
	return nil, 0
}

func (h *Handler) info(ctx context.Context, msg, inbox string, attempt int, err error) {
	if h.Log != nil {
		attrs := []slog.Attr{slog.String("inbox", inbox), slog.Int("attempt", attempt)}
		if err != nil {
			attrs = append(attrs, slog.String("error", err.Error()))
		}
		h.Log.LogAttrs(ctx, slog.LevelInfo, msg, attrs...)
	}
}

func (h *Handler) warn(ctx context.Context, msg, host string, err error) {
	if h.Log != nil {
		h.Log.LogAttrs(ctx, slog.LevelWarn, msg, slog.String("host", host), slog.String("error", err.Error()))
	}
}
