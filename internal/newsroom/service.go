package newsroom

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Store is what the Service needs from storage. Implementations live in
// internal/store; they must honour the version condition of Save atomically.
type Store interface {
	// Get returns the article with the given ID, a tombstone included
	// (Deleted set), or an error wrapping article.ErrNotFound.
	Get(ctx context.Context, id string) (article.Article, error)
	// GetBySlug is Get by slug: the current slug or a previous one (then
	// the article's Slug differs from the one asked for).
	GetBySlug(ctx context.Context, slug string) (article.Article, error)
	// Save writes a, whose Version must be prev+1, only if the stored
	// version is still prev (0: the article must not exist). It returns
	// an error wrapping article.ErrVersionMismatch when it is not, and article.ErrConflict
	// (an *article.SlugTakenError) when a.Slug belongs to another article,
	// as its slug or a previous one. Save keeps the slug index, the feed
	// lists and the feed heads in step with a. It sets the stored
	// PreviousSlugs itself, article.SlugHistory of the stored article and
	// a.Slug, whatever a carries: every slug an article held stays
	// reserved for it, tombstones included.
	Save(ctx context.Context, a article.Article, prev int64) error
	// List returns every article but tombstones, drafts included, newest
	// first by SortTime.
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

// Service applies the write rules of the admin API: defaults, validation,
// cleaning, versions and tombstones. It is safe for concurrent use.
type Service struct {
	store     Store
	sanitizer *Sanitizer
	now       func() time.Time
	newID     func() string
	siteURL   string
}

// Options configures a Service. SiteURL is the publisher's site, used for
// default canonical URLs; Now and NewID default to the wall clock and random
// IDs.
type Options struct {
	SiteURL string
	Now     func() time.Time
	NewID   func() string
}

// NewService returns a Service writing to s.
func NewService(s Store, opts Options) *Service {
	svc := &Service{
		store:     s,
		sanitizer: NewSanitizer(),
		now:       opts.Now,
		newID:     opts.NewID,
		siteURL:   strings.TrimRight(opts.SiteURL, "/"),
	}
	if svc.now == nil {
		svc.now = time.Now
	}
	if svc.newID == nil {
		svc.newID = NewID
	}
	return svc
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random, URL-safe, 16-character article ID.
func NewID() string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return idEncoding.EncodeToString(b[:])
}

// Get returns an article for the admin API; a tombstone is article.ErrGone.
func (s *Service) Get(ctx context.Context, id string) (article.Article, error) {
	a, err := s.store.Get(ctx, id)
	if err != nil {
		return article.Article{}, err
	}
	if a.Deleted {
		return article.Article{}, fmt.Errorf("article %q: %w", id, article.ErrGone)
	}
	return a, nil
}

// List returns one page of all live articles, drafts included.
func (s *Service) List(ctx context.Context, opts article.ListOptions) (article.Page, error) {
	return s.store.List(ctx, opts)
}

// Create stores a new article. An ID that already exists is article.ErrConflict; so
// is a slug the client chose that another article has. A slug made from the
// title that is taken gets the ID appended instead.
func (s *Service) Create(ctx context.Context, a article.Article) (article.Article, error) {
	chosenSlug := a.Slug != ""
	if a.ID == "" {
		a.ID = s.newID()
	}
	now := s.now()
	if err := s.prepare(&a, nil, now); err != nil {
		return article.Article{}, err
	}
	a.PreviousSlugs = nil
	a.Version = 1
	err := s.store.Save(ctx, a, 0)
	if errors.Is(err, article.ErrConflict) && !chosenSlug {
		oldURL := s.siteURL + "/" + a.Slug
		a.Slug = uniqueSlug(a.Slug, a.ID)
		if a.URL == oldURL {
			a.URL = s.siteURL + "/" + a.Slug
		}
		err = s.store.Save(ctx, a, 0)
	}
	if errors.Is(err, article.ErrVersionMismatch) {
		return article.Article{}, fmt.Errorf("article %q already exists: %w", a.ID, article.ErrConflict)
	}
	if err != nil {
		return article.Article{}, err
	}
	return a, nil
}

// Replace creates or replaces the article id (PUT). ifMatch, when not nil,
// is the version the client last saw: 0 means "only if it does not exist"
// (a deleted article does not),
// and a stale version is article.ErrVersionMismatch. Without ifMatch, a write that
// races another is retried on the new version. Replacing an article by
// identical content writes nothing and keeps its version, so a repeated PUT
// is idempotent. created reports whether the article was new.
func (s *Service) Replace(ctx context.Context, id string, a article.Article, ifMatch *int64) (_ article.Article, created bool, err error) {
	if a.ID != "" && a.ID != id {
		v := &article.ValidationError{}
		v.Add("id", "must match the id in the path (%q)", id)
		return article.Article{}, false, v
	}
	a.ID = id
	in := a
	for attempt := 0; attempt < 3; attempt++ {
		a = in
		a.Tags = append([]string(nil), in.Tags...)
		a.Authors = append([]article.Author(nil), in.Authors...)
		if in.Image != nil {
			img := *in.Image
			a.Image = &img
		}
		cur, err := s.store.Get(ctx, id)
		var prev *article.Article
		switch {
		case errors.Is(err, article.ErrNotFound):
		case err != nil:
			return article.Article{}, false, err
		default:
			prev = &cur
		}
		var prevVersion int64
		if prev != nil {
			prevVersion = prev.Version
		}
		// A tombstone is no article: "must not exist" (0) holds for it, and
		// the save is still pinned to its version, so a concurrent
		// re-creation makes this one fail.
		createOverTombstone := ifMatch != nil && *ifMatch == 0 && prev != nil && prev.Deleted
		if ifMatch != nil && *ifMatch != prevVersion && !createOverTombstone {
			return article.Article{}, false, fmt.Errorf("article %q is at version %d, not %d: %w", id, prevVersion, *ifMatch, article.ErrVersionMismatch)
		}
		live := prev
		if prev != nil && prev.Deleted {
			live = nil
		}
		now := s.now()
		if err := s.prepare(&a, live, now); err != nil {
			return article.Article{}, false, err
		}
		if err := slugHistory(&a, prev); err != nil {
			return article.Article{}, false, err
		}
		if live != nil && sameContent(a, *live) {
			return *live, false, nil
		}
		a.Version = prevVersion + 1
		err = s.store.Save(ctx, a, prevVersion)
		if errors.Is(err, article.ErrConflict) && in.Slug == "" && live == nil {
			// A new article whose title-made slug is taken gets the ID
			// appended, as in Create: the client chose no slug, so two
			// stories with one headline must not be a conflict.
			oldURL := s.siteURL + "/" + a.Slug
			a.Slug = uniqueSlug(a.Slug, a.ID)
			if a.URL == oldURL {
				a.URL = s.siteURL + "/" + a.Slug
			}
			if err := slugHistory(&a, prev); err != nil {
				return article.Article{}, false, err
			}
			err = s.store.Save(ctx, a, prevVersion)
		}
		if errors.Is(err, article.ErrVersionMismatch) && ifMatch == nil {
			continue
		}
		if err != nil {
			return article.Article{}, false, err
		}
		return a, live == nil, nil
	}
	return article.Article{}, false, fmt.Errorf("article %q: concurrent writers kept winning: %w", id, article.ErrVersionMismatch)
}

// Delete replaces the article by a tombstone, so share pages answer 410 and
// feeds drop it. ifMatch works as for Replace.
func (s *Service) Delete(ctx context.Context, id string, ifMatch *int64) error {
	cur, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	if cur.Deleted {
		return fmt.Errorf("article %q: %w", id, article.ErrGone)
	}
	if ifMatch != nil && *ifMatch != cur.Version {
		return fmt.Errorf("article %q is at version %d, not %d: %w", id, cur.Version, *ifMatch, article.ErrVersionMismatch)
	}
	return s.store.Save(ctx, cur.Tombstone(s.now()), cur.Version)
}

// madeForOtherSlug reports whether u is the URL the service makes
// (SITE_URL/<slug>) for one of prev's slugs, current or previous, other
// than slug: a URL the service made, not one the CMS set, which a rename
// moves. A URL with any other shape (a section path, another host) is the
// CMS's and stays as it is.
func (s *Service) madeForOtherSlug(u, slug string, prev *article.Article) bool {
	old, ok := strings.CutPrefix(u, s.siteURL+"/")
	if !ok || old == slug {
		return false
	}
	return old == prev.Slug || slices.Contains(prev.PreviousSlugs, old)
}

// prepare fills defaults, validates and cleans a. prev is the live article
// being replaced, if any: it keeps the slug, creation and publication times
// a client leaves out.
func (s *Service) prepare(a *article.Article, prev *article.Article, now time.Time) error {
	a.Deleted = false
	// Plain text first, so that the slug and the checks see what is stored
	// ("<b></b>" is an empty title, "<b>НАТО</b>" slugs as "nato").
	plainFields(a)
	s.defaults(a, prev, now)
	if err := article.Validate(a); err != nil {
		return err
	}
	if a.Slug == "" {
		// The title has no letters or digits at all ("!!!", emoji). An ID
		// may hold '_' and end in '-', which a slug may not.
		a.Slug = article.Slugify(a.ID)
		if a.URL == "" {
			a.URL = s.siteURL + "/" + a.Slug
		}
	}
	s.sanitizer.Sanitize(a)
	// Cleaning escapes quotes and makes links absolute, so a body that
	// passed article.Validate can come out several times larger; the limits are
	// about what is stored (DynamoDB's item and transaction sizes).
	var v article.ValidationError
	if len(a.Body) > article.MaxBodyBytes {
		v.Add("body", "is %d bytes of UTF-8 once sanitized and its links made absolute; the limit is %d", len(a.Body), article.MaxBodyBytes)
	}
	if n := article.TextBytes(a); n > article.MaxArticleBytes {
		v.Add("article", "its text fields are %d bytes of UTF-8 together once the body is sanitized; the limit is %d", n, article.MaxArticleBytes)
	}
	return v.Err()
}

func (s *Service) defaults(a *article.Article, prev *article.Article, now time.Time) {
	if a.Status == "" {
		a.Status = article.StatusPublished
	}
	if a.Language == "" {
		a.Language = "bg"
	}
	if a.Slug == "" && prev != nil {
		a.Slug = prev.Slug
	}
	if a.Slug == "" {
		a.Slug = article.Slugify(a.Title)
	}
	if a.URL == "" && a.Slug != "" {
		a.URL = s.siteURL + "/" + a.Slug
	}
	if prev != nil && a.Slug != "" && s.madeForOtherSlug(a.URL, a.Slug, prev) {
		// A rename by GET→PUT sends the url the service made for the
		// old slug back: it follows the slug, or the old page would
		// redirect to itself and feeds and share pages would name it.
		a.URL = s.siteURL + "/" + a.Slug
	}
	if a.PublishedAt.IsZero() && prev != nil {
		a.PublishedAt = prev.PublishedAt
	}
	if a.PublishedAt.IsZero() && a.Status == article.StatusPublished {
		a.PublishedAt = now
	}
	a.CreatedAt = now
	if prev != nil {
		a.CreatedAt = prev.CreatedAt
	}
	a.UpdatedAt = now
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.Authors == nil {
		a.Authors = []article.Author{}
	}
	if a.Related == nil {
		a.Related = []string{}
	}
}

// slugHistory sets a.PreviousSlugs as the store will (article.SlugHistory
// of the stored article prev, a tombstone included, nil for none), so the
// article returned is the one stored, and refuses a rename beyond
// article.MaxPreviousSlugs.
func slugHistory(a *article.Article, prev *article.Article) error {
	a.PreviousSlugs = nil
	if prev == nil {
		return nil
	}
	a.PreviousSlugs = article.SlugHistory(prev.PreviousSlugs, prev.Slug, a.Slug)
	if len(a.PreviousSlugs) > article.MaxPreviousSlugs {
		v := &article.ValidationError{}
		v.Add("slug", "this article has had %d slugs before, the most it may have; keep the slug or take back one of its previous slugs", article.MaxPreviousSlugs)
		return v
	}
	return nil
}

func uniqueSlug(slug, id string) string {
	// article.Slugify, not ToLower: an ID may hold '_' and a cut may end in '-'.
	suffix := article.Slugify(id)
	if len(suffix) > 8 {
		suffix = strings.TrimRight(suffix[:8], "-")
	}
	if max := article.MaxSlugLen - len(suffix) - 1; len(slug) > max {
		slug = strings.TrimRight(slug[:max], "-")
	}
	return slug + "-" + suffix
}

// sameContent reports whether a and b differ only in what the server sets
// on every write.
func sameContent(a, b article.Article) bool {
	a.Version, b.Version = 0, 0
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	return a.PublishedAt.Equal(b.PublishedAt) && a.CreatedAt.Equal(b.CreatedAt) &&
		reflect.DeepEqual(withoutTimes(a), withoutTimes(b))
}

func withoutTimes(a article.Article) article.Article {
	a.PublishedAt, a.CreatedAt = time.Time{}, time.Time{}
	return a
}
