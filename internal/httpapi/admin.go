package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
)

// AdminService is what the admin API needs from the article service.
type AdminService interface {
	Create(ctx context.Context, a article.Article) (article.Article, error)
	Replace(ctx context.Context, id string, a article.Article, ifMatch *int64) (article.Article, bool, error)
	Delete(ctx context.Context, id string, ifMatch *int64) error
	Get(ctx context.Context, id string) (article.Article, error)
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

var _ AdminService = (*article.Service)(nil)

// AdminOptions configures the admin routes. Cursors seals list positions
// (scope "admin"); StoreTimeout bounds every call to the service.
type AdminOptions struct {
	Cursors      *cursor.Sealer
	StoreTimeout time.Duration
}

// Admin list limits.
const (
	DefaultAdminLimit = 20
	MaxAdminLimit     = 100
)

// cursorScope keeps admin cursors from being replayed against feeds.
const cursorScope = "admin"

// RegisterAdmin adds the admin API to rt, every route behind the bearer
// token of tokens:
//
//	POST   /articles       create (201, Location, ETag)
//	GET    /articles       newest first, drafts included, ?limit= and ?cursor=
//	GET    /articles/{id}  one article (ETag; 410 once deleted)
//	PUT    /articles/{id}  create (201) or replace (200), If-Match/If-None-Match
//	DELETE /articles/{id}  tombstone (204), If-Match
func RegisterAdmin(rt *Router, svc AdminService, tokens TokenSource, opts AdminOptions) {
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 3 * time.Second
	}
	if opts.Cursors == nil {
		opts.Cursors = cursor.New("")
	}
	a := &admin{svc: svc, opts: opts}
	guard := func(h http.HandlerFunc) http.Handler { return RequireBearer(tokens, h) }
	rt.Handle(http.MethodPost, "/articles", guard(a.create))
	rt.Handle(http.MethodGet, "/articles", guard(a.list))
	rt.Handle(http.MethodGet, "/articles/{id}", guard(a.get))
	rt.Handle(http.MethodPut, "/articles/{id}", guard(a.put))
	rt.Handle(http.MethodDelete, "/articles/{id}", guard(a.delete))
}

type admin struct {
	svc  AdminService
	opts AdminOptions
}

func (a *admin) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), a.opts.StoreTimeout)
}

