package feedapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// Store is what the feed routes read: the small head of a feed, for
// validators, and its pages of articles.
type Store interface {
	FeedHead(ctx context.Context, key article.FeedKey) (article.FeedHead, error)
	ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error)
}

// Options configures the feed routes.
type Options struct {
	// Site describes the publication; its BaseURL makes self links.
	Site *feed.Channel
	// Sealer seals and opens paging cursors, scoped to the feed's key.
	Sealer *cursor.Sealer
	// StoreTimeout bounds every store call.
	StoreTimeout time.Duration
	// Now is the clock: what a feed lists (scheduled articles appear at
	// their PublishedAt), the validators and lifetimes that follow from it,
	// and the news sitemap's 48-hour window; time.Now when nil.
	Now func() time.Time
	// Cache keeps rendered feeds by validator; nil renders every time.
	Cache *feed.Cache
}

// Feed limits and caching policy.
const (
	feedDefaultLimit = 20
	feedMaxLimit     = 100
	// feedCacheControl lets a CDN absorb the polling: five minutes fresh,
	// then served stale for up to ten while it revalidates, and for a day
	// if the origin fails.
	feedCacheControl = "public, max-age=300, stale-while-revalidate=600, stale-if-error=86400"
	// feedMaxAge is feedCacheControl's max-age; a feed whose next
	// scheduled article is due sooner gets cacheUntil's shorter policy.
	feedMaxAge = 300 * time.Second
	// sitemapCacheControl is the news sitemap's policy, capped the same way.
	sitemapCacheControl = "public, max-age=300, stale-while-revalidate=600"
	// feedRenderVersion is part of every feed validator: bump it when the
	// rendered output changes for the same data, so no reader keeps an old
	// rendering on a 304. feed/4: one dc:creator, dc:source and the
	// source under the content, JSON attachments, no JSON feed authors;
	// the scheduled count in the validator (not released by any version yet).
	feedRenderVersion = "feed/4"
	// sitemapPage is the page size used to walk the site feed for the
	// news sitemap.
	sitemapPage = 100
)

// Register adds the feed routes to rt: /feeds/{rss.xml,atom.xml,
// feed.json} for the site, /feeds/{section|tag|author}/{slug}/... for one
// section, tag or author, and /sitemap-news.xml.
func Register(rt *httpapi.Router, store Store, opts Options) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 3 * time.Second
	}
	h := &feedHandler{store: store, opts: opts, siteHash: siteHash(opts.Site)}
	for _, f := range feed.Formats {
		rt.Handle(http.MethodGet, "/feeds/"+f.File(), h.serve(f, true))
		rt.Handle(http.MethodGet, "/feeds/{kind}/{slug}/"+f.File(), h.serve(f, false))
	}
	rt.HandleFunc(http.MethodGet, "/sitemap-news.xml", h.sitemap)
}

type feedHandler struct {
	store    Store
	opts     Options
	siteHash string
}

// siteHash summarizes the site settings that show in every feed, so that a
// deployment changing them changes every validator.
func siteHash(s *feed.Channel) string {
	h := sha256.New()
	loc := ""
	if s.Location != nil {
		loc = s.Location.String()
	}
	fmt.Fprintf(h, "%q %q %q %q %q %q %q %d", s.Name, s.URL, s.BaseURL, s.HubURL, s.Language, s.LogoURL, loc, s.TTL)
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:9])
}

var (
	errBadLimit = &httpapi.RequestError{Status: http.StatusBadRequest, Type: "bad-limit",
		Detail: "limit must be a whole number from 1 to 100"}
	errBadCursor = &httpapi.RequestError{Status: http.StatusBadRequest, Type: "bad-cursor",
		Detail: "cursor is not one this feed handed out; start again from the first page"}
)

// feedRequest is one parsed feed request.
type feedRequest struct {
	key    article.FeedKey
	format feed.Format
	limit  int
	// explicitLimit says the client asked for a limit, so links repeat it.
	explicitLimit bool
	token         string
	after         article.Position
}

