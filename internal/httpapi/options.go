package httpapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// FeedCacheBytes bounds the rendered feeds a warm container keeps: about a
// hundred 50-article feeds with their gzip'd copies.
const FeedCacheBytes = 32 << 20

// NewFeedOptions configures the feeds routes from cfg, as the feeds Lambda
// and the local server both need them.
func NewFeedOptions(cfg config.Config) FeedOptions {
	return FeedOptions{
		Site:         feed.NewSite(cfg),
		Sealer:       cursor.New(cfg.CursorSecret),
		StoreTimeout: cfg.StoreTimeout,
		Cache:        feed.NewCache(FeedCacheBytes),
	}
}

// NewShareOptions configures the share routes from cfg, as the share Lambda
// and the local server both need them: the card renderer with the brand
// colour and a photo fetcher limited to the configured image origins.
func NewShareOptions(cfg config.Config) (ShareOptions, error) {
	bg, err := card.ParseColor(cfg.BrandColor)
	if err != nil {
		return ShareOptions{}, err
	}
	cards, err := card.New(card.Options{
		Background: bg,
		Location:   cfg.Location,
		Images:     &card.Fetcher{Origins: cfg.ImageOrigins},
	})
	if err != nil {
		return ShareOptions{}, err
	}
	return ShareOptions{Site: share.NewSite(cfg), Cards: cards, StoreTimeout: cfg.StoreTimeout}, nil
}

// NewAdminOptions configures the admin routes from cfg.
func NewAdminOptions(cfg config.Config) AdminOptions {
	return AdminOptions{Cursors: cursor.New(cfg.CursorSecret), StoreTimeout: cfg.StoreTimeout}
}
