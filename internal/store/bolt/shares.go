package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// IncrementShare adds one share of article id on network. Counters live
// apart from the article, so counting never changes its version. One
// process owns the file, so one counter per article holds any click rate.
func (s *Store) IncrementShare(ctx context.Context, id, network string) error {
	if err := rules.CheckNetwork(network); err != nil {
		return fmt.Errorf("bolt: share %q: %w", id, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("bolt: share %q: %w", id, err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketShares)
		counts, err := decodeCounts(b.Get([]byte(id)))
		if err != nil {
			return err
		}
		counts[network]++
		v, err := json.Marshal(counts)
		if err != nil {
			return fmt.Errorf("encode counts: %w", err)
		}
		return b.Put([]byte(id), v)
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
