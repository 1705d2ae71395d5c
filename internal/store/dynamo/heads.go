package dynamo

import (
	"context"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/newsdesk/syndicate/internal/article"
)

// FeedHead returns the head of a feed with one GetItem of its small head
// item, or ErrNotFound for a feed no article was ever in.
func (s *Store) FeedHead(ctx context.Context, key article.FeedKey) (article.FeedHead, error) {
	av, ok, err := s.getItem(ctx, "FeedHead", headPK(key.String()), skHead, s.consistent)
	switch {
	case err != nil:
		return article.FeedHead{}, fmt.Errorf("dynamo: feed head %s: %w", key, err)
	case !ok:
		return article.FeedHead{}, fmt.Errorf("dynamo: feed head %s: %w", key, article.ErrNotFound)
	}
	var h headItem
	if err := attributevalue.UnmarshalMap(av, &h); err != nil {
		return article.FeedHead{}, fmt.Errorf("dynamo: feed head %s: decode: %w", key, err)
	}
	updated, err := parseTime(h.UpdatedAt)
	if err != nil {
		return article.FeedHead{}, fmt.Errorf("dynamo: feed head %s: updatedAt: %w", key, err)
	}
	return article.FeedHead{
		Key:       article.FeedKey{Kind: key.Kind, Slug: key.Slug, Name: h.Name},
		Rev:       h.Rev,
		UpdatedAt: updated,
	}, nil
}
