package bolt

import (
	"context"
	"fmt"
	"slices"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// ListByShares returns live articles, drafts included, most shared first
// (the all-time total of IncrementShare), ties newest first.
//
// The totals are the ones the click transaction keeps (bucketShares), so
// the order is exact at once; no Save or click does any more work for it.
// Each call ranks every live article in one read transaction: it reads
// the admin index and the totals, which are small, and decodes only the
// page's articles. That is O(n log n) in the live articles, fine for the
// local store (docs/figures.md has the latency for n articles); the
// DynamoDB store keeps an index instead (docs/dynamodb.md).
func (s *Store) ListByShares(ctx context.Context, opts article.SharesListOptions) (article.SharesPage, error) {
	if err := ctx.Err(); err != nil {
		return article.SharesPage{}, fmt.Errorf("bolt: list by shares: %w", err)
	}
	limit := rules.Limit(opts.Limit)
	type ranked struct {
		key   string
		id    string
		total int64
	}
	var p article.SharesPage
	err := s.db.View(func(tx *bbolt.Tx) error {
		shares := tx.Bucket(bucketShares)
		var all []ranked
		err := tx.Bucket(bucketAdmin).ForEach(func(k, v []byte) error {
			counts, err := decodeCounts(shares.Get(v))
			if err != nil {
				return fmt.Errorf("shares of %q: %w", v, err)
			}
			var total int64
			for _, n := range counts {
				total += n
			}
			// The admin key is the article's SortKey: no article is
			// decoded to rank it.
			all = append(all, ranked{key: rules.RankKey(total, string(k)), id: string(v), total: total})
			return nil
		})
		if err != nil {
			return err
		}
		slices.SortFunc(all, func(a, b ranked) int {
			switch {
			case a.key > b.key:
				return -1
			case a.key < b.key:
				return 1
			}
			return 0
		})
		start := 0
		if !opts.After.IsZero() {
			after := rules.SharesCursorKey(opts.After)
			start, _ = slices.BinarySearchFunc(all, after, func(r ranked, key string) int {
				switch {
				case r.key > key:
					return -1
				case r.key < key:
					return 1
				}
				return 0
			})
			if start < len(all) && all[start].key == after {
				start++
			}
		}
		end := min(start+limit, len(all))
		p.Articles = make([]article.Article, 0, end-start)
		p.Totals = make([]int64, 0, end-start)
		for _, r := range all[start:end] {
			a, err := getArticle(tx, r.id)
			if err != nil {
				return fmt.Errorf("article %q: %w", r.id, err)
			}
			p.Articles = append(p.Articles, a)
			p.Totals = append(p.Totals, r.total)
		}
		if end < len(all) {
			last := p.Articles[len(p.Articles)-1]
			p.Next = article.SharesPosition{Total: p.Totals[len(p.Totals)-1], Time: last.SortTime(), ID: last.ID}
		}
		return nil
	})
	if err != nil {
		return article.SharesPage{}, fmt.Errorf("bolt: list by shares: %w", err)
	}
	return p, nil
}
