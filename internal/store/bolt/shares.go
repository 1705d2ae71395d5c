package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// IncrementShare adds one share of article id on network, to its total
// and to today's count (the store's location). Counters live apart from
// the article, so counting never changes its version. One process owns the
// file, so one counter per article holds any click rate.
func (s *Store) IncrementShare(ctx context.Context, id, network string) error {
	if err := rules.CheckNetwork(network); err != nil {
		return fmt.Errorf("bolt: share %q: %w", id, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: share %q: %w", id, err)
	}
	day := dayKey(id, s.now().In(s.loc).Format(time.DateOnly))
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := addOne(tx.Bucket(bucketShares), []byte(id), network); err != nil {
			return err
		}
		return addOne(tx.Bucket(bucketShareDays), day, network)
	})
	if err != nil {
		return fmt.Errorf("bolt: share %q on %s: %w", id, network, err)
	}
	return nil
}

// ShareCounts returns the share counts of article id by network, an empty
// map when it was never shared.
func (s *Store) ShareCounts(ctx context.Context, id string) (map[string]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: share counts %q: %w", id, err)
	}
	var counts map[string]int64
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		counts, err = decodeCounts(tx.Bucket(bucketShares).Get([]byte(id)))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: share counts %q: %w", id, err)
	}
	return counts, nil
}

// DailyShares returns the share counts of article id by day (yyyy-mm-dd in
// the store's location) and network, for the days from and to fall on
// there, both included; days without shares are absent.
func (s *Store) DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bolt: daily shares %q: %w", id, err)
	}
	lo := dayKey(id, from.In(s.loc).Format(time.DateOnly))
	hi := dayKey(id, to.In(s.loc).Format(time.DateOnly))
	prefix := dayKey(id, "")
	days := map[string]map[string]int64{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketShareDays).Cursor()
		for k, v := c.Seek(lo); k != nil && bytes.Compare(k, hi) <= 0; k, v = c.Next() {
			counts, err := decodeCounts(v)
			if err != nil {
				return err
			}
			days[string(k[len(prefix):])] = counts
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: daily shares %q: %w", id, err)
	}
	return days, nil
}

// dayKey is the key of article id's counts on day: an ID never holds 0x00,
// so one article's days are contiguous and in date order.
func dayKey(id, day string) []byte {
	return append(append([]byte(id), 0), day...)
}

func addOne(b *bbolt.Bucket, key []byte, network string) error {
	counts, err := decodeCounts(b.Get(key))
	if err != nil {
		return err
	}
	counts[network]++
	v, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("encode counts: %w", err)
	}
	return b.Put(key, v)
}

func decodeCounts(v []byte) (map[string]int64, error) {
	counts := map[string]int64{}
	if v == nil {
		return counts, nil
	}
	if err := json.Unmarshal(v, &counts); err != nil {
		return nil, fmt.Errorf("decode counts: %w", err)
	}
	return counts, nil
}
