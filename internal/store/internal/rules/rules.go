// Package rules holds what the bolt and dynamo stores must agree on to pass
// the same conformance suite: the sort key that orders newest-first lists,
// page limits, and the checks done before a write.
package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Page limits of List and ListFeed.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// sortTimeLayout is fixed width (nanoseconds never trimmed, always UTC), so
// sort keys compare as strings in time order.
const sortTimeLayout = "2006-01-02T15:04:05.000000000Z"

// SortKey is the position of an article in newest-first lists: its sort time
// in UTC, "#", its ID. Lists read keys in descending order; two articles
// with the same instant are ordered by ID, descending.
func SortKey(t time.Time, id string) string {
	return t.UTC().Format(sortTimeLayout) + "#" + id
}

// ArticleKey is SortKey of a.
func ArticleKey(a *article.Article) string {
	return SortKey(a.SortTime(), a.ID)
}

// CursorKey is the sort key a page after c must stay strictly below.
func CursorKey(c article.Position) string {
	return SortKey(c.Time, c.ID)
}

// LiveBound is the sort key a feed listed at asOf must stay strictly below:
// every article with a sort time at or before asOf has a smaller key (the
// time part is fixed width), every later one a larger key.
func LiveBound(asOf time.Time) string {
	return SortKey(asOf.Add(time.Nanosecond), "")
}

// Limit turns a requested page size into the one served: 20 when unset, at
// most 100.
func Limit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// CheckSave rejects writes that break Store.Save's preconditions. They are
// programming errors of the caller, so they are not one of the article
// sentinels.
func CheckSave(a *article.Article, prev int64) error {
	switch {
	case a.ID == "":
		return errors.New("article has no ID")
	case a.Slug == "":
		return errors.New("article has no slug")
	case prev < 0:
		return fmt.Errorf("previous version %d is negative", prev)
	case a.Version != prev+1:
		return fmt.Errorf("version %d does not follow previous version %d", a.Version, prev)
	}
	return nil
}

// CheckNetwork rejects share network names that cannot be counted. A
// network is 1 to 64 ASCII letters, digits, '-' and '_' ("facebook", "x",
// "viber"), and neither "pk" nor "sk": the DynamoDB store keeps one
// attribute per network beside its key attributes, and a dot or bracket
// would be read as a document path.
func CheckNetwork(network string) error {
	if network == "pk" || network == "sk" {
		return fmt.Errorf("share network %q is a reserved name", network)
	}
	if network == "" || len(network) > 64 {
		return fmt.Errorf("share network %q must be 1 to 64 bytes", network)
	}
	for _, c := range []byte(network) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("share network %q has a character other than A-Z, a-z, 0-9, '-' and '_'", network)
		}
	}
	return nil
}

// FeedIDs maps the storage form of each feed of a to its key, display name
// included.
func FeedIDs(a *article.Article) map[string]article.FeedKey {
	feeds := a.Feeds()
	m := make(map[string]article.FeedKey, len(feeds))
	for _, k := range feeds {
		m[k.String()] = k
	}
	return m
}

// HeadChanges reports whether a save that replaces old (nil: none) with a
// at now changes what feed shows the public, and so must bump its head: a
// was live in it before, or is live in it after. A save of a scheduled
// article (new, edited, moved to another feed or time, back to a draft,
// deleted) changes no head while the article was never live: its feed
// entries are bounded out of every listing until its time, and Release
// bumps the heads then. Nothing a feed's readers can see (validators,
// dates, lifetimes) tells that a story is coming.
func HeadChanges(feed string, old, a *article.Article, now time.Time) bool {
	if a.LiveAt(now) {
		if _, in := FeedIDs(a)[feed]; in {
			return true
		}
	}
	if old != nil && old.LiveAt(now) {
		if _, in := FeedIDs(old)[feed]; in {
			return true
		}
	}
	return false
}

// CheckHistory rejects a save whose slug history (derived by the store from
// the stored article, article.SlugHistory) outgrows article.MaxPreviousSlugs.
// The admin service refuses such a rename first, with a field error.
func CheckHistory(a *article.Article) error {
	if n := len(a.PreviousSlugs); n > article.MaxPreviousSlugs {
		return fmt.Errorf("article would have %d previous slugs, more than %d", n, article.MaxPreviousSlugs)
	}
	return nil
}

// FeedArticles clears what feed listings leave out of the articles of a
// page: their previous slugs, which feeds never show (the DynamoDB store's
// feed entries do not carry them).
func FeedArticles(p *article.Page) {
	for i := range p.Articles {
		p.Articles[i].PreviousSlugs = nil
	}
}

// totalWidth is the digits of a share total in SharesKey: an int64 is at
// most 19 digits, so zero-padded totals compare as strings in number order.
const totalWidth = 19

// SharesKey is the position of an article in the most-shared list: its
// share total, zero-padded, "#", then its newest-first SortKey. Read in
// descending order it lists the most shared first, ties newest first.
func SharesKey(total int64, t time.Time, id string) string {
	return RankKey(total, SortKey(t, id))
}

// RankKey is SharesKey of an article whose SortKey is sortKey.
func RankKey(total int64, sortKey string) string {
	return fmt.Sprintf("%0*d#%s", totalWidth, max(total, 0), sortKey)
}

// SharesCursorKey is the key a most-shared page after p must stay strictly
// below.
func SharesCursorKey(p article.SharesPosition) string {
	return SharesKey(p.Total, p.Time, p.ID)
}

// ParseSharesKey reads a SharesKey back into the position it names.
func ParseSharesKey(key string) (article.SharesPosition, error) {
	total, rest, ok := strings.Cut(key, "#")
	if !ok || len(total) != totalWidth || len(rest) < len(sortTimeLayout)+2 || rest[len(sortTimeLayout)] != '#' {
		return article.SharesPosition{}, fmt.Errorf("shares key %q is malformed", key)
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil || n < 0 {
		return article.SharesPosition{}, fmt.Errorf("shares key %q: bad total", key)
	}
	at, err := time.Parse(sortTimeLayout, rest[:len(sortTimeLayout)])
	if err != nil {
		return article.SharesPosition{}, fmt.Errorf("shares key %q: %w", key, err)
	}
	return article.SharesPosition{Total: n, Time: at, ID: rest[len(sortTimeLayout)+1:]}, nil
}
