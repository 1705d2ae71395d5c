package previewapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CookieName is the session cookie's name.
const CookieName = "syndicate_studio"

// cookiePath scopes the cookie to the admin API's article routes, where
// the studio lives.
const cookiePath = "/articles"

// sessionVersion prefixes every value, so that the format can change.
const sessionVersion = "v1"

// sessionKey derives the cookie's HMAC key from the admin token. A session
// is then worth exactly as much as the token it was traded for: rotating
// the token ends every session, and nothing is stored on the server. The
// cursor secret is not used: it is derived from public settings when
// unset locally, and rotating the admin token should sign everyone out.
func sessionKey(token string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("syndicate preview studio session cookie " + sessionVersion))
	return m.Sum(nil)
}

// newSession is a cookie value valid until expires: "v1.<unix>.<mac>".
func newSession(token string, expires time.Time) string {
	payload := sessionVersion + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + sign(token, payload)
}

func sign(token, payload string) string {
	m := hmac.New(sha256.New, sessionKey(token))
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validSession reports whether value is a session signed with token's key
// that has not expired at now, and does not claim to last longer than ttl
// from now (a value from a future clock or a forged expiry).
func validSession(value, token string, now time.Time, ttl time.Duration) bool {
	if token == "" || len(value) > 128 {
		return false
	}
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return false
	}
	payload, mac := value[:i], value[i+1:]
	if !hmac.Equal([]byte(mac), []byte(sign(token, payload))) {
		return false
	}
	unix, ok := strings.CutPrefix(payload, sessionVersion+".")
	if !ok {
		return false
	}
	exp, err := strconv.ParseInt(unix, 10, 64)
	if err != nil {
		return false
	}
	e := time.Unix(exp, 0)
	return e.After(now) && !e.After(now.Add(ttl+time.Minute))
}

// sessionCookie is the Set-Cookie of a session (value "" with MaxAge -1
// clears it). Secure unless the request came to localhost, where `make
// run` serves plain HTTP; always HttpOnly and SameSite=Strict.
func sessionCookie(r *http.Request, value string, expires, now time.Time) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: value, Path: cookiePath, HttpOnly: true,
		Secure: !isLocalhost(r.Host), SameSite: http.SameSiteStrictMode}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.Expires = expires
		c.MaxAge = int(expires.Sub(now) / time.Second)
	}
	return c
}

func isLocalhost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
