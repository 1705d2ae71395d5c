package card

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // article photos are JPEG, PNG or WebP
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	_ "golang.org/x/image/webp"
)

// Fetcher defaults: short, because a crawler waits for the card, and a
// text-only card now is better than a timeout.
const (
	DefaultTimeout   = 1500 * time.Millisecond
	DefaultMaxBytes  = 5 << 20
	DefaultMaxPixels = 40_000_000 // decoded, about 160 MB of RGBA at most
)

// ErrOrigin is returned for a photo URL outside the allowed origins.
var ErrOrigin = errors.New("card: image origin not allowed")

// Fetcher gets article photos from the configured origins only.
type Fetcher struct {
	// Origins are "scheme://host[:port]" values; a photo elsewhere is
	// never requested.
	Origins []string
	// Client makes the requests; nil is a client of its own. Redirects
	// are followed only within Origins whatever the client.
	Client *http.Client
	// Timeout bounds the whole fetch, body included; 0 is DefaultTimeout.
	Timeout time.Duration
	// MaxBytes caps the photo's size; 0 is DefaultMaxBytes.
	MaxBytes int64
	// MaxPixels caps its decoded size; 0 is DefaultMaxPixels.
	MaxPixels int
}

// Fetch downloads and decodes the photo at rawURL.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (image.Image, error) {
	if !f.allowed(rawURL) {
		return nil, fmt.Errorf("%w: %q", ErrOrigin, rawURL)
	}
	timeout, maxBytes, maxPixels := f.Timeout, f.MaxBytes, f.MaxPixels
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	req.Header.Set("Accept", "image/jpeg, image/png, image/webp")
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("card: fetch %q: status %d", rawURL, resp.StatusCode)
	}
	if resp.ContentLength > maxBytes {
		return nil, fmt.Errorf("card: fetch %q: %d bytes is over the %d byte cap", rawURL, resp.ContentLength, maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: read: %w", rawURL, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, fmt.Errorf("card: fetch %q: over the %d byte cap", rawURL, maxBytes)
	}
	// Check the dimensions before decoding: a small file can declare a
	// huge image.
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPixels/cfg.Height {
		return nil, fmt.Errorf("card: fetch %q: %d×%d pixels is over the cap", rawURL, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	return img, nil
}

// client is f.Client (or a default) refusing redirects that leave the
// allowed origins.
func (f *Fetcher) client() *http.Client {
	c := http.Client{}
	if f.Client != nil {
		c = *f.Client
	}
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return errors.New("card: too many redirects")
		}
		if !f.allowed(req.URL.String()) {
			return fmt.Errorf("%w: redirect to %q", ErrOrigin, req.URL.Redacted())
		}
		return nil
	}
	return &c
}

// allowed reports whether rawURL is an http(s) URL on one of the origins.
func (f *Fetcher) allowed(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.User != nil || u.Host == "" {
		return false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	for _, o := range f.Origins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}
