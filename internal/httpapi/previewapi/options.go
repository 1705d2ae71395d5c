package previewapi

import (
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/studio"
)

// NewOptions configures the studio from cfg, as the articles Lambda and
// the local server both need it: the share settings the share function
// has, a card renderer like its, and one photo fetcher limited to the
// image origins for both the cards and the photo checks.
func NewOptions(cfg config.Config, shares adminapi.ShareCounter) (Options, error) {
	bg, err := card.ParseColor(cfg.BrandColor)
	if err != nil {
		return Options{}, err
	}
	photos := &card.Fetcher{Origins: cfg.ImageOrigins}
	cards, err := card.New(card.Options{Background: bg, Location: cfg.Location, Images: photos})
	if err != nil {
		return Options{}, err
	}
	return Options{
		Studio: &studio.Studio{Site: share.NewSite(cfg), SiteURL: cfg.SiteURL, ImageOrigins: cfg.ImageOrigins, Photos: photos},
		Cards:  cards, Shares: shares, StoreTimeout: cfg.StoreTimeout, Location: cfg.Location,
	}, nil
}
