package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// The most-shared list (docs/dynamodb.md, "Share totals"). Clicks stay one
// ADD on a counter shard; the aggregator (functions/tally) reads the
// table's stream and, for each article a batch touched, recomputes its
// all-time total from the shards and puts it in the article's total item,
// which the sparse shares index orders.
const (
	// IndexShares lists live articles most shared first: hash
	// AttrSharesPart (AdminPartition), range AttrSharesRank.
	IndexShares = "shares"
	// AttrSharesPart and AttrSharesRank are the shares index keys of a
	// total item; only a live article's total item has them.
	AttrSharesPart = "sharesPart"
	AttrSharesRank = "sharesRank"
	// TotalPartitionPrefix starts the partition key of a total item,
	// TOTAL#<id>, sort key TOTAL. The aggregator's IAM policy allows
	// writes under this prefix only. It must not start with
	// SharePartitionPrefix, whose records wake the aggregator.
	TotalPartitionPrefix = "TOTAL#"
	skTotal              = "TOTAL"
	attrTotal            = "total"
)

// ShareTotalRequests is how many DynamoDB requests one
// RecomputeShareTotal makes when nothing races it: the article's GetItem,
// ShareCounts (one GetItem and ShareShards Queries) and the PutItem.
const ShareTotalRequests = 3 + ShareShards

// totalRetries bounds the re-reads of a recompute that lost to a newer one.
const totalRetries = 3

func totalPK(id string) string { return TotalPartitionPrefix + id }

// totalItem is the wire form of an article's share total.
type totalItem struct {
	PK      string `dynamodbav:"pk"`
	SK      string `dynamodbav:"sk"`
	Part    string `dynamodbav:"sharesPart,omitempty"`
	Rank    string `dynamodbav:"sharesRank,omitempty"`
	ID      string `dynamodbav:"id"`
	Total   int64  `dynamodbav:"total"`
	Version int64  `dynamodbav:"version"`
}

// StreamShareArticle reads a record of the table's stream, in the form
// Lambda hands it to a function, into the ID of the article whose share
// total it may change: a counter shard's (SHARES#<id>#<n>) or a canonical
// article item's (a save moves the article in the list or takes it out).
// ok is false for any other record.
func StreamShareArticle(r *events.DynamoDBStreamRecord) (id string, ok bool) {
	pk, found := r.Keys[AttrPK]
	if !found || pk.DataType() != events.DataTypeString {
		return "", false
	}
	if rest, isShard := strings.CutPrefix(pk.String(), SharePartitionPrefix); isShard {
		id, _, cut := strings.Cut(rest, "#")
		if !cut || !article.ValidID(id) {
			return "", false
		}
		return id, true
	}
	sk, found := r.Keys[AttrSK]
	if !found || sk.DataType() != events.DataTypeString || sk.String() != skArticle {
		return "", false
	}
	id, _ = strings.CutPrefix(pk.String(), prefixArticle)
	if !article.ValidID(id) {
		return "", false
	}
	return id, true
}

// RecomputeShareTotal sets the total item of article id to what its
// counters hold now: the sum of ShareCounts, ranked in the shares index
// by that sum and the article's sort time while the article is live, out
// of the index once it is deleted. Build the store WithConsistentReads, so
// the shards read include every write whose stream record was delivered.
//
// It adds nothing to anything, so it is idempotent: a stream batch
// retried, in part or whole, or replayed by the backfill, cannot count a
// click twice. Two recomputes of one article may race (records of one
// article reach several stream shards); the put is conditional on the
// stored total and article version being no newer than the ones read, and
// the loser reads again, so the later state always wins. An article that
// does not exist has no total item and is no error.
func (s *Store) RecomputeShareTotal(ctx context.Context, id string) error {
	for attempt := 0; ; attempt++ {
		err := s.recomputeOnce(ctx, id)
		if !errors.Is(err, errStaleTotal) || attempt == totalRetries {
			if err != nil {
				return fmt.Errorf("dynamo: share total %q: %w", id, err)
			}
			return nil
		}
	}
}

var errStaleTotal = errors.New("a newer total was written meanwhile")

