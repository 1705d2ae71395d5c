package fediverse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/httpsig"
)

// MaxFetchBytes bounds a fetched actor document.
const MaxFetchBytes = 1 << 20

// ErrPrivateAddress means a peer's URL resolved to an address that is not
// on the public internet (loopback, private, link-local): a keyId or
// inbox pointing there is refused, so no peer can make this service call
// into its own network.
var ErrPrivateAddress = errors.New("fediverse: address is not public")

// DeliveryError is a refused or failed POST to an inbox. Permanent ones
// (4xx other than 429) are not retried.
type DeliveryError struct {
	Inbox     string
	Status    int // 0 for a network error or timeout
	Permanent bool
	// RetryAfter is the peer's Retry-After on a 429 or 503 (seconds or
	// an HTTP date), 0 without one.
	RetryAfter time.Duration
	Err        error
}

func (e *DeliveryError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("fediverse: deliver to %s: HTTP %d", e.Inbox, e.Status)
	}
	return fmt.Sprintf("fediverse: deliver to %s: %v", e.Inbox, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Client makes every request to peers, each signed with the newsroom's
// key (GETs too: servers in authorized-fetch mode refuse unsigned ones).
type Client struct {
	Signer *httpsig.Signer
	// HTTP sends the requests; NewHTTPClient's when nil.
	HTTP *http.Client
	// UserAgent names this service to peers.
	UserAgent string
}

// NewHTTPClient is the client for peers: timeout per request, no more
// than perHost connections to one host, and, unless allowPrivate (tests,
// make run with a local peer), only public addresses.
func NewHTTPClient(timeout time.Duration, perHost int, allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, address)
			}
			if a := ap.Addr().Unmap(); !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() {
				return fmt.Errorf("%w: %s", ErrPrivateAddress, a)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxConnsPerHost:       perHost,
		MaxIdleConnsPerHost:   perHost,
		// A fan-out reaches thousands of hosts once each: keeping every
		// connection would hold their buffers until IdleConnTimeout.
		MaxIdleConns:      64,
		IdleConnTimeout:   90 * time.Second,
		ForceAttemptHTTP2: true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("fediverse: too many redirects")
			}
			return nil
		},
	}
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return NewHTTPClient(10*time.Second, 4, false)
}

// Fetch GETs an ActivityStreams document with a signed request.
func (c *Client) Fetch(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("fediverse: fetch %s: %w", url, err)
	}
	req.Header.Set("Accept", activitypub.ContentType+", "+activitypub.LDContentType)
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if err := c.Signer.Sign(req, nil); err != nil {
		return nil, err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("fediverse: fetch %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fediverse: fetch %s: HTTP %d", url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxFetchBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fediverse: fetch %s: %w", url, err)
	}
	if len(body) > MaxFetchBytes {
		return nil, fmt.Errorf("fediverse: fetch %s: larger than %d bytes", url, MaxFetchBytes)
	}
	return body, nil
}

// Post delivers body, an activity, to inbox with a signed POST. Its
// error is a *DeliveryError.
func (c *Client) Post(ctx context.Context, inbox string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, inbox, bytes.NewReader(body))
	if err != nil {
		return &DeliveryError{Inbox: inbox, Permanent: true, Err: err}
	}
	req.Header.Set("Content-Type", activitypub.ContentType)
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if err := c.Signer.Sign(req, body); err != nil {
		return &DeliveryError{Inbox: inbox, Permanent: true, Err: err}
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return &DeliveryError{Inbox: inbox, Permanent: errors.Is(err, ErrPrivateAddress), Err: err}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // Lets the connection be reused.
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	permanent := resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests &&
		resp.StatusCode != http.StatusRequestTimeout
	de := &DeliveryError{Inbox: inbox, Status: resp.StatusCode, Permanent: permanent}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		de.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return de
}

// retryAfter reads a Retry-After value (RFC 9110: delay-seconds or an
// HTTP date) as a wait from now; 0 when absent, unreadable or past.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
