package shareapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// Store is what the share routes read and count.
type Store interface {
	Get(ctx context.Context, id string) (article.Article, error)
	GetBySlug(ctx context.Context, slug string) (article.Article, error)
	IncrementShare(ctx context.Context, id, network string) error
}

// CardRenderer draws share cards; *card.Renderer is the real one.
type CardRenderer interface {
	Render(ctx context.Context, w io.Writer, c card.Card) (card.Result, error)
}

var _ CardRenderer = (*card.Renderer)(nil)

// Options configure the share routes.
type Options struct {
	Site  share.Site
	Cards CardRenderer
	// StoreTimeout bounds every store call; 0 means 3 s.
	StoreTimeout time.Duration
	// CountBudget is the longest a share click waits for its counter
	// write before redirecting anyway (countClick); 0 means 50 ms.
	CountBudget time.Duration
	// Clicks receives the outcome of every counter write; nil keeps them
	// in a ClickStats of the handler's own.
	Clicks *ClickStats
	// Now is the clock that decides whether an article is live yet (a
	// scheduled one is not found until its PublishedAt); time.Now if nil.
	Now func() time.Time
	// LinkTTL is how long a share link answers from the in-process copy
	// of an article's share target (linkCache) before reading the store
	// again: a correction reaches the share dialogs within it. 0 means
	// 5 s; negative keeps no copy.
	LinkTTL time.Duration
	// LinkStale is how much longer than LinkTTL a copy still answers
	// while the store fails; 0 means 10 minutes.
	LinkStale time.Duration
	// LinkTimeout bounds a share link's store read; past it, or when the
	// read fails, the click is redirected from a recent copy, or degraded
	// (to the dialog for the share page, without the title), never
	// answered 5xx. 0 means 1 s.
	LinkTimeout time.Duration
}

// Cache lifetimes of the share routes.
const (
	// An edit, a correction or a takedown is public at every edge within a
	// minute. The notifier's invalidation usually gets there first, but
	// CloudFront publishes no bound on how long an invalidation takes, so
	// the lifetime is the bound: an edge keeps the page 30 s, then for at
	// most 30 s more answers its copy to the first viewer while it fetches
	// the page again (stale-while-revalidate: a 304 from one read when
	// nothing changed). No copy an edge serves is over a minute old, and a
	// page read every few seconds at an edge is always a hit there.
	// Browsers, which readers only pass through (the page sends them on),
	// keep it ten minutes. The card URL's version makes a changed card
	// visible with the page that names it.
	sharePageCache = "public, max-age=600, s-maxage=30, stale-while-revalidate=30"
	shareCardCache = "public, max-age=31536000, immutable"
	// A card drawn without its photo because the origin failed, or asked
	// for with a stale version, is only right for now.
	shareCardShortCache = "public, max-age=300"
	// A slug not found may be a story scheduled for the next instant, and
	// a released story must never be answered from a cached 404 after its
	// time. No lifetime is short enough: CloudFront keeps a 404 for the
	// greater of its max-age and the error caching minimum TTL (10 s by
	// default), but stores none marked no-store; and a lifetime shortened
	// for scheduled slugs only would tell that a story is coming. So every
	// share page and link 404 is no-store, as the card's and oEmbed's
	// problems are: one small read per request for a missing slug.
	shareNotFoundCache = "no-store"
	shareGoneCache     = "public, max-age=3600"
	// oEmbed carries the title and the photo too: the share page's bound.
	shareOEmbedCache = sharePageCache
	// A renamed article's old share page and card move for good, but the
	// article may take the old slug back one day, and then a cached
	// old → new 301 meets a fresh new → old one: a loop until the first
	// expires. A minute, in browsers and the CDN alike, bounds that loop
	// (browsers may keep a 301 without a lifetime indefinitely); a 301 is
	// one small read at the origin.
	shareMovedCache = "public, max-age=60"
)

