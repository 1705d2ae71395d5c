package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the table's keys and index keys. template.yaml must
// declare the same.
const (
	AttrPK       = "pk"
	AttrSK       = "sk"
	AttrGSI1PK   = "gsi1pk"
	AttrGSI1SK   = "gsi1sk"
	AttrFeed     = "feed"
	AttrFeedSort = "feedSort"
)

// Names of the global secondary indexes.
const (
	// IndexAdmin lists live articles: hash AttrGSI1PK, range AttrGSI1SK.
	IndexAdmin = "admin"
	// IndexFeed lists one feed: hash AttrFeed, range AttrFeedSort.
	IndexFeed = "feed"
)

// AdminPartition is the AttrGSI1PK value of every live article.
const AdminPartition = "ALL"

// SchedulePartition is the AttrFeed value of the canonical item of every
// pending (scheduled, not yet released) article, so that Release finds
// them on the feed index, AttrFeedSort being their PublishedAt. No feed's
// key (article.FeedKey.String) is ever this.
const SchedulePartition = "SCHEDULED"

// Key prefixes and sort key values; see docs/dynamodb.md.
const (
	prefixArticle = "ARTICLE#"
	prefixSlug    = "SLUG#"
	prefixHead    = "HEAD#"
	prefixFeed    = "FEED#"
	skArticle     = "ARTICLE"
	skSlug        = "SLUG"
	skHead        = "HEAD"
	skShares      = "SHARES"
)

// Partition key prefixes of the items the share function reads: an
// article's canonical item and its slug and alias items. template.yaml
// limits the function's GetItem to them.
const (
	ArticlePartitionPrefix = prefixArticle
	SlugPartitionPrefix    = prefixSlug
)

// Attribute names of the small items.
const (
	attrID        = "id"
	attrVersion   = "version"
	attrRev       = "rev"
	attrUpdatedAt = "updatedAt"
	attrName      = "name"
	// attrPreviousSlugs is the list of an article's previous slugs.
	attrPreviousSlugs = "previousSlugs"
	attrPending       = "pending"
	// prefixHeadScheduled + an article's ID named the attribute of a feed
	// head that held the PublishedAt of that pending article, before
	// pending articles left the heads (every feed request reads its head,
	// and the attributes grew it by ~100 bytes per pending article). No
	// write sets one; every head update for an article removes its own,
	// so tables written before lose them as their articles are saved or
	// released.
	prefixHeadScheduled = "sched:"
)

// CreateTable creates the table with its indexes, on-demand billing, and
// waits until it is active. A table that already exists is not an error, so
// tests and local runs can call it every time; its schema is not checked.
func CreateTable(ctx context.Context, client *dynamodb.Client, table string) error {
	str := func(name string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(name), AttributeType: types.ScalarAttributeTypeS}
	}
	keys := func(hash, rng string) []types.KeySchemaElement {
		return []types.KeySchemaElement{
			{AttributeName: aws.String(hash), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(rng), KeyType: types.KeyTypeRange},
		}
	}
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	_, err := client.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(table),
		AttributeDefinitions: []types.AttributeDefinition{
			str(AttrPK), str(AttrSK), str(AttrGSI1PK), str(AttrGSI1SK), str(AttrFeed), str(AttrFeedSort),
			str(AttrSharesPart), str(AttrSharesRank),
		},
		KeySchema:   keys(AttrPK, AttrSK),
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{
			{IndexName: aws.String(IndexAdmin), KeySchema: keys(AttrGSI1PK, AttrGSI1SK), Projection: all},
			{IndexName: aws.String(IndexFeed), KeySchema: keys(AttrFeed, AttrFeedSort), Projection: all},
			{IndexName: aws.String(IndexShares), KeySchema: keys(AttrSharesPart, AttrSharesRank), Projection: all},
		},
	})
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("dynamo: create table %s: %w", table, classify(err))
	}
	// The default waiter starts at 20 s between polls; a local table is
	// ready in milliseconds.
	w := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 100 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)}, 5*time.Minute); err != nil {
		return fmt.Errorf("dynamo: wait for table %s: %w", table, classify(err))
	}
	return nil
}
