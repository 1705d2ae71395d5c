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
	counts, err := share.ReadCounts(ctx, a.opts.Shares, id, a.opts.Now(), a.opts.Location)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	resp := sharesResponse{Counts: counts}
	if a.opts.Fediverse != nil {
		if resp.Fediverse, err = ReadFediverse(ctx, a.opts.Fediverse, id); err != nil {
			httpapi.Error(w, r, err)
			return
		}
	}
	writeJSON(w, r, http.StatusOK, resp)
}

// sharesResponse is the wire form of GET /articles/{id}/shares: the share
// counts and, when the routes have a FediverseReader, the story on the
// fediverse.
type sharesResponse struct {
	share.Counts
	Fediverse *FediverseCounts `json:"fediverse,omitempty"`
}

// FediverseReader reads the fediverse state (fediverse.Store).
type FediverseReader = fediverse.StoryReader

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
	s, err := fediverse.ReadStory(ctx, st, id, MaxReplies)
	if err != nil {
		return nil, err
	}
	out := &FediverseCounts{Followers: int64(s.Followers), Likes: s.Likes, Boosts: s.Boosts, Replies: s.Counts.Replies,
		Recent: make([]FediverseReply, 0, len(s.Replies))}
	for _, r := range s.Replies {
		out.Recent = append(out.Recent, FediverseReply{Author: r.Actor, URL: r.URL, Text: r.Text, At: r.At.UTC()})
	}
	return out, nil
}
