package previewapi

import (
	"context"
	"io"
	"sync"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/studio"
)

// NewOptions configures the studio from cfg, as the articles Lambda and
// the local server both need it: the share settings the share function
// has, a card renderer like its, and one photo fetcher limited to the
// image origins for both the cards and the photo checks.
func NewOptions(cfg config.Config, shares share.Counter) (Options, error) {
	bg, err := card.ParseColor(cfg.BrandColor)
	if err != nil {
		return Options{}, err
	}
	photos := &card.Fetcher{Origins: cfg.ImageOrigins}
	cards := &lazyCards{opts: card.Options{Background: bg, Location: cfg.Location, Images: photos}}
	return Options{
		Studio: &studio.Studio{Site: share.NewSite(cfg), SiteURL: cfg.SiteURL, ImageOrigins: cfg.ImageOrigins, Photos: photos},
		Cards:  cards, Shares: shares, StoreTimeout: cfg.StoreTimeout, Location: cfg.Location,
		Cursors:     cursor.New(cfg.CursorSecret),
		Publication: fediverse.PublicationOf(cfg),
	}, nil
}

// lazyCards makes its card renderer on the first card it draws: parsing
// the fonts and the emoji index is a few milliseconds that every cold
// start of the articles function would otherwise pay, for a route editors
// open now and then.
type lazyCards struct {
	opts card.Options
	once sync.Once
	r    *card.Renderer
	err  error
}

func (l *lazyCards) Render(ctx context.Context, w io.Writer, c card.Card) (card.Result, error) {
	l.once.Do(func() { l.r, l.err = card.New(l.opts) })
	if l.err != nil {
		return card.Result{}, l.err
	}
	return l.r.Render(ctx, w, c)
}
