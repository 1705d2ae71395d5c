package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/metrics"
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

// TestRequireOriginDuringARotation: while a rotation propagates, the
// origin accepts the current secret and the previous one, and nothing
// else; a refusal is counted as OriginRefused (OriginRefusalsAlarm reads
// it), an accepted request is not.
func TestRequireOriginDuringARotation(t *testing.T) {
	const (
		current  = "current-secret-0123456789"
		previous = "previous-secret-987654321"
	)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	for _, tc := range []struct {
		name   string
		also   []string
		header string
		want   int
	}{
		{"current secret", []string{previous}, current, http.StatusNoContent},
		{"previous secret", []string{previous}, previous, http.StatusNoContent},
		{"previous secret once the rotation ended", nil, previous, http.StatusForbidden},
		{"previous secret, none configured (empty)", []string{""}, previous, http.StatusForbidden},
		{"empty header while previous is empty", []string{""}, "", http.StatusForbidden},
		{"neither", []string{previous}, "some-other-secret-000000", http.StatusForbidden},
		{"no header", []string{previous}, "", http.StatusForbidden},
		{"both concatenated", []string{previous}, current + previous, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var emf bytes.Buffer
			h := Observe(slog.New(slog.DiscardHandler), RequireOrigin(current, next, tc.also...),
				WithMetrics(metrics.New(&emf, metrics.Options{Service: "feeds"})))
			r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
			if tc.header != "" {
				r.Header.Set(OriginSecretHeader, tc.header)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d", w.Code, tc.want)
			}
			var rec map[string]any
			if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
				t.Fatalf("metrics record: %v: %q", err, emf.String())
			}
			refused, counted := rec[metrics.OriginRefused]
			if tc.want == http.StatusForbidden && refused != float64(1) {
				t.Errorf("refusal recorded %s = %v, want 1: %s", metrics.OriginRefused, refused, emf.String())
			}
			if tc.want != http.StatusForbidden && counted && refused != float64(0) {
				t.Errorf("an accepted request counted %s = %v", metrics.OriginRefused, refused)
			}
			for _, s := range []string{current, previous} {
				if strings.Contains(w.Body.String(), s) || strings.Contains(emf.String(), s) {
					t.Error("a secret shows in the answer or the metrics")
				}
			}
		})
	}
}
