package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/httpapitest"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/studio"
)

// The hostile tests send what an attacker, a broken client or a confused
// proxy might to every route of all three functions at once, registered on
// one httpapi.Router the way internal/server builds the local service, on a real
// bolt store seeded with the sample articles. Whatever comes in, no
// handler may panic or answer 500, every error is problem+json (or the
// share function's HTML 404/410 page) and no internal text leaks.

const hostileToken = "hostile-admin-token-7f3a"

// lockedBuffer is a log sink safe for the concurrent writes of a real
// server.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type hostileEnv struct {
	h      http.Handler
	store  *bolt.Store
	logs   *lockedBuffer
	routes []httpapi.Route
	nato   article.Article // the stored real article
	feed   article.FeedKey // its section's feed
}

// newHostileEnv builds every function's routes as internal/server does:
// admin, share and feeds on one httpapi.Router behind Observe, on a temporary bolt
// store seeded by seed.Ensure. Card photos are never fetched (no image
// origins are allowed), so nothing leaves the machine.
func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{
			"SITE_URL": "https://news.example.bg", "BASE_URL": "https://share.news.example.bg",
			"ADMIN_TOKEN": hostileToken, "STORE_TIMEOUT": "5s",
		}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: cfg.SiteURL})
	if _, err := seed.Ensure(t.Context(), svc, cfg.SiteURL, cfg.StoreTimeout); err != nil {
		t.Fatal(err)
	}

	rt := httpapi.NewRouter()
	adminapi.Register(rt, svc, auth.Static(hostileToken), adminapi.Options{
		Cursors: cursor.New(cfg.CursorSecret), StoreTimeout: cfg.StoreTimeout, Shares: st, Location: cfg.Location,
	})
	bg, err := card.ParseColor(cfg.BrandColor)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := card.New(card.Options{Background: bg, Location: cfg.Location,
		Images: &card.Fetcher{Origins: cfg.ImageOrigins}})
	if err != nil {
		t.Fatal(err)
	}
	drawn := &onceCards{next: cards}
	shareapi.Register(rt, st, shareapi.Options{Site: share.NewSite(cfg), Cards: drawn, StoreTimeout: cfg.StoreTimeout})
	previewapi.Register(rt, svc, auth.Static(hostileToken), previewapi.Options{
		Studio: &studio.Studio{Site: share.NewSite(cfg), SiteURL: cfg.SiteURL, ImageOrigins: cfg.ImageOrigins},
		Cards:  drawn, Shares: st, StoreTimeout: cfg.StoreTimeout, Location: cfg.Location,
		// Every hostile sign-in comes from httptest's one client address,
		// so the limit would answer 429 past the fifth; it has its own
		// test (previewapi's TestSignInLimit), and here each case must
		// meet the check itself.
		SignIns: &auth.Limiter{MaxFailures: 1 << 20},
	})
	feedapi.Register(rt, st, feedapi.Options{
		Site: feed.NewChannel(cfg), Sealer: cursor.New(cfg.CursorSecret),
		StoreTimeout: cfg.StoreTimeout, Cache: feed.NewCache(1 << 20),
	})

	fediOpts, err := fediapi.NewOptions(cfg, hostileKey(t), st, st)
	if err != nil {
		t.Fatal(err)
	}
	fediapi.Register(rt, fediOpts)

	logs := &lockedBuffer{}
	nato, err := st.Get(t.Context(), seed.IDNATO)
	if err != nil {
		t.Fatal(err)
	}
	return &hostileEnv{
		h:      httpapi.Observe(slog.New(slog.NewJSONHandler(logs, nil)), rt),
		store:  st,
		logs:   logs,
		routes: rt.Routes(),
		nato:   nato,
		feed:   nato.Feeds()[1],
	}
}

var (
	hostileKeyOnce sync.Once
	hostileKeyRSA  *rsa.PrivateKey
)

// hostileKey is the fediverse actor's key, made once per test binary.
func hostileKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	hostileKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		hostileKeyRSA = k
	})
	return hostileKeyRSA
}

// hostileReq is one request. Path is set on the URL as it is, so it may
// carry what no client could put on the wire (NUL, controls), as a broken
// proxy or adapter might hand over.
type hostileReq struct {
	method  string
	target  string // path and query, percent-encoded as on the wire
	rawPath string // when set, replaces the decoded URL.Path after parsing
	header  http.Header
	body    io.Reader
	length  int64 // Content-Length; -1 for chunked; 0 means from body
}

func (e *hostileEnv) serve(t *testing.T, q hostileReq) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(q.method, "/", q.body)
	u, err := url.ParseRequestURI(q.target)
	if err != nil {
		t.Fatalf("bad test target %q: %v", q.target, err)
	}
	r.URL = u
	r.RequestURI = q.target
	if q.rawPath != "" {
		r.URL.Path, r.URL.RawPath = q.rawPath, ""
	}
	if q.length != 0 {
		r.ContentLength = q.length
	}
	for k, vs := range q.header {
		r.Header[k] = vs
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	e.check(t, q, w)
	return w
}

