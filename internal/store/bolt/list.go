package bolt

import (
	"context"
	"encoding/json"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// List returns live articles, drafts included, newest first.
func (s *Store) List(ctx context.Context, opts article.ListOptions) (article.Page, error) {
	if err := ctx.Err(); err != nil {
		return article.Page{}, fmt.Errorf("bolt: list: %w", err)
	}
	var p article.Page
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		p, err = page(tx, tx.Bucket(bucketAdmin), opts, "")
		return err
	})
	if err != nil {
		return article.Page{}, fmt.Errorf("bolt: list: %w", err)
	}
	return p, nil
}

// ListFeed returns the public articles of one feed, newest first. A feed
// that never had an article is an empty page; FeedHead tells it apart.
func (s *Store) ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error) {
	if err := ctx.Err(); err != nil {
		return article.Page{}, fmt.Errorf("bolt: list feed %s: %w", key, err)
	}
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = s.now()
	}
	var p article.Page
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketFeeds).Bucket([]byte(key.String()))
		if b == nil {
			p = article.Page{Articles: []article.Article{}}
			return nil
		}
		var err error
		p, err = page(tx, b, opts, rules.LiveBound(asOf))
		return err
	})
	if err != nil {
		return article.Page{}, fmt.Errorf("bolt: list feed %s: %w", key, err)
	}
	rules.FeedArticles(&p)
	return p, nil
}

// page reads one page of an index bucket (sort key → ID) backwards, from
// just below opts.After and below upper when it is not empty (the feeds'
// rules.LiveBound). It looks one key further than the page to know whether
// another page follows.
func page(tx *bbolt.Tx, index *bbolt.Bucket, opts article.ListOptions, upper string) (article.Page, error) {
	limit := rules.Limit(opts.Limit)
	c := index.Cursor()
	var k, v []byte
	bound := upper
	if !opts.After.IsZero() {
		if after := rules.CursorKey(opts.After); bound == "" || after < bound {
			bound = after
		}
	}
	if bound == "" {
		k, v = c.Last()
	} else {
		after := []byte(bound)
		// Seek lands on the first key >= after; the page starts strictly
		// below it, or at the last key when every key is below it.
		if k, _ = c.Seek(after); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	}
	p := article.Page{Articles: make([]article.Article, 0, limit)}
	for ; k != nil; k, v = c.Prev() {
		if len(p.Articles) == limit {
			last := p.Articles[limit-1]
			p.Next = article.Position{Time: last.SortTime(), ID: last.ID}
			break
		}
		a, err := getArticle(tx, string(v))
		if err != nil {
			return article.Page{}, fmt.Errorf("index entry %s: %w", k, err)
		}
		p.Articles = append(p.Articles, a)
	}
	return p, nil
}

// FeedHead returns the head of a feed, or ErrNotFound for a feed no article
// was ever in.
func (s *Store) FeedHead(ctx context.Context, key article.FeedKey) (article.FeedHead, error) {
	if err := ctx.Err(); err != nil {
		return article.FeedHead{}, fmt.Errorf("bolt: feed head %s: %w", key, err)
	}
	var h head
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketHeads).Get([]byte(key.String()))
		if v == nil {
			return article.ErrNotFound
		}
		return json.Unmarshal(v, &h)
	})
	if err != nil {
		return article.FeedHead{}, fmt.Errorf("bolt: feed head %s: %w", key, err)
	}
	k := article.FeedKey{Kind: key.Kind, Slug: key.Slug, Name: h.Name}
	return article.FeedHead{Key: k, Rev: h.Rev, UpdatedAt: h.UpdatedAt}, nil
}
