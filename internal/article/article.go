package article

import (
	"time"
)

// Status says whether an article is visible to the public.
type Status string

// The statuses an article can have. Drafts are visible only through the
// admin API.
const (
	StatusPublished Status = "published"
	StatusDraft     Status = "draft"
)

// Author is a byline. URL is optional, and so is Fediverse, the author's
// fediverse address (@name@server.example), which the share page names
// for Mastodon's byline on link previews (fediverse:creator).
type Author struct {
	Name      string
	URL       string
	Fediverse string
}

// Image is an article's main picture. Width and Height are pixels, zero when
// unknown; Credit is the photo credit as printed ("Снимка: EPA/BGNES").
type Image struct {
	URL    string
	Width  int
	Height int
	Alt    string
	Credit string
}

// Article is one news story. Body is HTML, sanitized once at write time
// (newsroom.Sanitizer), so readers of the store render it as it is. Wire
// formats (the admin API's JSON, the stores' items) have types of their own.
type Article struct {
	ID           string
	Slug         string
	Title        string
	Lead         string
	Body         string
	URL          string
	PublishedAt  time.Time
	UpdatedAt    time.Time
	CreatedAt    time.Time
	Authors      []Author
	Source       string
	Section      string
	Tags         []string
	Image        *Image
	Language     string
	Status       Status
	CommentCount int
	Related      []string
	Version      int64
	// Deleted marks a tombstone: the article was deleted, and share pages
	// answer 410 Gone for it. A tombstone keeps ID, Slug, PreviousSlugs,
	// URL, Title and its timestamps, nothing else.
	Deleted bool

	// PreviousSlugs are the slugs the article held before Slug, oldest
	// first. Each stays reserved for the article forever: share URLs made
	// with one redirect to the current slug, and no other article may take
	// it. The stores derive it on every save (SlugHistory); feed listings
	// leave it out, since feeds and sitemaps name the current slug only.
	PreviousSlugs []string
}

// Public reports whether the article may be shown outside the admin API.
func (a *Article) Public() bool {
	return !a.Deleted && a.Status == StatusPublished
}

// LiveAt reports whether the article is shown to the public at now: it is
// Public and its PublishedAt is not after now. Every public read path asks
// LiveAt: share pages, cards, share links and oEmbed with their clock, feeds
// and the news sitemap as of their head (FeedHead.ListedAsOf); Public alone
// stays the time-free rule the stores index by.
func (a *Article) LiveAt(now time.Time) bool {
	return a.Public() && !a.PublishedAt.After(now)
}

// ScheduledAt reports whether the article is scheduled at now: Public, but
// with a PublishedAt still to come. It goes live at PublishedAt.
func (a *Article) ScheduledAt(now time.Time) bool {
	return a.Public() && a.PublishedAt.After(now)
}

// WasLive reports whether a tombstone's article was live when it was
// deleted (its UpdatedAt): published, with a PublishedAt not after the
// deletion. Only such a story's public surfaces answer 410 Gone; one
// deleted as a draft or before its scheduled time never was public, and
// answers as a story that never existed (404), so a deletion tells nothing
// about an embargo.
func (a *Article) WasLive() bool {
	return a.Deleted && a.Status == StatusPublished && !a.PublishedAt.After(a.UpdatedAt)
}

// SortTime is the instant an article sorts by in newest-first lists:
// PublishedAt, or CreatedAt for a draft without a publication time.
func (a *Article) SortTime() time.Time {
	if a.PublishedAt.IsZero() {
		return a.CreatedAt
	}
	return a.PublishedAt
}

// Feeds lists every feed a public article appears in: the site, its section,
// each tag and each author. It is empty for drafts and tombstones.
func (a *Article) Feeds() []FeedKey {
	if !a.Public() {
		return nil
	}
	keys := make([]FeedKey, 0, 2+len(a.Tags)+len(a.Authors))
	keys = append(keys, FeedKey{Kind: FeedSite})
	if a.Section != "" {
		keys = append(keys, FeedKey{Kind: FeedSection, Slug: Slugify(a.Section), Name: a.Section})
	}
	seen := make(map[FeedKey]bool, len(a.Tags)+len(a.Authors))
	for _, t := range a.Tags {
		k := FeedKey{Kind: FeedTag, Slug: Slugify(t), Name: t}
		if k.Slug != "" && !seen[k.id()] {
			seen[k.id()] = true
			keys = append(keys, k)
		}
	}
	for _, au := range a.Authors {
		k := FeedKey{Kind: FeedAuthor, Slug: Slugify(au.Name), Name: au.Name}
		if k.Slug != "" && !seen[k.id()] {
			seen[k.id()] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// Tombstone returns what remains of a once it is deleted at time now.
func (a *Article) Tombstone(now time.Time) Article {
	return Article{
		ID:          a.ID,
		Slug:        a.Slug,
		Title:       a.Title,
		URL:         a.URL,
		Language:    a.Language,
		Status:      a.Status,
		PublishedAt: a.PublishedAt,
		CreatedAt:   a.CreatedAt,
		UpdatedAt:   now,
		Version:     a.Version + 1,
		Deleted:     true,
		// A tombstone keeps every slug reserved, old ones included.
		PreviousSlugs: a.PreviousSlugs,
	}
}
