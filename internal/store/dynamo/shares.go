package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// ShareShards is how many counter items a day of one article's shares is
// spread over. One item (one partition key) takes at most 1,000 writes/s;
// spread over 16 partition keys, 2,000 clicks/s on one article is 125
// writes/s per item. ShareCounts reads shards 0..ShareShards-1, so it may
// be raised but never lowered without losing the counts of the shards cut.
const ShareShards = 16

// SharePartitionPrefix starts the partition key of a share counter shard,
// SHARES#<id>#<shard>; its sort key is SHARES#<yyyy-mm-dd>, the day in the
// store's location (WithLocation, UTC by default). The
// share function's IAM policy allows writes under this prefix only.
const SharePartitionPrefix = "SHARES#"

func sharePK(id string, shard int) string {
	return SharePartitionPrefix + id + "#" + strconv.Itoa(shard)
}

func (s *Store) shareSK(t time.Time) string {
	return skShares + "#" + t.In(s.loc).Format(time.DateOnly)
}

// IncrementShare adds one share of article id on network: one UpdateItem
// ADD on one of ShareShards counter items for (id, today), taken in turn,
// so that no item of the article takes more than its share of a viral
// article's clicks. Counters are not the article, so counting never
// changes its version.
func (s *Store) IncrementShare(ctx context.Context, id, network string) error {
	if err := rules.CheckNetwork(network); err != nil {
		return fmt.Errorf("dynamo: share %q: %w", id, err)
	}
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name(network), expression.Value(1))).Build()
	if err != nil {
		return fmt.Errorf("dynamo: share %q on %s: %w", id, network, err)
	}
	shard := int(s.nextShard.Add(1) % ShareShards)
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       key(sharePK(id, shard), s.shareSK(s.now())),
		UpdateExpression:          expr.Update(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ReturnValues:              types.ReturnValueNone,
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return fmt.Errorf("dynamo: share %q on %s: %w", id, network, classify(err))
	}
	s.reportOne("IncrementShare:UpdateItem", out.ConsumedCapacity)
	return nil
}

// ShareCounts returns the share counts of article id by network, summed
// over every shard and day (and the single counter item of earlier
// releases), an empty map when it was never shared. It costs one Query per
// shard: reads are for editors, writes are per click.
func (s *Store) ShareCounts(ctx context.Context, id string) (map[string]int64, error) {
	counts := map[string]int64{}
	add := func(av map[string]types.AttributeValue) error {
		for name, v := range av {
			if name == AttrPK || name == AttrSK {
				continue
			}
			n, err := number(v)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			counts[name] += n
		}
		return nil
	}
	legacy, _, err := s.getItem(ctx, "ShareCounts", articlePK(id), skShares, s.consistent)
	if err != nil {
		return nil, fmt.Errorf("dynamo: share counts %q: %w", id, err)
	}
	if err := add(legacy); err != nil {
		return nil, fmt.Errorf("dynamo: share counts %q: %w", id, err)
	}
	for shard := range ShareShards {
		var start map[string]types.AttributeValue
		for {
			out, err := s.client.Query(ctx, &dynamodb.QueryInput{
				TableName:              s.table,
				KeyConditionExpression: aws.String("#pk = :pk AND begins_with(#sk, :day)"),
				ExpressionAttributeNames: map[string]string{
					"#pk": AttrPK, "#sk": AttrSK,
				},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk":  &types.AttributeValueMemberS{Value: sharePK(id, shard)},
					":day": &types.AttributeValueMemberS{Value: skShares + "#"},
				},
				ConsistentRead:         aws.Bool(s.consistent),
				ExclusiveStartKey:      start,
				ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
			})
			if err != nil {
				return nil, fmt.Errorf("dynamo: share counts %q: %w", id, classify(err))
			}
			s.reportOne("ShareCounts:Query", out.ConsumedCapacity)
			for _, item := range out.Items {
				if err := add(item); err != nil {
					return nil, fmt.Errorf("dynamo: share counts %q: %w", id, err)
				}
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	return counts, nil
}

// DailyShares returns the share counts of article id by day (yyyy-mm-dd in
// the store's location) and network, for the days from and to fall on
// there, both included; days without shares are absent. Counts of the
// single counter item of earlier releases have no day and are only in
// ShareCounts. It costs one Query per shard, as ShareCounts does.
func (s *Store) DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error) {
	days := map[string]map[string]int64{}
	lo, hi := s.shareSK(from), s.shareSK(to)
	for shard := range ShareShards {
		var start map[string]types.AttributeValue
		for {
			out, err := s.client.Query(ctx, &dynamodb.QueryInput{
				TableName:              s.table,
				KeyConditionExpression: aws.String("#pk = :pk AND #sk BETWEEN :from AND :to"),
				ExpressionAttributeNames: map[string]string{
					"#pk": AttrPK, "#sk": AttrSK,
				},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk":   &types.AttributeValueMemberS{Value: sharePK(id, shard)},
					":from": &types.AttributeValueMemberS{Value: lo},
					":to":   &types.AttributeValueMemberS{Value: hi},
				},
				ConsistentRead:         aws.Bool(s.consistent),
				ExclusiveStartKey:      start,
				ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
			})
			if err != nil {
				return nil, fmt.Errorf("dynamo: daily shares %q: %w", id, classify(err))
			}
			s.reportOne("DailyShares:Query", out.ConsumedCapacity)
			for _, item := range out.Items {
				sk, ok := item[AttrSK].(*types.AttributeValueMemberS)
				if !ok || !strings.HasPrefix(sk.Value, skShares+"#") {
					return nil, fmt.Errorf("dynamo: daily shares %q: counter item without a day", id)
				}
				day := strings.TrimPrefix(sk.Value, skShares+"#")
				counts := days[day]
				if counts == nil {
					counts = map[string]int64{}
					days[day] = counts
				}
				for name, v := range item {
					if name == AttrPK || name == AttrSK {
						continue
					}
					n, err := number(v)
					if err != nil {
						return nil, fmt.Errorf("dynamo: daily shares %q: %s: %w", id, name, err)
					}
					counts[name] += n
				}
			}
			if len(out.LastEvaluatedKey) == 0 {
				break
			}
			start = out.LastEvaluatedKey
		}
	}
	return days, nil
}

func number(v types.AttributeValue) (int64, error) {
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("counter is %T, not a number", v)
	}
	i, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("counter %q: %w", n.Value, err)
	}
	return i, nil
}
