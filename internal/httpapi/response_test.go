package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWriteBody: every answer with a body carries its length and nosniff;
// HEAD gets the same headers and no body.
func TestWriteBody(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		t.Run(method, func(t *testing.T) {
			w := httptest.NewRecorder()
			w.Header().Set("Content-Type", "text/plain")
			WriteBody(w, httptest.NewRequest(method, "/", nil), http.StatusCreated, []byte("hello"))
			if w.Code != http.StatusCreated {
				t.Errorf("status %d, want 201", w.Code)
			}
			for k, want := range map[string]string{"Content-Length": "5", "X-Content-Type-Options": "nosniff", "Content-Type": "text/plain"} {
				if got := w.Header().Get(k); got != want {
					t.Errorf("%s %q, want %q", k, got, want)
				}
			}
			if want := map[string]string{"GET": "hello", "HEAD": ""}[method]; w.Body.String() != want {
				t.Errorf("body %q, want %q", w.Body, want)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	cases := []struct {
		name, method, preset, wantType, wantBody string
		v                                        any
		wantStatus                               int
	}{
		{name: "GET", method: "GET", v: map[string]int{"a": 1}, wantStatus: 200,
			wantType: "application/json", wantBody: "{\"a\":1}\n"},
		{name: "HEAD", method: "HEAD", v: map[string]int{"a": 1}, wantStatus: 200,
			wantType: "application/json", wantBody: ""},
		{name: "type kept", method: "GET", preset: "application/json; charset=utf-8", v: "x", wantStatus: 200,
			wantType: "application/json; charset=utf-8", wantBody: "\"x\"\n"},
		{name: "unencodable", method: "GET", v: func() {}, wantStatus: 500,
			wantType: "application/problem+json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if c.preset != "" {
				w.Header().Set("Content-Type", c.preset)
			}
			WriteJSON(w, httptest.NewRequest(c.method, "/x", nil), http.StatusOK, c.v)
			if w.Code != c.wantStatus {
				t.Fatalf("status %d, want %d", w.Code, c.wantStatus)
			}
			if got := w.Header().Get("Content-Type"); got != c.wantType {
				t.Errorf("Content-Type %q, want %q", got, c.wantType)
			}
			if w.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			if c.wantBody != "" || c.wantStatus == 200 {
				if w.Body.String() != c.wantBody {
					t.Errorf("body %q, want %q", w.Body, c.wantBody)
				}
				if got, want := w.Header().Get("Content-Length"), len(`{"a":1}`+"\n"); c.name == "HEAD" && got != "8" {
					t.Errorf("HEAD Content-Length %q, want %d", got, want)
				}
			}
		})
	}
}
