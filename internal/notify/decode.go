package notify

import (
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// articleSK is the sort key of the canonical article item in package
// dynamo's table layout. It is unexported there; the stream test against
// the real store proves the two agree.
const articleSK = "ARTICLE"

// streamItem is the part of package dynamo's item (its dynamodbav names)
// that decides which feeds an article is in. Keeping to these fields means
// a stream image decodes even when the store adds attributes.
type streamItem struct {
	Status  string       `dynamodbav:"status"`
	Deleted bool         `dynamodbav:"deleted"`
	Section string       `dynamodbav:"section"`
	Tags    []string     `dynamodbav:"tags"`
	Authors []streamName `dynamodbav:"authors"`
}

// feedAttrs are streamItem's attribute names.
var feedAttrs = []string{"status", "deleted", "section", "tags", "authors"}

type streamName struct {
	Name string `dynamodbav:"name"`
}

// isArticle reports whether a record is about a canonical article item.
func isArticle(r *events.DynamoDBEventRecord) bool {
	sk, ok := r.Change.Keys[dynamo.AttrSK]
	return ok && sk.DataType() == events.DataTypeString && sk.String() == articleSK
}

// feedsOf decodes a stream image (nil or empty for the missing side of an
// INSERT or REMOVE) and returns the feeds the article is in.
func feedsOf(image map[string]events.DynamoDBAttributeValue) ([]article.FeedKey, error) {
	if len(image) == 0 {
		return nil, nil
	}
	// Only the attributes that decide the feeds: converting the body and
	// the rest would cost most of the time for nothing.
	m := make(map[string]types.AttributeValue, len(feedAttrs))
	for _, name := range feedAttrs {
		v, ok := image[name]
		if !ok {
			continue
		}
		av, err := attributeValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", name, err)
		}
		m[name] = av
	}
	var it streamItem
	if err := attributevalue.UnmarshalMap(m, &it); err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	a := article.Article{
		Status:  article.Status(it.Status),
		Deleted: it.Deleted,
		Section: it.Section,
		Tags:    it.Tags,
	}
	if len(it.Authors) > 0 {
		a.Authors = make([]article.Author, len(it.Authors))
		for i, au := range it.Authors {
			a.Authors[i].Name = au.Name
		}
	}
	return a.Feeds(), nil
}

// attributeMap converts a Lambda event image to the SDK's attribute values,
// so that the SDK's decoder (the one the store uses) reads it.
func attributeMap(in map[string]events.DynamoDBAttributeValue) (map[string]types.AttributeValue, error) {
	out := make(map[string]types.AttributeValue, len(in))
	for k, v := range in {
		av, err := attributeValue(v)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", k, err)
		}
		out[k] = av
	}
	return out, nil
}

func attributeValue(v events.DynamoDBAttributeValue) (types.AttributeValue, error) {
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
			av, err := attributeValue(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out[i] = av
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case events.DataTypeMap:
		m, err := attributeMap(v.Map())
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	}
	return nil, fmt.Errorf("unknown attribute type %d", v.DataType())
}
