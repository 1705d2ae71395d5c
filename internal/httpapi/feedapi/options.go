package feedapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
)

// CacheBytes bounds the rendered feeds a warm container keeps: about a
// hundred 50-article feeds with their gzip'd copies.
const CacheBytes = 32 << 20

// NewOptions configures the feed routes from cfg, as the feeds Lambda and
// the local server both need them.
func NewOptions(cfg config.Config) Options {
	return Options{
		Site:         feed.NewChannel(cfg),
		Sealer:       cursor.New(cfg.CursorSecret),
		StoreTimeout: cfg.StoreTimeout,
		Cache:        feed.NewCache(CacheBytes),
		Heads:        NewHeadCache(HeadTTL),
	}
}
