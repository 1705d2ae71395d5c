package previewapi

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/httpapitest"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/studio"
)

const token = "preview-test-token"

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

type fakeService map[string]article.Article

func (f fakeService) Get(ctx context.Context, id string) (article.Article, error) {
	a, ok := f[id]
	if !ok {
		return a, fmt.Errorf("get %q: %w", id, article.ErrNotFound)
	}
	return a, nil
}

func (f fakeService) List(ctx context.Context, opts article.ListOptions) (article.Page, error) {
	var p article.Page
	for _, a := range f {
		p.Articles = append(p.Articles, a)
	}
	return p, nil
}

type fakeShares struct{}

func (fakeShares) ShareCounts(ctx context.Context, id string) (map[string]int64, error) {
	return map[string]int64{"facebook": 4}, nil
}

func (fakeShares) DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error) {
	return map[string]map[string]int64{now.Format(time.DateOnly): {"facebook": 4}}, nil
}

type fakeCards struct{ drawn []card.Card }

func (f *fakeCards) Render(ctx context.Context, w io.Writer, c card.Card) (card.Result, error) {
	f.drawn = append(f.drawn, c)
	_, err := w.Write([]byte("\x89PNG fake"))
	return card.Result{}, err
}

func newHandler(t testing.TB) (http.Handler, *fakeCards) {
	t.Helper()
	return newHandlerWith(t, auth.Static(token), func() time.Time { return now })
}

func newHandlerWith(t testing.TB, tokens *auth.Token, clock func() time.Time) (http.Handler, *fakeCards) {
	t.Helper()
	site := share.Site{Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://share.news.example.bg", Location: time.UTC}
	svc := fakeService{
		"draft1": {ID: "draft1", Slug: "chernova", Version: 2, Title: "Чернова", Status: article.StatusDraft,
			URL: "https://news.example.bg/chernova", Image: &article.Image{URL: "https://img.example.bg/p.jpg", Width: 1200, Height: 630}},
	}
	cards := &fakeCards{}
	rt := httpapi.NewRouter()
	Register(rt, svc, tokens, Options{
		Studio: &studio.Studio{Site: site, SiteURL: site.URL, ImageOrigins: []string{"https://img.example.bg"}},
		Cards:  cards, Shares: fakeShares{}, Now: clock,
	})
	return httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt), cards
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// session is a cookie value signed with tok, issued at issued, lasting ttl.
func session(tok string, issued time.Time, ttl time.Duration) string {
	v, _ := (&auth.Sessions{TTL: ttl, Now: func() time.Time { return issued }}).New(tok)
	return v
}

func signIn(t *testing.T, h http.Handler, host, tok, next string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	form := url.Values{"token": {tok}, "next": {next}}
	r := httptest.NewRequest(http.MethodPost, "http://"+host+SignInPath, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	return serve(h, r)
}

func TestSignIn(t *testing.T) {
	h, _ := newHandler(t)
	t.Run("cookie", func(t *testing.T) {
		w := signIn(t, h, "studio.example.bg", token, "/articles/draft1/preview", "Sec-Fetch-Site", "same-origin")
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/articles/draft1/preview" {
			t.Fatalf("sign-in = %d to %q, want 303 to the preview", w.Code, w.Header().Get("Location"))
		}
		c := w.Result().Cookies()
		if len(c) != 1 || !c[0].HttpOnly || !c[0].Secure || c[0].SameSite != http.SameSiteStrictMode ||
			c[0].MaxAge != 12*3600 || c[0].Path != "/articles" {
			t.Errorf("cookie %+v: want HttpOnly, Secure, SameSite=Strict, 12 h, /articles", c)
		}
		if strings.Contains(c[0].Value, token) {
			t.Error("the cookie carries the token")
		}
	})
	t.Run("localhost is not Secure", func(t *testing.T) {
		for _, host := range []string{"127.0.0.1:3000", "localhost:3000", "[::1]:3000"} {
			w := signIn(t, h, host, token, "")
			if c := w.Result().Cookies(); len(c) != 1 || c[0].Secure {
				t.Errorf("%s: cookie %+v, want one without Secure (plain http)", host, c)
			}
			if w.Header().Get("Location") != IndexPath {
				t.Errorf("no next: sent to %q, want the index", w.Header().Get("Location"))
			}
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		w := signIn(t, h, "studio.example.bg", "nope", "")
		if w.Code != http.StatusUnauthorized || len(w.Result().Cookies()) != 0 || !strings.Contains(w.Body.String(), "Грешен ключ") {
			t.Errorf("wrong token = %d, cookies %v; want 401 with the form and no cookie", w.Code, w.Result().Cookies())
		}
		if w.Header().Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
	})
	t.Run("cross-origin", func(t *testing.T) {
		for _, hdr := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
			w := signIn(t, h, "studio.example.bg", token, "", hdr...)
			if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
				t.Errorf("%v = %d, want 403 and no cookie", hdr, w.Code)
			}
			httpapitest.CheckProblem(t, w)
		}
	})
	t.Run("next stays here", func(t *testing.T) {
		for _, next := range []string{"//evil.example/", "https://evil.example/", "/articles/x/../../evil", "/articles/a b/preview", "/share/x"} {
			w := signIn(t, h, "studio.example.bg", token, next)
			if loc := w.Header().Get("Location"); loc != IndexPath {
				t.Errorf("next %q sends to %q, want the index", next, loc)
			}
		}
	})
}