// check holds for every answer: no 5xx (but the 501 oEmbed gives for a
// format it does not serve), no panic logged, a problem+json error body
// without internal text (or, on share routes, the HTML 404/410 page), no
// body for HEAD, Allow on 405, WWW-Authenticate on 401.
func (e *hostileEnv) check(t *testing.T, q hostileReq, w *httptest.ResponseRecorder) {
	t.Helper()
	what := fmt.Sprintf("%s %.200q", q.method, q.target)
	if q.rawPath != "" {
		what += fmt.Sprintf(" (path %.200q)", q.rawPath)
	}
	if w.Code >= 500 && !(w.Code == http.StatusNotImplemented && strings.HasPrefix(q.target, "/oembed")) {
		t.Fatalf("%s = %d\n%s\nlog: %s", what, w.Code, w.Body, e.logs.String())
	}
	if strings.Contains(e.logs.String(), `"msg":"panic"`) {
		t.Fatalf("%s: a handler panicked\nlog: %s", what, e.logs.String())
	}
	if q.method == http.MethodHead && w.Body.Len() != 0 {
		t.Errorf("%s: HEAD answered with a %d-byte body", what, w.Body.Len())
	}
	switch w.Code {
	case http.StatusMethodNotAllowed:
		if w.Header().Get("Allow") == "" {
			t.Errorf("%s = 405 without Allow", what)
		}
	case http.StatusUnauthorized:
		if w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s = 401 without WWW-Authenticate", what)
		}
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		loc := w.Header().Get("Location")
		if strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("%s redirects to %q: an open redirect", what, loc)
		}
	}
	if w.Code < 400 {
		return
	}
	ct := w.Header().Get("Content-Type")
	path := q.target
	if q.rawPath != "" {
		path = q.rawPath
	}
	if strings.HasPrefix(ct, "text/html") {
		if !strings.HasPrefix(path, "/share/") || (w.Code != http.StatusNotFound && w.Code != http.StatusGone) {
			t.Fatalf("%s = %d as %q; HTML errors are only the share pages' 404 and 410", what, w.Code, ct)
		}
		lower := strings.ToLower(w.Body.String())
		for _, leak := range httpapitest.InternalText {
			if strings.Contains(lower, leak) {
				t.Errorf("%s: error page leaks %q", what, leak)
			}
		}
		return
	}
	httpapitest.CheckProblem(t, w)
}

// adminHeader returns a header with the admin token, plus extra pairs.
func adminHeader(pairs ...string) http.Header {
	h := http.Header{"Authorization": {"Bearer " + hostileToken}}
	for i := 0; i+1 < len(pairs); i += 2 {
		h.Set(pairs[i], pairs[i+1])
	}
	return h
}

var pathParam = regexp.MustCompile(`\{[a-z]+\}`)

// fill makes a concrete path of a route pattern: good values for every
// parameter, unless bad is set, which then replaces every parameter.
func (e *hostileEnv) fill(pattern, bad string) string {
	return pathParam.ReplaceAllStringFunc(pattern, func(p string) string {
		if bad != "" {
			return bad
		}
		switch p {
		case "{id}":
			return e.nato.ID
		case "{kind}":
			return string(e.feed.Kind)
		case "{network}":
			return "facebook"
		case "{slug}":
			if strings.HasPrefix(pattern, "/feeds/") {
				return e.feed.Slug
			}
			return e.nato.Slug
		}
		return "x"
	})
}

// good returns the request that succeeds on route rt: the token for admin
// routes, a JSON body for writes, the query a route needs.
func (e *hostileEnv) good(rt httpapi.Route, path string) hostileReq {
	q := hostileReq{method: rt.Method, target: path, header: http.Header{}}
	if strings.HasPrefix(rt.Path, "/articles") {
		q.header = adminHeader()
	}
	switch {
	case rt.Method == http.MethodPost || rt.Method == http.MethodPut:
		q.header.Set("Content-Type", "application/json")
		q.body = strings.NewReader(minimalFuzzBody)
	case strings.HasSuffix(rt.Path, "/card.png"):
		q.target += "?v=" + strconv.FormatInt(e.nato.Version, 10)
	case rt.Path == "/oembed":
		q.target += "?url=" + url.QueryEscape("https://share.news.example.bg/share/"+e.nato.Slug)
	case rt.Path == "/.well-known/webfinger":
		q.target += "?resource=" + url.QueryEscape("acct:news@share.news.example.bg")
	}
	return q
}

// liveArticles counts the stored articles but tombstones.
func (e *hostileEnv) liveArticles(t *testing.T) int {
	t.Helper()
	p, err := e.store.List(t.Context(), article.ListOptions{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Articles)
}

func TestHostileRoutesSane(t *testing.T) {
	e := newHostileEnv(t)
	if len(e.routes) < 15 {
		t.Fatalf("only %d routes registered: %v", len(e.routes), e.routes)
	}
	// The right request works on every route, so the hostile tests below
	// fail for the right reason.
	for _, rt := range e.routes {
		if rt.Method == http.MethodDelete || rt.Method == http.MethodPost {
			continue
		}
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			q := e.good(rt, e.fill(rt.Path, ""))
			if rt.Method == http.MethodPut {
				q.target = "/articles/hostile-sane"
			}
			w := e.serve(t, q)
			if w.Code >= 300 && w.Code != http.StatusFound {
				t.Errorf("%s %s = %d, want success\n%s", q.method, q.target, w.Code, w.Body)
			}
		})
	}
}

