package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
)

// ShareReader is what the share routes need from the store: for GET
// /articles/{id}/shares the all-time counts by network and the counts by
// day (yyyy-mm-dd in the site's time zone, the store's WithLocation) and
// network; for GET /articles?sort=shares the most-shared list.
type ShareReader interface {
	ShareCounter
	ListByShares(ctx context.Context, opts article.SharesListOptions) (article.SharesPage, error)
}

// ShareCounter is the part of ShareReader that reads one article's counts:
// all ReadShares needs.
type ShareCounter interface {
	ShareCounts(ctx context.Context, id string) (map[string]int64, error)
	DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error)
}

// ShareDays is how many days GET /articles/{id}/shares lists, today (in
// the site's time zone) included.
const ShareDays = 30

// sharesResponse is the wire form of GET /articles/{id}/shares: all-time
// totals, and one entry per day of the last ShareDays, oldest first, days
// without shares included with empty networks.
type sharesResponse struct {
	Total    int64            `json:"total"`
	Networks map[string]int64 `json:"networks"`
	Days     []ShareDay       `json:"days"`
}

// ShareDay is one day's counts by network.
type ShareDay struct {
	Date     string           `json:"date"`
	Networks map[string]int64 `json:"networks"`
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
	resp, err := ReadShares(ctx, a.opts.Shares, id, a.opts.Now(), a.opts.Location)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, resp)
}

// Shares is an article's share counts: all-time totals by network and
// one entry per day of the last ShareDays, oldest first, days without
// shares included with empty networks.
type Shares = sharesResponse

// ReadShares reads id's share counts from st as of now, days being those
// of loc: what GET /articles/{id}/shares answers and the preview studio
// charts.
func ReadShares(ctx context.Context, st ShareCounter, id string, now time.Time, loc *time.Location) (Shares, error) {
	totals, err := st.ShareCounts(ctx, id)
	if err != nil {
		return Shares{}, err
	}
	today := now.In(loc)
	first := today.AddDate(0, 0, -(ShareDays - 1))
	daily, err := st.DailyShares(ctx, id, first, today)
	if err != nil {
		return Shares{}, err
	}
	resp := sharesResponse{Networks: totals, Days: make([]ShareDay, 0, ShareDays)}
	if resp.Networks == nil {
		resp.Networks = map[string]int64{}
	}
	for _, n := range resp.Networks {
		resp.Total += n
	}
	y, m, d := first.Date()
	for i := range ShareDays {
		date := time.Date(y, m, d+i, 12, 0, 0, 0, loc).Format(time.DateOnly)
		counts := daily[date]
		if counts == nil {
			counts = map[string]int64{}
		}
		resp.Days = append(resp.Days, ShareDay{Date: date, Networks: counts})
	}
	return resp, nil
}
