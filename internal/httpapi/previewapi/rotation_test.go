package previewapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/httpapi/auth"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestSessionsEndWhenTheTokenRotates: a studio session signed with the old
// token ends once the container has read the new one (within a minute, or
// at once when a client presents the new token), and the new token works.
func TestSessionsEndWhenTheTokenRotates(t *testing.T) {
	c := &clock{t: now}
	current := token
	src := func(context.Context) (string, error) { return current, nil }
	h, _ := newHandlerWith(t, auth.NewToken(src, auth.TokenOptions{Now: c.now}), c.now)
	w := signIn(t, h, "studio.example.bg", token, IndexPath)
	if w.Code != http.StatusSeeOther || len(w.Result().Cookies()) != 1 {
		t.Fatalf("sign-in = %d, want 303 with a cookie", w.Code)
	}
	cookie := w.Result().Cookies()[0]
	get := func(c *http.Cookie, bearer string) int {
		r := httptest.NewRequest(http.MethodGet, IndexPath, nil)
		r.Header.Set("Accept", "text/html")
		if c != nil {
			r.AddCookie(c)
		}
		if bearer != "" {
			r.Header.Set("Authorization", "Bearer "+bearer)
		}
		return serve(h, r).Code
	}
	if got := get(cookie, ""); got != http.StatusOK {
		t.Fatalf("fresh session = %d, want 200", got)
	}
	current = "rotated-token"
	c.t = c.t.Add(auth.DefaultMaxAge + time.Second)
	if got := get(cookie, ""); got != http.StatusUnauthorized {
		t.Errorf("old session after rotation = %d, want 401", got)
	}
	if got := get(nil, token); got != http.StatusUnauthorized {
		t.Errorf("old token after rotation = %d, want 401", got)
	}
	if got := get(nil, "rotated-token"); got != http.StatusOK {
		t.Errorf("new token = %d, want 200", got)
	}
}

// TestSignInLimit: a client's sixth wrong sign-in within the window is
// refused with 429 and Retry-After, even with the right token, while
// another client may still sign in; after the window it may try again.
func TestSignInLimit(t *testing.T) {
	c := &clock{t: now}
	h, _ := newHandlerWith(t, auth.Static(token), c.now)
	from := func(ip, tok string) *httptest.ResponseRecorder {
		w := signIn(t, &remote{h: h, addr: ip + ":4711"}, "studio.example.bg", tok, IndexPath)
		return w
	}
	for i := range auth.DefaultMaxFailures {
		if w := from("203.0.113.7", "wrong"+strconv.Itoa(i)); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong sign-in %d = %d, want 401", i+1, w.Code)
		}
	}
	w := from("203.0.113.7", token)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("sign-in past the limit = %d (Retry-After %q), want 429 with Retry-After", w.Code, w.Header().Get("Retry-After"))
	}
	if w := from("198.51.100.2", token); w.Code != http.StatusSeeOther {
		t.Errorf("another client's sign-in = %d, want 303", w.Code)
	}
	c.t = c.t.Add(auth.DefaultWindow)
	if w := from("203.0.113.7", token); w.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the window = %d, want 303", w.Code)
	}
}

// remote serves h as if from addr.
type remote struct {
	h    http.Handler
	addr string
}

func (rm *remote) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.RemoteAddr = rm.addr
	rm.h.ServeHTTP(w, r)
}
