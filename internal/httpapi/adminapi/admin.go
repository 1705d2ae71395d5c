package adminapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// Service is what the admin API needs from the article service.
type Service interface {
	Create(ctx context.Context, a article.Article) (article.Article, error)
	Replace(ctx context.Context, id string, a article.Article, ifMatch *int64) (article.Article, bool, error)
	Delete(ctx context.Context, id string, ifMatch *int64) error
	Get(ctx context.Context, id string) (article.Article, error)
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

var _ Service = (*newsroom.Service)(nil)

// Options configures the admin routes. Cursors seals list positions
// (scope "admin"); StoreTimeout bounds every call to the service. Shares
// reads the share counters for GET /articles/{id}/shares, whose days are
// those of Location (UTC if nil) on the clock Now (time.Now if nil), which
// also decides which articles are scheduled (the "scheduled" member and
// GET /articles?status=scheduled).
type Options struct {
	Cursors      *cursor.Sealer
	StoreTimeout time.Duration
	Shares       ShareReader
	// Fediverse adds the story's fediverse counts and replies to GET
	// /articles/{id}/shares; optional.
	Fediverse FediverseReader
	Location  *time.Location
	Now       func() time.Time
}

// Admin list limits.
const (
	DefaultAdminLimit = 20
	MaxAdminLimit     = 100
)

// ReservedID is the one valid id no article may take: /articles/preview is
// the preview studio's index (package previewapi).
const ReservedID = "preview"

// cursorScope keeps admin cursors from being replayed against feeds.
const cursorScope = "admin"

// Register adds the admin API to rt, every route behind the bearer
// token of tokens:
//
//	POST   /articles       create (201, Location, ETag)
//	GET    /articles       newest first, drafts included, ?limit= and ?cursor=;
//	                       ?status=scheduled: only articles scheduled to go live;
//	                       ?sort=shares: most shared first
//	GET    /articles/{id}  one article (ETag; 410 once deleted)
//	PUT    /articles/{id}  create (201) or replace (200), If-Match/If-None-Match
//	DELETE /articles/{id}  tombstone (204), If-Match
//	GET    /articles/{id}/shares  share counts: totals and the last 30 days
func Register(rt *httpapi.Router, svc Service, tokens *auth.Token, opts Options) {
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 3 * time.Second
	}
	if opts.Cursors == nil {
		opts.Cursors = cursor.New("")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &admin{svc: svc, opts: opts}
	guard := func(h http.HandlerFunc) http.Handler { return auth.RequireBearer(tokens, h) }
	rt.Handle(http.MethodPost, "/articles", guard(a.create))
	rt.Handle(http.MethodGet, "/articles", guard(a.list))
	rt.Handle(http.MethodGet, "/articles/{id}", guard(a.get))
	rt.Handle(http.MethodPut, "/articles/{id}", guard(a.put))
	rt.Handle(http.MethodDelete, "/articles/{id}", guard(a.delete))
	rt.Handle(http.MethodGet, "/articles/{id}/shares", guard(a.shares))
}

type admin struct {
	svc  Service
	opts Options
}

func (a *admin) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), a.opts.StoreTimeout)
}

