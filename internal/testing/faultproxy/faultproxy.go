package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is what the proxy does with a request a fault matches.
type Mode int

// The modes; see the package comment for what each looks like to a client.
const (
	Pass Mode = iota
	Refuse
	Hangup
	ServerError
	Throttle
	ThroughputExceeded
	Slow
	LoseResponse
)

var modeNames = [...]string{"pass", "refuse", "hangup", "server-error", "throttle", "throughput-exceeded", "slow", "lose-response"}

// String returns the mode's name, such as "throttle", for test names.
func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// DefaultDelay is how long Slow holds a request when Fault.Delay is 0:
// longer than any store deadline in this service.
const DefaultDelay = 30 * time.Second

// Fault describes what to do with the requests that follow.
type Fault struct {
	Mode Mode
	// Op limits the fault to one DynamoDB operation, matched against the
	// X-Amz-Target header ("GetItem", "TransactWriteItems"); other
	// requests pass. Empty matches every request.
	Op string
	// Times is how many matching requests the fault hits before the proxy
	// passes again; 0 keeps it until the next Set.
	Times int
	// Delay is how long Slow holds a request; 0 means DefaultDelay.
	Delay time.Duration
}

// Stats counts what the proxy has seen since it started or was last Reset.
type Stats struct {
	// Requests is every request that reached the proxy (refused dials
	// never do).
	Requests int64
	// Faulted is the requests a fault answered, dropped or delayed.
	Faulted int64
	// Forwarded is the requests sent on to the target.
	Forwarded int64
	// Abandoned is the requests Slow held and dropped unforwarded because
	// the client gave up first.
	Abandoned int64
}

// Proxy is a running fault-injecting proxy. It is safe for concurrent use.
type Proxy struct {
	addr string
	rp   *httputil.ReverseProxy

	mu    sync.Mutex
	fault Fault
	left  int // matching requests the fault still hits when fault.Times > 0
	srv   *http.Server
	done  chan struct{}
	ops   map[string]int64

	requests, faulted, forwarded, abandoned atomic.Int64
}

// Start runs a proxy to target (such as "http://127.0.0.1:5555") on
// 127.0.0.1 at a free port, passing every request.
func Start(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an absolute URL", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("faultproxy: listen: %w", err)
	}
	p := &Proxy{addr: ln.Addr().String(), ops: make(map[string]int64)}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.Out.Host = pr.In.Host // SigV4 signed the Host the client sent.
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	p.serve(ln)
	return p, nil
}

// serve starts a server on ln; p.mu is held or p is not yet shared.
func (p *Proxy) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(p.handle), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // Always ErrServerClosed once stopped.
	}()
	p.srv, p.done = srv, done
}

// stop closes the listener and every open connection; p.mu is held.
func (p *Proxy) stop() error {
	if p.srv == nil {
		return nil
	}
	err := p.srv.Close()
	<-p.done
	p.srv, p.done = nil, nil
	return err
}

// URL is the proxy's base URL, the endpoint to give the client.
func (p *Proxy) URL() string { return "http://" + p.addr }

// Set replaces the current fault. Entering Refuse closes the listener and
// every open connection; leaving it listens again on the same address.
func (p *Proxy) Set(f Fault) error {
	if f.Mode < Pass || f.Mode > LoseResponse {
		return fmt.Errorf("faultproxy: unknown mode %d", int(f.Mode))
	}
	if f.Mode == Refuse && (f.Op != "" || f.Times != 0) {
		return errors.New("faultproxy: Refuse applies to every connection until the next Set; Op and Times cannot limit it")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault, p.left = f, f.Times
	switch {
	case f.Mode == Refuse:
		if err := p.stop(); err != nil {
			return fmt.Errorf("faultproxy: stop: %w", err)
		}
	case p.srv == nil:
		ln, err := net.Listen("tcp", p.addr)
		if err != nil {
			return fmt.Errorf("faultproxy: listen again on %s: %w", p.addr, err)
		}
		p.serve(ln)
	}
	return nil
}

// Pass stops injecting faults.
func (p *Proxy) Pass() error { return p.Set(Fault{}) }

// Stats returns the counters.
func (p *Proxy) Stats() Stats {
	return Stats{Requests: p.requests.Load(), Faulted: p.faulted.Load(), Forwarded: p.forwarded.Load(),
		Abandoned: p.abandoned.Load()}
}

// Count returns how many requests for one DynamoDB operation reached the
// proxy, retries included.
func (p *Proxy) Count(op string) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ops[op]
}

// Reset zeroes the counters.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests.Store(0)
	p.faulted.Store(0)
	p.forwarded.Store(0)
	p.abandoned.Store(0)
	clear(p.ops)
}

// Close stops the proxy.
func (p *Proxy) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stop()
}

// Operation is the DynamoDB operation a request calls, from its
// X-Amz-Target header ("DynamoDB_20120810.GetItem" is "GetItem").
func Operation(r *http.Request) string {
	t := r.Header.Get("X-Amz-Target")
	if i := strings.LastIndexByte(t, '.'); i >= 0 {
		return t[i+1:]
	}
	return t
}

// take counts r and returns the fault it meets: a copy of the current one
// if it matches, consuming one of its Times, or Pass.
func (p *Proxy) take(r *http.Request) Fault {
	op := Operation(r)
	p.requests.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ops[op]++
	f := p.fault
	if f.Mode == Pass || (f.Op != "" && f.Op != op) {
		return Fault{}
	}
	if f.Times > 0 {
		if p.left == 0 {
			return Fault{}
		}
		p.left--
		if p.left == 0 {
			p.fault = Fault{}
		}
	}
	return f
}

func (p *Proxy) handle(w http.ResponseWriter, r *http.Request) {
	f := p.take(r)
	if f.Mode == Pass {
		p.forward(w, r)
		return
	}
	p.faulted.Add(1)
	switch f.Mode {
	case Hangup, Refuse:
		// Refuse only reaches here on a connection accepted just before
		// the listener closed; it is dropped the same way.
		_, _ = io.Copy(io.Discard, r.Body)
		hangup(w)
	case ServerError:
		awsError(w, http.StatusInternalServerError, "InternalServerError", "Internal server error")
	case Throttle:
		awsError(w, http.StatusBadRequest, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
	case ThroughputExceeded:
		awsError(w, http.StatusBadRequest, "ProvisionedThroughputExceededException",
			"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.")
	case Slow:
		// The server notices a client hanging up only once the request
		// body is read, so read it now and hold the copy.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			p.abandoned.Add(1)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		d := f.Delay
		if d <= 0 {
			d = DefaultDelay
		}
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			p.forward(w, r)
		case <-r.Context().Done():
			// The client gave up; it must not be written after all.
			p.abandoned.Add(1)
		}
	case LoseResponse:
		p.forward(discard{h: make(http.Header)}, r)
		hangup(w)
	}
}

func (p *Proxy) forward(w http.ResponseWriter, r *http.Request) {
	p.forwarded.Add(1)
	// The forwarded request must not die with a client that hangs up
	// mid-way, or LoseResponse could lose the request too.
	p.rp.ServeHTTP(w, r.WithContext(context.WithoutCancel(r.Context())))
}

// hangup closes the client's connection without a response.
func hangup(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot happen on HTTP/1.1, which is all the proxy serves; a
		// broken answer is the next best thing.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// awsError answers as DynamoDB's JSON protocol does.
func awsError(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amzn-Requestid", "FAULTPROXY0000000000000000000000000000000000000000000")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"__type":"com.amazonaws.dynamodb.v20120810#%s","message":%q}`, code, message)
}

// discard is a ResponseWriter that drops the response.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