// sharePageRevision changes whenever the page's shape changes, so that ETags of
// an unchanged article still change on such a deploy. 3: card URLs carry
// card.Revision. 4: the photo credit, the credited card as og:image, no
// modified time, several authors in one article:author. 5: fediverse:creator.
const sharePageRevision = "5"

// Register adds the share function's routes to rt.
func Register(rt *httpapi.Router, store Store, opts Options) {
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 3 * time.Second
	}
	if opts.CountBudget <= 0 {
		opts.CountBudget = 50 * time.Millisecond
	}
	if opts.Clicks == nil {
		opts.Clicks = new(ClickStats)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LinkTTL == 0 {
		opts.LinkTTL = 5 * time.Second
	}
	if opts.LinkStale <= 0 {
		opts.LinkStale = 10 * time.Minute
	}
	if opts.LinkTimeout <= 0 {
		opts.LinkTimeout = time.Second
	}
	h := &shareHandler{store: store, opts: opts, links: new(linkCache)}
	rt.HandleFunc(http.MethodGet, "/share/{slug}", h.page)
	rt.HandleFunc(http.MethodGet, "/share/{slug}/card.png", h.card)
	rt.HandleFunc(http.MethodGet, "/share/{slug}/to/{network}", h.to)
	rt.HandleFunc(http.MethodGet, "/oembed", h.oembed)
}

type shareHandler struct {
	store Store
	opts  Options
	links *linkCache
}

// lookup finds the article named by key, a slug or else an ID, under the
// store deadline, and answers only what is public now (shown): an article
// that is not live (a draft, a scheduled story, a tombstone) is
// ErrNotFound, like a key that names nothing, and a tombstone of a story
// that was live when deleted is ErrGone. Every answer but a live article
// takes the same store reads, GetBySlug and then, for a key that may be an
// ID, Get: a hidden slug found by the first read still pays the second, so
// that neither the answer nor its cost tells an embargoed story from no
// story. The share link's copies (target) keep only what lookup found, so
// they never hold a hidden story either.
func (h *shareHandler) lookup(ctx context.Context, key string) (article.Article, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.StoreTimeout)
	defer cancel()
	now := h.opts.Now()
	a, err := h.store.GetBySlug(ctx, key)
	if err == nil && a.LiveAt(now) {
		return a, nil
	}
	if article.ValidID(key) && (err == nil || errors.Is(err, article.ErrNotFound)) {
		byID, idErr := h.store.Get(ctx, key)
		if err != nil {
			// The slug names nothing: the key may be an ID.
			a, err = byID, idErr
		} else if idErr != nil && !errors.Is(idErr, article.ErrNotFound) {
			// The read a missing slug would have made failed: so does
			// this answer, as that one would.
			err = idErr
		}
	}
	if err != nil {
		return article.Article{}, fmt.Errorf("share: look up %q: %w", key, err)
	}
	if err := h.shown(key, &a); err != nil {
		return article.Article{}, err
	}
	return a, nil
}

// public returns the live article named in the request's {slug}, ErrGone
// for a story deleted once it was live and ErrNotFound for anything else
// (lookup): a draft or a scheduled article not yet live is answered
// exactly as a slug that does not exist, so that nothing tells an
// embargoed story from no story.
func (h *shareHandler) public(r *http.Request) (article.Article, error) {
	return h.lookup(r.Context(), r.PathValue("slug"))
}

// shown is the rule for a found article a named by key: nil when it is
// live now, ErrGone for a tombstone of a story that was live when deleted
// (Article.WasLive), ErrNotFound for anything else (a draft, a scheduled
// story not yet live, a story deleted before it was ever live).
func (h *shareHandler) shown(key string, a *article.Article) error {
	switch {
	case a.LiveAt(h.opts.Now()):
		return nil
	case a.WasLive():
		return fmt.Errorf("share: %q was deleted: %w", key, article.ErrGone)
	}
	return fmt.Errorf("share: %q is not public: %w", key, article.ErrNotFound)
}

