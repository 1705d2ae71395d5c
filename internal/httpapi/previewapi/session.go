package previewapi

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// CookieName is the session cookie's name.
const CookieName = "syndicate_studio"

// cookiePath scopes the cookie to the admin API's article routes, where
// the studio lives.
const cookiePath = "/articles"

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
