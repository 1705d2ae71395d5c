package share

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// OEmbed is the oEmbed 1.0 response (https://oembed.com/), a wire format
// apart from the article. The type is "link": the consumer shows title,
// provider and thumbnail and links to the URL, which is all a news story
// needs; "rich" would make consumers embed our HTML.
type OEmbed struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	AuthorName   string `json:"author_name,omitempty"`
	AuthorURL    string `json:"author_url,omitempty"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	// The thumbnail is all three or none (none when maxwidth/maxheight
	// leave no room even for the smallest card).
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// OEmbedCacheAge is the cache_age suggested to consumers, in seconds.
const OEmbedCacheAge = 3600

// NewOEmbed describes a public article a for a consumer that shows the
// thumbnail at most maxWidth×maxHeight pixels (oEmbed's maxwidth and
// maxheight; 0 is no limit). The thumbnail is the share image (OGImage)
// when it fits, else the card at the largest of card.Widths that fits
// (CardURLAt), else none. author_name is the byline (or the source without
// one); author_url is the first author's profile URL, when there is one.
func (s *Site) NewOEmbed(a *article.Article, maxWidth, maxHeight int) OEmbed {
	o := OEmbed{
		Version:      "1.0",
		Type:         "link",
		Title:        article.OneLine(a.Title),
		ProviderName: article.OneLine(s.Name),
		ProviderURL:  s.URL + "/",
		CacheAge:     OEmbedCacheAge,
	}
	fits := func(w, h int) bool { return (maxWidth <= 0 || w <= maxWidth) && (maxHeight <= 0 || h <= maxHeight) }
	if th := s.OGImage(a); fits(th.Width, th.Height) {
		o.ThumbnailURL, o.ThumbnailWidth, o.ThumbnailHeight = th.URL, th.Width, th.Height
	} else if fits(CardWidth, CardHeight) {
		o.ThumbnailURL, o.ThumbnailWidth, o.ThumbnailHeight = s.CardURL(a), CardWidth, CardHeight
	} else {
		for _, w := range card.Widths {
			if h := card.ScaledHeight(w); fits(w, h) {
				o.ThumbnailURL, o.ThumbnailWidth, o.ThumbnailHeight = s.CardURLAt(a, w), w, h
				break
			}
		}
	}
	names := make([]string, 0, len(a.Authors))
	first := -1
	for i, au := range a.Authors {
		if n := article.OneLine(au.Name); n != "" {
			names = append(names, n)
			if first < 0 {
				first = i
			}
		}
	}
	if len(names) == 0 {
		o.AuthorName = article.OneLine(a.Source)
	} else {
		o.AuthorName = strings.Join(names, ", ")
		o.AuthorURL = safeURL(a.Authors[first].URL)
	}
	return o
}

// CardURLAt is the address of a's card served w pixels wide (one of
// card.Widths); the card route renders it scaled.
func (s *Site) CardURLAt(a *article.Article, w int) string {
	return s.CardURL(a) + "&w=" + strconv.Itoa(w)
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
// or an address on the publisher's site (SITE_URL/<section>/<slug>, or
// whatever shape the article's url has), whose last path segment is taken
// as the slug; Matches then checks it is the article's own address. The
// two may share an origin. ok is false for anything else.
func (s *Site) ResolveURL(raw string) (ref Ref, ok bool) {
	if len(raw) > article.MaxURLBytes {
		return Ref{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil {
		return Ref{}, false
	}
	if base, err := url.Parse(s.BaseURL); err == nil && sameOrigin(u, base) {
		// Only the share routes are this service's pages; any other path
		// of its origin may be the site's (under make run, and wherever
		// the site and this service share a host, SITE_URL and BASE_URL
		// are one origin), and is read as such below.
		if rest, found := strings.CutPrefix(u.EscapedPath(), strings.TrimRight(base.EscapedPath(), "/")+"/share/"); found {
			rest = strings.TrimSuffix(strings.TrimSuffix(rest, "/"), "/card.png")
			key, err := url.PathUnescape(rest)
			if err != nil || key == "" || strings.Contains(key, "/") {
				return Ref{}, false
			}
			return Ref{Key: key}, true
		}
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
// so that no foreign page of the site is described as an article. An
// address that names a by a previous slug matches when it is a's URL with
// that slug in place of the current one: the article's address before it
// was renamed.
func (r Ref) Matches(a *article.Article) bool {
	if !r.OnSite {
		return true
	}
	u, err := url.Parse(a.URL)
	if err != nil {
		return false
	}
	cur := comparable(u)
	if cur == r.URL {
		return true
	}
	if r.Key == a.Slug || !slices.Contains(a.PreviousSlugs, r.Key) {
		return false
	}
	dir, last := cur[:strings.LastIndexByte(cur, '/')+1], cur[strings.LastIndexByte(cur, '/')+1:]
	ext := ""
	if dot := strings.LastIndexByte(last, '.'); dot > 0 {
		last, ext = last[:dot], last[dot:]
	}
	return last == a.Slug && dir+r.Key+ext == r.URL
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