// page serves the share page: one page for everyone, public and cached
// at the edge.
//
// It is the crawler page (share.Crawler): no meta refresh (Facebook's
// scraper follows one and would read the article instead of the card), but
// the one-line redirect script, which sends on every person whose browser
// runs scripts (and the crawlers that run them, Googlebot and Applebot, to
// the canonical article they should index anyway); a browser without
// scripts shows the title, lead, picture and a link to the article.
//
// Until issue 18 people got a page of their own with a meta refresh,
// marked private: no shared cache could keep it, so the CDN answered
// readers only while a crawler's copy of the page was in it (a crawler's
// Accept-Encoding differs from a browser's, so often not even then), and
// with no crawler about every reader reached the origin. One page for
// everyone is cached per edge and encoding from the first request on,
// whoever makes it, and nothing a cache can give a crawler is wrong for
// it. The user agent list (share.IsCrawler) decides nothing here: nothing
// varies by User-Agent, so no Vary is sent.
func (h *shareHandler) page(w http.ResponseWriter, r *http.Request) {
	a, err := h.public(r)
	if err != nil {
		h.statusPage(w, r, err)
		return
	}
	if h.moved(w, r, &a, "", shareMovedCache) {
		return
	}
	hd := w.Header()
	hd.Set("Cache-Control", sharePageCache)
	etag := `"` + strconv.FormatInt(a.Version, 10) + "-c" + sharePageRevision + `"`
	hd.Set("ETag", etag)
	if !a.UpdatedAt.IsZero() {
		hd.Set("Last-Modified", a.UpdatedAt.UTC().Format(http.TimeFormat))
	}
	if httpapi.NotModified(r, etag, time.Time{}) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var buf bytes.Buffer
	if err := h.opts.Site.WritePage(&buf, &a, share.Crawler); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	hd.Set("Content-Type", "text/html; charset=utf-8")
	httpapi.WriteBody(w, r, http.StatusOK, buf.Bytes())
}

