package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
)

// announcer is make run's stand-in for the federate function on the
// table's stream: every save through the newsroom and every release is
// announced to the fediverse followers, on a goroutine of its own, so a
// save never waits on the fediverse.
type announcer struct {
	Store
	// heads is the feed routes' head cache, dropped after every save and
	// release so the feeds show this process's writes at once.
	heads   *feedapi.HeadCache
	fed     *fediverse.Federator
	now     func() time.Time
	log     *slog.Logger
	pending sync.WaitGroup
}

// live is what the stream's images say: published, not deleted, not
// waiting for its release.
func (a *announcer) live(x *article.Article, now time.Time) bool {
	return x != nil && x.Public() && !x.ScheduledAt(now)
}

// Save saves as the store does, then announces the change.
func (a *announcer) Save(ctx context.Context, x article.Article, prev int64) error {
	now := a.now()
	var old *article.Article
	if prev != 0 {
		if o, err := a.Store.Get(ctx, x.ID); err == nil {
			old = &o
		}
	}
	err := a.Store.Save(ctx, x, prev)
	// Even a failed save may have been applied (an answer lost on the way).
	a.heads.Forget()
	if err != nil {
		return err
	}
	l := fediverse.Lifecycle{ID: x.ID, WasLive: a.live(old, now), IsLive: a.live(&x, now), NewVersion: x.Version}
	if old != nil {
		l.OldVersion = old.Version
	}
	a.announce(l)
	return nil
}

// released announces articles that Release made live.
func (a *announcer) released(xs []article.Article) {
	for i := range xs {
		a.announce(fediverse.Lifecycle{ID: xs[i].ID, IsLive: true, OldVersion: xs[i].Version, NewVersion: xs[i].Version})
	}
}

func (a *announcer) announce(l fediverse.Lifecycle) {
	if fediverse.Decide(l) == fediverse.SendNothing {
		return
	}
	a.pending.Add(1)
	go func() {
		defer a.pending.Done()
		// Four attempts per server, 1, 2 and 4 s apart, 10 s each.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := a.fed.Announce(ctx, l); err != nil {
			a.log.LogAttrs(ctx, slog.LevelWarn, "server: fediverse announcement failed", slog.String("article", l.ID),
				slog.String("error", err.Error()))
		}
	}()
}

// Wait blocks until every announcement started has ended.
func (a *announcer) Wait() { a.pending.Wait() }