func (a *admin) create(w http.ResponseWriter, r *http.Request) {
	in, err := decodeArticle(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	out, err := a.svc.Create(ctx, in)
	if err != nil {
		Error(w, r, err)
		return
	}
	w.Header().Set("Location", "/articles/"+out.ID)
	writeArticle(w, r, http.StatusCreated, &out)
}

func (a *admin) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !article.ValidID(id) {
		Error(w, r, fmt.Errorf("article id %q: %w", id, article.ErrNotFound))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	out, err := a.svc.Get(ctx, id)
	if err != nil {
		Error(w, r, err)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if p, err := parsePrecondition(inm); err == nil && p.matchesWeak(out.Version) {
			w.Header().Set("ETag", etag(out.Version))
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	writeArticle(w, r, http.StatusOK, &out)
}

func (a *admin) put(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ifMatch, ifNoneMatch, err := preconditions(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	in, err := decodeArticle(w, r)
	if err != nil {
		Error(w, r, err)
		return
	}
	if !article.ValidID(id) {
		Error(w, r, &article.ValidationError{Fields: []article.FieldError{{Field: "id",
			Message: "the id in the path must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'"}}})
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	expect, err := a.expectedVersion(ctx, id, ifMatch, ifNoneMatch)
	if err != nil {
		Error(w, r, err)
		return
	}
	out, created, err := a.svc.Replace(ctx, id, in, expect)
	if err != nil {
		Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/articles/"+out.ID)
	}
	writeArticle(w, r, status, &out)
}

func (a *admin) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ifMatch, _, err := preconditions(r)
	if err != nil {
		Error(w, r, err)
		return
	}
	if !article.ValidID(id) {
		Error(w, r, fmt.Errorf("article id %q: %w", id, article.ErrNotFound))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	expect, err := a.expectedVersion(ctx, id, ifMatch, nil)
	if err != nil {
		Error(w, r, err)
		return
	}
	if err := a.svc.Delete(ctx, id, expect); err != nil {
		Error(w, r, err)
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
func (a *admin) expectedVersion(ctx context.Context, id string, ifMatch, ifNoneMatch *precondition) (*int64, error) {
	if ifMatch == nil && ifNoneMatch == nil {
		return nil, nil
	}
	if ifMatch == nil && ifNoneMatch.any {
		var zero int64
		return &zero, nil
	}
	if ifMatch != nil && !ifMatch.any && len(ifMatch.versions) == 1 && ifNoneMatch == nil {
		v := ifMatch.versions[0]
		return &v, nil
	}
	cur, err := a.svc.Get(ctx, id)
	exists := err == nil
	if err != nil && !errors.Is(err, article.ErrNotFound) && !errors.Is(err, article.ErrGone) {
		return nil, err
	}
	if ifMatch != nil && (!exists || !ifMatch.matches(cur.Version)) {
		return nil, fmt.Errorf("article %q: If-Match does not hold: %w", id, article.ErrVersionMismatch)
	}
	if ifNoneMatch != nil && exists && ifNoneMatch.matchesWeak(cur.Version) {
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
			Error(w, r, requestError(http.StatusBadRequest, "bad-query",
				fmt.Sprintf("limit must be an integer from 1 to %d", MaxAdminLimit)))
			return
		}
		limit = n
	}
	token := q.Get("cursor")
	after, err := a.opts.Cursors.Open(cursorScope, token)
	if err != nil {
		Error(w, r, requestError(http.StatusBadRequest, "bad-cursor",
			"cursor is not one this list handed out; start again without it"))
		return
	}
	ctx, cancel := a.ctx(r)
	defer cancel()
	page, err := a.svc.List(ctx, article.ListOptions{Limit: limit, After: after})
	if err != nil {
		Error(w, r, err)
		return
	}
	resp := listResponse{Articles: make([]articleResponse, len(page.Articles))}
	for i := range page.Articles {
		resp.Articles[i] = toResponse(&page.Articles[i])
	}
	if !page.Next.IsZero() {
		resp.Next = a.opts.Cursors.Seal(cursorScope, page.Next)
		next := url.Values{"cursor": {resp.Next}, "limit": {strconv.Itoa(limit)}}
		w.Header().Set("Link", "</articles?"+next.Encode()+`>; rel="next"`)
	}
	writeJSON(w, r, http.StatusOK, resp)
}

// listResponse is the wire form of one page of GET /articles.
type listResponse struct {
	Articles []articleResponse `json:"articles"`
	Next     string            `json:"next,omitempty"`
}

// articleResponse is the wire form of an article the admin API returns.
// Times are RFC 3339 with the precision they are stored with, so that a
// client that PUTs back what it got changes nothing.
type articleResponse struct {
	ID           string       `json:"id"`
	Slug         string       `json:"slug"`
	Title        string       `json:"title"`
	Lead         string       `json:"lead"`
	Body         string       `json:"body"`
	URL          string       `json:"url"`
	PublishedAt  string       `json:"publishedAt,omitempty"`
	UpdatedAt    string       `json:"updatedAt"`
	CreatedAt    string       `json:"createdAt"`
	Authors      []authorWire `json:"authors"`
	Source       string       `json:"source,omitempty"`
	Section      string       `json:"section,omitempty"`
	Tags         []string     `json:"tags"`
	Image        *imageWire   `json:"image,omitempty"`
	Language     string       `json:"language"`
	Status       string       `json:"status"`
	CommentCount int          `json:"commentCount"`
	Related      []string     `json:"related"`
	Version      int64        `json:"version"`
}

func toResponse(a *article.Article) articleResponse {
	out := articleResponse{
		ID:           a.ID,
		Slug:         a.Slug,
		Title:        a.Title,
		Lead:         a.Lead,
		Body:         a.Body,
		URL:          a.URL,
		PublishedAt:  stamp(a.PublishedAt),
		UpdatedAt:    stamp(a.UpdatedAt),
		CreatedAt:    stamp(a.CreatedAt),
		Authors:      make([]authorWire, len(a.Authors)),
		Source:       a.Source,
		Section:      a.Section,
		Tags:         a.Tags,
		Language:     a.Language,
		Status:       string(a.Status),
		CommentCount: a.CommentCount,
		Related:      a.Related,
		Version:      a.Version,
	}
	for i, au := range a.Authors {
		out.Authors[i] = authorWire{Name: au.Name, URL: au.URL}
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if out.Related == nil {
		out.Related = []string{}
	}
	if img := a.Image; img != nil {
		out.Image = &imageWire{URL: img.URL, Width: img.Width, Height: img.Height, Alt: img.Alt, Credit: img.Credit}
	}
	return out
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func writeArticle(w http.ResponseWriter, r *http.Request, status int, a *article.Article) {
	w.Header().Set("ETag", etag(a.Version))
	writeJSON(w, r, status, toResponse(a))
}

// writeJSON sends v as the admin API's JSON: never cached, since drafts
// and unpublished edits must not linger in any cache.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		Error(w, r, fmt.Errorf("httpapi: encode response: %w", err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(append(body, '\n'))
}

// etag is the strong entity tag of a version: "3".
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// precondition is a parsed If-Match or If-None-Match header: "*" or a list
// of entity tags. Tags this service never issues (anything but a positive
// version) are kept as never matching; weak ones match only weakly.
type precondition struct {
	any      bool
	versions []int64
	// weak holds the versions of weak tags, which only If-None-Match's
	// weak comparison matches (RFC 9110 13.1.2).
	weak []int64
}

func (p *precondition) matches(version int64) bool {
	if p.any {
		return true
	}
	for _, v := range p.versions {
		if v == version {
			return true
		}
	}
	return false
}

// matchesWeak is matches by weak comparison, for If-None-Match.
func (p *precondition) matchesWeak(version int64) bool {
	return p.matches(version) || slices.Contains(p.weak, version)
}

// preconditions parses If-Match and If-None-Match; a malformed one is 400.
func preconditions(r *http.Request) (ifMatch, ifNoneMatch *precondition, err error) {
	if v, ok := r.Header["If-Match"]; ok {
		p, err := parsePrecondition(strings.Join(v, ","))
		if err != nil {
			return nil, nil, requestError(http.StatusBadRequest, "bad-precondition",
				`If-Match must be "*" or entity tags such as "3"`)
		}
		ifMatch = &p
	}
	if v, ok := r.Header["If-None-Match"]; ok {
		p, err := parsePrecondition(strings.Join(v, ","))
		if err != nil {
			return nil, nil, requestError(http.StatusBadRequest, "bad-precondition",
				`If-None-Match must be "*" or entity tags such as "3"`)
		}
		ifNoneMatch = &p
	}
	return ifMatch, ifNoneMatch, nil
}

var errBadETag = errors.New("malformed entity tag")

// parsePrecondition parses RFC 9110's If-Match grammar: "*" or a
// comma-separated list of entity tags, weak tags kept apart for the weak
// comparison of If-None-Match (If-Match compares strongly).
func parsePrecondition(s string) (precondition, error) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return precondition{any: true}, nil
	}
	var p precondition
	n := 0
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n++
		weak := strings.HasPrefix(part, "W/")
		part = strings.TrimPrefix(part, "W/")
		if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' {
			return precondition{}, errBadETag
		}
		opaque := part[1 : len(part)-1]
		for i := 0; i < len(opaque); i++ {
			if c := opaque[i]; c == '"' || c < 0x21 || c == 0x7f {
				return precondition{}, errBadETag
			}
		}
		if v, err := strconv.ParseInt(opaque, 10, 64); err == nil && v > 0 && opaque[0] != '0' && opaque[0] != '+' {
			if weak {
				p.weak = append(p.weak, v)
			} else {
				p.versions = append(p.versions, v)
			}
		}
	}
	if n == 0 {
		return precondition{}, errBadETag
	}
	return p, nil
}
