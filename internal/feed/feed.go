package feed

import (
	"cmp"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
)

// Format is one of the three feed formats.
type Format uint8

// The feed formats, in the order their routes are registered.
const (
	RSS Format = iota + 1
	Atom
	JSON
)

// Formats lists every format, for route registration and tests.
var Formats = []Format{RSS, Atom, JSON}

// File is the last path segment that selects f ("rss.xml").
func (f Format) File() string {
	switch f {
	case RSS:
		return "rss.xml"
	case Atom:
		return "atom.xml"
	case JSON:
		return "feed.json"
	}
	return ""
}

// ContentType is the media type f is served as.
func (f Format) ContentType() string {
	switch f {
	case RSS:
		return "application/rss+xml; charset=utf-8"
	case Atom:
		return "application/atom+xml; charset=utf-8"
	case JSON:
		return "application/feed+json; charset=utf-8"
	}
	return "application/octet-stream"
}

func (f Format) String() string {
	switch f {
	case RSS:
		return "rss"
	case Atom:
		return "atom"
	case JSON:
		return "json"
	}
	return fmt.Sprintf("Format(%d)", uint8(f))
}

// Path is the path of the feed of key in format f: "/feeds/rss.xml" for the
// site, "/feeds/section/svyat/atom.xml" for a section.
func Path(key article.FeedKey, f Format) string {
	if key.Kind == article.FeedSite || key.Kind == "" {
		return "/feeds/" + f.File()
	}
	return "/feeds/" + string(key.Kind) + "/" + key.Slug + "/" + f.File()
}

// Channel is what every feed of one publication shares. Build it once from
// the configuration; it is read-only afterwards and safe for concurrent use.
type Channel struct {
	// Name is the publication's name ("Новини"), the title of the site feed
	// and the prefix of the others.
	Name string
	// URL is the publisher's site (SITE_URL): the feeds' alternate link and
	// the authority of entry IDs.
	URL string
	// BaseURL is this service's public base (BASE_URL), for self links.
	BaseURL string
	// HubURL is the WebSub hub; empty means none.
	HubURL string
	// Language is the feeds' language tag ("bg").
	Language string
	// LogoURL is the channel image; empty means none.
	LogoURL string
	// Location is the publisher's zone; dates are written in it.
	Location *time.Location
	// TTL is the RSS <ttl>: how long readers may cache a feed.
	TTL time.Duration
}

// tagAuthority is the date part of the tag: URIs (RFC 4151) that identify
// feeds and entries. It is fixed so that IDs never change.
const tagAuthority = ",2025:"

// host is the authority of tag: URIs: the site's host name.
func (s *Channel) host() string {
	u, err := url.Parse(s.URL)
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	return u.Hostname()
}

// tagPrefix starts every tag: URI of the site.
func (s *Channel) tagPrefix() string { return "tag:" + s.host() + tagAuthority }

// EntryID is the stable identifier of an article in every format (RSS guid,
// Atom id, JSON Feed id): it depends only on the site's host and the
// article's ID, so edits, new slugs or new URLs never change it.
func (s *Channel) EntryID(id string) string { return s.tagPrefix() + "article:" + id }

// FeedID is the stable Atom id of a feed.
func (s *Channel) FeedID(key article.FeedKey) string { return s.tagPrefix() + "feed:" + key.String() }

// FeedURL is the absolute URL of the first page of a feed.
func (s *Channel) FeedURL(key article.FeedKey, f Format) string {
	return s.BaseURL + Path(key, f)
}

// Title is the feed's title: the site's name, then the display name of the
// section, tag or author.
func (s *Channel) Title(key article.FeedKey) string {
	name := displayName(key)
	switch key.Kind {
	case article.FeedSection:
		return s.Name + " — " + name
	case article.FeedTag:
		return s.Name + " — #" + name
	case article.FeedAuthor:
		return s.Name + " — " + name
	}
	return s.Name
}

// displayName is the section, tag or author as people write it, or its
// slug when no article has named it yet.
func displayName(key article.FeedKey) string {
	if key.Name == "" {
		return key.Slug
	}
	return key.Name
}