func TestAccess(t *testing.T) {
	h, _ := newHandler(t)
	cookie := &http.Cookie{Name: CookieName, Value: session(token, now, time.Hour)}
	get := func(path string, hdr map[string]string, c *http.Cookie) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		if c != nil {
			r.AddCookie(c)
		}
		return serve(h, r)
	}
	browser := map[string]string{"Accept": "text/html,application/xhtml+xml"}
	for _, path := range []string{IndexPath, "/articles/draft1/preview", "/articles/draft1/preview/card.png?v=2"} {
		t.Run(path, func(t *testing.T) {
			w := get(path, browser, nil)
			if w.Code != http.StatusUnauthorized || w.Header().Get("WWW-Authenticate") == "" {
				t.Fatalf("no session = %d, want 401", w.Code)
			}
			if path != IndexPath+"" && strings.HasSuffix(path, "/preview") && !strings.Contains(w.Body.String(), `name="next" value="/articles/draft1/preview"`) {
				t.Errorf("the form does not come back to the page")
			}
			if w := get(path, nil, nil); w.Code != http.StatusUnauthorized {
				t.Errorf("API client without token = %d, want 401", w.Code)
			} else {
				httpapitest.CheckProblem(t, w)
			}
			if w := get(path, map[string]string{"Authorization": "Bearer " + token}, nil); w.Code != http.StatusOK {
				t.Errorf("bearer = %d, want 200", w.Code)
			}
			if w := get(path, browser, cookie); w.Code != http.StatusOK {
				t.Errorf("session = %d, want 200", w.Code)
			}
			if w := get(path, map[string]string{"Authorization": "Bearer wrong"}, cookie); w.Code != http.StatusUnauthorized {
				t.Errorf("wrong bearer with a session = %d, want 401", w.Code)
			}
			expired := &http.Cookie{Name: CookieName, Value: session(token, now.Add(-2*time.Hour), time.Hour)}
			if w := get(path, browser, expired); w.Code != http.StatusUnauthorized {
				t.Errorf("expired session = %d, want 401", w.Code)
			}
		})
	}
	t.Run("sign out", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, SignOutPath, nil)
		r.AddCookie(cookie)
		w := serve(h, r)
		c := w.Result().Cookies()
		if w.Code != http.StatusSeeOther || len(c) != 1 || c[0].MaxAge >= 0 {
			t.Errorf("sign-out = %d, cookies %+v; want 303 clearing the cookie", w.Code, c)
		}
		if w := serve(h, httptest.NewRequest(http.MethodPost, SignOutPath, nil)); w.Code != http.StatusUnauthorized {
			t.Errorf("sign-out without a session = %d, want 401", w.Code)
		}
		// The cookie, kept by someone and sent again, is dead.
		if w := get(IndexPath, browser, cookie); w.Code != http.StatusUnauthorized {
			t.Errorf("session after sign-out = %d, want 401", w.Code)
		}
	})
}

