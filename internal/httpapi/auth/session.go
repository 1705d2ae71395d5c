package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sessionVersion prefixes every session value, so that the format can
// change; a value of another version is not valid.
const sessionVersion = "v2"

// maxSignedOut bounds the signed-out sessions kept, oldest expiry dropped
// first.
const maxSignedOut = 10_000

// Sessions are the studio's browser sign-ins: a cookie value
// "v2.<id>.<expiry>.<mac>" whose MAC key is derived from the admin token,
// so that a session is worth exactly as much as the token it was traded
// for: when the token rotates (and Token has read the new one) every
// session ends, and nothing is stored for a valid one. Sign-out ends one
// session by its id, kept until the session would have expired, in this
// process: another warm container of the function accepts that cookie
// until the token rotates or it expires (docs/preview.md).
type Sessions struct {
	// TTL is how long a sign-in lasts.
	TTL time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	mu        sync.Mutex
	signedOut map[string]time.Time // id -> expiry
}

func (s *Sessions) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// sessionKey derives the cookie's HMAC key from the admin token.
func sessionKey(token string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("syndicate preview studio session cookie " + sessionVersion))
	return m.Sum(nil)
}

func sign(token, payload string) string {
	m := hmac.New(sha256.New, sessionKey(token))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// New is a fresh session's cookie value signed with token, and its expiry.
func (s *Sessions) New(token string) (string, time.Time) {
	var id [12]byte
	_, _ = rand.Read(id[:]) // never fails on supported platforms
	exp := s.now().Add(s.TTL)
	payload := sessionVersion + "." + base64.RawURLEncoding.EncodeToString(id[:]) + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + sign(token, payload), exp
}

// parse returns the id and expiry of a value signed with token, if it is
// one and has not expired and does not claim to last longer than TTL (a
// value from a future clock or a forged expiry).
func (s *Sessions) parse(value, token string) (id string, ok bool) {
	if token == "" || len(value) > 160 {
		return "", false
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return "", false
	}
	payload, mac := value[:i], value[i+1:]
	if !hmac.Equal([]byte(mac), []byte(sign(token, payload))) {
		return "", false
	}
	rest, ok := strings.CutPrefix(payload, sessionVersion+".")
	if !ok {
		return "", false
	}
	id, unix, ok := strings.Cut(rest, ".")
	if !ok || id == "" {
		return "", false
	}
	exp, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		return "", false
	}
	e, now := time.Unix(exp, 0), s.now()
	if !e.After(now) || e.After(now.Add(s.TTL+time.Minute)) {
		return "", false
	}
	return id, true
}

// Valid reports whether value is a live session signed with token.
func (s *Sessions) Valid(value, token string) bool {
	id, ok := s.parse(value, token)
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, out := s.signedOut[id]
	return !out
}

// Check reports whether value is a live session of t's token, reading the
// token again (Token.Match) when it is not: a cookie signed with a token
// this container has not read yet.
func (s *Sessions) Check(ctx context.Context, t *Token, value string) (bool, error) {
	if value == "" {
		return false, nil
	}
	return t.Match(ctx, func(token string) bool { return s.Valid(value, token) })
}

// End signs the session value out, if it is one signed with token.
func (s *Sessions) End(value, token string) {
	id, ok := s.parse(value, token)
	if !ok {
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signedOut == nil {
		s.signedOut = map[string]time.Time{}
	}
	for k, exp := range s.signedOut {
		if !exp.After(now) {
			delete(s.signedOut, k)
		}
	}
	if len(s.signedOut) >= maxSignedOut {
		var oldest string
		for k, exp := range s.signedOut {
			if oldest == "" || exp.Before(s.signedOut[oldest]) {
				oldest = k
			}
		}
		delete(s.signedOut, oldest)
	}
	s.signedOut[id] = now.Add(s.TTL + time.Minute)
}