func (h *feedHandler) parse(r *http.Request, f feed.Format, site bool) (feedRequest, error) {
	req := feedRequest{key: article.SiteFeed, format: f, limit: feedDefaultLimit}
	if !site {
		kind, ok := article.ParseFeedKind(r.PathValue("kind"))
		slug := r.PathValue("slug")
		if !ok || !article.ValidSlug(slug) {
			return req, fmt.Errorf("feed %s/%s: %w", r.PathValue("kind"), slug, article.ErrNotFound)
		}
		req.key = article.FeedKey{Kind: kind, Slug: slug}
	}
	q := r.URL.Query()
	if v, ok := q["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > feedMaxLimit || len(v) > 1 {
			return req, errBadLimit
		}
		req.limit, req.explicitLimit = n, true
	}
	if v, ok := q["cursor"]; ok {
		if len(v) > 1 || v[0] == "" {
			return req, errBadCursor
		}
		c, err := h.opts.Sealer.Open(req.key.String(), v[0])
		if err != nil {
			return req, errBadCursor
		}
		req.token, req.after = v[0], c
	}
	return req, nil
}

// pageURL is the absolute URL of the page of req's feed that starts at
// token ("" for the first page).
func (h *feedHandler) pageURL(req *feedRequest, token string) string {
	u := h.opts.Site.FeedURL(req.key, req.format)
	sep := "?"
	if req.explicitLimit {
		u += sep + "limit=" + strconv.Itoa(req.limit)
		sep = "&"
	}
	if token != "" {
		u += sep + "cursor=" + url.QueryEscape(token)
	}
	return u
}

// cacheUntil is the Cache-Control of a response that stays right until next
// (the feed's next scheduled article; zero: none), given the normal policy
// and its max-age: the normal one when next is further away than that,
// else a max-age ending at next, without stale-while-revalidate (a stale
// copy served past next would hide the new article for up to its window).
// stale-if-error stays: an origin failure is another matter.
func cacheUntil(normal string, maxAge time.Duration, now, next time.Time, staleIfError bool) string {
	left := next.Sub(now)
	if next.IsZero() || left >= maxAge {
		return normal
	}
	cc := "public, max-age=" + strconv.FormatInt(int64(max(left, 0)/time.Second), 10)
	if staleIfError {
		cc += ", stale-if-error=86400"
	}
	return cc
}

// etag is the validator of one page of one feed in one format, derived from
// the feed head alone, so the conditional path needs nothing else. It is
// weak: the gzip and identity codings of a page share it. due is how many
// of the head's scheduled articles are live at the request's instant: it
// changes the validator exactly when the feed changes without a write.
func (h *feedHandler) etag(req *feedRequest, head article.FeedHead, due int) string {
	var buf [160]byte
	b := append(buf[:0], feedRenderVersion...)
	b = append(b, '\x00')
	b = append(b, h.siteHash...)
	b = append(b, '\x00')
	b = append(b, req.key.String()...)
	b = append(b, '\x00')
	b = append(b, req.format.File()...)
	b = append(b, '\x00')
	b = strconv.AppendInt(b, int64(req.limit), 10)
	b = append(b, '\x00')
	b = append(b, req.token...)
	b = append(b, '\x00')
	b = strconv.AppendInt(b, head.Rev, 10)
	b = append(b, '\x00')
	b = strconv.AppendInt(b, head.UpdatedAt.UnixNano(), 10)
	if due > 0 {
		b = append(b, '\x00')
		b = strconv.AppendInt(b, int64(due), 10)
	}
	sum := sha256.Sum256(b)
	var out [4 + 22]byte
	copy(out[:], `W/"`)
	base64.RawURLEncoding.Encode(out[3:], sum[:16])
	out[25] = '"'
	return string(out[:])
}

