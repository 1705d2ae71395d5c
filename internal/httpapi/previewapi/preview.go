package previewapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/studio"
)

// Service is what the studio reads of the articles.
type Service interface {
	Get(ctx context.Context, id string) (article.Article, error)
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

// CardRenderer draws share cards; *card.Renderer is the real one.
type CardRenderer interface {
	Render(ctx context.Context, w io.Writer, c card.Card) (card.Result, error)
}

// Options configure the studio's routes.
type Options struct {
	Studio *studio.Studio
	Cards  CardRenderer
	Shares share.Counter
	// StoreTimeout bounds the store calls of one request; 0 is 3 s.
	StoreTimeout time.Duration
	// Location is the site's time zone (days of the share chart); nil
	// is UTC. Now is the clock; nil is time.Now.
	Location *time.Location
	Now      func() time.Time
	// SessionTTL is how long a browser sign-in lasts; 0 is 12 hours.
	SessionTTL time.Duration
	// IndexSize is how many articles a page of the index lists; 0 is 30.
	IndexSize int
	// SignIns limits wrong sign-ins per client; nil is auth.Limiter's
	// defaults on Now.
	SignIns *auth.Limiter
	// SearchScan is how many articles one search request reads at most,
	// newest first, before it offers to search further back; 0 is 500.
	SearchScan int
	// Cursors seals the index's paging positions; nil is an unkeyed
	// sealer (config's CURSOR_SECRET in NewOptions).
	Cursors *cursor.Sealer
	// Publication draws a story's Note as the newsroom's fediverse
	// followers get it, and Fediverse reads what they did with it; the
	// page has no fediverse section without Publication.
	Publication *activitypub.Publication
	Fediverse   fediverse.StoryReader
}

// MaxReplies is how many replies to a story the preview page lists.
const MaxReplies = 20

// cursorScope keeps the index's cursors from being replayed against the
// admin list or the feeds, and theirs against it.
const cursorScope = "studio"

// searchPage is how many articles a search reads per store call.
const searchPage = 100

// Paths of the studio.
const (
	IndexPath   = "/articles/preview"
	SignInPath  = "/articles/preview/sign-in"
	SignOutPath = "/articles/preview/sign-out"
)

// PreviewPath and CardPath are an article's preview page and its card.
func PreviewPath(id string) string { return "/articles/" + url.PathEscape(id) + "/preview" }

// CardPath is the studio's own card route of id at version v.
func CardPath(id string, v int64) string {
	return PreviewPath(id) + "/card.png?v=" + strconv.FormatInt(v, 10)
}

// Register adds the studio's routes to rt:
//
//	GET  /articles/preview                 recent articles: status, shares, warnings;
//	                                       ?cursor= the next page, ?q= a search
//	POST /articles/preview/sign-in         token (form) -> session cookie, 303
//	POST /articles/preview/sign-out        ends the session, clears the cookie, 303
//	GET  /articles/{id}/preview            mock-ups, checks, card, share chart
//	GET  /articles/{id}/preview/card.png   the card, drafts included
//
// The GET routes take the admin bearer token or the session cookie; a
// browser without either gets the sign-in form (401). A client's wrong
// sign-ins are limited (opts.SignIns): past the limit, 429.
func Register(rt *httpapi.Router, svc Service, tokens *auth.Token, opts Options) {
	if opts.StoreTimeout <= 0 {
		opts.StoreTimeout = 3 * time.Second
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.IndexSize <= 0 {
		opts.IndexSize = 30
	}
	if opts.SignIns == nil {
		opts.SignIns = &auth.Limiter{Now: opts.Now}
	}
	if opts.SearchScan <= 0 {
		opts.SearchScan = 500
	}
	if opts.Cursors == nil {
		opts.Cursors = cursor.New("")
	}
	h := &handler{svc: svc, tokens: tokens, opts: opts, csrf: http.NewCrossOriginProtection(),
		sessions: &auth.Sessions{TTL: opts.SessionTTL, Now: opts.Now}}
	h.csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.Error(w, r, errCrossOrigin)
	}))
	rt.Handle(http.MethodGet, IndexPath, h.guard(h.index))
	rt.Handle(http.MethodPost, SignInPath, h.csrf.Handler(http.HandlerFunc(h.signIn)))
	rt.Handle(http.MethodPost, SignOutPath, h.csrf.Handler(h.guard(h.signOut)))
	rt.Handle(http.MethodGet, "/articles/{id}/preview", h.guard(h.preview))
	rt.Handle(http.MethodGet, "/articles/{id}/preview/card.png", h.guard(h.card))
}

