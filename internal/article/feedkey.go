package article

import (
	"fmt"
	"strings"
	"time"
)

// FeedKind names the kind of list a feed is.
type FeedKind string

// The kinds of feeds. FeedSite has no slug.
const (
	FeedSite    FeedKind = "site"
	FeedSection FeedKind = "section"
	FeedTag     FeedKind = "tag"
	FeedAuthor  FeedKind = "author"
)

// FeedKey identifies one feed: the site, or one section, tag or author by
// its slug. Name is the display name ("Свят") and is not part of identity.
type FeedKey struct {
	Kind FeedKind
	Slug string
	Name string
}

// SiteFeed is the key of the site-wide feed.
var SiteFeed = FeedKey{Kind: FeedSite}

// ParseFeedKind returns the kind named s, for a route segment.
func ParseFeedKind(s string) (FeedKind, bool) {
	switch k := FeedKind(s); k {
	case FeedSection, FeedTag, FeedAuthor:
		return k, true
	}
	return "", false
}

// String is the key's stable storage form: "site", "section/svyat",
// "tag/nato", "author/ivan-petrov".
func (k FeedKey) String() string {
	if k.Kind == FeedSite {
		return string(FeedSite)
	}
	return string(k.Kind) + "/" + k.Slug
}

// ParseFeedKey is the inverse of FeedKey.String; Name is left empty.
func ParseFeedKey(s string) (FeedKey, error) {
	if s == string(FeedSite) {
		return SiteFeed, nil
	}
	kind, slug, ok := strings.Cut(s, "/")
	k, okKind := ParseFeedKind(kind)
	if !ok || !okKind || slug == "" {
		return FeedKey{}, fmt.Errorf("article: bad feed key %q", s)
	}
	return FeedKey{Kind: k, Slug: slug}, nil
}

func (k FeedKey) id() FeedKey { return FeedKey{Kind: k.Kind, Slug: k.Slug} }

// Same reports whether two keys name the same feed, ignoring Name.
func (k FeedKey) Same(o FeedKey) bool { return k.Kind == o.Kind && k.Slug == o.Slug }

// FeedHead is the small record kept current on every write that touches a
// feed, so a conditional request can be answered from it alone, without
// reading any article. Rev grows by one on every change to the feed.
type FeedHead struct {
	Key       FeedKey
	Rev       int64
	UpdatedAt time.Time
}

// Position is a place in a newest-first list: the sort time and ID of the
// last article already returned. The HTTP layer seals it before it leaves the
// service (see package cursor).
type Position struct {
	Time time.Time
	ID   string
}

// IsZero reports whether c is the start of a list.
func (c Position) IsZero() bool { return c.ID == "" }

// ListOptions selects one page of a newest-first list.
type ListOptions struct {
	Limit int
	After Position
}

// Page is one page of a list. Next is zero on the last page.
type Page struct {
	Articles []Article
	Next     Position
}
