package shareapi

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// linkCacheMax bounds the share link's in-process copies: at most this
// many slugs and IDs are kept (about 1 KB each); when full, an arbitrary
// one goes.
const linkCacheMax = 4096

// linkCache keeps the share link's target (shareTarget) of recently
// clicked articles, by the key the click named (slug or ID), so that a
// burst of clicks on one story reads the store once per LinkTTL per
// instance instead of once per click, and so that a store that fails or
// throttles still has a recent copy to answer from for LinkStale more.
// Articles that were not found are never kept: a story published a second
// later must not be answered 404 from here.
//
// Concurrent misses of one key share one read (flight), so a burst on a
// cold instance costs one read too.
type linkCache struct {
	mu     sync.Mutex
	m      map[string]linkEntry
	flight map[string]*linkRead
}

// linkRead is one store read that concurrent misses of a key wait for.
type linkRead struct {
	done chan struct{}
	a    article.Article
	err  error
}

type linkEntry struct {
	a  article.Article
	at time.Time
}

// get returns the copy of key and when it was read.
func (c *linkCache) get(key string) (article.Article, time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	return e.a, e.at, ok
}

// put keeps a (a share target) under key, read at at.
func (c *linkCache) put(key string, a article.Article, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]linkEntry)
	}
	if _, ok := c.m[key]; !ok && len(c.m) >= linkCacheMax {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[key] = linkEntry{a: a, at: at}
}

// shareTarget is what a share link needs of a: the addresses (ID, slugs,
// URL), the title and lead the dialogs carry, the version, and what
// decides whether it is live (or was, for a tombstone: Article.WasLive). The body, most of an item, is not kept.
func shareTarget(a article.Article) article.Article {
	return article.Article{
		ID: a.ID, Slug: a.Slug, PreviousSlugs: a.PreviousSlugs, URL: a.URL,
		Title: a.Title, Lead: a.Lead, Version: a.Version,
		Status: a.Status, Deleted: a.Deleted, PublishedAt: a.PublishedAt, UpdatedAt: a.UpdatedAt,
	}
}

// errDegraded marks a share link answered without its article: the store
// failed and no copy was recent enough.
var errDegraded = errors.New("share link: article not read")

// target returns the share target of the article a share link names:
// from the in-process copy while it is younger than LinkTTL, else from the
// store under LinkTimeout; when the store fails (throttled, unavailable,
// slow) from a copy younger than LinkTTL+LinkStale, else errDegraded,
// wrapping the store's error. Not found and gone are the store's answers,
// never degraded.
func (h *shareHandler) target(ctx context.Context, key string) (article.Article, error) {
	now := h.opts.Now()
	cached, at, ok := h.links.get(key)
	if ok && h.opts.LinkTTL > 0 && now.Sub(at) < h.opts.LinkTTL {
		return cached, nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.opts.LinkTimeout)
	defer cancel()
	fresh := func(at time.Time) bool { return h.opts.LinkTTL > 0 && now.Sub(at) < h.opts.LinkTTL }
	a, err := h.links.read(ctx, key, fresh, h.lookup, func(a article.Article) {
		if h.opts.LinkTTL > 0 {
			h.links.put(key, a, now)
		}
	})
	switch {
	case err == nil:
		return a, nil
	case errors.Is(err, article.ErrNotFound), errors.Is(err, article.ErrGone):
		return article.Article{}, err
	case ok && now.Sub(at) < h.opts.LinkTTL+h.opts.LinkStale:
		return cached, nil
	}
	return article.Article{}, fmt.Errorf("%w: %w", errDegraded, err)
}

// read returns the share target of lookup(key), sharing one call among the
// concurrent callers of one key; keep is given what was found before the
// call ends, so a caller after it finds the copy. A caller that missed the
// copy just before a call ended finds it here, when fresh says the copy
// kept since is recent enough, instead of reading again. A caller whose
// ctx ends first gets ctx's error; the call goes on for the others, under
// the first caller's deadline.
func (c *linkCache) read(ctx context.Context, key string, fresh func(at time.Time) bool, lookup func(context.Context, string) (article.Article, error), keep func(article.Article)) (article.Article, error) {
	c.mu.Lock()
	f, ok := c.flight[key]
	if e, kept := c.m[key]; !ok && kept && fresh(e.at) {
		c.mu.Unlock()
		return e.a, nil
	}
	if !ok {
		if c.flight == nil {
			c.flight = make(map[string]*linkRead)
		}
		f = &linkRead{done: make(chan struct{})}
		c.flight[key] = f
		go func() {
			// Detached from the first caller's cancel, not its deadline.
			// (target always sets one: LinkTimeout).
			d, ok := ctx.Deadline()
			if !ok {
				d = time.Now().Add(time.Minute)
			}
			rctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), d)
			defer cancel()
			a, err := lookup(rctx, key)
			f.a, f.err = shareTarget(a), err
			if err == nil {
				keep(f.a)
			}
			c.mu.Lock()
			delete(c.flight, key)
			c.mu.Unlock()
			close(f.done)
		}()
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.a, f.err
	case <-ctx.Done():
		return article.Article{}, fmt.Errorf("share link: read %q: %w", key, context.Cause(ctx))
	}
}
