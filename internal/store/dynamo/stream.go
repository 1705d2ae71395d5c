package dynamo

import (
	"fmt"
	"slices"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
)

// feedAttrs are the attributes of an article item that decide which feeds
// it is in: what article.Article.Feeds reads. They are item's dynamodbav
// names (TestFeedAttrsAreItemAttributes holds them to it).
var feedAttrs = []string{"status", "deleted", "section", "tags", "authors", "pending"}

// pathAttrs are the attributes that name an article's public addresses
// besides its feeds: its share paths (ID, current and previous slugs).
var pathAttrs = []string{"id", "slug", "previousSlugs"}

// StreamFeeds reads a record of the table's stream, in the form Lambda
// hands it to a function, into the feeds its article was in before the
// change (old) and after it (cur). It is StreamArticles' feeds.
func StreamFeeds(r *events.DynamoDBStreamRecord) (old, cur []article.FeedKey, ok bool, err error) {
	o, c, ok, err := StreamArticles(r)
	if !ok || err != nil {
		return nil, nil, ok, err
	}
	if o != nil {
		old = o.Feeds()
	}
	if c != nil {
		cur = c.Feeds()
	}
	return old, cur, true, nil
}

// StreamArticles reads a record of the table's stream, in the form Lambda
// hands it to a function, into its article as the public saw it before the
// change (old) and after it (cur): only what decides the article's public
// addresses is decoded (feedAttrs, pathAttrs: ID, slugs, status, deleted,
// section, tags, authors), so the body, which is
// most of an item, is never converted. A missing image (the old side of an
// INSERT, the new side of a REMOVE) is nil, and so is the image of a
// pending (scheduled) article: it is on no public surface, so a save of one
// changes nothing public, and its release (Release) is the record that
// does.
//
// ok is false, with nothing decoded, for a record that is not about a
// canonical article item: feed entries, slug items, share targets, feed
// heads and share counters share the stream.
func StreamArticles(r *events.DynamoDBStreamRecord) (old, cur *article.Article, ok bool, err error) {
	sk, found := r.Keys[AttrSK]
	if !found || sk.DataType() != events.DataTypeString || sk.String() != skArticle {
		return nil, nil, false, nil
	}
	if old, err = imageArticle(r.OldImage); err != nil {
		return nil, nil, true, fmt.Errorf("old image: %w", err)
	}
	if cur, err = imageArticle(r.NewImage); err != nil {
		return nil, nil, true, fmt.Errorf("new image: %w", err)
	}
	return old, cur, true, nil
}

// imageArticle decodes feedAttrs and pathAttrs of an article item's stream
// image; nil for no image or a pending article's.
func imageArticle(image map[string]events.DynamoDBAttributeValue) (*article.Article, error) {
	if len(image) == 0 {
		return nil, nil
	}
	m := make(map[string]types.AttributeValue, len(feedAttrs)+len(pathAttrs))
	for _, name := range append(slices.Clip(feedAttrs), pathAttrs...) {
		v, ok := image[name]
		if !ok {
			continue
		}
		av, err := streamValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		m[name] = av
	}
	var it item
	if err := attributevalue.UnmarshalMap(m, &it); err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	if it.Pending {
		// A scheduled article is in no feed until Release writes its item
		// without the mark: that record, not the save, announces it.
		return nil, nil
	}
	a, err := it.article()
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	return &a, nil
}

// streamValue converts a Lambda event's attribute value to the SDK's, so
// that the decoder the store reads with reads stream images too.
func streamValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
	switch v.DataType() {
	case events.DataTypeString:
		return &types.AttributeValueMemberS{Value: v.String()}, nil
	case events.DataTypeNumber:
		return &types.AttributeValueMemberN{Value: v.Number()}, nil
	case events.DataTypeBoolean:
		return &types.AttributeValueMemberBOOL{Value: v.Boolean()}, nil
	case events.DataTypeNull:
		return &types.AttributeValueMemberNULL{Value: true}, nil
	case events.DataTypeBinary:
		return &types.AttributeValueMemberB{Value: v.Binary()}, nil
	case events.DataTypeStringSet:
		return &types.AttributeValueMemberSS{Value: v.StringSet()}, nil
	case events.DataTypeNumberSet:
		return &types.AttributeValueMemberNS{Value: v.NumberSet()}, nil
	case events.DataTypeBinarySet:
		return &types.AttributeValueMemberBS{Value: v.BinarySet()}, nil
	case events.DataTypeList:
		l := v.List()
		out := make([]types.AttributeValue, len(l))
		for i, e := range l {
			av, err := streamValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = av
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		in := v.Map()
		out := make(map[string]types.AttributeValue, len(in))
		for k, e := range in {
			av, err := streamValue(e)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", k, err)
			}
			out[k] = av
		}
		return &types.AttributeValueMemberM{Value: out}, nil
	}
	return nil, fmt.Errorf("unknown attribute type %d", v.DataType())
}
