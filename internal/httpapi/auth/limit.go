package auth

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Defaults of Limiter.
const (
	DefaultMaxFailures = 5
	DefaultWindow      = 15 * time.Minute
	maxClients         = 10_000
)

// Limiter limits wrong sign-ins per client: after MaxFailures failures
// within Window of the first, the client's attempts are refused, right
// token or not, until Window has passed. Counts are kept in this process
// only (a warm container), which bounds guessing to MaxFailures per Window
// per client and container.
type Limiter struct {
	// MaxFailures is the wrong attempts allowed per Window; 0 is
	// DefaultMaxFailures.
	MaxFailures int
	// Window is the period counted; 0 is DefaultWindow.
	Window time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	clients map[string]*failures
}

type failures struct {
	n     int
	since time.Time
}

func (l *Limiter) settings() (int, time.Duration, time.Time) {
	n, w, now := l.MaxFailures, l.Window, time.Now
	if n <= 0 {
		n = DefaultMaxFailures
	}
	if w <= 0 {
		w = DefaultWindow
	}
	if l.Now != nil {
		now = l.Now
	}
	return n, w, now()
}

// Allow reports whether client may try to sign in now, and if not, how
// long until it may.
func (l *Limiter) Allow(client string) (bool, time.Duration) {
	maxN, window, now := l.settings()
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.clients[client]
	if f == nil {
		return true, 0
	}
	if end := f.since.Add(window); !now.Before(end) {
		delete(l.clients, client)
		return true, 0
	} else if f.n >= maxN {
		return false, end.Sub(now)
	}
	return true, 0
}

// Fail counts a wrong sign-in by client.
func (l *Limiter) Fail(client string) {
	_, window, now := l.settings()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.clients == nil {
		l.clients = map[string]*failures{}
	}
	f := l.clients[client]
	if f == nil || !now.Before(f.since.Add(window)) {
		if len(l.clients) >= maxClients {
			for k, v := range l.clients {
				if !now.Before(v.since.Add(window)) {
					delete(l.clients, k)
				}
			}
		}
		if len(l.clients) >= maxClients {
			// Full of live entries: forget an arbitrary one rather
			// than grow without bound.
			for k := range l.clients {
				delete(l.clients, k)
				break
			}
		}
		f = &failures{since: now}
		l.clients[client] = f
	}
	f.n++
}

// Client names the client of r for Limiter: its address without the port
// (on Lambda, lambdahttp puts API Gateway's source IP there).
func Client(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return strings.Trim(r.RemoteAddr, "[]")
}
