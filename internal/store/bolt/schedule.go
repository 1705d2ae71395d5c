package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
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
// when it is scheduled at its save time (UpdatedAt, as for the heads); the
// scheduled index holds it, and the head of every feed it is in holds its
// PublishedAt, so that readers of the head alone know when the feed
// changes. old (when exists) is the record a replaces; its entries go.
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
	feeds := rules.FeedIDs(a)
	if exists && old.Pending {
		oa := old.article()
		if err := sched.Delete([]byte(rules.ArticleKey(&oa))); err != nil {
			return false, fmt.Errorf("unschedule: %w", err)
		}
		for id := range rules.FeedIDs(&oa) {
			if _, stays := feeds[id]; !stays || !pending {
				if err := scheduleHead(tx, id, a.ID, time.Time{}); err != nil {
					return false, err
				}
			}
		}
	}
	if pending {
		if err := sched.Put([]byte(rules.ArticleKey(a)), []byte(a.ID)); err != nil {
			return false, fmt.Errorf("schedule: %w", err)
		}
		for id := range feeds {
			if err := scheduleHead(tx, id, a.ID, a.PublishedAt); err != nil {
				return false, err
			}
		}
	}
	return pending, nil
}

// scheduleHead records that article id goes live in feed at at, or, with
// a zero at, that it no longer waits there. It does not bump the head:
// the save or release that calls it does.
func scheduleHead(tx *bbolt.Tx, feed, id string, at time.Time) error {
	heads := tx.Bucket(bucketHeads)
	var h head
	if v := heads.Get([]byte(feed)); v != nil {
		if err := json.Unmarshal(v, &h); err != nil {
			return fmt.Errorf("decode head %s: %w", feed, err)
		}
	}
	if at.IsZero() {
		delete(h.Scheduled, id)
	} else {
		if h.Scheduled == nil {
			h.Scheduled = map[string]time.Time{}
		}
		h.Scheduled[id] = at
	}
	v, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("encode head %s: %w", feed, err)
	}
	if err := heads.Put([]byte(feed), v); err != nil {
		return fmt.Errorf("put head %s: %w", feed, err)
	}
	return nil
}

// scheduled lists the head's scheduled instants in ascending order.
func (h *head) scheduled() []time.Time {
	if len(h.Scheduled) == 0 {
		return nil
	}
	return slices.SortedFunc(maps.Values(h.Scheduled), time.Time.Compare)
}

// Release makes every pending article whose PublishedAt is at or before
// now an ordinary live one, in one transaction: it leaves the scheduled
// index and its feeds' heads, and each of those heads gets a new revision
// stamped now. The articles themselves are unchanged (their version too),
// and feeds list them from their PublishedAt on whether or not Release has
// run; Release is what tells the feeds' readers that they changed. It
// returns the released articles, oldest first.
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
			for id := range rules.FeedIDs(&a) {
				if err := scheduleHead(tx, id, a.ID, time.Time{}); err != nil {
					return err
				}
				if err := bumpHead(tx, id, "", now); err != nil {
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
