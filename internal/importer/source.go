package importer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Loader reads a source: a file or an http(s) URL of a WXR export, a feed
// or the WordPress REST API.
type Loader struct {
	Fetcher *Fetcher
	Options Options
	// Log, if set, is told about every page fetched.
	Log func(format string, args ...any)
}

// Loaded is what a source held.
type Loaded struct {
	Items []Item
	// Pages is how many documents were read.
	Pages int
	// Missing names the next pages that answered 404 or 410: skipped, the
	// other pages read (for the summary).
	Missing []string
	// Validators of the first document, for a conditional GET next time.
	Validators Validators
	// NotModified is set when the first document answered 304: nothing
	// changed since Validators were taken.
	NotModified bool
	// Total is the number of items the first document holds (a feed, an
	// export, the REST API's first page), those outside Options.Window
	// included.
	Total int
}

// Load reads src. since, when not zero, makes the first fetch
// conditional.
func (l *Loader) Load(ctx context.Context, src string, since Validators) (Loaded, error) {
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		doc, err := os.ReadFile(src)
		if err != nil {
			return Loaded{}, fmt.Errorf("importer: %w", err)
		}
		items, err := l.parseDoc(doc, "file://"+src)
		if err != nil {
			return Loaded{}, err
		}
		return distinct(Loaded{Items: items, Pages: 1, Total: len(items)}), nil
	}
	if posts, ok := restPostsURL(src); ok {
		return l.loadREST(ctx, posts, since)
	}
	return l.loadFeed(ctx, src, since)
}

// parseDoc reads one document whose kind is not known: WXR or a feed.
func (l *Loader) parseDoc(doc []byte, docURL string) ([]Item, error) {
	if IsWXR(doc) {
		return ParseWXR(bytes.NewReader(doc), l.Options)
	}
	p, err := ParseFeed(doc, docURL, l.Options)
	return p.Items, err
}

func (l *Loader) fetch(ctx context.Context, u string, since Validators) (Response, error) {
	if l.Log != nil {
		l.Log("fetching %s", u)
	}
	resp, err := l.Fetcher.Get(ctx, u, since)
	if err != nil {
		return resp, fmt.Errorf("importer: %w", err)
	}
	return resp, nil
}

func (l *Loader) loadFeed(ctx context.Context, src string, since Validators) (Loaded, error) {
	resp, err := l.fetch(ctx, src, since)
	if err != nil {
		return Loaded{}, err
	}
	out := Loaded{Validators: validatorsOf(resp.Header)}
	if resp.Status == http.StatusNotModified {
		out.NotModified, out.Validators = true, since
		return out, nil
	}
	if resp.Status != http.StatusOK {
		return Loaded{}, fmt.Errorf("importer: GET %s: status %d", src, resp.Status)
	}
	out.Pages = 1
	if IsWXR(resp.Body) {
		out.Items, out.Total, err = parseWXR(bytes.NewReader(resp.Body), l.Options, l.Options.Window)
		if err != nil {
			return Loaded{}, err
		}
		return distinct(out), nil
	}
	p, total, err := parseFeedWindow(resp.Body, src, l.Options, l.Options.Window)
	if err != nil {
		return Loaded{}, fmt.Errorf("importer: %s: %w", src, err)
	}
	out.Items, out.Total = p.Items, total
	if !l.Options.AllPages {
		return distinct(out), nil
	}
	seen := map[string]bool{src: true}
	queue := p.Next
	paged := len(p.Next) == 0 && p.WordPress
	for n := 2; out.Pages < l.Options.maxPages(); n++ {
		var next string
		switch {
		case len(queue) > 0:
			next, queue = queue[0], queue[1:]
			if seen[next] {
				continue
			}
		case paged:
			next = withQuery(src, "paged", strconv.Itoa(n))
		default:
			return distinct(out), nil
		}
		seen[next] = true
		resp, err := l.fetch(ctx, next, Validators{})
		if err != nil {
			return Loaded{}, err
		}
		if paged && resp.Status == http.StatusNotFound {
			break // WordPress answers 404 past the last page.
		}
		if gone(resp.Status) {
			// One archive page missing: the others are still read.
			out.Missing = append(out.Missing, fmt.Sprintf("GET %s: status %d", next, resp.Status))
			continue
		}
		if resp.Status != http.StatusOK {
			return Loaded{}, fmt.Errorf("importer: GET %s: status %d", next, resp.Status)
		}
		p, err := ParseFeed(resp.Body, next, l.Options)
		if err != nil {
			return Loaded{}, fmt.Errorf("importer: %s: %w", next, err)
		}
		out.Pages++
		if len(p.Items) == 0 {
			break
		}
		out.Items = append(out.Items, p.Items...)
		if !paged {
			queue = append(queue, p.Next...)
		}
	}
	return distinct(out), nil
}