func (h *feedHandler) serve(f feed.Format, site bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := h.parse(r, f, site)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		// The validators come from the head read before any article, so
		// if the feed changes while the page is listed, the page is newer
		// than its ETag says: at worst a reader fetches it once more on
		// its next poll, it never keeps a stale page.
		head, err := h.head(r.Context(), req.key)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		// One instant for the whole answer: the validators, the lifetime
		// and the page listed all describe the feed as of now.
		now := h.opts.Now()
		if err := h.checkNotOnlyScheduled(r.Context(), &req, &head, now); err != nil {
			httpapi.Error(w, r, err)
			return
		}
		etag := h.etag(&req, head, head.Due(now))
		self := h.pageURL(&req, req.token)
		hdr := w.Header()
		hdr["Etag"] = []string{etag}
		modified := head.Modified(now)
		lastMod := modified.UTC().Truncate(time.Second)
		if !modified.IsZero() {
			hdr["Last-Modified"] = []string{lastMod.Format(http.TimeFormat)}
		}
		hdr["Cache-Control"] = []string{cacheUntil(feedCacheControl, feedMaxAge, now, head.Next(now), true)}
		hdr["Vary"] = []string{"Accept-Encoding"}
		hdr["X-Content-Type-Options"] = []string{"nosniff"}
		links := []string{"<" + self + `>; rel="self"`}
		if hub := h.opts.Site.HubURL; hub != "" {
			links = append(links, "<"+hub+`>; rel="hub"`)
		}
		hdr["Link"] = links
		if httpapi.NotModified(r, etag, lastMod) {
			w.WriteHeader(http.StatusNotModified)
			return
		}

		gz := httpapi.AcceptsGzip(r)
		key := etag
		if gz {
			key += "|gzip"
		}
		body, ok := h.opts.Cache.Get(key)
		hit := ok
		if !ok {
			plain, ok := h.opts.Cache.Get(etag)
			hit = ok
			if !ok {
				plain, err = h.render(r.Context(), &req, head, self, now)
				if err != nil {
					httpapi.Error(w, r, err)
					return
				}
				h.opts.Cache.Add(etag, plain)
			}
			body = plain
			if gz {
				body = httpapi.Gzip(plain)
				h.opts.Cache.Add(key, body)
			}
		}
		if hit {
			metrics.FromContext(r.Context()).Add(metrics.FeedCacheHits, 1)
		} else {
			metrics.FromContext(r.Context()).Add(metrics.FeedCacheMisses, 1)
		}
		hdr["Content-Type"] = []string{f.ContentType()}
		if gz {
			hdr["Content-Encoding"] = []string{"gzip"}
		}
		httpapi.WriteBody(w, r, http.StatusOK, body)
	})
}

// head reads the feed head. The site feed exists before its first article
// (an empty feed, revision 0); any other feed without a head is unknown.
func (h *feedHandler) head(ctx context.Context, key article.FeedKey) (article.FeedHead, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.StoreTimeout)
	defer cancel()
	head, err := h.store.FeedHead(ctx, key)
	if errors.Is(err, article.ErrNotFound) && key.Kind == article.FeedSite {
		return article.FeedHead{Key: key}, nil
	}
	if err != nil {
		return article.FeedHead{}, fmt.Errorf("feed head %s: %w", key, err)
	}
	if head.Key.Name == "" {
		head.Key.Name = key.Name
	}
	head.Key.Kind, head.Key.Slug = key.Kind, key.Slug
	return head, nil
}

// checkNotOnlyScheduled answers ErrNotFound, as for a feed that does not
// exist, for a section, tag or author feed whose articles are all still
// scheduled: its head exists (the saves wrote it) and carries its display
// name, and neither may show before the first article does. Only a feed
// with a scheduled article still to come pays the one-item query; every
// other feed is answered from its head alone, as before.
func (h *feedHandler) checkNotOnlyScheduled(ctx context.Context, req *feedRequest, head *article.FeedHead, now time.Time) error {
	if req.key.Kind == article.FeedSite || head.Next(now).IsZero() {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.opts.StoreTimeout)
	defer cancel()
	page, err := h.store.ListFeed(ctx, req.key, article.ListOptions{Limit: 1, AsOf: now})
	if err != nil {
		return fmt.Errorf("list feed %s: %w", req.key, err)
	}
	if len(page.Articles) == 0 {
		return fmt.Errorf("feed %s has only scheduled articles: %w", req.key, article.ErrNotFound)
	}
	return nil
}

