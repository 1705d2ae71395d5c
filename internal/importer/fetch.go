package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// DefaultMaxBytes bounds one fetched document (a feed page, a REST page,
// a WXR export by URL) after transparent gzip, when Fetcher.MaxBytes is
// zero. A WXR export read from a file has no limit.
const DefaultMaxBytes = 16 << 20

// ErrTooLarge means a fetched document is larger than its limit
// (Fetcher.MaxBytes, named by Fetcher.LimitName): it is refused.
var ErrTooLarge = errors.New("the document is larger than the limit")

// ErrRedirectRefused wraps a redirect the client's CheckRedirect refused
// (the admin token kept to its origin): it is not retried.
var ErrRedirectRefused = errors.New("redirect refused")

// Fetcher does HTTP with retries: a 429, 502, 503 or 504 answer or a
// network error is retried after the answer's Retry-After (seconds or a
// date, at most MaxWait) or else an exponential backoff with jitter.
type Fetcher struct {
	Client *http.Client
	// Attempts is how many times a request is tried; 5 if zero.
	Attempts int
	// Backoff is the first wait without Retry-After; 500 ms if zero.
	Backoff time.Duration
	// MaxWait caps one wait, Retry-After included; 60 s if zero.
	MaxWait time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// MaxBytes bounds an answer's body as read, after transparent gzip
	// (a small gzip can hold gigabytes); DefaultMaxBytes if zero.
	MaxBytes int64
	// LimitName names the setting of MaxBytes in the error (an
	// environment variable, a flag).
	LimitName string
	// Retried, if set, is called before each retry (for the summary).
	Retried func()
	// Sleep waits; a test may make it instant. Zero: a timer that stops
	// with ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Response is a fetched answer; Body is read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Stream is a fetched answer whose body is read as it arrives, at most
// MaxBytes of it: reading past that fails with an error wrapping
// ErrTooLarge. The caller closes it.
type Stream struct {
	Status int
	Header http.Header
	Body   io.ReadCloser
}

// Do sends the request newReq makes, once per attempt (a body must be
// readable again), and returns the last answer, read whole (at most
// MaxBytes). It retries only what is safe: every status listed above
// means the server did not act.
func (f *Fetcher) Do(ctx context.Context, newReq func(context.Context) (*http.Request, error)) (Response, error) {
	s, err := f.Open(ctx, newReq)
	if err != nil {
		return Response{}, err
	}
	defer s.Body.Close()
	body, err := io.ReadAll(s.Body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: s.Status, Header: s.Header, Body: body}, nil
}

// Open is Do without reading the body: the answer's body is read by the
// caller as it arrives (a feed parsed while it downloads), bounded by
// MaxBytes. A retryable answer's body is read (bounded) and retried as
// in Do; a failure while the caller reads is not retried.
func (f *Fetcher) Open(ctx context.Context, newReq func(context.Context) (*http.Request, error)) (Stream, error) {
	attempts := f.Attempts
	if attempts <= 0 {
		attempts = 5
	}
	var last error
	for i := 0; i < attempts; i++ {
		req, err := newReq(ctx)
		if err != nil {
			return Stream{}, err
		}
		if f.UserAgent != "" {
			req.Header.Set("User-Agent", f.UserAgent)
		}
		resp, err := f.client().Do(req)
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return Stream{}, ctx.Err()
			}
			if errors.Is(err, ErrRedirectRefused) {
				return Stream{}, err
			}
			last = err
		} else {
			body := &limitedBody{rc: resp.Body, left: f.maxBytes(), what: req.Method + " " + req.URL.Redacted(), f: f}
			if !retryable(resp.StatusCode) {
				return Stream{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
			}
			_, rerr := io.Copy(io.Discard, body) // the connection reused
			body.Close()
			if errors.Is(rerr, ErrTooLarge) {
				return Stream{}, rerr
			}
			last = fmt.Errorf("%s %s: %s", req.Method, req.URL.Redacted(), resp.Status)
			wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		if i == attempts-1 {
			break
		}
		if wait <= 0 {
			wait = f.backoff(i)
		}
		if wait > f.maxWait() {
			wait = f.maxWait()
		}
		if f.Retried != nil {
			f.Retried()
		}
		if err := f.sleep(ctx, wait); err != nil {
			return Stream{}, err
		}
	}
	return Stream{}, fmt.Errorf("gave up after %d attempts: %w", attempts, last)
}

// limitedBody reads at most left bytes of an answer; one more is an
// error naming the limit.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	what string
	f    *Fetcher
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, b.f.tooLarge(b.what)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

func (f *Fetcher) tooLarge(what string) error {
	name := ""
	if f.LimitName != "" {
		name = " (" + f.LimitName + ")"
	}
	return fmt.Errorf("%s: %w of %d bytes%s, counted after gzip: refused", what, ErrTooLarge, f.maxBytes(), name)
}

// Get fetches url, conditionally when v holds validators (a 304 answer is
// returned as it is).
func (f *Fetcher) Get(ctx context.Context, url string, v Validators) (Response, error) {
	return f.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, */*;q=0.5")
		if v.ETag != "" {
			req.Header.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			req.Header.Set("If-Modified-Since", v.LastModified)
		}
		return req, nil
	})
}

// Validators are a document's ETag and Last-Modified, kept for a
// conditional GET next time.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

func validatorsOf(h http.Header) Validators {
	return Validators{ETag: h.Get("ETag"), LastModified: h.Get("Last-Modified")}
}

func retryable(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter reads Retry-After: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

func (f *Fetcher) backoff(attempt int) time.Duration {
	b := f.Backoff
	if b <= 0 {
		b = 500 * time.Millisecond
	}
	d := b << attempt
	return d/2 + rand.N(d/2+1)
}

func (f *Fetcher) maxWait() time.Duration {
	if f.MaxWait > 0 {
		return f.MaxWait
	}
	return time.Minute
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Fetcher) sleep(ctx context.Context, d time.Duration) error {
	if f.Sleep != nil {
		return f.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
