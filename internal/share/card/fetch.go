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
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Fetcher defaults: short, because a crawler waits for the card, and a
// text-only card now is better than a timeout.
const (
	DefaultTimeout   = 1500 * time.Millisecond
	DefaultMaxBytes  = 5 << 20
	DefaultMaxPixels = 40_000_000
	// DefaultMaxDecodeBytes is the memory one photo may take to decode
	// (DecodeCost). 64 MiB admits what article photos are: a 24 MP
	// baseline JPEG (4:2:0, 36 MB), a 10 MP progressive one (60 MB), a
	// 16 MP 8-bit RGBA PNG, and refuses what only a hostile or careless
	// file is (a 40 MP progressive CMYK JPEG is 960 MB). With
	// DefaultMaxDecodes at once that is 128 MiB, an eighth of the share
	// function's memory.
	DefaultMaxDecodeBytes = 64 << 20
	// DefaultMaxDecodes is how many photos decode at once. Decoding is
	// the only step of a card whose memory grows with its input; two keep
	// both of the function's vCPUs busy.
	DefaultMaxDecodes = 2
)

// ErrOrigin is returned for a photo URL outside the allowed origins.
var ErrOrigin = errors.New("card: image origin not allowed")

// ErrBudget is returned for a photo that would take more memory to decode
// than the Fetcher allows.
var ErrBudget = errors.New("card: photo over the decode budget")

// Fetcher gets article photos from the configured origins only, and
// decodes them within a memory budget, a few at a time, under the fetch's
// deadline. A Fetcher is safe for concurrent use and must not be copied
// after first use.
type Fetcher struct {
	// Origins are "scheme://host[:port]" values; a photo elsewhere is
	// never requested.
	Origins []string
	// Client makes the requests; nil is a client of its own. Redirects
	// are followed only within Origins whatever the client.
	Client *http.Client
	// Timeout bounds the whole fetch: the request, the body, the wait for
	// a decode slot and the decode; 0 is DefaultTimeout.
	Timeout time.Duration
	// MaxBytes caps the photo's size; 0 is DefaultMaxBytes.
	MaxBytes int64
	// MaxPixels caps its decoded size; 0 is DefaultMaxPixels.
	MaxPixels int
	// MaxDecodeBytes caps the memory its decoding may take, as
	// DecodeCost estimates it from the header before decoding; 0 is
	// DefaultMaxDecodeBytes.
	MaxDecodeBytes int64
	// MaxDecodes bounds the decodes running at once, across every
	// request; 0 is DefaultMaxDecodes. A decode given up at the deadline
	// holds its slot until it has stopped, so abandoned decodes cannot
	// pile up either.
	MaxDecodes int

	once  sync.Once
	slots chan struct{}
}

// Fetch downloads and decodes the photo at rawURL, scaled down when it is
// much larger than a card needs.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (image.Image, error) {
	budget := f.MaxDecodeBytes
	if budget <= 0 {
		budget = DefaultMaxDecodeBytes
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	data, cfg, format, err := f.download(ctx, rawURL, nil)
	if err != nil {
		return nil, err
	}
	cost, err := DecodeCost(format, data, cfg)
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	if cost > budget {
		return nil, fmt.Errorf("%w: %q, a %d×%d %s, would take about %d MiB to decode; the budget is %d MiB",
			ErrBudget, rawURL, cfg.Width, cfg.Height, format, cost>>20, budget>>20)
	}
	img, err := f.decode(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("card: fetch %q: decode: %w", rawURL, err)
	}
	return img, nil
}

// Photo is what Probe learns of a photo without decoding it.
type Photo struct {
	// Format is the decoder's name: "jpeg", "png", "webp" or "gif".
	Format string
	// ContentType is the Content-Type the origin answered.
	ContentType   string
	Width, Height int
	// Bytes is the file's size.
	Bytes int64
}

// Probe downloads the photo at rawURL, within the same origins, caps and
// deadline as Fetch, and reads its format and size from its header without
// decoding it: what the preview studio checks against the networks' limits.
func (f *Fetcher) Probe(ctx context.Context, rawURL string) (Photo, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var p Photo
	data, cfg, format, err := f.download(ctx, rawURL, &p.ContentType)
	if err != nil {
		return Photo{}, err
	}
	p.Format, p.Width, p.Height, p.Bytes = format, cfg.Width, cfg.Height, int64(len(data))
	return p, nil
}

// download gets the photo at rawURL from an allowed origin, within
// MaxBytes, and reads its header (within MaxPixels); contentType, when not
// nil, receives the answer's Content-Type.
func (f *Fetcher) download(ctx context.Context, rawURL string, contentType *string) ([]byte, image.Config, string, error) {
	if !f.allowed(rawURL) {
		return nil, image.Config{}, "", fmt.Errorf("%w: %q", ErrOrigin, rawURL)
	}
	maxBytes, maxPixels := f.MaxBytes, f.MaxPixels
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	req.Header.Set("Accept", "image/jpeg, image/png, image/webp")
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: status %d", rawURL, resp.StatusCode)
	}
	if contentType != nil {
		*contentType = resp.Header.Get("Content-Type")
	}
	if resp.ContentLength > maxBytes {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: %d bytes is over the %d byte cap", rawURL, resp.ContentLength, maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: read: %w", rawURL, err)
	}
	if int64(len(data)) > maxBytes {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: over the %d byte cap", rawURL, maxBytes)
	}
	// Check the dimensions before decoding: a small file can declare a
	// huge image.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: %w", rawURL, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPixels/cfg.Height {
		return nil, image.Config{}, "", fmt.Errorf("card: fetch %q: %d×%d pixels is over the cap", rawURL, cfg.Width, cfg.Height)
	}
	return data, cfg, format, nil
}

// decode decodes data in a slot, under ctx: it gives up waiting for a
// slot, or for the decode, when ctx ends. The decode itself then stops at
// its next read of data, or finishes, and frees the slot.
func (f *Fetcher) decode(ctx context.Context, data []byte) (image.Image, error) {
	f.once.Do(func() {
		n := f.MaxDecodes
		if n <= 0 {
			n = DefaultMaxDecodes
		}
		f.slots = make(chan struct{}, n)
	})
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a decode slot: %w", ctx.Err())
	}
	type result struct {
		img image.Image
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-f.slots }()
		img, _, err := image.Decode(ctxReader{ctx: ctx, r: bytes.NewReader(data)})
		if err == nil {
			img = fit(img)
		}
		done <- result{img, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && ctx.Err() != nil {
			// The decoder saw the reader fail and may say only "unknown
			// format": the reason is the deadline.
			return nil, ctx.Err()
		}
		return r.img, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ctxReader fails its reads once ctx has ended, so that a decoder reading
// it stops.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// fit scales img down, keeping its aspect, to the smallest size that still
// covers twice the photo panel each way (drawCover then crops and scales
// it), so that a large photo is not kept whole while its card is drawn.
// Smaller images are returned as they are.
func fit(img image.Image) image.Image {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	s := max(2*photoWidth/w, 2*Height/h)
	if s >= 1 {
		return img
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(math.Ceil(w*s))), max(1, int(math.Ceil(h*s)))))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
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
	return AllowedOrigin(rawURL, f.Origins)
}

// AllowedOrigin reports whether rawURL is an http(s) URL on one of origins
// (scheme://host, IMAGE_ORIGINS): a photo a Fetcher with those origins
// fetches, so that a card draws it.
func AllowedOrigin(rawURL string, origins []string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || u.User != nil || u.Host == "" {
		return false
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return false
	}
	origin := u.Scheme + "://" + strings.ToLower(u.Host)
	for _, o := range origins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}
