package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequireOrigin(t *testing.T) {
	const secret = "0123456789abcdef0123"
	var sawHeader string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawHeader = r.Header.Get(OriginSecretHeader)
		w.WriteHeader(http.StatusNoContent)
	})
	for _, tc := range []struct {
		name, secret, header string
		want                 int
	}{
		{"no secret configured, no header", "", "", http.StatusNoContent},
		{"no secret configured, any header", "", "whatever", http.StatusNoContent},
		{"configured, right header", secret, secret, http.StatusNoContent},
		{"configured, no header", secret, "", http.StatusForbidden},
		{"configured, wrong header", secret, secret + "x", http.StatusForbidden},
		{"configured, prefix of the secret", secret, secret[:10], http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sawHeader = "unset"
			r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
			if tc.header != "" {
				r.Header.Set(OriginSecretHeader, tc.header)
			}
			w := httptest.NewRecorder()
			RequireOrigin(tc.secret, next).ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
			if tc.want == http.StatusForbidden {
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("Content-Type %q, want a problem", ct)
				}
				if strings.Contains(w.Body.String(), secret) {
					t.Error("the refusal shows the secret")
				}
				if sawHeader != "unset" {
					t.Error("the handler ran for a refused request")
				}
			}
			if tc.secret != "" && tc.want == http.StatusNoContent && sawHeader != "" {
				t.Errorf("the handler saw the secret header %q; it must be removed", sawHeader)
			}
		})
	}
}
