package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// Release makes every pending article whose PublishedAt is at or before
// now an ordinary live one. It queries the schedule (SchedulePartition on
// the feed index) for what is due and writes, per article, one
// transaction: the canonical item loses its pending mark and leaves the
// schedule (on condition that it still has the mark at the version read,
// so a save in between wins), and the head of each of its feeds gets a new
// revision stamped now and the article's display name, as a live save
// would give it; the saves of a pending article wrote no head. That
// canonical item's stream record is the one the notifier turns into CDN
// invalidations and WebSub pings. The article itself, its version
// included, is unchanged. Feeds list as of their head's UpdatedAt
// (article.FeedHead.ListedAsOf), so this is when they show it. It returns
// the articles it released, oldest first.
func (s *Store) Release(ctx context.Context, now time.Time) ([]article.Article, error) {
	due, err := s.due(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("dynamo: release: %w", err)
	}
	var released []article.Article
	for i := range due {
		a := &due[i]
		items, err := s.releaseItems(a, now)
		if err != nil {
			return released, fmt.Errorf("dynamo: release %q: %w", a.ID, err)
		}
		err = s.transactOp(ctx, "Release", items)
		if errors.Is(err, article.ErrVersionMismatch) {
			// Saved (or released) since the query read it: that write
			// dealt with its schedule.
			continue
		}
		if err != nil {
			return released, fmt.Errorf("dynamo: release %q: %w", a.ID, err)
		}
		released = append(released, *a)
	}
	return released, nil
}

// due reads the pending articles with a PublishedAt at or before now, oldest
// first. The schedule holds only articles not yet released, so it stays
// small whatever the table's size.
func (s *Store) due(ctx context.Context, now time.Time) ([]article.Article, error) {
	cond := expression.Key(AttrFeed).Equal(expression.Value(SchedulePartition)).
		And(expression.Key(AttrFeedSort).LessThan(expression.Value(rules.LiveBound(now))))
	expr, err := expression.NewBuilder().WithKeyCondition(cond).Build()
	if err != nil {
		return nil, fmt.Errorf("build key condition: %w", err)
	}
	in := &dynamodb.QueryInput{
		TableName:                 s.table,
		IndexName:                 aws.String(IndexFeed),
		KeyConditionExpression:    expr.KeyCondition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	}
	var out []article.Article
	for {
		page, err := s.client.Query(ctx, in)
		if err != nil {
			return nil, classify(err)
		}
		s.reportOne("Release:Query", page.ConsumedCapacity)
		for _, av := range page.Items {
			a, err := decodeArticle(av)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		if page.LastEvaluatedKey == nil {
			return out, nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// releaseItems is the transaction that releases a at now; the canonical
// item's update comes first (posArticle), so a failed condition reads as
// ErrVersionMismatch.
func (s *Store) releaseItems(a *article.Article, now time.Time) ([]types.TransactWriteItem, error) {
	cond := expression.Name(attrVersion).Equal(expression.Value(a.Version)).
		And(expression.AttributeExists(expression.Name(attrPending)))
	up := expression.Remove(expression.Name(attrPending)).
		Remove(expression.Name(AttrFeed)).
		Remove(expression.Name(AttrFeedSort))
	expr, err := expression.NewBuilder().WithCondition(cond).WithUpdate(up).Build()
	if err != nil {
		return nil, fmt.Errorf("build release: %w", err)
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName:                 s.table,
		Key:                       key(articlePK(a.ID), skArticle),
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
	}}}
	feeds := rules.FeedIDs(a)
	for _, feed := range slices.Sorted(maps.Keys(feeds)) {
		item, err := headUpdate(s.table, feed, feeds[feed].Name, now, a.ID)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	if len(items) > maxTransactItems {
		return nil, fmt.Errorf("release needs %d writes, more than the %d of one DynamoDB transaction", len(items), maxTransactItems)
	}
	return items, nil
}