func (a *admin) create(w http.ResponseWriter, r *http.Request) {
	in, err := decodeArticle(w, r)
	if err == nil {
		err = notReserved(in.ID)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	out, err := a.svc.Create(ctx, in)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/articles/"+out.ID)
	writeArticle(w, r, http.StatusCreated, &out, a.opts.Now())
}

// notReserved refuses ReservedID as an article's id, in a POST's body as
// in a PUT's path: GET /articles/preview is the preview studio's index, so
// an article stored under it could never be read back or replaced.
func notReserved(id string) error {
	if id != ReservedID {
		return nil
	}
	return &article.ValidationError{Fields: []article.FieldError{{Field: "id",
		Message: "the id \"" + ReservedID + "\" is reserved for the preview studio (GET /articles/preview)"}}}
}

func (a *admin) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !article.ValidID(id) {
		httpapi.Error(w, r, fmt.Errorf("article id %q: %w", id, article.ErrNotFound))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	out, err := a.svc.Get(ctx, id)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if httpapi.NotModified(r, etag(out.Version), time.Time{}) {
		w.Header().Set("ETag", etag(out.Version))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeArticle(w, r, http.StatusOK, &out, a.opts.Now())
}

func (a *admin) put(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ifMatch, ifNoneMatch, err := preconditions(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	in, err := decodeArticle(w, r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if !article.ValidID(id) {
		httpapi.Error(w, r, &article.ValidationError{Fields: []article.FieldError{{Field: "id",
			Message: "the id in the path must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'"}}})
		return
	}
	if err := notReserved(id); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	expect, err := a.expectedVersion(ctx, id, ifMatch, ifNoneMatch)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	out, created, err := a.svc.Replace(ctx, id, in, expect)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/articles/"+out.ID)
	}
	writeArticle(w, r, status, &out, a.opts.Now())
}

func (a *admin) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ifMatch, _, err := preconditions(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if !article.ValidID(id) {
		httpapi.Error(w, r, fmt.Errorf("article id %q: %w", id, article.ErrNotFound))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	expect, err := a.expectedVersion(ctx, id, ifMatch, nil)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if err := a.svc.Delete(ctx, id, expect); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// expectedVersion turns the request's preconditions into the version the
// service must find: nil for none, 0 for "must not exist". A precondition
// that needs the current version (If-Match: *, a list of tags,
// If-None-Match with tags) reads it first and then pins the write to it,
// so that a concurrent write in between still fails with 412.
func (a *admin) expectedVersion(ctx context.Context, id string, ifMatch, ifNoneMatch *httpapi.ETags) (*int64, error) {
	if ifMatch == nil && ifNoneMatch == nil {
		return nil, nil
	}
	if ifMatch == nil && ifNoneMatch.Any {
		var zero int64
		return &zero, nil
	}
	if ifMatch != nil && ifNoneMatch == nil {
		if vs := versions(ifMatch); len(vs) == 1 {
			return &vs[0], nil
		}
	}
	cur, err := a.svc.Get(ctx, id)
	exists := err == nil
	if err != nil && !errors.Is(err, article.ErrNotFound) && !errors.Is(err, article.ErrGone) {
		return nil, err
	}
	if ifMatch != nil && (!exists || !ifMatch.MatchStrong(etag(cur.Version))) {
		return nil, fmt.Errorf("article %q: If-Match does not hold: %w", id, article.ErrVersionMismatch)
	}
	if ifNoneMatch != nil && exists && ifNoneMatch.MatchWeak(etag(cur.Version)) {
		return nil, fmt.Errorf("article %q: If-None-Match does not hold: %w", id, article.ErrVersionMismatch)
	}
	if !exists {
		// Only If-None-Match with tags got here: the write may create, but
		// a deleted article's tombstone version is unknown, so let the
		// service take the current one.
		return nil, nil
	}
	v := cur.Version
	return &v, nil
}

func (a *admin) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := DefaultAdminLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxAdminLimit {
			httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-query",
				fmt.Sprintf("limit must be an integer from 1 to %d", MaxAdminLimit)))
			return
		}
		limit = n
	}
	scheduledOnly := false
	if v, ok := q["status"]; ok {
		if len(v) != 1 || v[0] != "scheduled" {
			httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-query",
				"status must be scheduled, the one status the list filters by"))
			return
		}
		scheduledOnly = true
	}
	switch q.Get("sort") {
	case "", sortNewest:
	case sortShares:
		if scheduledOnly {
			httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-query",
				"sort=shares lists every article; it cannot be combined with status"))
			return
		}
		a.listByShares(w, r, limit)
		return
	default:
		httpapi.Error(w, r, errBadSort)
		return
	}
	token := q.Get("cursor")
	after, err := a.opts.Cursors.Open(cursorScope, token)
	if err != nil {
		httpapi.Error(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-cursor",
			"cursor is not one this list handed out; start again without it"))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	now := a.opts.Now()
	var page article.Page
	if scheduledOnly {
		page, err = newsroom.Scheduled(ctx, a.svc, limit, after, now)
	} else {
		page, err = a.svc.List(ctx, article.ListOptions{Limit: limit, After: after})
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	resp := listResponse{Articles: make([]wire.Article, len(page.Articles))}
	for i := range page.Articles {
		resp.Articles[i] = response(&page.Articles[i], now)
	}
	if !page.Next.IsZero() {
		resp.Next = a.opts.Cursors.Seal(cursorScope, page.Next)
		next := url.Values{"cursor": {resp.Next}, "limit": {strconv.Itoa(limit)}}
		if scheduledOnly {
			next.Set("status", "scheduled")
		}
		w.Header().Set("Link", "</articles?"+next.Encode()+`>; rel="next"`)
	}
	writeJSON(w, r, http.StatusOK, resp)
}

// listResponse is the wire form of one page of GET /articles.
type listResponse struct {
	Articles []wire.Article `json:"articles"`
	Next     string         `json:"next,omitempty"`
}

// response is a's wire form with the members computed at now.
func response(a *article.Article, now time.Time) wire.Article {
	out := wire.From(a)
	out.Scheduled = a.ScheduledAt(now)
	return out
}

func writeArticle(w http.ResponseWriter, r *http.Request, status int, a *article.Article, now time.Time) {
	w.Header().Set("ETag", etag(a.Version))
	writeJSON(w, r, status, response(a, now))
}

// writeJSON sends v as the admin API's JSON: never cached, since drafts
// and unpublished edits must not linger in any cache.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, r, status, v)
}

// etag is the strong entity tag of a version: "3".
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// versions lists the strong tags of an If-Match that name a version this
// service could have issued: a positive number without leading zeros or
// sign. Any other tag can never match.
func versions(l *httpapi.ETags) []int64 {
	if l.Any {
		return nil
	}
	var vs []int64
	for _, t := range l.List {
		if t.Weak || t.Opaque == "" || t.Opaque[0] == '0' || t.Opaque[0] == '+' {
			continue
		}
		if v, err := strconv.ParseInt(t.Opaque, 10, 64); err == nil && v > 0 {
			vs = append(vs, v)
		}
	}
	return vs
}

// preconditions parses If-Match and If-None-Match; a malformed one is 400.
func preconditions(r *http.Request) (ifMatch, ifNoneMatch *httpapi.ETags, err error) {
	for _, c := range []struct {
		name string
		dst  **httpapi.ETags
	}{{"If-Match", &ifMatch}, {"If-None-Match", &ifNoneMatch}} {
		l, present, err := httpapi.ParseETags(r.Header, c.name)
		if err != nil {
			return nil, nil, httpapi.NewRequestError(http.StatusBadRequest, "bad-precondition",
				c.name+` must be "*" or entity tags such as "3"`)
		}
		if present {
			*c.dst = &l
		}
	}
	return ifMatch, ifNoneMatch, nil
}