var nonceRE = regexp.MustCompile(`<style nonce="([^"]+)">`)

func TestPreviewPage(t *testing.T) {
	h, cards := newHandler(t)
	r := httptest.NewRequest(http.MethodGet, "/articles/draft1/preview", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := serve(h, r)
	if w.Code != http.StatusOK {
		t.Fatalf("preview = %d: %s", w.Code, w.Body)
	}
	body := w.Body.String()
	policy := w.Header().Get("Content-Security-Policy")
	m := nonceRE.FindStringSubmatch(body)
	if m == nil || !strings.Contains(policy, "style-src 'nonce-"+m[1]+"'") {
		t.Errorf("the style's nonce is not the policy's: %q", policy)
	}
	for _, want := range []string{"default-src 'none'", "img-src 'self' https://img.example.bg", "frame-ancestors 'none'", "form-action 'self'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") || strings.Contains(body, "<script") {
		t.Errorf("an unsafe policy or a script")
	}
	if w.Header().Get("Cache-Control") != "no-store" || !strings.Contains(body, "чернова") {
		t.Errorf("want no-store and the draft marked")
	}
	w2 := serve(h, r.Clone(t.Context()))
	if m2 := nonceRE.FindStringSubmatch(w2.Body.String()); m2 == nil || m2[1] == m[1] {
		t.Error("the nonce is the same on two answers")
	}

	head := httptest.NewRequest(http.MethodHead, "/articles/draft1/preview", nil)
	head.Header.Set("Authorization", "Bearer "+token)
	if w := serve(h, head); w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD = %d with %d bytes, want 200 and none", w.Code, w.Body.Len())
	}

	cr := httptest.NewRequest(http.MethodGet, CardPath("draft1", 2), nil)
	cr.Header.Set("Authorization", "Bearer "+token)
	w = serve(h, cr)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "image/png" || !strings.HasPrefix(w.Header().Get("Cache-Control"), "private") {
		t.Errorf("draft card = %d %q %q, want a private PNG", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"))
	}
	if len(cards.drawn) != 1 || cards.drawn[0].Title != "Чернова" || cards.drawn[0].ImageURL != "https://img.example.bg/p.jpg" {
		t.Errorf("cards drawn: %+v", cards.drawn)
	}

	for _, path := range []string{"/articles/nope/preview", "/articles/nope/preview/card.png"} {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		if w := serve(h, r); w.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", path, w.Code)
		}
	}
}

func TestIndex(t *testing.T) {
	h, _ := newHandler(t)
	r := httptest.NewRequest(http.MethodGet, IndexPath, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := serve(h, r)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `href="/articles/draft1/preview"`) || !strings.Contains(body, ">4<") {
		t.Errorf("index = %d, want the draft linked with its 4 shares:\n%.2000s", w.Code, body)
	}
}

func TestPreviewGzip(t *testing.T) {
	h, _ := newHandler(t)
	r := httptest.NewRequest(http.MethodGet, "/articles/draft1/preview", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	plain := serve(h, r)
	r.Header.Set("Accept-Encoding", "gzip, br")
	w := serve(h, r)
	if w.Header().Get("Content-Encoding") != "gzip" || w.Body.Len()*3 > plain.Body.Len() {
		t.Fatalf("gzip: %q, %d bytes of %d plain", w.Header().Get("Content-Encoding"), w.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil || !strings.Contains(string(b), `id="net-facebook"`) {
		t.Errorf("the gzipped page does not decode to the preview: %v", err)
	}
}
