package adminapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/newsdesk/syndicate/internal/httpapi"
)

// TokenSource yields the admin bearer token. Deployed, it reads an SSM
// SecureString parameter; locally it returns ADMIN_TOKEN.
type TokenSource func(ctx context.Context) (string, error)

// StaticToken is a TokenSource for a token known at start.
func StaticToken(token string) TokenSource {
	return func(context.Context) (string, error) { return token, nil }
}

// OnceToken caches the first token src yields successfully, so a Lambda
// container fetches its secret once. A failed fetch is not cached: the next
// request tries again.
func OnceToken(src TokenSource) TokenSource {
	var (
		mu    sync.Mutex
		token string
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if token != "" {
			return token, nil
		}
		t, err := src(ctx)
		if err != nil {
			return "", err
		}
		if t == "" {
			return "", errors.New("httpapi: admin token is empty")
		}
		token = t
		return token, nil
	}
}

var errUnauthorized = &httpapi.RequestError{
	Status: http.StatusUnauthorized,
	Type:   "unauthorized",
	Detail: "a valid bearer token is required in the Authorization header",
	Header: http.Header{"Www-Authenticate": {`Bearer realm="admin"`}},
}

// RequireBearer lets a request through only with "Authorization: Bearer
// <token>" matching the token of src. The comparison is constant-time (on
// SHA-256 digests, so the length leaks nothing either); tokens in query
// strings are ignored; the token is never logged.
func RequireBearer(src TokenSource, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want, err := src(r.Context())
		if err == nil && want == "" {
			// An empty token would let "Bearer " through; refuse everyone
			// rather than no one.
			err = errors.New("httpapi: admin token is empty")
		}
		if err != nil {
			httpapi.Error(w, r, errors.Join(errTokenUnavailable, err))
			return
		}
		if !ValidBearer(r.Header.Get("Authorization"), want) {
			httpapi.Error(w, r, errUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ValidBearer reports whether authorization (an Authorization header) is
// "Bearer <want>", want being non-empty. The comparison is constant-time,
// on SHA-256 digests, so the length leaks nothing either.
func ValidBearer(authorization, want string) bool {
	scheme, got, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || want == "" {
		return false
	}
	return Equal(strings.TrimSpace(got), want)
}

// Equal compares a presented token with the real one in constant time.
func Equal(got, want string) bool {
	g := sha256.Sum256([]byte(got))
	wd := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], wd[:]) == 1
}

// ErrTokenUnavailable is answered 503 when the token cannot be read.
var ErrTokenUnavailable = errTokenUnavailable

// errTokenUnavailable is answered 503: the secret store could not be read,
// which says nothing about the client's token.
var errTokenUnavailable = &httpapi.RequestError{Status: http.StatusServiceUnavailable, Type: "unavailable",
	Detail: "authentication is temporarily unavailable; retry later"}
