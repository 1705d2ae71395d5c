package benchmark

import (
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoadCountsErrors drives a loopback server whose every fifth answer
// is a 500: the run must count those, and nothing else, as errors.
func TestLoadCountsErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if r.URL.Path == "/flaky" && n.Add(1)%5 == 0 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	opts := LoadOptions{Duration: 300 * time.Millisecond, Workers: 2}
	tests := []struct {
		name       string
		target     LoadTarget
		wantErrors bool
		// someOK says some requests must still succeed.
		someOK bool
	}{
		{"all 200", LoadTarget{Name: "ok", Method: http.MethodGet, URL: srv.URL + "/", Want: http.StatusOK}, false, true},
		{"304 expected", LoadTarget{Name: "304", Method: http.MethodGet, URL: srv.URL + "/",
			Header: http.Header{"If-None-Match": {`"v1"`}}, Want: http.StatusNotModified}, false, true},
		{"some 500", LoadTarget{Name: "flaky", Method: http.MethodGet, URL: srv.URL + "/flaky", Want: http.StatusOK}, true, true},
		{"200 where 304 is expected", LoadTarget{Name: "no 304", Method: http.MethodGet, URL: srv.URL + "/", Want: http.StatusNotModified}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Load(t.Context(), tt.target, opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Requests == 0 || r.RPS() <= 0 || r.P50 <= 0 || r.P99 < r.P50 {
				t.Fatalf("implausible result %+v", r)
			}
			if got := r.Errors > 0; got != tt.wantErrors {
				t.Errorf("errors = %d of %d (first %q), want errors: %v", r.Errors, r.Requests, r.FirstError, tt.wantErrors)
			}
			if tt.someOK && r.Errors == r.Requests {
				t.Errorf("every request counted as an error: %+v", r)
			}
		})
	}
}

func TestMemoryRunSamples(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	targets := []LoadTarget{
		{Method: http.MethodGet, URL: srv.URL + "/a", Want: http.StatusOK},
		{Method: http.MethodGet, URL: srv.URL + "/b", Want: http.StatusNotFound},
	}
	r, err := MemoryRun(t.Context(), os.Getpid(), targets, 400, 3, []int{40, 200, 400})
	if err != nil {
		t.Fatal(err)
	}
	if got := hits.Load(); got != 400 {
		t.Errorf("server saw %d requests, want 400", got)
	}
	if r.Errors != 200 {
		t.Errorf("errors = %d, want 200 (every /b answers 200, not the 404 asked for)", r.Errors)
	}
	if len(r.Samples) != 3 {
		t.Fatalf("got %d samples, want 3: %+v", len(r.Samples), r.Samples)
	}
	for i, want := range []int{40, 200, 400} {
		if s := r.Samples[i]; s.Requests != want || s.RSS <= 0 || s.Peak < s.RSS {
			t.Errorf("sample %d = %+v, want at %d requests with RSS <= peak", i, s, want)
		}
	}
}
