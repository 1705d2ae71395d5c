package shareapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// NewOptions configures the share routes from cfg, as the share Lambda and
// the local server both need them: the card renderer with the brand colour
// and a photo fetcher limited to the configured image origins.
func NewOptions(cfg config.Config) (Options, error) {
	bg, err := card.ParseColor(cfg.BrandColor)
	if err != nil {
		return Options{}, err
	}
	cards, err := card.New(card.Options{
		Background: bg,
		Location:   cfg.Location,
		Images:     &card.Fetcher{Origins: cfg.ImageOrigins},
	})
	if err != nil {
		return Options{}, err
	}
	return Options{Site: share.NewSite(cfg), Cards: cards, StoreTimeout: cfg.StoreTimeout, CountBudget: cfg.ShareCountBudget}, nil
}
