package httpapi

import (
	"crypto/subtle"
	"net/http"
)

// OriginSecretHeader carries the secret the CDN adds to every origin
// request (template.yaml: OriginCustomHeaders of the distribution).
const OriginSecretHeader = "X-Origin-Verify"

var errNotViaCDN = &RequestError{Status: http.StatusForbidden, Type: "forbidden",
	Detail: "this origin answers the CDN only"}

// RequireOrigin wraps h so that, when secret is not empty, a request
// without OriginSecretHeader equal to secret is answered 403 and never
// reaches h: the execute-api URL is then no way around the CDN's cache and
// WAF. With an empty secret (make run, sam local, a stack without the CDN)
// it returns h unchanged. Place it inside Observe, so refusals are logged.
func RequireOrigin(secret string, h http.Handler) http.Handler {
	if secret == "" {
		return h
	}
	want := []byte(secret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(OriginSecretHeader))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			Error(w, r, errNotViaCDN)
			return
		}
		// The handlers have no use for it, and it must never be echoed.
		r.Header.Del(OriginSecretHeader)
		h.ServeHTTP(w, r)
	})
}
