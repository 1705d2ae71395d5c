package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// Sink is where articles are written: the admin API (APIClient) or the
// newsroom Service (ServiceSink).
type Sink interface {
	// Get returns the stored article, or an error wrapping
	// article.ErrNotFound or article.ErrGone.
	Get(ctx context.Context, id string) (article.Article, error)
	// Put writes a if the stored version is still version (0: only if no
	// live article has a.ID), and returns what is stored and whether it
	// was created. A stale version is article.ErrVersionMismatch.
	Put(ctx context.Context, a article.Article, version int64) (article.Article, bool, error)
}

// ErrUnauthorized means the admin API refused the token; nothing more can
// be written.
var ErrUnauthorized = errors.New("the admin API refused the token (401)")

// ServiceSink writes through the newsroom Service, in-process: the
// follow function in the stack, or an import straight into a local store.
type ServiceSink struct{ Service *newsroom.Service }

// Get implements Sink.
func (s ServiceSink) Get(ctx context.Context, id string) (article.Article, error) {
	return s.Service.Get(ctx, id)
}

// Put implements Sink.
func (s ServiceSink) Put(ctx context.Context, a article.Article, version int64) (article.Article, bool, error) {
	return s.Service.Replace(ctx, a.ID, a, &version)
}

// APIClient writes through the admin API of a running service: GET
// /articles/{id}, and PUT with If-None-Match: * to create or If-Match:
// "<version>" to update.
type APIClient struct {
	// Base is the service's URL (http://127.0.0.1:3000); Token its admin
	// bearer token.
	Base  string
	Token string
	Fetch *Fetcher
}

// toAPI is what a write sends: a's wire form without the members the
// server sets.
func toAPI(a *article.Article) wire.Article {
	w := wire.From(a)
	w.CreatedAt, w.UpdatedAt, w.Version = "", "", 0
	return w
}

// problem is the admin API's RFC 9457 error body.
type problem struct {
	Title  string               `json:"title"`
	Detail string               `json:"detail"`
	Errors []article.FieldError `json:"errors"`
}

func (c *APIClient) url(id string) string {
	return strings.TrimRight(c.Base, "/") + "/articles/" + url.PathEscape(id)
}

// fetcher is c.Fetch with a client that follows a redirect only within
// the origin of Base (scheme, host and port): the token is sent nowhere
// else. A redirect elsewhere is an error naming both origins.
func (c *APIClient) fetcher() *Fetcher {
	f := *c.Fetch
	cl := *f.client()
	next := cl.CheckRedirect
	base, _ := url.Parse(c.Base)
	cl.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if base == nil || !sameOrigin(req.URL, base) {
			return fmt.Errorf("%w: the admin API redirected to %s, not on %s: the token is sent only to the origin given", ErrRedirectRefused, req.URL.Redacted(), originOf(base))
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w: stopped after 10 redirects", ErrRedirectRefused)
		}
		return nil
	}
	f.Client = &cl
	return &f
}

// sameOrigin compares scheme, host and port (the scheme's default port
// when none is given), as RFC 6454 does.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

func originOf(u *url.URL) string {
	if u == nil {
		return "(no valid -api URL)"
	}
	return strings.ToLower(u.Scheme) + "://" + u.Host
}

// Get implements Sink.
func (c *APIClient) Get(ctx context.Context, id string) (article.Article, error) {
	resp, err := c.fetcher().Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(id), nil)
		if err == nil {
			req.Header.Set("Authorization", "Bearer "+c.Token)
		}
		return req, err
	})
	if err != nil {
		return article.Article{}, err
	}
	return c.answer(resp, id)
}

// Put implements Sink.
func (c *APIClient) Put(ctx context.Context, a article.Article, version int64) (article.Article, bool, error) {
	body, err := json.Marshal(toAPI(&a))
	if err != nil {
		return article.Article{}, false, err
	}
	resp, err := c.fetcher().Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.url(a.ID), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+c.Token)
		req.Header.Set("Content-Type", "application/json")
		if version == 0 {
			req.Header.Set("If-None-Match", "*")
		} else {
			req.Header.Set("If-Match", `"`+strconv.FormatInt(version, 10)+`"`)
		}
		return req, nil
	})
	if err != nil {
		return article.Article{}, false, err
	}
	out, err := c.answer(resp, a.ID)
	return out, resp.Status == http.StatusCreated, err
}

// answer maps an admin API answer to the article or the error vocabulary.
func (c *APIClient) answer(resp Response, id string) (article.Article, error) {
	if resp.Status == http.StatusOK || resp.Status == http.StatusCreated {
		var w wire.Article
		if err := json.Unmarshal(resp.Body, &w); err != nil {
			return article.Article{}, fmt.Errorf("article %q: the admin API's answer is not an article: %v", id, err)
		}
		a, err := w.Article()
		if err != nil {
			return article.Article{}, fmt.Errorf("article %q: the admin API's answer: %w", id, err)
		}
		return a, nil
	}
	var p problem
	_ = json.Unmarshal(resp.Body, &p)
	detail := firstNonEmpty(p.Detail, p.Title, http.StatusText(resp.Status))
	switch resp.Status {
	case http.StatusNotFound:
		return article.Article{}, fmt.Errorf("article %q: %w", id, article.ErrNotFound)
	case http.StatusGone:
		return article.Article{}, fmt.Errorf("article %q: %w", id, article.ErrGone)
	case http.StatusPreconditionFailed:
		return article.Article{}, fmt.Errorf("article %q: %w", id, article.ErrVersionMismatch)
	case http.StatusConflict:
		return article.Article{}, fmt.Errorf("article %q: %s: %w", id, detail, article.ErrConflict)
	case http.StatusUnauthorized:
		return article.Article{}, ErrUnauthorized
	case http.StatusUnprocessableEntity:
		if len(p.Errors) > 0 {
			return article.Article{}, &article.ValidationError{Fields: p.Errors}
		}
	}
	return article.Article{}, fmt.Errorf("article %q: the admin API answered %d: %s", id, resp.Status, detail)
}