// render lists one page of the feed as of now and renders it.
func (h *feedHandler) render(ctx context.Context, req *feedRequest, head article.FeedHead, self string, now time.Time) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, h.opts.StoreTimeout)
	defer cancel()
	page, err := h.store.ListFeed(ctx, req.key, article.ListOptions{Limit: req.limit, After: req.after, AsOf: now})
	if err != nil {
		return nil, fmt.Errorf("list feed %s: %w", req.key, err)
	}
	p := feed.Document{Key: head.Key, Updated: head.Modified(now), Articles: page.Articles, Self: self}
	if !page.Next.IsZero() {
		p.Next = h.pageURL(req, h.opts.Sealer.Seal(req.key.String(), page.Next))
	}
	var buf bytes.Buffer
	buf.Grow(estimate(page.Articles))
	if err := h.opts.Site.Render(&buf, req.format, &p); err != nil {
		return nil, fmt.Errorf("render feed %s as %s: %w", req.key, req.format, err)
	}
	return buf.Bytes(), nil
}

// nextScheduled is the instant of the site's next scheduled article, from
// the site feed's head (every public article is in the site feed). When
// the head cannot be read, it is a minute from now: the sitemap is then
// kept briefly rather than for its full lifetime.
func (h *feedHandler) nextScheduled(ctx context.Context, now time.Time) time.Time {
	head, err := h.head(ctx, article.SiteFeed)
	if err != nil {
		return now.Add(time.Minute)
	}
	return head.Next(now)
}

// estimate guesses the size of a rendered feed, to allocate once.
func estimate(as []article.Article) int {
	n := 2048
	for i := range as {
		n += len(as[i].Body) + len(as[i].Lead) + 2*len(as[i].Title) + 1024
	}
	return n
}

// sitemap serves the Google News sitemap: the public articles of the last
// 48 hours, at most 1,000, found by walking the site feed newest first.
// The walk is bounded: it stops at the first article older than the window,
// at 1,000 articles, or after the pages that many articles can fill.
func (h *feedHandler) sitemap(w http.ResponseWriter, r *http.Request) {
	now := h.opts.Now()
	var (
		list  []article.Article
		after article.Position
	)
walk:
	for pages := 0; pages <= feed.SitemapMax/sitemapPage; pages++ {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
		page, err := h.store.ListFeed(ctx, article.SiteFeed, article.ListOptions{Limit: sitemapPage, After: after, AsOf: now})
		cancel()
		if err != nil {
			httpapi.Error(w, r, fmt.Errorf("sitemap: list site feed: %w", err))
			return
		}
		for i := range page.Articles {
			a := &page.Articles[i]
			if now.Sub(a.SortTime()) > feed.SitemapWindow {
				break walk
			}
			if feed.InSitemap(a, now) {
				list = append(list, *a)
				if len(list) == feed.SitemapMax {
					break walk
				}
			}
		}
		if page.Next.IsZero() {
			break
		}
		after = page.Next
	}
	var buf bytes.Buffer
	if err := h.opts.Site.RenderSitemap(&buf, list); err != nil {
		httpapi.Error(w, r, fmt.Errorf("sitemap: render: %w", err))
		return
	}
	body := buf.Bytes()
	hdr := w.Header()
	hdr.Set("Content-Type", "application/xml; charset=utf-8")
	hdr.Set("Cache-Control", cacheUntil(sitemapCacheControl, feedMaxAge, now, h.nextScheduled(r.Context(), now), false))
	hdr.Set("Vary", "Accept-Encoding")
	if httpapi.AcceptsGzip(r) {
		body = httpapi.Gzip(body)
		hdr.Set("Content-Encoding", "gzip")
	}
	httpapi.WriteBody(w, r, http.StatusOK, body)
}