// TestHostileAuth sends every admin route and method without the token or
// with a wrong one: always 401, and nothing written.
func TestHostileAuth(t *testing.T) {
	e := newHostileEnv(t)
	before := e.liveArticles(t)
	auths := []struct {
		name  string
		h     http.Header
		query string
	}{
		{name: "none", h: http.Header{}},
		{name: "wrong token", h: http.Header{"Authorization": {"Bearer wrong"}}},
		{name: "token prefix", h: http.Header{"Authorization": {"Bearer " + hostileToken[:len(hostileToken)-1]}}},
		{name: "token with suffix", h: http.Header{"Authorization": {"Bearer " + hostileToken + "x"}}},
		{name: "token and more", h: http.Header{"Authorization": {"Bearer " + hostileToken + " " + hostileToken}}},
		{name: "empty bearer", h: http.Header{"Authorization": {"Bearer "}}},
		{name: "bearer only", h: http.Header{"Authorization": {"Bearer"}}},
		{name: "basic scheme", h: http.Header{"Authorization": {"Basic " + hostileToken}}},
		{name: "no scheme", h: http.Header{"Authorization": {hostileToken}}},
		{name: "NUL in token", h: http.Header{"Authorization": {"Bearer " + hostileToken + "\x00"}}},
		{name: "second header only", h: http.Header{"Authorization": {"Bearer wrong", "Bearer " + hostileToken}}},
		{name: "other header", h: http.Header{"X-Authorization": {"Bearer " + hostileToken}, "Cookie": {"token=" + hostileToken}}},
		{name: "token in query", h: http.Header{},
			query: "?access_token=" + hostileToken + "&token=" + hostileToken + "&authorization=Bearer+" + hostileToken},
		{name: "token in query, wrong header", h: http.Header{"Authorization": {"Bearer wrong"}}, query: "?access_token=" + hostileToken},
	}
	for _, rt := range e.routes {
		if !strings.HasPrefix(rt.Path, "/articles") {
			continue
		}
		methods := []string{rt.Method}
		if rt.Method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		for _, m := range methods {
			for _, a := range auths {
				t.Run(m+" "+rt.Path+"/"+a.name, func(t *testing.T) {
					q := e.good(rt, e.fill(rt.Path, ""))
					q.method, q.header, q.target = m, a.h.Clone(), q.target+a.query
					if q.body != nil {
						q.header.Set("Content-Type", "application/json")
					}
					w := e.serve(t, q)
					if w.Code != http.StatusUnauthorized {
						t.Fatalf("%s %s with %s = %d, want 401\n%s", m, q.target, a.name, w.Code, w.Body)
					}
					if strings.Contains(w.Body.String(), hostileToken) || strings.Contains(e.logs.String(), hostileToken) {
						t.Errorf("the token shows in the answer or the log")
					}
				})
			}
		}
	}
	if after := e.liveArticles(t); after != before {
		t.Errorf("%d live articles after unauthorized requests, want %d", after, before)
	}
	if _, err := e.store.Get(t.Context(), seed.IDNATO); err != nil {
		t.Errorf("the seeded article is gone after unauthorized DELETEs: %v", err)
	}
}

