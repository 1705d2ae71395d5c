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
	// Now is the clock: a feed is listed as of its head's UpdatedAt but
	// never past now (article.FeedHead.ListedAsOf), and the news sitemap's
	// 48-hour window ends at now; time.Now when nil.
	Now func() time.Time
	// Cache keeps rendered feeds by validator; nil renders every time.
	Cache *feed.Cache
	// Heads keeps the feed heads read in the last HeadTTL (HeadCache),
	// on Now's clock; nil reads the head on every request.
	Heads *HeadCache
}

// Feed limits and caching policy.
const (
	feedDefaultLimit = 20
	feedMaxLimit     = 100
	// feedCacheControl lets a CDN absorb the polling: five minutes fresh,
	// then served stale for up to ten while it revalidates, and for a day
	// if the origin fails.
	feedCacheControl = "public, max-age=300, stale-while-revalidate=600, stale-if-error=86400"
	// sitemapCacheControl is the news sitemap's policy. Neither lifetime
	// depends on scheduled articles: a pending story shortens no max-age.
	sitemapCacheControl = "public, max-age=300, stale-while-revalidate=600"
	// feedRenderVersion is part of every feed validator: bump it when the
	// rendered output changes for the same data, so no reader keeps an old
	// rendering on a 304. feed/5: listed as of the head's UpdatedAt
	// (feed/4: one dc:creator, dc:source and the source under the
	// content, JSON attachments, no JSON feed authors).
	feedRenderVersion = "feed/5"
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
	if r.URL.RawQuery == "" {
		return req, nil // the polled case: no map to parse into
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

// etag is the validator of one page of one feed in one format, derived from
// the feed head alone, so the conditional path needs nothing else. It is
// weak: the gzip and identity codings of a page share it. The page is
// listed as of the head (article.FeedHead.ListedAsOf), so the head names
// it exactly: it changes when a save or a release changes the feed, and a
// scheduled article's save, which writes no head, leaves it as it was.
func (h *feedHandler) etag(req *feedRequest, head article.FeedHead) string {
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
		// The validators, the date and the page listed all describe the
		// feed as of its head: until a release bumps it, a scheduled
		// article changes none of them, even past its time.
		asOf := head.ListedAsOf(h.opts.Now())
		etag := h.etag(&req, head)
		self := h.pageURL(&req, req.token)
		hdr := w.Header()
		hdr["Etag"] = []string{etag}
		lastMod := head.UpdatedAt.UTC().Truncate(time.Second)
		if !head.UpdatedAt.IsZero() {
			hdr["Last-Modified"] = []string{lastMod.Format(http.TimeFormat)}
		}
		hdr["Cache-Control"] = []string{feedCacheControl}
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
				plain, err = h.render(r.Context(), &req, head, self, asOf)
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
// (an empty feed, revision 0); any other feed without a head is unknown,
// and that includes one whose only articles are still scheduled: their
// saves write no head (its display name would show otherwise), Release
// writes it.
//
// A head read less than HeadTTL ago is reused (Options.Heads).
func (h *feedHandler) head(ctx context.Context, key article.FeedKey) (article.FeedHead, error) {
	now := h.opts.Now()
	if head, ok := h.opts.Heads.get(key, now); ok {
		return head, nil
	}
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
	h.opts.Heads.put(key, head, now)
	return head, nil
}

// render lists one page of the feed as of asOf and renders it.
func (h *feedHandler) render(ctx context.Context, req *feedRequest, head article.FeedHead, self string, asOf time.Time) ([]byte, error) {
	var page article.Page
	if !head.UpdatedAt.IsZero() {
		// A head never written is the site feed before anything in it
		// went live: whatever is in it is pending, and lists at its
		// release, which writes the head.
		ctx, cancel := context.WithTimeout(ctx, h.opts.StoreTimeout)
		defer cancel()
		var err error
		page, err = h.store.ListFeed(ctx, req.key, article.ListOptions{Limit: req.limit, After: req.after, AsOf: asOf})
		if err != nil {
			return nil, fmt.Errorf("list feed %s: %w", req.key, err)
		}
	}
	p := feed.Document{Key: head.Key, Updated: head.UpdatedAt, Articles: page.Articles, Self: self}
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
// at 1,000 articles, or after the pages that many articles can fill. It
// lists the site feed as of its head, as the site feed does, so a
// scheduled article appears in both at its release; the 48-hour window
// ends at now.
func (h *feedHandler) sitemap(w http.ResponseWriter, r *http.Request) {
	now := h.opts.Now()
	head, err := h.head(r.Context(), article.SiteFeed)
	if err != nil {
		httpapi.Error(w, r, fmt.Errorf("sitemap: %w", err))
		return
	}
	asOf := head.ListedAsOf(now)
	var (
		list  []article.Article
		after article.Position
	)
walk:
	for pages := 0; !head.UpdatedAt.IsZero() && pages <= feed.SitemapMax/sitemapPage; pages++ {
		ctx, cancel := context.WithTimeout(r.Context(), h.opts.StoreTimeout)
		page, err := h.store.ListFeed(ctx, article.SiteFeed, article.ListOptions{Limit: sitemapPage, After: after, AsOf: asOf})
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
	hdr.Set("Cache-Control", sitemapCacheControl)
	hdr.Set("Vary", "Accept-Encoding")
	if httpapi.AcceptsGzip(r) {
		body = httpapi.Gzip(body)
		hdr.Set("Content-Encoding", "gzip")
	}
	httpapi.WriteBody(w, r, http.StatusOK, body)
}
