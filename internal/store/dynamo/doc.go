// Package dynamo is the article store on Amazon DynamoDB: one table,
// single-table design, laid out so that every public read is one request.
// docs/dynamodb.md describes the items, the indexes and why.
//
// Rules: a feed page is one Query on the feed index and a share page one
// GetItem of the slug item, because feed entries and slug items carry the
// whole article; a Save is one TransactWriteItems pinned to the version it
// read (collisions on a feed head are retried); a share click is
// one ADD to one of ShareShards counter items of (article, day), summed on
// read; attribute and index names are the
// exported constants, which template.yaml must match (CreateTable is the
// reference definition). Build the admin API's store WithConsistentReads.
// StreamFeeds reads a stream record (as Lambda delivers it) into the feeds
// its article left and joined, for the notifier, so the item format is
// known here only. A scheduled article is pending until Release, one
// transaction per due article found on the SCHEDULED partition of the
// feed index (docs/scheduling.md).
package dynamo