// Description is the feed's one-line description.
func (s *Channel) Description(key article.FeedKey) string {
	name := displayName(key)
	switch key.Kind {
	case article.FeedSection:
		return "Новини от раздел „" + name + "“ на " + s.Name
	case article.FeedTag:
		return "Новини с етикет „" + name + "“ на " + s.Name
	case article.FeedAuthor:
		return "Статии на " + name + " в " + s.Name
	}
	return "Последни новини от " + s.Name
}

// Document is one page of one feed, as the HTTP layer hands it over.
type Document struct {
	// Key names the feed; Key.Name is the display name.
	Key article.FeedKey
	// Updated is when the feed last changed (the feed head). When zero, the
	// newest UpdatedAt of the articles is used.
	Updated time.Time
	// Articles are the public articles of the page, newest first.
	Articles []article.Article
	// Self is the absolute URL of this page; empty means the first page.
	Self string
	// Next is the absolute URL of the following page, or empty.
	Next string
}

// Render writes page p of format f to w.
func (s *Channel) Render(w io.Writer, f Format, p *Document) error {
	switch f {
	case RSS:
		return s.RenderRSS(w, p)
	case Atom:
		return s.RenderAtom(w, p)
	case JSON:
		return s.RenderJSON(w, p)
	}
	return fmt.Errorf("feed: unknown format %d", f)
}

// self is the page's self link, the first page's URL by default.
func (s *Channel) self(p *Document, f Format) string {
	if p.Self != "" {
		return p.Self
	}
	return s.FeedURL(p.Key, f)
}

// updated is the instant the feed says it was last updated.
func updated(p *Document) time.Time {
	if !p.Updated.IsZero() {
		return p.Updated
	}
	var t time.Time
	for i := range p.Articles {
		if u := modified(&p.Articles[i]); u.After(t) {
			t = u
		}
	}
	return t
}

// published is when an article was published: PublishedAt, or its sort time
// for an article stored without one.
func published(a *article.Article) time.Time {
	return a.SortTime()
}

// modified is when an article last changed, never before it was published.
func modified(a *article.Article) time.Time {
	if a.UpdatedAt.Before(published(a)) {
		return published(a)
	}
	return a.UpdatedAt
}

// link is the article's canonical URL, or the site's URL for its slug when
// the store has none.
func (s *Channel) link(a *article.Article) string {
	if a.URL != "" {
		return a.URL
	}
	return strings.TrimRight(s.URL, "/") + "/" + url.PathEscape(a.Slug)
}

// categoryNames lists an article's section and tags, the section first.
func categoryNames(a *article.Article) []string {
	if a.Section == "" {
		return dropXMLForbiddenAll(a.Tags)
	}
	out := make([]string, 0, 1+len(a.Tags))
	out = append(out, article.DropXMLForbidden(a.Section))
	for _, t := range a.Tags {
		out = append(out, article.DropXMLForbidden(t))
	}
	return out
}

// slugs memoizes article.Slugify for one render: the same few sections and
// tags recur on every article of a feed.
type slugs map[string]string

func (m slugs) of(name string) string {
	s, ok := m[name]
	if !ok {
		s = article.Slugify(name)
		m[name] = s
	}
	return s
}

// imageType is an enclosure's MIME type: article.ImageType, else JPEG,
// which an enclosure must name and most photos are.
func imageType(u string) string { return cmp.Or(article.ImageType(u), "image/jpeg") }

// NewChannel builds the Channel of a deployment from its configuration. The TTL
// matches the max-age the feed routes send.
func NewChannel(cfg config.Config) *Channel {
	return &Channel{
		Name:     cfg.SiteName,
		URL:      cfg.SiteURL,
		BaseURL:  cfg.BaseURL,
		HubURL:   cfg.HubURL,
		Language: cfg.Language,
		LogoURL:  cfg.LogoURL,
		Location: cfg.Location,
		TTL:      5 * time.Minute,
	}
}
