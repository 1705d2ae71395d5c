package adminapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
)

// NewOptions configures the admin routes from cfg, as the articles Lambda
// and the local server both need them, with shares as the share counters
// (a store opened with the site's location, cfg.Location).
func NewOptions(cfg config.Config, shares ShareReader) Options {
	return Options{Cursors: cursor.New(cfg.CursorSecret), StoreTimeout: cfg.StoreTimeout,
		Shares: shares, Location: cfg.Location}
}