// TestHostileBodies sends broken, oversized and mistyped bodies to both
// writes.
func TestHostileBodies(t *testing.T) {
	e := newHostileEnv(t)
	huge := `{"title":"X","body":"` + strings.Repeat("я", adminapi.MaxRequestBody/2) + `"}`
	tests := []struct {
		name   string
		body   string
		ct     string
		length int64 // 0: the body's; -1: chunked, no length
		want   int
	}{
		{name: "over the limit", body: huge, want: http.StatusRequestEntityTooLarge},
		{name: "over the limit, chunked", body: huge, length: -1, want: http.StatusRequestEntityTooLarge},
		{name: "length claims over the limit", body: minimalFuzzBody, length: adminapi.MaxRequestBody + 1, want: http.StatusRequestEntityTooLarge},
		{name: "just under the limit, invalid article", body: `{"title":"X","body":"` + strings.Repeat("a", adminapi.MaxRequestBody-40) + `"}`,
			want: http.StatusUnprocessableEntity},
		{name: "empty", body: "", want: http.StatusBadRequest},
		{name: "truncated", body: `{"title":"Южна Корея и НА`, want: http.StatusBadRequest},
		{name: "truncated mid-rune", body: "{\"title\":\"\xd0", want: http.StatusBadRequest},
		{name: "invalid JSON", body: `{title: 'X'}`, want: http.StatusBadRequest},
		{name: "trailing garbage", body: minimalFuzzBody + "\x00", want: http.StatusBadRequest},
		{name: "byte order mark", body: "\ufeff" + minimalFuzzBody, want: http.StatusBadRequest},
		{name: "NUL before", body: "\x00" + minimalFuzzBody, want: http.StatusBadRequest},
		{name: "invalid UTF-8 outside strings", body: "{\xff\"title\":\"X\"}", want: http.StatusBadRequest},
		{name: "invalid UTF-8 in a string", body: "{\"title\":\"\xff\xfe\"}", want: http.StatusUnprocessableEntity},
		// A lone surrogate decodes to U+FFFD, which plain text drops
		// (article.OneLine): nothing is left of the title.
		{name: "surrogate escape", body: `{"title":"\ud800"}`, want: http.StatusUnprocessableEntity},
		{name: "surrogate escape in a title", body: `{"title":"Сурогат\ud800"}`, want: http.StatusCreated},
		{name: "NUL escape in title", body: `{"title":"a\u0000b"}`, want: http.StatusCreated},
		{name: "wrong types", body: `{"title":["X"],"tags":{"a":1},"commentCount":"7","image":"x.jpg"}`, want: http.StatusUnprocessableEntity},
		{name: "number overflow", body: `{"title":"X","commentCount":1e400}`, want: http.StatusUnprocessableEntity},
		{name: "unknown field", body: `{"title":"X","admin":true}`, want: http.StatusBadRequest},
		{name: "proto pollution", body: `{"title":"X","__proto__":{"admin":true}}`, want: http.StatusBadRequest},
		{name: "duplicate keys", body: `{"title":"X","title":"Y"}`, want: http.StatusBadRequest},
		{name: "duplicate nested keys", body: `{"title":"X","image":{"url":"https://img.example.bg/a.jpg","url":"https://img.example.bg/b.jpg"}}`, want: http.StatusBadRequest},
		{name: "wrong-case nested key", body: `{"title":"X","image":{"URL":"https://img.example.bg/a.jpg"}}`, want: http.StatusBadRequest},
		{name: "deep nesting", body: `{"title":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, want: http.StatusBadRequest},
		{name: "deep nesting in a known field", body: `{"title":"X","image":` + strings.Repeat(`{"url":`, 5000) + `1` + strings.Repeat("}", 5000) + `}`,
			want: http.StatusUnprocessableEntity},
		{name: "many unknown fields", body: "{" + strings.Repeat(`"a":1,`, 20000) + `"title":"X"}`, want: http.StatusBadRequest},
		{name: "array", body: `[` + minimalFuzzBody + `]`, want: http.StatusBadRequest},
		{name: "string", body: `"X"`, want: http.StatusBadRequest},
		{name: "form encoded", body: "title=X", ct: "application/x-www-form-urlencoded", want: http.StatusUnsupportedMediaType},
		{name: "no content type", body: minimalFuzzBody, ct: "-", want: http.StatusUnsupportedMediaType},
		{name: "bad media type", body: minimalFuzzBody, ct: "application/json; charset", want: http.StatusUnsupportedMediaType},
		{name: "utf-16 charset", body: minimalFuzzBody, ct: "application/json; charset=utf-16", want: http.StatusUnsupportedMediaType},
		{name: "json suffix type", body: minimalFuzzBody, ct: "application/problem+json", want: http.StatusUnsupportedMediaType},
		{name: "script in every field", body: `{"title":"<script>alert(1)</script><b>НАТО</b>","lead":"<img src=x onerror=alert(1)>",` +
			`"body":"<script>alert(1)</script><p onclick=\"x\">a</p>","section":"<b>","tags":["<i>НАТО</i>"],"authors":[{"name":"<svg onload=x>Иван"}]}`,
			want: http.StatusCreated},
	}
	for _, rt := range []httpapi.Route{{Method: http.MethodPost, Path: "/articles"}, {Method: http.MethodPut, Path: "/articles/{id}"}} {
		for i, tt := range tests {
			t.Run(rt.Method+"/"+tt.name, func(t *testing.T) {
				q := hostileReq{method: rt.Method, target: "/articles", header: adminHeader("Content-Type", "application/json"),
					body: strings.NewReader(tt.body), length: tt.length}
				if rt.Method == http.MethodPut {
					q.target = fmt.Sprintf("/articles/hostile-%d", i)
				}
				switch tt.ct {
				case "":
				case "-":
					q.header.Del("Content-Type")
				default:
					q.header.Set("Content-Type", tt.ct)
				}
				if tt.length == -1 {
					q.body = io.MultiReader(strings.NewReader(tt.body)) // no Len: httptest sets no length
				}
				w := e.serve(t, q)
				if w.Code != tt.want {
					t.Fatalf("status = %d, want %d\n%.500s", w.Code, tt.want, w.Body)
				}
				if w.Code == http.StatusCreated {
					var got createdArticle
					if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
						t.Fatal(err)
					}
					if got.ID == "" || !article.ValidSlug(got.Slug) {
						t.Errorf("created id %q slug %q", got.ID, got.Slug)
					}
					if strings.Contains(strings.ToLower(got.Body), "<script") || strings.Contains(got.Body, "onclick") {
						t.Errorf("stored body is not clean: %q", got.Body)
					}
					// Plain-text fields are stored as plain text (newsroom.PlainText).
					if strings.ContainsAny(got.Title, "<>") {
						t.Errorf("stored title has markup: %q", got.Title)
					}
				}
			})
		}
	}
	// IDs may hold '_' and end in '-'; slugs made from them, or suffixed
	// with them when a headline is taken, must still be valid slugs.
	for _, tt := range []struct{ method, target, body string }{
		{"POST", "/articles", `{"id":"Hostile_ID-","title":"!!!"}`},
		{"PUT", "/articles/Ab_c-", `{"title":"!!!"}`},
		{"POST", "/articles", `{"id":"x_y-z","title":"` + seed.NATOTitle + `"}`},
		{"PUT", "/articles/Q_", `{"title":"` + seed.NATOTitle + `"}`},
		{"PUT", "/articles/r", `{"title":"` + seed.NATOTitle + `"}`},
	} {
		t.Run("slug of "+tt.method+" "+tt.body, func(t *testing.T) {
			w := e.serve(t, hostileReq{method: tt.method, target: tt.target, header: adminHeader("Content-Type", "application/json"),
				body: strings.NewReader(tt.body)})
			if w.Code != http.StatusCreated {
				t.Fatalf("status = %d, want 201\n%s", w.Code, w.Body)
			}
			var got createdArticle
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if !article.ValidSlug(got.Slug) || got.Slug == e.nato.Slug {
				t.Errorf("slug = %q, want a valid slug of its own", got.Slug)
			}
			if !strings.HasSuffix(got.URL, "/"+got.Slug) {
				t.Errorf("url = %q, want it to end in the slug %q", got.URL, got.Slug)
			}
		})
	}

	// Bodies sent where none is expected are ignored.
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		t.Run(m+" with a body", func(t *testing.T) {
			q := hostileReq{method: m, target: "/articles/" + seed.IDBlair, header: adminHeader("Content-Type", "application/json"),
				body: strings.NewReader(huge)}
			w := e.serve(t, q)
			if w.Code != http.StatusOK && w.Code != http.StatusNoContent {
				t.Fatalf("status = %d\n%s", w.Code, w.Body)
			}
		})
	}
}

// hostileSegments are path segments, as on the wire, that must never
// reach anything but a 404, 405, 400 or 422: traversal, encoded slashes and
// dots, NUL and controls, broken escapes and UTF-8, huge ones.
var hostileSegments = []string{
	"..", ".", "%2e%2e", "%2E%2E", ".%2e", "..%2f..%2farticles", "..%2F..%2F..%2Fetc%2Fpasswd", "a%2fb", "%2f", "%5c..%5c",
	"a%00b", "%00", "%01", "%0a", "%0d%0aSet-Cookie:%20x=1", "%7f", "%ff", "%c0%ae%c0%ae", "%e2%80%ae", "%ef%bb%bf",
	"*", "%25", "%252e%252e", "a%20b", "~", "%3Cscript%3E", "'%22", "yuzhna-koreya-nato.json",
	strings.Repeat("a", 10000), strings.Repeat("%d0%b0", 3000),
}

// TestHostilePaths puts every hostile segment in every parameter of every
// route, with that route's method and a token where it needs one.
func TestHostilePaths(t *testing.T) {
	e := newHostileEnv(t)
	for _, rt := range e.routes {
		if !strings.Contains(rt.Path, "{") {
			continue
		}
		for _, seg := range hostileSegments {
			t.Run(rt.Method+" "+rt.Path+"/"+fmt.Sprintf("%.20s", seg), func(t *testing.T) {
				q := e.good(rt, e.fill(rt.Path, seg))
				w := e.serve(t, q)
				switch {
				case w.Code == http.StatusFound && strings.HasSuffix(rt.Path, "/card.png"):
					t.Fatalf("a card for %q redirected to %q", seg, w.Header().Get("Location"))
				case rt.Method == http.MethodPut && w.Code == http.StatusCreated:
					t.Fatalf("PUT created an article with id %q", seg)
				case w.Code < 400:
					t.Fatalf("%s %.100s = %d, want an error", q.method, q.target, w.Code)
				}
			})
		}
	}
	// What a client cannot send but a broken adapter might hand over:
	// control characters in the decoded path.
	for _, raw := range []string{
		"/share/a\x00b", "/share/\x01/card.png", "/articles/\x00", "/feeds/section/\x00/rss.xml",
		"/feeds/tag/a\nb/atom.xml", "/share/a\r\nLocation: https://evil.example/", "/\x00", "/articles\x00",
	} {
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete} {
			t.Run(fmt.Sprintf("raw %s %q", m, raw), func(t *testing.T) {
				w := e.serve(t, hostileReq{method: m, target: "/x", rawPath: raw, header: adminHeader()})
				// httpapi.Router answers unclean paths as unknown routes rather
				// than letting ServeMux redirect them.
				if w.Code < 400 {
					t.Fatalf("status = %d, want an error", w.Code)
				}
			})
		}
	}
	// The traversals, with the exact answers. httpapi.Router answers a path with
	// dot segments or repeated slashes as an unknown route (404) for every
	// method, instead of ServeMux's redirect to the cleaned path.
	tests := []struct {
		method, target string
		header         http.Header
		want           int
		location       string
	}{
		{method: "GET", target: "/share/../articles", want: http.StatusNotFound},
		{method: "GET", target: "/share/%2e%2e/articles", want: http.StatusNotFound},
		{method: "GET", target: "/feeds/section/..%2f..%2farticles/rss.xml", want: http.StatusNotFound},
		{method: "GET", target: "/feeds/section/../../articles/rss.xml", want: http.StatusNotFound},
		{method: "GET", target: "//evil.example/..", want: http.StatusNotFound},
		{method: "PUT", target: "/share/../articles/x", header: adminHeader(), want: http.StatusNotFound},
		{method: "GET", target: "/share/" + seed.IDNATO + "%2fcard.png", want: http.StatusNotFound},
		{method: "GET", target: "/articles/%2e%2e", header: adminHeader(), want: http.StatusNotFound},
		{method: "GET", target: "/articles/" + seed.IDNATO + "%2f..", header: adminHeader(), want: http.StatusNotFound},
		{method: "DELETE", target: "/articles/..%2f" + seed.IDNATO, header: adminHeader(), want: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			w := e.serve(t, hostileReq{method: tt.method, target: tt.target, header: tt.header})
			if w.Code != tt.want {
				t.Fatalf("status = %d, want %d\n%s", w.Code, tt.want, w.Body)
			}
			if loc := w.Header().Get("Location"); loc != tt.location {
				t.Errorf("Location = %q, want %q", loc, tt.location)
			}
		})
	}
	if _, err := e.store.Get(t.Context(), seed.IDNATO); err != nil {
		t.Errorf("the seeded article did not survive: %v", err)
	}
}

// TestHostileQueries sends huge, broken and repeated query strings to every
// GET route.
func TestHostileQueries(t *testing.T) {
	e := newHostileEnv(t)
	big := strings.Repeat("A", 64<<10)
	queries := []string{
		"q=" + big,
		"limit=" + big,
		"limit=99999999999999999999999",
		"limit=-1", "limit=0", "limit=1e3", "limit=%00", "limit=1&limit=2",
		"cursor=" + big,
		"cursor=" + url.QueryEscape(cursor.New("other-secret").Seal("site", article.Position{Time: time.Now(), ID: "x"})),
		"cursor=&cursor=",
		"sort=" + big, "sort=shares&cursor=" + big, "sort=shares&sort=newest", "sort=%00", "sort=shares&limit=0",
		"v=" + big, "v=-1", "v=%ff",
		"url=" + big, "url=" + url.QueryEscape("javascript:alert(1)"), "url=" + url.QueryEscape("https://share.news.example.bg/share/"+big),
		"url=" + url.QueryEscape("https://share.news.example.bg/share/../articles"), "format=xml", "format=" + big,
		"%zz=1&limit=%", "a=1;b=2", "&&&&=&=", strings.Repeat("a=1&", 16<<10),
		"access_token=" + hostileToken,
	}
	for _, rt := range e.routes {
		if rt.Method != http.MethodGet {
			continue
		}
		for _, qs := range queries {
			for _, m := range []string{http.MethodGet, http.MethodHead} {
				t.Run(fmt.Sprintf("%s %s?%.30s", m, rt.Path, qs), func(t *testing.T) {
					q := e.good(rt, e.fill(rt.Path, ""))
					q.method = m
					if strings.Contains(q.target, "?") {
						q.target += "&" + qs
					} else {
						q.target += "?" + qs
					}
					w := e.serve(t, q)
					if loc := w.Header().Get("Location"); len(loc) > 4096 {
						t.Errorf("Location header of %d bytes echoes the query", len(loc))
					}
				})
			}
		}
	}
}

// TestHostileHeaders sends huge and malformed headers to every route. The
// handler itself sees any size; a real net/http server refuses headers over
// its limit (1 MB) with 431 before any handler runs.
func TestHostileHeaders(t *testing.T) {
	e := newHostileEnv(t)
	big := strings.Repeat("x", 512<<10)
	headers := []http.Header{
		{"User-Agent": {big}},
		{"User-Agent": {"facebookexternalhit/1.1 " + big}},
		{"Accept-Encoding": {strings.Repeat("gzip;q=0.5, ", 20000)}},
		{"Accept-Encoding": {"gzip;q=abc, identity;q=0"}},
		{"If-None-Match": {big}},
		{"If-None-Match": {strings.Repeat(`"1",`, 50000)}},
		{"If-None-Match": {`W/"`, `"`, "*"}},
		{"If-Match": {big}},
		{"If-Match": {`"99999999999999999999999"`}},
		{"If-Modified-Since": {big}},
		{"If-Modified-Since": {"Mon, 01 Jan 0001 00:00:00 GMT"}},
		{"X-Request-Id": {big}},
		{"X-Request-Id": {"id\x00\r\n"}},
		{"Content-Type": {big}},
		{"Authorization": {"Bearer " + big}},
		{"Accept": {big}},
		{"Range": {"bytes=0-1,2-3,4-5"}},
	}
	for _, rt := range e.routes {
		for i, hd := range headers {
			t.Run(fmt.Sprintf("%s %s/%d", rt.Method, rt.Path, i), func(t *testing.T) {
				q := e.good(rt, e.fill(rt.Path, ""))
				if rt.Method == http.MethodPut {
					q.target = fmt.Sprintf("/articles/hdr-%d", i)
				}
				if rt.Method == http.MethodDelete {
					q.target = "/articles/none"
				}
				for k, vs := range hd {
					if k == "Authorization" && !strings.HasPrefix(rt.Path, "/articles") {
						continue
					}
					q.header[k] = vs
				}
				w := e.serve(t, q)
				if id := w.Header().Get(httpapi.RequestIDHeader); id == "" || len(id) > 128 || strings.ContainsAny(id, "\x00\r\n") {
					t.Errorf("X-Request-Id = %.200q, want a sane one", id)
				}
			})
		}
	}

	t.Run("over net/http's limit", func(t *testing.T) {
		srv := httptest.NewServer(e.h)
		defer srv.Close()
		for _, size := range []int{900 << 10, 2 << 20} {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "GET /share/%s HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\nConnection: close\r\n\r\n", e.nato.Slug, strings.Repeat("y", size))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				conn.Close()
				t.Fatalf("%d-byte header: %v", size, err)
			}
			resp.Body.Close()
			conn.Close()
			want := http.StatusOK
			if size > http.DefaultMaxHeaderBytes {
				want = http.StatusRequestHeaderFieldsTooLarge
			}
			if resp.StatusCode != want {
				t.Errorf("%d-byte header = %d, want %d", size, resp.StatusCode, want)
			}
		}
	})
}

// TestHostileHEAD checks HEAD on every GET route, in success and error:
// the GET's status and headers, no body.
func TestHostileHEAD(t *testing.T) {
	e := newHostileEnv(t)
	for _, rt := range e.routes {
		if rt.Method != http.MethodGet {
			continue
		}
		for _, variant := range []string{"", "no-such-thing"} {
			t.Run(rt.Path+"/"+variant, func(t *testing.T) {
				get := e.good(rt, e.fill(rt.Path, variant))
				if variant != "" && !strings.Contains(rt.Path, "{") {
					get.target += "?limit=0&url=https%3A%2F%2Fevil.example%2F"
				}
				head := get
				head.method = http.MethodHead
				gw, hw := e.serve(t, get), e.serve(t, head)
				if hw.Code != gw.Code {
					t.Fatalf("HEAD = %d, GET = %d", hw.Code, gw.Code)
				}
				for _, k := range []string{"Content-Type", "Content-Length", "Cache-Control", "ETag", "Location", "Content-Encoding"} {
					if g, h := gw.Header().Get(k), hw.Header().Get(k); g != h {
						t.Errorf("%s: HEAD %q, GET %q", k, h, g)
					}
				}
				if n := gw.Header().Get("Content-Length"); n != "" && n != strconv.Itoa(gw.Body.Len()) {
					t.Errorf("GET Content-Length %s, body %d bytes", n, gw.Body.Len())
				}
			})
		}
	}
}

// TestHostileMethods sends methods no route has to every route's path:
// 405 with Allow, as a problem.
func TestHostileMethods(t *testing.T) {
	e := newHostileEnv(t)
	for _, rt := range e.routes {
		for _, m := range []string{"PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO", "get"} {
			t.Run(m+" "+rt.Path, func(t *testing.T) {
				q := e.good(rt, e.fill(rt.Path, ""))
				q.method = m
				w := e.serve(t, q)
				if w.Code != http.StatusMethodNotAllowed {
					t.Fatalf("status = %d, want 405\n%s", w.Code, w.Body)
				}
			})
		}
	}
}

// TestObservePanic checks that a panic in a handler is recovered by
// Observe, logged with the request ID, and answered 500 with no detail of
// what panicked; and that a panic after the answer began adds nothing to
// it.
func TestObservePanic(t *testing.T) {
	const secret = "table prod-articles: key a1b2 is nil"
	tests := []struct {
		name       string
		h          http.HandlerFunc
		clientID   string
		wantStatus int
		wantBody   bool // a problem body is written
	}{
		{name: "before writing", h: func(http.ResponseWriter, *http.Request) { panic(errors.New(secret)) },
			wantStatus: http.StatusInternalServerError, wantBody: true},
		{name: "nil map write", h: func(http.ResponseWriter, *http.Request) {
			var m map[string]int
			m[secret]++
		}, clientID: "req-from-gateway_1", wantStatus: http.StatusInternalServerError, wantBody: true},
		{name: "after writing", h: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "partial")
			panic(secret)
		}, wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			rt := httpapi.NewRouter()
			rt.Handle(http.MethodGet, "/boom", tt.h)
			h := httpapi.Observe(slog.New(slog.NewJSONHandler(&logs, nil)), rt)
			r := httptest.NewRequest(http.MethodGet, "/boom", nil)
			if tt.clientID != "" {
				r.Header.Set(httpapi.RequestIDHeader, tt.clientID)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r) // must not panic

			if w.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			id := w.Header().Get(httpapi.RequestIDHeader)
			if id == "" || (tt.clientID != "" && id != tt.clientID) {
				t.Errorf("X-Request-Id = %q, want %q or a new one", id, tt.clientID)
			}
			if strings.Contains(w.Body.String(), "prod-articles") || strings.Contains(w.Body.String(), "goroutine") {
				t.Errorf("answer leaks the panic: %s", w.Body)
			}
			if tt.wantBody {
				p := httpapitest.CheckProblem(t, w)
				if p.Status != http.StatusInternalServerError {
					t.Errorf("problem = %+v", p)
				}
			} else if got := w.Body.String(); got != "partial" {
				t.Errorf("body = %q, want what was written before the panic", got)
			}

			var records []map[string]any
			for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("log line is not JSON: %v: %s", err, line)
				}
				records = append(records, rec)
			}
			if len(records) != 2 {
				t.Fatalf("got %d log records, want a panic and a request record:\n%s", len(records), logs.String())
			}
			pr, rr := records[0], records[1]
			if pr["msg"] != "panic" || pr["level"] != "ERROR" || pr["requestId"] != id {
				t.Errorf("panic record = %v, want msg panic, level ERROR, requestId %q", pr, id)
			}
			if s, _ := pr["panic"].(string); !strings.Contains(s, "prod-articles") && !strings.Contains(s, "nil map") {
				t.Errorf("panic record does not say what panicked: %v", pr["panic"])
			}
			if rr["msg"] != "request" || rr["requestId"] != id || rr["route"] != "GET /boom" ||
				rr["status"] != float64(tt.wantStatus) {
				t.Errorf("request record = %v, want requestId %q, route GET /boom, status %d", rr, id, tt.wantStatus)
			}
		})
	}

	t.Run("abort handler", func(t *testing.T) {
		rt := httpapi.NewRouter()
		rt.HandleFunc(http.MethodGet, "/abort", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
		h := httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler passed on to net/http", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/abort", nil))
	})
}

// minimalBody is the smallest valid article a POST accepts.
const minimalFuzzBody = `{"title":"Южна Корея и НАТО се споразумяха"}`

// createdArticle is what these tests read of an admin API answer.
type createdArticle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Slug  string `json:"slug"`
	Body  string `json:"body"`
	URL   string `json:"url"`
}

// onceCards draws each distinct card once and answers later requests for it
// with the same PNG (cards are deterministic: card.TestRenderDeterministic).
// The hostile tests ask for one card some hundred times, each a second of
// drawing under -race.
type onceCards struct {
	next  shareapi.CardRenderer
	mu    sync.Mutex
	drawn map[card.Card]drawnCard
}

type drawnCard struct {
	png []byte
	res card.Result
}

func (o *onceCards) Render(ctx context.Context, w io.Writer, c card.Card) (card.Result, error) {
	o.mu.Lock()
	d, ok := o.drawn[c]
	o.mu.Unlock()
	if !ok {
		var buf bytes.Buffer
		res, err := o.next.Render(ctx, &buf, c)
		if err != nil {
			_, _ = w.Write(buf.Bytes())
			return res, err
		}
		d = drawnCard{png: buf.Bytes(), res: res}
		o.mu.Lock()
		if o.drawn == nil {
			o.drawn = map[card.Card]drawnCard{}
		}
		o.drawn[c] = d
		o.mu.Unlock()
	}
	_, err := w.Write(d.png)
	return d.res, err
}

// TestHostileBidi: bidirectional controls sent in an article's one-line
// fields (U+202E makes "gpj.exe" read "exe.jpg") reach no surface: not the
// stored article, the share page's title and OpenGraph tags, oEmbed, the
// site's feeds or the news sitemap.
func TestHostileBidi(t *testing.T) {
	e := newHostileEnv(t)
	const rlo, lri, rlm = "\u202E", "\u2066", "\u200F"
	body := `{"title":"Снимка` + rlo + `gpj.exe","lead":"Увод` + lri + `x","section":"Свят` + rlm + `","tags":["НАТО` + rlo + `"],` +
		`"authors":[{"name":"Иван` + rlo + `"}],"source":"БТА` + rlo + `","status":"published",` +
		`"image":{"url":"https://img.example.bg/a.jpg","alt":"a` + rlo + `","credit":"c` + rlo + `"}}`
	w := e.serve(t, hostileReq{method: http.MethodPost, target: "/articles", header: adminHeader("Content-Type", "application/json"),
		body: strings.NewReader(body)})
	if w.Code != http.StatusCreated {
		t.Fatalf("status = %d, want 201\n%s", w.Code, w.Body)
	}
	var got createdArticle
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	bidi := func(s string) bool { return strings.IndexFunc(s, article.IsBidiControl) >= 0 }
	if bidi(w.Body.String()) {
		t.Errorf("stored article has bidi controls: %s", w.Body)
	}
	for _, target := range []string{"/share/" + got.Slug, "/oembed?url=" + url.QueryEscape("https://share.news.example.bg/share/"+got.Slug),
		"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/sitemap-news.xml"} {
		t.Run(target, func(t *testing.T) {
			w := e.serve(t, hostileReq{method: http.MethodGet, target: target,
				header: http.Header{"User-Agent": {"facebookexternalhit/1.1"}}})
			if w.Code != http.StatusOK {
				t.Fatalf("status = %d\n%.500s", w.Code, w.Body)
			}
			if !strings.Contains(w.Body.String(), "gpj.exe") {
				t.Fatalf("the article is not in the answer:\n%.2000s", w.Body)
			}
			if bidi(w.Body.String()) {
				t.Errorf("answer has bidi controls:\n%.2000s", w.Body)
			}
		})
	}
}
