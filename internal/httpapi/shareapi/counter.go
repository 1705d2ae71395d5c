package shareapi

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// ClickStats counts what became of share clicks' counter writes. The zero
// value is ready; one may be shared by every request of a process.
type ClickStats struct {
	// Counted writes succeeded; Failed ones returned an error (throttled,
	// store down: logged as "share not counted"); Late ones outlived the
	// click's budget and finished, or failed, after the redirect (logged as
	// "share count late"; a late write is also Counted or Failed).
	Counted, Failed, Late atomic.Int64
	pending               sync.WaitGroup
}

// Wait blocks until every counter write started so far has ended, for
// tests and for a server's shutdown.
func (s *ClickStats) Wait() { s.pending.Wait() }

// countClick writes one share of id on network without holding up the
// redirect for long: the write runs on its own goroutine under the store
// timeout, detached from the request, and the click waits for it at most
// budget. The guarantee, with its limits:
//
//   - A write that ends within budget (a healthy DynamoDB answers an
//     UpdateItem in single-digit milliseconds; budget defaults to 50 ms)
//     is done before the response, so in Lambda it cannot be cut short by
//     the freeze that follows: with a healthy store no increment is lost.
//   - A slower write (throttling and the SDK's retries, an outage) never
//     delays the redirect beyond budget and never fails it. It goes on in
//     the background: in a long-lived server it completes; in Lambda it
//     resumes when the sandbox next thaws (seconds, on a busy day) and is
//     lost only if the sandbox is shut down first. Each such write is
//     logged and counted in stats (Late, then Counted or Failed).
//
// The click is in the request's metrics record (ShareClicks by network),
// and so is a write that fails within budget (CounterWriteFailures).
func countClick(ctx context.Context, st Store, stats *ClickStats, budget, timeout time.Duration, id, network string) {
	log := httpapi.Logger(ctx)
	rec := metrics.FromContext(ctx)
	rec.ShareClick(network)
	wctx := context.WithoutCancel(ctx)
	done := make(chan struct{})
	stats.pending.Add(1)
	go func() {
		defer stats.pending.Done()
		defer close(done)
		wctx, cancel := context.WithTimeout(wctx, timeout)
		defer cancel()
		if err := st.IncrementShare(wctx, id, network); err != nil {
			stats.Failed.Add(1)
			// Reaches the request's metrics record when the write fails
			// within budget; a late failure is in the log line only.
			rec.Add(metrics.CounterWriteFailures, 1)
			log.LogAttrs(wctx, slog.LevelWarn, "share not counted",
				slog.String("article", id), slog.String("network", network), slog.String("error", err.Error()))
			return
		}
		stats.Counted.Add(1)
	}()
	t := time.NewTimer(budget)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		stats.Late.Add(1)
		log.LogAttrs(ctx, slog.LevelWarn, "share count late",
			slog.String("article", id), slog.String("network", network), slog.Duration("budget", budget))
	}
}