type handler struct {
	svc      Service
	tokens   *auth.Token
	opts     Options
	csrf     *http.CrossOriginProtection
	sessions *auth.Sessions
}

var (
	errUnauthorized = &httpapi.RequestError{Status: http.StatusUnauthorized, Type: "unauthorized",
		Detail: "a valid bearer token in the Authorization header, or a studio session, is required",
		Header: http.Header{"Www-Authenticate": {`Bearer realm="admin"`}}}
	errCrossOrigin = &httpapi.RequestError{Status: http.StatusForbidden, Type: "cross-origin",
		Detail: "cross-origin form posts are refused"}
	errNoStudio = errors.New("previewapi: no studio configured")
)

// guard lets a request through with the admin bearer token or a valid
// session cookie. Without either, a browser asking for a page gets the
// sign-in form and anything else a problem, both 401.
func (h *handler) guard(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			// A token that is sent must be right; a cookie does not
			// rescue a wrong one.
			ok, err := auth.CheckBearer(r, h.tokens)
			switch {
			case err != nil:
				httpapi.Error(w, r, err)
			case !ok:
				httpapi.Error(w, r, errUnauthorized)
			default:
				next(w, r)
			}
			return
		}
		var value string
		if c, err := r.Cookie(CookieName); err == nil {
			value = c.Value
		}
		ok, err := h.sessions.Check(r.Context(), h.tokens, value)
		if err == nil && !ok {
			// The token must be readable even without a cookie: a broken
			// secret answers 503 to everyone, not the sign-in form.
			_, err = h.tokens.Current(r.Context())
		}
		if err != nil {
			httpapi.Error(w, r, errors.Join(auth.ErrTokenUnavailable, err))
			return
		}
		if ok {
			next(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if wantsHTML(r) {
				h.signInForm(w, r, r.URL.Path, "", http.StatusUnauthorized)
				return
			}
		}
		httpapi.Error(w, r, errUnauthorized)
	})
}

