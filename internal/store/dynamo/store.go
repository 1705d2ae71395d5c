package dynamo

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
)

// Store is the DynamoDB article store. It is safe for concurrent use.
type Store struct {
	client     *dynamodb.Client
	table      *string
	capacity   func(op string, units float64)
	consistent bool
	now        func() time.Time
	loc        *time.Location
	nextShard  atomic.Uint64
}

// Option configures a Store.
type Option func(*Store)

// WithCapacityHook reports the capacity units every request consumed, so
// benchmarks and metrics can show the cost of each request type. op is the
// store method and the DynamoDB call, "ListFeed:Query", "Save:GetItem",
// "Save:TransactWriteItems" and so on; the hook is called once per request,
// from the goroutine that made it.
func WithCapacityHook(hook func(op string, capacityUnits float64)) Option {
	return func(s *Store) { s.capacity = hook }
}

// WithConsistentReads makes Get, GetBySlug, FeedHead and ShareCounts use
// strongly consistent reads, at twice the read cost. The admin API needs
// them: it checks If-Match against Get, and a stale read would refuse an
// editor's write right after the previous one.
func WithConsistentReads() Option {
	return func(s *Store) { s.consistent = true }
}

// WithClock sets the clock that dates share counters; time.Now by default.
func WithClock(now func() time.Time) Option {
	return func(s *Store) { s.now = now }
}

// WithLocation sets the time zone whose calendar days share counters are
// kept by (the site's, so an editor's "today" is the publisher's); UTC by
// default. Changing it on a live table makes at most one day's counts
// straddle two keys: totals stay exact.
func WithLocation(loc *time.Location) Option {
	return func(s *Store) { s.loc = loc }
}

// New returns a store on table, which must have the layout CreateTable
// makes.
func New(client *dynamodb.Client, table string, opts ...Option) *Store {
	s := &Store{client: client, table: aws.String(table), now: time.Now, loc: time.UTC}
	for _, o := range opts {
		o(s)
	}
	return s
}

// report passes consumed capacity to the hook.
func (s *Store) report(op string, cc ...types.ConsumedCapacity) {
	if s.capacity == nil {
		return
	}
	var units float64
	for _, c := range cc {
		units += aws.ToFloat64(c.CapacityUnits)
	}
	s.capacity(op, units)
}

func (s *Store) reportOne(op string, cc *types.ConsumedCapacity) {
	if cc == nil {
		s.report(op)
		return
	}
	s.report(op, *cc)
}

// getItem reads one item; ok is false when it does not exist.
func (s *Store) getItem(ctx context.Context, op, pk, sk string, consistent bool) (map[string]types.AttributeValue, bool, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:              s.table,
		Key:                    key(pk, sk),
		ConsistentRead:         aws.Bool(consistent),
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return nil, false, classify(err)
	}
	s.reportOne(op+":GetItem", out.ConsumedCapacity)
	return out.Item, out.Item != nil, nil
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		AttrPK: &types.AttributeValueMemberS{Value: pk},
		AttrSK: &types.AttributeValueMemberS{Value: sk},
	}
}

// getArticle reads the canonical item of id; ok is false when there is none.
func (s *Store) getArticle(ctx context.Context, op, id string, consistent bool) (article.Article, bool, error) {
	av, ok, err := s.getItem(ctx, op, articlePK(id), skArticle, consistent)
	if err != nil || !ok {
		return article.Article{}, false, err
	}
	a, err := decodeArticle(av)
	if err != nil {
		return article.Article{}, false, err
	}
	return a, true, nil
}

func decodeArticle(av map[string]types.AttributeValue) (article.Article, error) {
	var it item
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return article.Article{}, fmt.Errorf("decode item: %w", err)
	}
	a, err := it.article()
	if err != nil {
		return article.Article{}, fmt.Errorf("decode item %s/%s: %w", it.PK, it.SK, err)
	}
	return a, nil
}

// Get returns the article with the given ID, a tombstone included.
func (s *Store) Get(ctx context.Context, id string) (article.Article, error) {
	a, ok, err := s.getArticle(ctx, "Get", id, s.consistent)
	switch {
	case err != nil:
		return article.Article{}, fmt.Errorf("dynamo: get %q: %w", id, err)
	case !ok:
		return article.Article{}, fmt.Errorf("dynamo: get %q: %w", id, article.ErrNotFound)
	}
	return a, nil
}

// GetBySlug returns the article holding slug, now or as one of its
// previous slugs, a tombstone included. For the current slug it takes one
// GetItem: the slug item carries the whole article.
//
// A previous slug's item is an alias: the holder's ID only (and no
// version, which every saved article has), and so is a slug item written
// before slug items carried the article. For those GetBySlug reads the
// canonical item as well; a table written by an older build keeps working
// and each such current-slug item is upgraded by the article's next save.
func (s *Store) GetBySlug(ctx context.Context, slug string) (article.Article, error) {
	av, ok, err := s.getItem(ctx, "GetBySlug", slugPK(slug), skSlug, s.consistent)
	if err != nil {
		return article.Article{}, fmt.Errorf("dynamo: get slug %q: %w", slug, err)
	}
	var a article.Article
	if ok {
		if a, err = decodeArticle(av); err != nil {
			return article.Article{}, fmt.Errorf("dynamo: get slug %q: %w", slug, err)
		}
	}
	switch {
	case a.ID == "":
		return article.Article{}, fmt.Errorf("dynamo: get slug %q: %w", slug, article.ErrNotFound)
	case a.Version != 0:
		return a, nil
	}
	id := a.ID
	a, ok, err = s.getArticle(ctx, "GetBySlug", id, s.consistent)
	switch {
	case err != nil:
		return article.Article{}, fmt.Errorf("dynamo: get slug %q: %w", slug, err)
	case !ok:
		// Only an eventually consistent read racing the article's
		// creation sees the old-style lock before the article.
		return article.Article{}, fmt.Errorf("dynamo: get slug %q: article %q: %w", slug, id, article.ErrNotFound)
	}
	return a, nil
}
