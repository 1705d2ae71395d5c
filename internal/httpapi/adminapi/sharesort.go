package adminapi

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
)

// Values of GET /articles?sort=.
const (
	sortNewest = "newest"
	sortShares = "shares"
)

// sharesCursorScope keeps cursors of the most-shared list apart from the
// newest-first list's (and from feeds').
const sharesCursorScope = "admin-shares"

var errBadSort = httpapi.NewRequestError(http.StatusBadRequest, "bad-query",
	`sort must be "newest" (the default) or "shares"`)

// sharesListResponse is the wire form of one page of GET
// /articles?sort=shares: the articles, most shared first, and the share
// total each was ranked by, keyed by ID (kept out of the articles, so a
// client that PUTs back an article it listed sends no unknown field).
type sharesListResponse struct {
	Articles []wire.Article   `json:"articles"`
	Shares   map[string]int64 `json:"shares"`
	Next     string           `json:"next,omitempty"`
}

// listByShares answers GET /articles?sort=shares: live articles, drafts
// included, by all-time share total, descending, ties newest first.
func (a *admin) listByShares(w http.ResponseWriter, r *http.Request, limit int) {
	after, err := a.opts.Cursors.OpenShares(sharesCursorScope, r.URL.Query().Get("cursor"))
	if err != nil {
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-cursor",
			"cursor is not one this list handed out; start again without it"))
		return
	}
	if a.opts.Shares == nil {
		httpapi.Error(w, r, errNoShares)
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	now := a.opts.Now()
	page, err := a.opts.Shares.ListByShares(ctx, article.SharesListOptions{Limit: limit, After: after})
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	resp := sharesListResponse{
		Articles: make([]wire.Article, len(page.Articles)),
		Shares:   make(map[string]int64, len(page.Articles)),
	}
	for i := range page.Articles {
		resp.Articles[i] = response(&page.Articles[i], now)
		resp.Shares[page.Articles[i].ID] = page.Totals[i]
	}
	if !page.Next.IsZero() {
		resp.Next = a.opts.Cursors.SealShares(sharesCursorScope, page.Next)
		next := url.Values{"cursor": {resp.Next}, "limit": {strconv.Itoa(limit)}, "sort": {sortShares}}
		w.Header().Set("Link", "</articles?"+next.Encode()+`>; rel="next"`)
	}
	writeJSON(w, r, http.StatusOK, resp)
}