// wantsHTML reports whether r is from a browser navigating: its Accept
// names text/html.
func wantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// nonce is a fresh CSP nonce, in base64url: CSP allows "-" and "_", and
// html/template writes them unescaped, so every answer is the same length.
func nonce() string {
	var b [16]byte
	// crypto/rand.Read never fails on supported platforms.
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// csp is the page's Content-Security-Policy: nothing by default, the
// one nonce'd <style>, images from here, the allowed image origins and
// the article's own image origin, forms posted here only, no framing.
func csp(n string, imgOrigins []string) string {
	var b strings.Builder
	b.WriteString("default-src 'none'; img-src 'self'")
	for _, o := range imgOrigins {
		if o != "" && !strings.ContainsAny(o, " ;,'\"") {
			b.WriteString(" " + o)
		}
	}
	b.WriteString("; style-src 'nonce-" + n + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	return b.String()
}

// writePage sends an HTML page: never cached, never framed, no referrer.
func writePage(w http.ResponseWriter, r *http.Request, status int, policy string, body []byte) {
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", policy)
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Vary", "Authorization, Cookie, Accept-Encoding")
	if httpapi.AcceptsGzip(r) {
		// A preview is 30-40 KB of repetitive markup and 7-8 KB gzipped:
		// it matters on a phone.
		hd.Set("Content-Encoding", "gzip")
		body = httpapi.Gzip(body)
	}
	httpapi.WriteBody(w, r, status, body)
}

func (h *handler) signInForm(w http.ResponseWriter, r *http.Request, next, errText string, status int) {
	n := nonce()
	var buf bytes.Buffer
	if err := studio.Render(&buf, ptr(studio.NewSignInPage(n, SignInPath, safeNext(next), errText, int(h.opts.SessionTTL/time.Hour)))); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("Www-Authenticate", `Bearer realm="admin"`)
	}
	writePage(w, r, status, csp(n, nil), buf.Bytes())
}

func ptr[T any](v T) *T { return &v }

// safeNext is where a sign-in may send the browser: a studio page of this
// API, never another host.
func safeNext(p string) string {
	if p == IndexPath {
		return p
	}
	if id, ok := strings.CutPrefix(p, "/articles/"); ok {
		if id, ok = strings.CutSuffix(id, "/preview"); ok && article.ValidID(id) {
			return p
		}
	}
	return IndexPath
}

// signIn trades the admin token, posted from the form, for a session
// cookie. Cross-origin posts are refused before (CrossOriginProtection),
// so no other site can sign a browser in or out. A client past its wrong
// sign-ins is refused (429) before its token is looked at.
func (h *handler) signIn(w http.ResponseWriter, r *http.Request) {
	client := auth.Client(r)
	if ok, wait := h.opts.SignIns.Allow(client); !ok {
		httpapi.Error(w, r, tooManySignIns(wait))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	_ = r.ParseForm() // A body that does not parse has no token: 401 below.
	next := safeNext(r.PostForm.Get("next"))
	ok, err := h.tokens.Check(r.Context(), strings.TrimSpace(r.PostForm.Get("token")))
	if err == nil && !ok {
		_, err = h.tokens.Current(r.Context())
	}
	if err != nil {
		httpapi.Error(w, r, errors.Join(auth.ErrTokenUnavailable, err))
		return
	}
	if !ok {
		h.opts.SignIns.Fail(client)
		if wantsHTML(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			h.signInForm(w, r, next, "Грешен ключ. Опитайте отново.", http.StatusUnauthorized)
			return
		}
		httpapi.Error(w, r, errUnauthorized)
		return
	}
	want, err := h.tokens.Current(r.Context())
	if err != nil {
		httpapi.Error(w, r, errors.Join(auth.ErrTokenUnavailable, err))
		return
	}
	value, exp := h.sessions.New(want)
	http.SetCookie(w, sessionCookie(r, value, exp, h.opts.Now()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// tooManySignIns is the 429 of a client past its wrong sign-ins.
func tooManySignIns(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &httpapi.RequestError{Status: http.StatusTooManyRequests, Type: "too-many-sign-ins",
		Detail: "too many wrong sign-ins from this client; retry later",
		Header: http.Header{"Retry-After": {strconv.Itoa(max(secs, 1))}}}
}

// signOut ends the session of the request's cookie (a bearer client has
// none) and clears the cookie.
func (h *handler) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(CookieName); err == nil {
		if want, err := h.tokens.Current(r.Context()); err == nil {
			h.sessions.End(c.Value, want)
		}
	}
	http.SetCookie(w, sessionCookie(r, "", time.Time{}, h.opts.Now()))
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, IndexPath, http.StatusSeeOther)
}

func (h *handler) ctx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), h.opts.StoreTimeout)
}

func (h *handler) chrome(n string) studio.Chrome {
	return studio.NewChrome(n, h.opts.Studio.Site.Name, IndexPath, SignOutPath)
}

// article reads the article of the path's {id}: drafts included,
// tombstones 410, as GET /articles/{id} answers.
func (h *handler) article(ctx context.Context, r *http.Request) (article.Article, error) {
	id := r.PathValue("id")
	if !article.ValidID(id) {
		return article.Article{}, fmt.Errorf("article id %q: %w", id, article.ErrNotFound)
	}
	return h.svc.Get(ctx, id)
}

