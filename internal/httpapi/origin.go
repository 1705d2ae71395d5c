package httpapi

import (
	"crypto/subtle"
	"net/http"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// OriginSecretHeader carries the secret the CDN adds to every origin
// request (template.yaml: OriginCustomHeaders of the distribution).
const OriginSecretHeader = "X-Origin-Verify"

var errNotViaCDN = &RequestError{Status: http.StatusForbidden, Type: "forbidden",
	Detail: "this origin answers the CDN only"}

// RequireOrigin wraps h so that, when secret is not empty, a request
// without OriginSecretHeader equal to secret or to one of also is answered
// 403 and never reaches h: the execute-api URL is then no way around the
// CDN's cache and WAF. also holds the previous secret while a rotation
// propagates (docs/deploy.md, "Rotating the origin secret"); empty values
// in it are ignored. Every refusal adds 1 to the request's
// metrics.OriginRefused (OriginRefusalsAlarm). With an empty secret (make
// run, sam local, a stack without the CDN) it returns h unchanged. Place
// it inside Observe, so refusals are logged and counted.
func RequireOrigin(secret string, h http.Handler, also ...string) http.Handler {
	if secret == "" {
		return h
	}
	want := [][]byte{[]byte(secret)}
	for _, s := range also {
		if s != "" && s != secret {
			want = append(want, []byte(s))
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(OriginSecretHeader))
		ok := 0
		for _, s := range want {
			// Every value is compared, so the time taken does not say
			// which one matched.
			ok |= subtle.ConstantTimeCompare(got, s)
		}
		if ok != 1 {
			metrics.FromContext(r.Context()).Add(metrics.OriginRefused, 1)
			Error(w, r, errNotViaCDN)
			return
		}
		// The handlers have no use for it, and it must never be echoed.
		r.Header.Del(OriginSecretHeader)
		h.ServeHTTP(w, r)
	})
}
