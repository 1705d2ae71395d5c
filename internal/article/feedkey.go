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

// FeedHead is the small record kept current on every write that changes
// what a feed shows, so a conditional request can be answered from it
// alone, without reading any article. Rev grows by one on every such
// change, and UpdatedAt is when it happened.
//
// A save of a scheduled article changes no head: its feeds show nothing of
// it until the store releases it (Release bumps the heads then), so no
// validator, date or lifetime of a feed tells that a story is coming. The
// head holds nothing per article, whatever the number of pending ones.
type FeedHead struct {
	Key       FeedKey
	Rev       int64
	UpdatedAt time.Time
}

// ListedAsOf is the instant a feed described by h is listed at, for a
// request at now: UpdatedAt (never later than now), so that what a page
// shows changes only with the head, and its validators name it exactly. A
// scheduled article whose time has come appears with the release that
// bumps the head; an article saved live was live at its save's UpdatedAt.
// A head never written (UpdatedAt zero) answers now; the feed routes list
// nothing for it (only pending articles can be in such a feed).
func (h *FeedHead) ListedAsOf(now time.Time) time.Time {
	if h.UpdatedAt.IsZero() || h.UpdatedAt.After(now) {
		return now
	}
	return h.UpdatedAt
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
	// AsOf is the instant a feed is listed at: ListFeed leaves out the
	// articles whose PublishedAt is after it (scheduled ones). Zero means
	// the store's clock. List, the admin list, ignores it.
	AsOf time.Time
}

// Page is one page of a list. Next is zero on the last page.
type Page struct {
	Articles []Article
	Next     Position
}
