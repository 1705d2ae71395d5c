package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// List returns live articles, drafts included, newest first: a Query on
// the admin index.
func (s *Store) List(ctx context.Context, opts article.ListOptions) (article.Page, error) {
	p, err := s.page(ctx, "List", IndexAdmin, AttrGSI1PK, AttrGSI1SK, AdminPartition, opts, "")
	if err != nil {
		return article.Page{}, fmt.Errorf("dynamo: list: %w", err)
	}
	return p, nil
}

// ListFeed returns the public articles of one feed live at opts.AsOf (the
// store's clock when zero), newest first: a Query on the feed index, whose
// entries carry whole articles, bounded below the scheduled ones. A feed
// that never had an article is an empty page; FeedHead tells it apart.
func (s *Store) ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error) {
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = s.now()
	}
	p, err := s.page(ctx, "ListFeed", IndexFeed, AttrFeed, AttrFeedSort, key.String(), opts, rules.LiveBound(asOf))
	if err != nil {
		return article.Page{}, fmt.Errorf("dynamo: list feed %s: %w", key, err)
	}
	return p, nil
}

// page queries one page of an index partition backwards, strictly below
// opts.After and below upper when it is not empty, asking for one item more than the page to know whether
// another follows. It queries again only when DynamoDB stops early at its
// 1 MB response limit, which pages of the largest articles can reach.
func (s *Store) page(ctx context.Context, op, index, hashAttr, rangeAttr, partition string, opts article.ListOptions, upper string) (article.Page, error) {
	limit := rules.Limit(opts.Limit)
	cond := expression.Key(hashAttr).Equal(expression.Value(partition))
	bound := upper
	if !opts.After.IsZero() {
		if after := rules.CursorKey(opts.After); bound == "" || after < bound {
			bound = after
		}
	}
	if bound != "" {
		cond = cond.And(expression.Key(rangeAttr).LessThan(expression.Value(bound)))
	}
	expr, err := expression.NewBuilder().WithKeyCondition(cond).Build()
	if err != nil {
		return article.Page{}, fmt.Errorf("build key condition: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(index),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(false),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	p := article.Page{Articles: make([]article.Article, 0, limit)}
	for {
		in.Limit = aws.Int32(int32(limit + 1 - len(p.Articles)))
		out, err := s.client.Query(ctx, in)
		if err != nil {
			return article.Page{}, classify(err)
		}
		s.reportOne(op+":Query", out.ConsumedCapacity)
		for _, av := range out.Items {
			if len(p.Articles) == limit {
				last := p.Articles[limit-1]
				p.Next = article.Position{Time: last.SortTime(), ID: last.ID}
				return p, nil
			}
			a, err := decodeArticle(av)
			if err != nil {
				return article.Page{}, err
			}
			p.Articles = append(p.Articles, a)
		}
		if out.LastEvaluatedKey == nil {
			return p, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
