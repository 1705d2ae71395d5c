package adminapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
)

// NewOptions configures the admin routes from cfg, as the articles Lambda
// and the local server both need them.
func NewOptions(cfg config.Config) Options {
	return Options{Cursors: cursor.New(cfg.CursorSecret), StoreTimeout: cfg.StoreTimeout}
}