// statusPage answers err for a page meant for people and crawlers: an HTML
// 404 or 410 page with noindex, or the usual problem for anything else
// (503 with Retry-After when the store is unavailable).
func (h *shareHandler) statusPage(w http.ResponseWriter, r *http.Request, err error) {
	status, cache := 0, ""
	switch {
	case errors.Is(err, article.ErrGone):
		status, cache = http.StatusGone, shareGoneCache
	case errors.Is(err, article.ErrNotFound):
		status, cache = http.StatusNotFound, shareNotFoundCache
	default:
		httpapi.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if werr := h.opts.Site.WriteStatusPage(&buf, status); werr != nil {
		httpapi.Error(w, r, werr)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Robots-Tag", "noindex")
	hd.Set("Cache-Control", cache)
	httpapi.WriteBody(w, r, status, buf.Bytes())
}

// card serves the PNG share card. The URL carries the article version
// (?v=): the current version is cached for good; any other query (another
// v, or any parameter besides v, such as ?v=1&x=N) is sent to the current
// card's one URL with a short cache, so an old page's card URL still shows
// a card and no query string ever costs a fresh render.
func (h *shareHandler) card(w http.ResponseWriter, r *http.Request) {
	a, err := h.public(r)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if h.moved(w, r, &a, "/card.png", shareMovedCache) {
		return
	}
	scale, ok := canonicalCardQuery(r.URL.RawQuery, a.Version)
	if !ok {
		w.Header().Set("Cache-Control", shareCardShortCache)
		http.Redirect(w, r, h.opts.Site.CardURL(&a), http.StatusFound)
		return
	}
	etag := `"card-` + share.CardVersion(a.Version) + `"`
	if scale != 0 {
		etag = `"card-` + share.CardVersion(a.Version) + "-w" + strconv.Itoa(scale) + `"`
	}
	hd := w.Header()
	hd.Set("ETag", etag)
	if httpapi.NotModified(r, etag, time.Time{}) {
		hd.Set("Cache-Control", shareCardCache)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	c := h.opts.Site.Card(&a)
	c.Scale = scale
	var buf bytes.Buffer
	res, err := h.opts.Cards.Render(r.Context(), &buf, c)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	cache := shareCardCache
	if res.ImageErr != nil {
		// No validator: revalidating this card with the full card's ETag
		// would earn a 304 carrying the immutable policy and pin the
		// photoless card for a year.
		hd.Del("ETag")
		cache = shareCardShortCache
		metrics.FromContext(r.Context()).Add(metrics.CardsWithoutPhoto, 1)
		httpapi.Logger(r.Context()).LogAttrs(r.Context(), slog.LevelWarn, "share card without photo",
			slog.String("article", a.ID), slog.String("error", res.ImageErr.Error()))
	}
	hd.Set("Cache-Control", cache)
	hd.Set("Content-Type", "image/png")
	httpapi.WriteBody(w, r, http.StatusOK, buf.Bytes())
}

// moved answers 301 Moved Permanently when the request named the public
// article a by one of its previous slugs, to the same route (suffix, after
// the slug) under a's current slug with the request's query kept as it is
// (a card's v and w; a page's utm_* parameters too where no CDN stands in
// front: the CDN forwards the query strings of its cache key only, so a
// cached 301 never carries another request's query), and reports whether
// it did. Crawlers get it too: Facebook and others follow a 301 and file what
// they read under the new URL (og:url). Tombstones and drafts never get
// here (public), so an old slug of a deleted article answers as its
// current one does (410, or 404 if it never was live).
func (h *shareHandler) moved(w http.ResponseWriter, r *http.Request, a *article.Article, suffix, cache string) bool {
	key := r.PathValue("slug")
	if key == a.Slug || !slices.Contains(a.PreviousSlugs, key) {
		return false
	}
	target := h.opts.Site.ShareURL(a) + suffix
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	hd := w.Header()
	hd.Set("Cache-Control", cache)
	hd.Set("Location", target)
	w.WriteHeader(http.StatusMovedPermanently)
	return true
}

// canonicalCardQuery reports whether raw is exactly "v=<card version>"
// (share.CardVersion), the query of Site.CardURL, or that and "&w=<width>"
// with one of card.Widths, the query of Site.CardURLAt: the forms that are
// rendered.
// scale is the width asked for, 0 for the full card.
func canonicalCardQuery(raw string, version int64) (scale int, ok bool) {
	v := "v=" + share.CardVersion(version)
	if raw == v {
		return 0, true
	}
	ws, found := strings.CutPrefix(raw, v+"&w=")
	if !found {
		return 0, false
	}
	n, err := strconv.Atoi(ws)
	if err != nil || !card.IsWidth(n) || strconv.Itoa(n) != ws {
		return 0, false
	}
	return n, true
}

var errUnknownNetwork = &httpapi.RequestError{Status: http.StatusNotFound, Type: "unknown-network",
	Detail: "no share link for this network"}

// to redirects to a network's share dialog and counts the share. The
// target is built from the stored article only. Counting never holds the
// click up for more than CountBudget and never fails it (countClick): a
// person clicking "share" is sent on whatever the counter does. HEAD requests and crawlers (link previews of the share link
// itself) are not counted.
func (h *shareHandler) to(w http.ResponseWriter, r *http.Request) {
	network := r.PathValue("network")
	if !share.KnownNetwork(network) {
		httpapi.Error(w, r, errUnknownNetwork)
		return
	}
	// A click never waits on the article: the share target comes from a
	// copy a few seconds old, or one small bounded read, and a failed read
	// still sends the person on (degraded).
	key := r.PathValue("slug")
	a, err := h.target(r.Context(), key)
	if errors.Is(err, errDegraded) {
		h.degraded(w, r, key, network, err)
		return
	}
	if err == nil {
		err = h.shown(key, &a)
	}
	if err != nil {
		h.statusPage(w, r, err)
		return
	}
	// An old share link is not counted: the browser follows the 301 to
	// the current link, which counts the click, once.
	if h.moved(w, r, &a, "/to/"+network, "no-store") {
		return
	}
	target, ok := h.opts.Site.ShareTarget(&a, network)
	if !ok {
		httpapi.Error(w, r, errUnknownNetwork)
		return
	}
	if r.Method == http.MethodGet && !share.IsCrawler(r.Header.Get("User-Agent")) {
		countClick(r.Context(), h.store, h.opts.Clicks, h.opts.CountBudget, h.opts.StoreTimeout, a.ID, network)
	}
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

// degraded answers a share link whose article could not be read (err):
// the network's dialog for the share page of the slug or ID the link
// names, which is derivable without the article (the page carries the
// title and card for the network's scraper), without a title, and not
// counted (the counter needs the article's ID). A key that cannot name an
// article is 404, as the store would answer. Never a 5xx: the person
// clicked "share" and is sent on.
func (h *shareHandler) degraded(w http.ResponseWriter, r *http.Request, key, network string, err error) {
	if !article.ValidSlug(key) && !article.ValidID(key) {
		h.statusPage(w, r, fmt.Errorf("share: %q: %w", key, article.ErrNotFound))
		return
	}
	target, ok := h.opts.Site.ShareTarget(&article.Article{Slug: key}, network)
	if !ok {
		httpapi.Error(w, r, errUnknownNetwork)
		return
	}
	metrics.FromContext(r.Context()).Add(metrics.ShareLinksDegraded, 1)
	httpapi.Logger(r.Context()).LogAttrs(r.Context(), slog.LevelWarn, "share link answered without its article",
		slog.String("key", key), slog.String("network", network), slog.String("error", err.Error()))
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Location", target)
	w.WriteHeader(http.StatusFound)
}

var (
	errOEmbedFormat = &httpapi.RequestError{Status: http.StatusNotImplemented, Type: "oembed-format",
		Detail: "only format=json is served"}
	errOEmbedURL = &httpapi.RequestError{Status: http.StatusBadRequest, Type: "oembed-url",
		Detail: "the url parameter is required"}
	errOEmbedForeign = &httpapi.RequestError{Status: http.StatusNotFound, Type: "not-found",
		Detail: "the url is not an article of this site"}
	errOEmbedSize = &httpapi.RequestError{Status: http.StatusBadRequest, Type: "oembed-size",
		Detail: "maxwidth and maxheight must be positive whole numbers of pixels"}
)

// oembedMax reads maxwidth or maxheight: absent or empty is 0 (no limit).
func oembedMax(q url.Values, name string) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, errOEmbedSize
	}
	return n, nil
}

// oembed answers oEmbed 1.0 requests for share pages and article URLs.
func (h *shareHandler) oembed(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		httpapi.Error(w, r, errOEmbedFormat)
		return
	}
	raw := q.Get("url")
	if raw == "" {
		httpapi.Error(w, r, errOEmbedURL)
		return
	}
	maxWidth, err := oembedMax(q, "maxwidth")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	maxHeight, err := oembedMax(q, "maxheight")
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	ref, ok := h.opts.Site.ResolveURL(raw)
	if !ok {
		httpapi.Error(w, r, errOEmbedForeign)
		return
	}
	a, err := h.lookup(r.Context(), ref.Key)
	if errors.Is(err, article.ErrNotFound) || errors.Is(err, article.ErrGone) ||
		(err == nil && !ref.Matches(&a)) {
		// oEmbed knows 404 only: a missing slug, a draft, a scheduled
		// article before its time, a tombstone and
		// a site page that is not this article are all "not ours", in the
		// same bytes, so that the answer cannot tell an unpublished story
		// from no story.
		err = errOEmbedForeign
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", shareOEmbedCache)
	httpapi.WriteJSON(w, r, http.StatusOK, h.opts.Site.NewOEmbed(&a, maxWidth, maxHeight))
}
