package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
)

// The buckets, one per access path. A sort key is the article's sort time
// in UTC at fixed width, "#", its ID (internal/store/internal/rules), so a
// cursor walked backwards lists newest first.
var (
	// ID → JSON record (a private struct, apart from the API's JSON).
	bucketArticles = []byte("articles")
	// slug → ID; a tombstone keeps its slug, so it is never reused.
	bucketSlugs = []byte("slugs")
	// sort key → ID of every live article, drafts included.
	bucketAdmin = []byte("admin")
	// One nested bucket per feed ("site", "section/svyat", …): sort key →
	// ID of every public article in that feed.
	bucketFeeds = []byte("feeds")
	// feed → JSON {rev, updatedAt, name}.
	bucketHeads = []byte("heads")
	// ID → JSON {network: count}, the all-time totals.
	bucketShares = []byte("shares")
	// ID, 0x00, yyyy-mm-dd (the store's location) → JSON {network: count}.
	bucketShareDays = []byte("share-days")
)

// Store is an article store in one bbolt file. It is safe for concurrent
// use.
type Store struct {
	db  *bbolt.DB
	now func() time.Time
	loc *time.Location
}

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock that dates share counts; time.Now by default.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithLocation sets the time zone whose calendar days share counts are
// kept by (the site's); UTC by default.
func WithLocation(loc *time.Location) Option {
	return func(s *Store) { s.loc = loc }
}

// Open opens the store at path, creating the file, its directory and the
// buckets if needed. It waits at most a second for another process holding
// the file, rather than hanging a `make run` forever.
func Open(path string, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, name := range append([][]byte{bucketArticles, bucketSlugs, bucketAdmin, bucketFeeds, bucketHeads, bucketShares, bucketShareDays}, fediBuckets...) {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close() // The bucket error is the one worth reporting.
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	s := &Store{db: db, now: time.Now, loc: time.UTC}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Close releases the file. Calls after Close fail.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// Get returns the article with the given ID, a tombstone included.
func (s *Store) Get(ctx context.Context, id string) (article.Article, error) {
	if err := ctx.Err(); err != nil {
		return article.Article{}, fmt.Errorf("bolt: get %q: %w", id, err)
	}
	var a article.Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		a, err = getArticle(tx, id)
		return err
	})
	if err != nil {
		return article.Article{}, fmt.Errorf("bolt: get %q: %w", id, err)
	}
	return a, nil
}

// GetBySlug returns the article holding slug, now or as one of its
// previous slugs, a tombstone included.
func (s *Store) GetBySlug(ctx context.Context, slug string) (article.Article, error) {
	if err := ctx.Err(); err != nil {
		return article.Article{}, fmt.Errorf("bolt: get slug %q: %w", slug, err)
	}
	var a article.Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		id := tx.Bucket(bucketSlugs).Get([]byte(slug))
		if id == nil {
			return article.ErrNotFound
		}
		var err error
		a, err = getArticle(tx, string(id))
		return err
	})
	if err != nil {
		return article.Article{}, fmt.Errorf("bolt: get slug %q: %w", slug, err)
	}
	return a, nil
}

// getArticle reads one article in tx; a missing one is ErrNotFound.
func getArticle(tx *bbolt.Tx, id string) (article.Article, error) {
	r, ok, err := getRecord(tx, id)
	if err != nil {
		return article.Article{}, err
	}
	if !ok {
		return article.Article{}, article.ErrNotFound
	}
	return r.article(), nil
}

// getRecord reads one record in tx and reports whether it exists.
func getRecord(tx *bbolt.Tx, id string) (record, bool, error) {
	v := tx.Bucket(bucketArticles).Get([]byte(id))
	if v == nil {
		return record{}, false, nil
	}
	var r record
	if err := json.Unmarshal(v, &r); err != nil {
		return record{}, false, fmt.Errorf("decode article %q: %w", id, err)
	}
	return r, true, nil
}