func (s *Store) recomputeOnce(ctx context.Context, id string) error {
	proj := expression.NamesList(expression.Name(attrID), expression.Name(attrVersion),
		expression.Name("deleted"), expression.Name("publishedAt"), expression.Name("createdAt"))
	pexpr, err := expression.NewBuilder().WithProjection(proj).Build()
	if err != nil {
		return fmt.Errorf("build projection: %w", err)
	}
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:                s.table,
		Key:                      key(articlePK(id), skArticle),
		ConsistentRead:           aws.Bool(true),
		ProjectionExpression:     pexpr.Projection(),
		ExpressionAttributeNames: pexpr.Names(),
		ReturnConsumedCapacity:   types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return classify(err)
	}
	s.reportOne("RecomputeShareTotal:GetItem", out.ConsumedCapacity)
	if out.Item == nil {
		return nil
	}
	a, err := decodeArticle(out.Item)
	if err != nil {
		return err
	}
	counts, err := s.ShareCounts(ctx, id)
	if err != nil {
		return err
	}
	it := totalItem{PK: totalPK(id), SK: skTotal, ID: id, Version: a.Version}
	for _, n := range counts {
		it.Total += n
	}
	if !a.Deleted {
		it.Part, it.Rank = AdminPartition, rules.SharesKey(it.Total, a.SortTime(), id)
	}
	av, err := attributevalue.MarshalMap(it)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	newer := expression.AttributeNotExists(expression.Name(AttrPK)).Or(
		expression.Name(attrTotal).LessThanEqual(expression.Value(it.Total)).
			And(expression.Name(attrVersion).LessThanEqual(expression.Value(it.Version))))
	cexpr, err := expression.NewBuilder().WithCondition(newer).Build()
	if err != nil {
		return fmt.Errorf("build condition: %w", err)
	}
	put, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                 s.table,
		Item:                      av,
		ConditionExpression:       cexpr.Condition(),
		ExpressionAttributeNames:  cexpr.Names(),
		ExpressionAttributeValues: cexpr.Values(),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return errStaleTotal
	}
	if err != nil {
		return classify(err)
	}
	s.reportOne("RecomputeShareTotal:PutItem", put.ConsumedCapacity)
	return nil
}

// ListByShares returns live articles, drafts included, most shared first,
// ties newest first: a Query on the shares index, then one BatchGetItem
// for the page's articles. The order is the aggregator's, so it trails
// clicks and saves by the stream's batching window (seconds to a minute);
// an article deleted since is skipped, and the page filled from further
// down. Totals are the ones the article was ranked by.
func (s *Store) ListByShares(ctx context.Context, opts article.SharesListOptions) (article.SharesPage, error) {
	limit := rules.Limit(opts.Limit)
	cond := expression.Key(AttrSharesPart).Equal(expression.Value(AdminPartition))
	if !opts.After.IsZero() {
		cond = cond.And(expression.Key(AttrSharesRank).LessThan(expression.Value(rules.SharesCursorKey(opts.After))))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(cond).Build()
	if err != nil {
		return article.SharesPage{}, fmt.Errorf("dynamo: list by shares: build key condition: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(IndexShares),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	p := article.SharesPage{Articles: make([]article.Article, 0, limit), Totals: make([]int64, 0, limit)}
	var last article.SharesPosition
	for {
		// One more than the page needs, to know whether another follows.
		in.Limit = aws.Int32(int32(limit + 1 - len(p.Articles)))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return article.SharesPage{}, fmt.Errorf("dynamo: list by shares: %w", classify(err))
		}
		s.reportOne("ListByShares:Query", out.ConsumedCapacity)
		ranks := make([]totalItem, len(out.Items))
		for i, av := range out.Items {
			if err := attributevalue.UnmarshalMap(av, &ranks[i]); err != nil {
				return article.SharesPage{}, fmt.Errorf("dynamo: list by shares: decode total item: %w", err)
			}
		}
		arts, err := s.batchArticles(ctx, ranks)
		if err != nil {
			return article.SharesPage{}, fmt.Errorf("dynamo: list by shares: %w", err)
		}
		for _, r := range ranks {
			a, ok := arts[r.ID]
			if !ok || a.Deleted {
				continue // deleted since the aggregator ranked it
			}
			if len(p.Articles) == limit {
				p.Next = last
				return p, nil
			}
			pos, err := rules.ParseSharesKey(r.Rank)
			if err != nil {
				return article.SharesPage{}, fmt.Errorf("dynamo: list by shares: total item %s: %w", r.PK, err)
			}
			p.Articles = append(p.Articles, a)
			p.Totals = append(p.Totals, r.Total)
			last = pos
		}
		if out.LastEvaluatedKey == nil {
			return p, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// batchArticles reads the canonical items of ranks' articles with
// BatchGetItem, asking again for any keys DynamoDB leaves unprocessed
// (its 16 MB answer limit, or throttling).
func (s *Store) batchArticles(ctx context.Context, ranks []totalItem) (map[string]article.Article, error) {
	arts := make(map[string]article.Article, len(ranks))
	if len(ranks) == 0 {
		return arts, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ranks))
	for _, r := range ranks {
		keys = append(keys, key(articlePK(r.ID), skArticle))
	}
	req := map[string]types.KeysAndAttributes{*s.table: {Keys: keys, ConsistentRead: aws.Bool(s.consistent)}}
	for attempt := 0; len(req) > 0; attempt++ {
		if attempt > 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("%w: %w", article.ErrUnavailable, err)
			}
		}
		out, err := s.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{
			RequestItems:           req,
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		})
		if err != nil {
			return nil, classify(err)
		}
		s.report("ListByShares:BatchGetItem", out.ConsumedCapacity...)
		for _, av := range out.Responses[*s.table] {
			a, err := decodeArticle(av)
			if err != nil {
				return nil, err
			}
			arts[a.ID] = a
		}
		req = out.UnprocessedKeys
		if attempt == 10 && len(req) > 0 {
			return nil, fmt.Errorf("%w: BatchGetItem left keys unprocessed %d times", article.ErrUnavailable, attempt+1)
		}
	}
	return arts, nil
}