func (h *handler) preview(w http.ResponseWriter, r *http.Request) {
	if h.opts.Studio == nil {
		httpapi.Error(w, r, errNoStudio)
		return
	}
	ctx, cancel := h.ctx(r)
	defer cancel()
	a, err := h.article(ctx, r)
	if err != nil {
		h.articleError(w, r, err)
		return
	}
	var shares studio.Shares
	if h.opts.Shares != nil {
		s, err := share.ReadCounts(ctx, h.opts.Shares, a.ID, h.opts.Now(), h.opts.Location)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		shares.Totals = s.Networks
		for _, d := range s.Days {
			shares.Days = append(shares.Days, studio.Day{Date: d.Date, Networks: d.Networks})
		}
	}
	n := nonce()
	page := h.opts.Studio.Preview(ctx, &a, h.opts.Now(), shares, h.chrome(n), studio.Links{Card: CardPath(a.ID, a.Version)})
	origins := []string{h.opts.Studio.ImageOrigin(&a)}
	if h.opts.Publication != nil {
		fedi, err := h.fediverse(ctx, &a)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		page.Fediverse = fedi
		origins = append(origins, fedi.ImageOrigin())
	}
	var buf bytes.Buffer
	if err := studio.Render(&buf, page); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	writePage(w, r, http.StatusOK, csp(n, origins), buf.Bytes())
}

// fediverse is a's section of the preview page: its Note as Mastodon
// shows it, and, with a Fediverse reader, its followers' likes, boosts
// and newest replies.
func (h *handler) fediverse(ctx context.Context, a *article.Article) (*studio.Fediverse, error) {
	pub := h.opts.Publication
	note := pub.Note(a)
	t := studio.Toot{
		Name: pub.Name, Account: "@" + pub.Handle + "@" + pub.Domain,
		Title: article.OneLine(a.Title), Lead: article.OneLine(a.Lead),
		Link: note.URL, LinkText: activitypub.DisplayURL(note.URL),
	}
	if !a.PublishedAt.IsZero() {
		t.When = studio.When(a.PublishedAt, h.opts.Location)
	}
	for _, tag := range note.Tag {
		t.Tags = append(t.Tags, strings.TrimPrefix(tag.Name, "#"))
	}
	if len(note.Attachment) > 0 {
		t.Image, t.ImageAlt = note.Attachment[0].URL, note.Attachment[0].Name
	}
	out := &studio.Fediverse{Toot: t}
	if h.opts.Fediverse == nil {
		return out, nil
	}
	st, err := fediverse.ReadStory(ctx, h.opts.Fediverse, a.ID, MaxReplies)
	if err != nil {
		return nil, err
	}
	out.Followers, out.Likes, out.Boosts, out.Replies = int64(st.Followers), st.Likes, st.Boosts, st.Counts.Replies
	for _, r := range st.Replies {
		out.Recent = append(out.Recent, studio.Reply{Author: r.Actor, URL: r.URL, Text: r.Text,
			At: studio.When(r.At, h.opts.Location)})
	}
	return out, nil
}

// card draws the article's share card as the share function would, for
// drafts too (whose public card route answers 404).
func (h *handler) card(w http.ResponseWriter, r *http.Request) {
	if h.opts.Studio == nil || h.opts.Cards == nil {
		httpapi.Error(w, r, errNoStudio)
		return
	}
	ctx, cancel := h.ctx(r)
	a, err := h.article(ctx, r)
	cancel()
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	var buf bytes.Buffer
	if _, err := h.opts.Cards.Render(r.Context(), &buf, h.opts.Studio.Site.Card(&a)); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/png")
	// Private: drafts are not public; a short life, because the photo may
	// have been missing only for now.
	hd.Set("Cache-Control", "private, max-age=300")
	hd.Set("Vary", "Authorization, Cookie")
	httpapi.WriteBody(w, r, http.StatusOK, buf.Bytes())
}
