package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/httpapi"
)

// TokenSource yields the admin bearer token. Deployed, it reads an SSM
// SecureString parameter (package secret); locally it returns ADMIN_TOKEN.
type TokenSource func(ctx context.Context) (string, error)

// StaticToken is a TokenSource for a token known at start.
func StaticToken(token string) TokenSource {
	return func(context.Context) (string, error) { return token, nil }
}

// Defaults of TokenOptions.
const (
	DefaultMaxAge       = 60 * time.Second
	DefaultMissInterval = 10 * time.Second
)

// TokenOptions are the optional settings of NewToken.
type TokenOptions struct {
	// MaxAge is how long a token read is used before it is read again;
	// 0 is DefaultMaxAge.
	MaxAge time.Duration
	// MissInterval is the least time between two reads caused by a
	// presented token that did not match; 0 is DefaultMissInterval.
	MissInterval time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Token is the admin token as a warm container knows it: read from its
// source, kept for MaxAge, and read again early (rate-limited) when a
// client presents a token or session that does not match the one kept, so
// a rotation takes effect at once for clients with the new token and within
// MaxAge for everyone. A failed read keeps the token already known (the
// next request tries again); with none known it is an error.
type Token struct {
	src  TokenSource
	opts TokenOptions

	mu     sync.Mutex
	token  string
	readAt time.Time // last successful read
	missAt time.Time // last read caused by a miss
}

// NewToken returns the token of src, read on first use.
func NewToken(src TokenSource, opts TokenOptions) *Token {
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.MissInterval <= 0 {
		opts.MissInterval = DefaultMissInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Token{src: src, opts: opts}
}

// Static is a Token that is always token (make run, tests).
func Static(token string) *Token { return NewToken(StaticToken(token), TokenOptions{}) }

// errEmpty: an empty token would let "Bearer " through; refuse everyone
// rather than no one.
var errEmpty = errors.New("auth: admin token is empty")

// Current returns the token, reading it when none is known or the one
// known is older than MaxAge.
func (t *Token) Current(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.opts.Now().Sub(t.readAt) < t.opts.MaxAge {
		return t.token, nil
	}
	return t.read(ctx)
}

// read asks the source; t.mu is held. A failure keeps a known token.
func (t *Token) read(ctx context.Context) (string, error) {
	v, err := t.src(ctx)
	if err == nil && v == "" {
		err = errEmpty
	}
	if err != nil {
		if t.token != "" {
			return t.token, nil
		}
		return "", err
	}
	t.token, t.readAt = v, t.opts.Now()
	return v, nil
}

// Match reports whether ok accepts the token. When it does not, the token
// is read again, at most once per MissInterval (a client with a just
// rotated token is let in at once), and ok asked again if it changed.
func (t *Token) Match(ctx context.Context, ok func(token string) bool) (bool, error) {
	want, err := t.Current(ctx)
	if err != nil {
		return false, err
	}
	if ok(want) {
		return true, nil
	}
	t.mu.Lock()
	now := t.opts.Now()
	if !t.missAt.IsZero() && now.Sub(t.missAt) < t.opts.MissInterval {
		t.mu.Unlock()
		return false, nil
	}
	t.missAt = now
	again, err := t.read(ctx)
	t.mu.Unlock()
	if err != nil || again == want {
		return false, err
	}
	return ok(again), nil
}

// Check reports whether presented is the admin token (see Match).
func (t *Token) Check(ctx context.Context, presented string) (bool, error) {
	if presented == "" {
		return false, nil
	}
	return t.Match(ctx, func(want string) bool { return Equal(presented, want) })
}

// Equal compares a presented token with the real one in constant time, on
// SHA-256 digests, so the length leaks nothing either.
func Equal(got, want string) bool {
	g := sha256.Sum256([]byte(got))
	wd := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], wd[:]) == 1 && want != ""
}

// Bearer is the token of an "Authorization: Bearer <token>" header, and
// whether there is one.
func Bearer(authorization string) (string, bool) {
	scheme, got, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	got = strings.TrimSpace(got)
	return got, got != ""
}

// ErrUnauthorized is the admin API's 401.
var ErrUnauthorized = &httpapi.RequestError{
	Status: http.StatusUnauthorized,
	Type:   "unauthorized",
	Detail: "a valid bearer token is required in the Authorization header",
	Header: http.Header{"Www-Authenticate": {`Bearer realm="admin"`}},
}

// ErrTokenUnavailable is answered 503: the secret store could not be read,
// which says nothing about the client's token.
var ErrTokenUnavailable = &httpapi.RequestError{Status: http.StatusServiceUnavailable, Type: "unavailable",
	Detail: "authentication is temporarily unavailable; retry later"}

// CheckBearer reports whether r carries the admin token as a bearer
// token; an error is ErrTokenUnavailable joined with the cause. Tokens in
// query strings are ignored.
func CheckBearer(r *http.Request, t *Token) (bool, error) {
	got, ok := Bearer(r.Header.Get("Authorization"))
	if !ok {
		// The token must still be readable: a broken secret answers 503
		// to everyone, not 401.
		if _, err := t.Current(r.Context()); err != nil {
			return false, errors.Join(ErrTokenUnavailable, err)
		}
		return false, nil
	}
	ok, err := t.Check(r.Context(), got)
	if err != nil {
		return false, errors.Join(ErrTokenUnavailable, err)
	}
	return ok, nil
}

// RequireBearer lets a request through only with "Authorization: Bearer
// <token>" matching t.
func RequireBearer(t *Token, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, err := CheckBearer(r, t)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		if !ok {
			httpapi.Error(w, r, ErrUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
