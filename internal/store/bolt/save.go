package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// Save writes a if the stored version is still prev (0: a must be new), in
// one transaction with its slug lock, the admin index, its feed entries and
// the heads of the feeds whose public list it changes.
func (s *Store) Save(ctx context.Context, a article.Article, prev int64) error {
	if err := rules.CheckSave(&a, prev); err != nil {
		return fmt.Errorf("bolt: save %q: %w", a.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: save %q: %w", a.ID, err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error { return save(tx, &a, prev) })
	if err != nil {
		return fmt.Errorf("bolt: save %q: %w", a.ID, err)
	}
	return nil
}

func save(tx *bbolt.Tx, a *article.Article, prev int64) error {
	old, exists, err := getRecord(tx, a.ID)
	if err != nil {
		return err
	}
	switch {
	case prev == 0 && exists:
		return fmt.Errorf("exists at version %d: %w", old.Version, article.ErrVersionMismatch)
	case prev != 0 && !exists:
		return fmt.Errorf("does not exist, expected version %d: %w", prev, article.ErrVersionMismatch)
	case prev != 0 && old.Version != prev:
		return fmt.Errorf("stored version is %d, not %d: %w", old.Version, prev, article.ErrVersionMismatch)
	}

	// Every slug an article ever held stays in the slug bucket under its
	// ID, tombstones' included: a slug is reserved for good, and the old
	// ones lead GetBySlug to the article.
	slugs := tx.Bucket(bucketSlugs)
	if holder := slugs.Get([]byte(a.Slug)); holder != nil && string(holder) != a.ID {
		return &article.SlugTakenError{Slug: a.Slug, Owner: string(holder)}
	}
	a.PreviousSlugs = nil
	if exists {
		a.PreviousSlugs = article.SlugHistory(old.PreviousSlugs, old.Slug, a.Slug)
	}
	if err := rules.CheckHistory(a); err != nil {
		return err
	}
	if err := slugs.Put([]byte(a.Slug), []byte(a.ID)); err != nil {
		return fmt.Errorf("lock slug %q: %w", a.Slug, err)
	}

	var oldArticle article.Article
	if exists {
		oldArticle = old.article()
	}
	if err := index(tx, &oldArticle, exists, a); err != nil {
		return err
	}
	pending, err := schedule(tx, &old, exists, a)
	if err != nil {
		return err
	}

	rec := toRecord(a)
	rec.Pending = pending
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	if err := tx.Bucket(bucketArticles).Put([]byte(a.ID), v); err != nil {
		return fmt.Errorf("put: %w", err)
	}
	return nil
}

// index moves a from its old positions (old, when exists) to its new ones
// in the admin index and the feeds, and bumps the head of every feed whose
// public list changes at the save (rules.HeadChanges): not those of a
// scheduled article's feeds, which Release bumps.
func index(tx *bbolt.Tx, old *article.Article, exists bool, a *article.Article) error {
	admin := tx.Bucket(bucketAdmin)
	oldKey, newKey := []byte(rules.ArticleKey(old)), []byte(rules.ArticleKey(a))
	if exists && !old.Deleted {
		if err := admin.Delete(oldKey); err != nil {
			return fmt.Errorf("unindex: %w", err)
		}
	}
	if !a.Deleted {
		if err := admin.Put(newKey, []byte(a.ID)); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}

	oldFeeds, newFeeds := map[string]article.FeedKey{}, rules.FeedIDs(a)
	if exists {
		oldFeeds = rules.FeedIDs(old)
	}
	feeds := tx.Bucket(bucketFeeds)
	for id := range oldFeeds {
		if b := feeds.Bucket([]byte(id)); b != nil {
			if err := b.Delete(oldKey); err != nil {
				return fmt.Errorf("leave feed %s: %w", id, err)
			}
		}
	}
	for id := range newFeeds {
		b, err := feeds.CreateBucketIfNotExists([]byte(id))
		if err != nil {
			return fmt.Errorf("feed %s: %w", id, err)
		}
		if err := b.Put(newKey, []byte(a.ID)); err != nil {
			return fmt.Errorf("join feed %s: %w", id, err)
		}
	}

	now := a.UpdatedAt
	if now.IsZero() {
		now = time.Now()
	}
	var before *article.Article
	if exists {
		before = old
	}
	for id, k := range newFeeds {
		if rules.HeadChanges(id, before, a, now) {
			if err := bumpHead(tx, id, k.Name, now); err != nil {
				return err
			}
		}
	}
	for id := range oldFeeds {
		if _, stays := newFeeds[id]; !stays && rules.HeadChanges(id, before, a, now) {
			if err := bumpHead(tx, id, "", now); err != nil {
				return err
			}
		}
	}
	return nil
}

// bumpHead adds one to the revision of feed id. name, when not empty,
// replaces the display name: the latest article to join names the feed.
func bumpHead(tx *bbolt.Tx, id, name string, now time.Time) error {
	heads := tx.Bucket(bucketHeads)
	var h head
	if v := heads.Get([]byte(id)); v != nil {
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("decode head %s: %w", id, err)
		}
	}
	h.Rev++
	h.UpdatedAt = now
	if name != "" {
		h.Name = name
	}
	v, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode head %s: %w", id, err)
	}
	if err := heads.Put([]byte(id), v); err != nil {
		return fmt.Errorf("put head %s: %w", id, err)
	}
	return nil
}
