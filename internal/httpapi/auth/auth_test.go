package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// source is a token source that counts its reads.
type source struct {
	token string
	err   error
	reads int
}

func (s *source) get(context.Context) (string, error) {
	s.reads++
	return s.token, s.err
}

// TestTokenRereads: the token is read at most every MaxAge; a presented
// token that does not match reads it again at most once per MissInterval,
// so a just rotated token is let in at once and the old one refused.
func TestTokenRereads(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	src := &source{token: "old"}
	tok := NewToken(src.get, TokenOptions{Now: c.now})
	for range 3 {
		if ok, err := tok.Check(ctx, "old"); !ok || err != nil {
			t.Fatalf("old = %t, %v; want accepted", ok, err)
		}
	}
	if src.reads != 1 {
		t.Errorf("%d reads within MaxAge, want 1", src.reads)
	}
	src.token = "new"
	// A wrong token reads again once; more wrong tokens within the
	// interval do not.
	if ok, _ := tok.Check(ctx, "new"); !ok {
		t.Error("the rotated token is refused on a miss")
	}
	if ok, _ := tok.Check(ctx, "old"); ok {
		t.Error("the old token works after the new one was read")
	}
	reads := src.reads
	for range 5 {
		_, _ = tok.Check(ctx, "guess")
	}
	if src.reads != reads {
		t.Errorf("%d reads for 5 misses within MissInterval, want none", src.reads-reads)
	}
	c.t = c.t.Add(DefaultMissInterval)
	_, _ = tok.Check(ctx, "guess")
	if src.reads != reads+1 {
		t.Errorf("%d reads for a miss after MissInterval, want 1", src.reads-reads)
	}
	// Without any client's help, the rotation is seen after MaxAge.
	src.token = "newer"
	c.t = c.t.Add(DefaultMaxAge)
	if got, _ := tok.Current(ctx); got != "newer" {
		t.Errorf("after MaxAge the token is %q, want the rotated one", got)
	}
}

// TestTokenReadFailures: a failed read with no token known is an error
// (503 for clients); with one known, it keeps it; an empty token is an
// error, never a token that "Bearer " matches.
func TestTokenReadFailures(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	src := &source{err: errors.New("throttled")}
	tok := NewToken(src.get, TokenOptions{Now: c.now})
	if _, err := tok.Current(ctx); err == nil {
		t.Fatal("no error while the source fails")
	}
	src.err, src.token = nil, "s3cret"
	if got, err := tok.Current(ctx); got != "s3cret" || err != nil {
		t.Fatalf("after recovery: %q, %v", got, err)
	}
	src.err = errors.New("throttled")
	c.t = c.t.Add(2 * DefaultMaxAge)
	if got, err := tok.Current(ctx); got != "s3cret" || err != nil {
		t.Errorf("a failed re-read: %q, %v; want the known token", got, err)
	}
	empty := NewToken(StaticToken(""), TokenOptions{})
	if ok, err := empty.Check(ctx, ""); ok || err != nil {
		t.Errorf("empty presented = %t, %v; want refused without reading", ok, err)
	}
	if _, err := empty.Current(ctx); err == nil {
		t.Error("an empty token is not an error")
	}
}

func TestRequireBearerEmptyTokenRefusesEveryone(t *testing.T) {
	h := RequireBearer(Static(""), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("handler reached with an empty configured token")
	}))
	for _, a := range []string{"", "Bearer ", "Bearer x"} {
		r := httptest.NewRequest(http.MethodGet, "/articles", nil)
		if a != "" {
			r.Header.Set("Authorization", a)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got, want := w.Code, http.StatusServiceUnavailable; got != want {
			t.Errorf("Authorization %q: status %d, want %d", a, got, want)
		}
	}
}

func TestRequireBearer(t *testing.T) {
	h := RequireBearer(Static("s3cret"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for a, want := range map[string]int{
		"Bearer s3cret":   http.StatusNoContent,
		"bearer  s3cret ": http.StatusNoContent,
		"Bearer s3cre":    http.StatusUnauthorized,
		"Basic s3cret":    http.StatusUnauthorized,
		"s3cret":          http.StatusUnauthorized,
		"":                http.StatusUnauthorized,
	} {
		r := httptest.NewRequest(http.MethodGet, "/articles?token=s3cret", nil)
		r.Header.Set("Authorization", a)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Authorization %q: %d, want %d", a, w.Code, want)
		}
	}
}

func TestSessions(t *testing.T) {
	const token = "s3cret"
	c := &clock{t: t0}
	s := &Sessions{TTL: time.Hour, Now: c.now}
	v, exp := s.New(token)
	if !exp.Equal(t0.Add(time.Hour)) || !s.Valid(v, token) {
		t.Fatalf("a fresh session is refused (expiry %v)", exp)
	}
	other, _ := s.New("other-token")
	longer, _ := (&Sessions{TTL: 48 * time.Hour, Now: c.now}).New(token)
	expired, _ := (&Sessions{TTL: time.Hour, Now: func() time.Time { return t0.Add(-2 * time.Hour) }}).New(token)
	i := strings.LastIndexByte(v, '.')
	for name, bad := range map[string]string{
		"expired":        expired,
		"other key":      other,
		"beyond the ttl": longer,
		"tampered":       strings.Replace(v, ".", ".9", 1),
		"no mac":         v[:i],
		"garbage":        "v2.x.y.z",
		"old format":     "v1.1796000000.abc",
		"empty":          "",
		"long":           strings.Repeat("a", 500),
	} {
		if s.Valid(bad, token) {
			t.Errorf("%s session accepted: %q", name, bad)
		}
	}
	if s.Valid(v, "rotated") {
		t.Error("a session survives rotating the admin token")
	}
	w, _ := s.New(token)
	s.End(v, token)
	if s.Valid(v, token) {
		t.Error("a session survives its sign-out")
	}
	if !s.Valid(w, token) {
		t.Error("signing one session out ended another")
	}
	c.t = c.t.Add(time.Hour)
	if s.Valid(w, token) {
		t.Error("a session is accepted at its expiry")
	}
}

func TestLimiter(t *testing.T) {
	c := &clock{t: t0}
	l := &Limiter{MaxFailures: 2, Window: time.Minute, Now: c.now}
	for range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatal("refused before the limit")
		}
		l.Fail("a")
	}
	ok, wait := l.Allow("a")
	if ok || wait != time.Minute {
		t.Errorf("past the limit: %t, wait %v; want refused for 1m", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("another client is refused")
	}
	c.t = c.t.Add(30 * time.Second)
	if _, wait := l.Allow("a"); wait != 30*time.Second {
		t.Errorf("wait %v, want 30s", wait)
	}
	c.t = c.t.Add(30 * time.Second)
	if ok, _ := l.Allow("a"); !ok {
		t.Error("refused after the window")
	}
}
