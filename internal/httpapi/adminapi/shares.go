package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
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
	// Fediverse is the story's likes, boosts and replies on the
	// fediverse and the newsroom's followers there; absent when the
	// routes were built without a FediverseReader.
	Fediverse *FediverseCounts `json:"fediverse,omitempty"`
}

// FediverseReader reads the fediverse state (fediverse.Store).
type FediverseReader interface {
	Followers(ctx context.Context) ([]fediverse.Follower, error)
	Interactions(ctx context.Context, articleID string) ([]fediverse.Interaction, error)
}

// MaxReplies is how many replies GET /articles/{id}/shares lists, newest
// first.
const MaxReplies = 50

// FediverseCounts is a story on the fediverse: the newsroom's followers,
// the story's likes, boosts and replies, and its newest replies.
type FediverseCounts struct {
	Followers int64            `json:"followers"`
	Likes     int64            `json:"likes"`
	Boosts    int64            `json:"boosts"`
	Replies   int64            `json:"replies"`
	Recent    []FediverseReply `json:"recentReplies"`
}

// FediverseReply is one reply: its author (actor id), page, plain text
// (sanitised when received) and time.
type FediverseReply struct {
	Author string    `json:"author"`
	URL    string    `json:"url"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
}

// ReadFediverse reads id's fediverse counts and newest replies.
func ReadFediverse(ctx context.Context, st FediverseReader, id string) (*FediverseCounts, error) {
	fs, err := st.Followers(ctx)
	if err != nil {
		return nil, err
	}
	is, err := st.Interactions(ctx, id)
	if err != nil {
		return nil, err
	}
	c := fediverse.Tally(is)
	out := &FediverseCounts{Followers: int64(len(fs)), Likes: c.Likes, Boosts: c.Boosts, Replies: c.Replies, Recent: []FediverseReply{}}
	for i := len(is) - 1; i >= 0 && len(out.Recent) < MaxReplies; i-- {
		if is[i].Kind == fediverse.KindReply {
			out.Recent = append(out.Recent, FediverseReply{Author: is[i].Actor, URL: is[i].URL, Text: is[i].Text, At: is[i].At.UTC()})
		}
	}
	return out, nil
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
	if a.opts.Fediverse != nil {
		if resp.Fediverse, err = ReadFediverse(ctx, a.opts.Fediverse, id); err != nil {
			httpapi.Error(w, r, err)
			return
		}
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
