package dynamo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/store/internal/rules"
)

// IncrementShare adds one share of article id on network with an atomic
// ADD on the article's counter item and returns the new count. The counter
// item is not the article, so counting never changes its version.
func (s *Store) IncrementShare(ctx context.Context, id, network string) (int64, error) {
	if err := rules.CheckNetwork(network); err != nil {
		return 0, fmt.Errorf("dynamo: share %q: %w", id, err)
	}
	expr, err := expression.NewBuilder().
		WithUpdate(expression.Add(expression.Name(network), expression.Value(1))).Build()
	if err != nil {
		return 0, fmt.Errorf("dynamo: share %q on %s: %w", id, network, err)
	}
	out, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 s.table,
		Key:                       key(articlePK(id), skShares),
		UpdateExpression:          expr.Update(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ReturnValues:              types.ReturnValueUpdatedNew,
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return 0, fmt.Errorf("dynamo: share %q on %s: %w", id, network, classify(err))
	}
	s.reportOne("IncrementShare:UpdateItem", out.ConsumedCapacity)
	n, err := number(out.Attributes[network])
	if err != nil {
		return 0, fmt.Errorf("dynamo: share %q on %s: %w", id, network, err)
	}
	return n, nil
}

// ShareCounts returns the share counts of article id by network, an empty
// map when it was never shared.
func (s *Store) ShareCounts(ctx context.Context, id string) (map[string]int64, error) {
	av, _, err := s.getItem(ctx, "ShareCounts", articlePK(id), skShares, s.consistent)
	if err != nil {
		return nil, fmt.Errorf("dynamo: share counts %q: %w", id, err)
	}
	counts := make(map[string]int64, len(av))
	for name, v := range av {
		if name == AttrPK || name == AttrSK {
			continue
		}
		n, err := number(v)
		if err != nil {
			return nil, fmt.Errorf("dynamo: share counts %q: %s: %w", id, name, err)
		}
		counts[name] = n
	}
	return counts, nil
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