func (l *Loader) loadREST(ctx context.Context, posts string, since Validators) (Loaded, error) {
	var out Loaded
	total := 0 // X-WP-TotalPages of the first page
	for n := 1; n <= l.Options.maxPages(); n++ {
		u := restPage(posts, n)
		v := Validators{}
		if n == 1 {
			v = since
		}
		resp, err := l.fetch(ctx, u, v)
		if err != nil {
			return Loaded{}, err
		}
		if n == 1 {
			out.Validators = validatorsOf(resp.Header)
			if resp.Status == http.StatusNotModified {
				out.NotModified, out.Validators = true, since
				return out, nil
			}
		}
		if resp.Status == http.StatusBadRequest && n > 1 {
			var e restError
			if json.Unmarshal(resp.Body, &e) == nil && e.Code == "rest_post_invalid_page_number" {
				break
			}
		}
		if n > 1 && gone(resp.Status) {
			// One page missing: skipped and reported; past the last
			// page the first one announced, or with none announced, the
			// end.
			out.Missing = append(out.Missing, fmt.Sprintf("GET %s: status %d", u, resp.Status))
			if n < total {
				continue
			}
			break
		}
		if resp.Status != http.StatusOK {
			return Loaded{}, fmt.Errorf("importer: GET %s: status %d", u, resp.Status)
		}
		items, err := ParseREST(resp.Body, u, l.Options)
		if err != nil {
			return Loaded{}, err
		}
		out.Pages++
		out.Items = append(out.Items, items...)
		if n == 1 {
			out.Total = len(items)
		}
		pages, err := strconv.Atoi(resp.Header.Get("X-WP-TotalPages"))
		if n == 1 && err == nil {
			total = pages
		}
		if len(items) == 0 || err == nil && n >= pages {
			break
		}
	}
	return distinct(out), nil
}

// gone reports a page that is not there (404, 410): a next page so
// answering is skipped, not the end of the import.
func gone(status int) bool {
	return status == http.StatusNotFound || status == http.StatusGone
}

// distinct makes every item of a source one article of its own: an item
// repeated whole (same key and link: a page that shifted while the site
// published, or a feed listing an item twice) is dropped, and
// items that share a key but are different posts (a GUID WordPress kept
// when a post was duplicated, a generator's constant GUID) are told apart:
// the oldest keeps the ID its key gives, each other one gets the ID of its
// key and its link. The rule depends only on the items, so the next run of
// the same source gives every item the same ID again.
func distinct(l Loaded) Loaded {
	byID := make(map[string][]int, len(l.Items))
	var order []string
	for i := range l.Items {
		it := &l.Items[i]
		if it.Article.ID == "" || (it.Kind != KindArticle && it.Kind != KindProtected) {
			continue
		}
		if byID[it.Article.ID] == nil {
			order = append(order, it.Article.ID)
		}
		byID[it.Article.ID] = append(byID[it.Article.ID], i)
	}
	drop := map[int]bool{}
	for _, id := range order {
		idx := byID[id]
		if len(idx) == 1 {
			continue
		}
		// One item per link; the rest repeat it.
		var posts []int
		links := map[string]bool{}
		for _, i := range idx {
			if link := l.Items[i].ident.link; links[link] {
				drop[i] = true
				continue
			} else {
				links[link] = true
			}
			posts = append(posts, i)
		}
		owner := posts[0]
		for _, i := range posts[1:] {
			if older(l.Items[i].Article.PublishedAt, l.Items[owner].Article.PublishedAt) {
				owner = i
			}
		}
		for _, i := range posts {
			if it := &l.Items[i]; i != owner {
				it.identify(it.ident.site, it.ident.key+"\n"+it.ident.link, it.ident.link)
			}
		}
	}
	if len(drop) > 0 {
		out := make([]Item, 0, len(l.Items)-len(drop))
		for i, it := range l.Items {
			if !drop[i] {
				out = append(out, it)
			}
		}
		l.Items = out
	}
	return l
}

// older reports whether a is before b, an unknown time being the newest.
func older(a, b time.Time) bool {
	return !a.IsZero() && (b.IsZero() || a.Before(b))
}

func withQuery(raw, k, v string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	q.Set(k, v)
	u.RawQuery = q.Encode()
	return strings.TrimSpace(u.String())
}
