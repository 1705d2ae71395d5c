package faultproxy_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// fakeDynamo answers every GetItem with no item, so a call that reaches it
// ends in article.ErrNotFound, and counts what it receives.
type fakeDynamo struct{ got atomic.Int64 }

func (f *fakeDynamo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.got.Add(1)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_, _ = w.Write([]byte(`{}`))
}

// setup returns a proxy in front of a fake DynamoDB, and a store whose
// client (with the service's retry policy) goes through the proxy.
func setup(t *testing.T) (*faultproxy.Proxy, *fakeDynamo, *dynamo.Store) {
	t.Helper()
	fake := &fakeDynamo{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, err := faultproxy.Start(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p, fake, dynamo.New(dynamo.NewClient(dynamo.LocalConfig(), p.URL()), "t")
}

// patience is the deadline of a call the test does not expect to time
// out: no answer from a loopback server misses it, however busy the
// machine.
const patience = time.Minute

func get(t *testing.T, st *dynamo.Store, timeout time.Duration) (time.Duration, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	start := time.Now()
	_, err := st.Get(ctx, "a")
	return time.Since(start), err
}

// TestFaults checks what the dynamo store makes of each fault, held for
// every request: the SDK retries what is retryable (every attempt reaches
// the proxy), and the store reports ErrUnavailable, never not-found.
func TestFaults(t *testing.T) {
	tests := []struct {
		mode faultproxy.Mode
		// seen is how many requests reach the proxy; forwarded how many
		// reach DynamoDB.
		seen, forwarded int64
	}{
		{faultproxy.Refuse, 0, 0},
		{faultproxy.Hangup, dynamo.RetryMaxAttempts, 0},
		{faultproxy.ServerError, dynamo.RetryMaxAttempts, 0},
		{faultproxy.Throttle, dynamo.RetryMaxAttempts, 0},
		{faultproxy.ThroughputExceeded, dynamo.RetryMaxAttempts, 0},
		{faultproxy.LoseResponse, dynamo.RetryMaxAttempts, dynamo.RetryMaxAttempts},
	}
	for _, tc := range tests {
		t.Run(tc.mode.String(), func(t *testing.T) {
			p, fake, st := setup(t)
			if err := p.Set(faultproxy.Fault{Mode: tc.mode}); err != nil {
				t.Fatal(err)
			}
			// The backoffs between the attempts are capped without a
			// clock in package dynamo's TestRetryDelaysAreCapped.
			_, err := get(t, st, patience)
			if !errors.Is(err, article.ErrUnavailable) || errors.Is(err, article.ErrNotFound) {
				t.Errorf("Get = %v, want ErrUnavailable", err)
			}
			if got := p.Stats().Requests; got != tc.seen {
				t.Errorf("proxy saw %d requests, want %d", got, tc.seen)
			}
			if got := fake.got.Load(); got != tc.forwarded {
				t.Errorf("DynamoDB got %d requests, want %d", got, tc.forwarded)
			}

			if err := p.Pass(); err != nil {
				t.Fatal(err)
			}
			if _, err := get(t, st, patience); !errors.Is(err, article.ErrNotFound) {
				t.Errorf("after Pass, Get = %v, want ErrNotFound from DynamoDB", err)
			}
		})
	}
}

// TestSlowIsBoundedByTheDeadline checks that a store call against a
// DynamoDB that does not answer ends at its context deadline as
// ErrUnavailable, and that the request held past it is never forwarded.
// The proxy holds it for DefaultDelay, far past the deadline, so the
// outcome does not depend on how fast the machine is.
func TestSlowIsBoundedByTheDeadline(t *testing.T) {
	p, fake, st := setup(t)
	if err := p.Set(faultproxy.Fault{Mode: faultproxy.Slow}); err != nil {
		t.Fatal(err)
	}
	const deadline = 300 * time.Millisecond
	took, err := get(t, st, deadline)
	if !errors.Is(err, article.ErrUnavailable) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get = %v, want ErrUnavailable or DeadlineExceeded", err)
	}
	if took < deadline {
		t.Errorf("Get took %v, before its %v deadline", took, deadline)
	}
	// Once the proxy has dropped the request, it was not forwarded.
	for p.Stats().Abandoned == 0 && p.Stats().Forwarded == 0 {
		time.Sleep(time.Millisecond)
	}
	if got := fake.got.Load(); got != 0 || p.Stats().Abandoned != 1 {
		t.Errorf("DynamoDB got %d requests, proxy stats %+v; want 0 and 1 abandoned", got, p.Stats())
	}

	// A short delay is only slow: the call succeeds.
	if err := p.Set(faultproxy.Fault{Mode: faultproxy.Slow, Delay: 20 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, st, patience); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("Get with 20 ms delay = %v, want ErrNotFound from DynamoDB", err)
	}
}

// TestFailNextRecovers checks that a fault limited to the next N requests
// is retried through: throttled twice, the third attempt succeeds.
func TestFailNextRecovers(t *testing.T) {
	for _, mode := range []faultproxy.Mode{faultproxy.Throttle, faultproxy.ServerError, faultproxy.Hangup} {
		t.Run(mode.String(), func(t *testing.T) {
			p, fake, st := setup(t)
			if err := p.Set(faultproxy.Fault{Mode: mode, Times: 2}); err != nil {
				t.Fatal(err)
			}
			if _, err := get(t, st, patience); !errors.Is(err, article.ErrNotFound) {
				t.Errorf("Get = %v, want ErrNotFound from DynamoDB after retries", err)
			}
			if got, want := p.Stats(), (faultproxy.Stats{Requests: 3, Faulted: 2, Forwarded: 1}); got != want {
				t.Errorf("stats = %+v, want %+v", got, want)
			}
			if got := p.Count("GetItem"); got != 3 {
				t.Errorf("GetItem count = %d, want 3", got)
			}
			if got := fake.got.Load(); got != 1 {
				t.Errorf("DynamoDB got %d requests, want 1", got)
			}
		})
	}
}

// TestOpLimitsTheFault checks that a fault for one operation lets the
// others pass.
func TestOpLimitsTheFault(t *testing.T) {
	p, _, st := setup(t)
	if err := p.Set(faultproxy.Fault{Mode: faultproxy.ServerError, Op: "TransactWriteItems"}); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, st, patience); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("GetItem under a TransactWriteItems fault = %v, want ErrNotFound", err)
	}
	if got := p.Stats().Faulted; got != 0 {
		t.Errorf("faulted = %d, want 0", got)
	}
}

func TestSetRejects(t *testing.T) {
	p, _, _ := setup(t)
	for name, f := range map[string]faultproxy.Fault{
		"refuse with times": {Mode: faultproxy.Refuse, Times: 1},
		"refuse with op":    {Mode: faultproxy.Refuse, Op: "GetItem"},
		"unknown mode":      {Mode: faultproxy.Mode(99)},
	} {
		if err := p.Set(f); err == nil {
			t.Errorf("Set(%s) = nil, want an error", name)
		}
	}
}

func TestReset(t *testing.T) {
	p, _, st := setup(t)
	get(t, st, patience)
	p.Reset()
	if got := p.Stats(); got != (faultproxy.Stats{}) {
		t.Errorf("stats after Reset = %+v, want zero", got)
	}
	if got := p.Count("GetItem"); got != 0 {
		t.Errorf("GetItem count after Reset = %d, want 0", got)
	}
}
