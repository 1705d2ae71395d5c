package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/share"
)

// ShareReader is what the share routes need from the store: for GET
// /articles/{id}/shares one article's counters (share.Counter); for GET
// /articles?sort=shares the most-shared list.
type ShareReader interface {
	share.Counter
	ListByShares(ctx context.Context, opts article.SharesListOptions) (article.SharesPage, error)
}

// errNoShares: the router was built without a ShareReader, a wiring bug.
var errNoShares = errors.New("adminapi: no share counts configured")

func (a *admin) shares(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !article.ValidID(id) {
		httpapi.Error(w, r, fmt.Errorf("article id %q: %w", id, article.ErrNotFound))
		return
	}
	if a.opts.Shares == nil {
		httpapi.Error(w, r, errNoShares)
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	// The article first: unknown is 404 and deleted is 410, as GET
	// /articles/{id} answers, even if counters of it remain.
	if _, err := a.svc.Get(ctx, id); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	resp, err := share.ReadCounts(ctx, a.opts.Shares, id, a.opts.Now(), a.opts.Location)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, resp)
}
