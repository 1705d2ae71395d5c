package share

import (
	"net/url"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// OEmbed is the oEmbed 1.0 response (https://oembed.com/), a wire format
// apart from the article. The type is "link": the consumer shows title,
// provider and thumbnail and links to the URL, which is all a news story
// needs; "rich" would make consumers embed our HTML.
type OEmbed struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name,omitempty"`
	AuthorURL       string `json:"author_url,omitempty"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	ThumbnailURL    string `json:"thumbnail_url"`
	ThumbnailWidth  int    `json:"thumbnail_width"`
	ThumbnailHeight int    `json:"thumbnail_height"`
}

// OEmbedCacheAge is the cache_age suggested to consumers, in seconds.
const OEmbedCacheAge = 3600

// NewOEmbed describes a public article a.
func (s *Site) NewOEmbed(a *article.Article) OEmbed {
	th := s.OGImage(a)
	o := OEmbed{
		Version:         "1.0",
		Type:            "link",
		Title:           article.OneLine(a.Title),
		ProviderName:    article.OneLine(s.Name),
		ProviderURL:     s.URL + "/",
		CacheAge:        OEmbedCacheAge,
		ThumbnailURL:    th.URL,
		ThumbnailWidth:  th.Width,
		ThumbnailHeight: th.Height,
	}
	names := make([]string, 0, len(a.Authors))
	for _, au := range a.Authors {
		if n := article.OneLine(au.Name); n != "" {
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		if src := article.OneLine(a.Source); src != "" {
			o.AuthorName = src
		}
	case 1:
		o.AuthorName = names[0]
		o.AuthorURL = safeURL(a.Authors[0].URL)
	default:
		o.AuthorName = strings.Join(names, ", ")
	}
	return o
}

// Ref is what an oEmbed url parameter names: an article by slug or ID, and
// whether it was a URL on the publisher's site, which the article's own URL
// must then match.
type Ref struct {
	Key    string
	OnSite bool
	URL    string // the requested URL, normalized for comparison
}

// ResolveURL says which article raw names, if it is one of ours: a share
// page of this service (BaseURL/share/{slug}, with or without /card.png)
// or an address on the publisher's site, whose last path segment is taken
// as the slug. ok is false for anything else.
func (s *Site) ResolveURL(raw string) (ref Ref, ok bool) {
	if len(raw) > article.MaxURLBytes {
		return Ref{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return Ref{}, false
	}
	if base, err := url.Parse(s.BaseURL); err == nil && sameOrigin(u, base) {
		rest, found := strings.CutPrefix(u.EscapedPath(), strings.TrimRight(base.EscapedPath(), "/")+"/share/")
		if !found {
			return Ref{}, false
		}
		rest = strings.TrimSuffix(strings.TrimSuffix(rest, "/"), "/card.png")
		key, err := url.PathUnescape(rest)
		if err != nil || key == "" || strings.Contains(key, "/") {
			return Ref{}, false
		}
		return Ref{Key: key}, true
	}
	if site, err := url.Parse(s.URL); err == nil && sameOrigin(u, site) {
		p := strings.TrimRight(u.Path, "/")
		key := p[strings.LastIndexByte(p, '/')+1:]
		if key == "" {
			return Ref{}, false
		}
		if dot := strings.LastIndexByte(key, '.'); dot > 0 {
			key = key[:dot] // "slug.html"
		}
		return Ref{Key: key, OnSite: true, URL: comparable(u)}, true
	}
	return Ref{}, false
}

// Matches reports whether a is the article ref names: for a URL on the
// site, a's own URL must be the same address (query and fragment aside),
// so that no foreign page of the site is described as an article.
func (r Ref) Matches(a *article.Article) bool {
	if !r.OnSite {
		return true
	}
	u, err := url.Parse(a.URL)
	return err == nil && comparable(u) == r.URL
}

func sameOrigin(a, b *url.URL) bool {
	// http and https name the same page here: consumers pass either.
	return strings.EqualFold(a.Host, b.Host)
}

// comparable is u without scheme, query, fragment and trailing slash, with
// the host lower-cased.
func comparable(u *url.URL) string {
	return "//" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
}
