package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// bucketScheduled indexes the pending articles: sort key (their
// PublishedAt) → ID. It is created by the first save that needs it, so
// files written before scheduling existed open unchanged.
var bucketScheduled = []byte("scheduled")

// schedule keeps the scheduling bookkeeping of a save in tx: a is pending
// when it is scheduled at its save time (UpdatedAt, as for the heads), and
// then the scheduled index holds it, for Release to find. Nothing of it
// goes into a feed's head (see rules.HeadChanges). old (when exists) is
// the record a replaces; its entry goes.
func schedule(tx *bbolt.Tx, old *record, exists bool, a *article.Article) (pending bool, err error) {
	now := a.UpdatedAt
	if now.IsZero() {
		now = time.Now()
	}
	pending = a.ScheduledAt(now)
	if !pending && !(exists && old.Pending) {
		return false, nil
	}
	sched, err := tx.CreateBucketIfNotExists(bucketScheduled)
	if err != nil {
		return false, fmt.Errorf("scheduled index: %w", err)
	}
	if exists && old.Pending {
		oa := old.article()
		if err := sched.Delete([]byte(rules.ArticleKey(&oa))); err != nil {
			return false, fmt.Errorf("unschedule: %w", err)
		}
	}
	if pending {
		if err := sched.Put([]byte(rules.ArticleKey(a)), []byte(a.ID)); err != nil {
			return false, fmt.Errorf("schedule: %w", err)
		}
	}
	return pending, nil
}

// Release makes every pending article whose PublishedAt is at or before
// now an ordinary live one, in one transaction: it leaves the scheduled
// index, and the head of each of its feeds gets a new revision stamped now
// (and the article's display name, as a live save would give it). The
// articles themselves are unchanged (their version too). Feeds list as of
// their head's UpdatedAt (article.FeedHead.ListedAsOf), so this is when
// they show the article and when their validators change. It returns the
// released articles, oldest first.
func (s *Store) Release(ctx context.Context, now time.Time) ([]article.Article, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: release: %w", err)
	}
	var released []article.Article
	err := s.db.Update(func(tx *bbolt.Tx) error {
		released = nil
		sched := tx.Bucket(bucketScheduled)
		if sched == nil {
			return nil
		}
		bound := []byte(rules.LiveBound(now))
		var keys, ids [][]byte
		c := sched.Cursor()
		for k, v := c.First(); k != nil && string(k) < string(bound); k, v = c.Next() {
			keys, ids = append(keys, slices.Clone(k)), append(ids, slices.Clone(v))
		}
		for i, k := range keys {
			if err := sched.Delete(k); err != nil {
				return fmt.Errorf("unschedule %s: %w", k, err)
			}
			r, ok, err := getRecord(tx, string(ids[i]))
			if err != nil {
				return err
			}
			if !ok || !r.Pending {
				continue
			}
			r.Pending = false
			v, err := json.Marshal(r)
			if err != nil {
				return fmt.Errorf("encode: %w", err)
			}
			if err := tx.Bucket(bucketArticles).Put([]byte(r.ID), v); err != nil {
				return fmt.Errorf("put: %w", err)
			}
			a := r.article()
			for id, k := range rules.FeedIDs(&a) {
				if err := bumpHead(tx, id, k.Name, now); err != nil {
					return err
				}
			}
			released = append(released, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: release: %w", err)
	}
	return released, nil
}
