// Package dynamo is the article store on Amazon DynamoDB: one table, single
// table design, written so that every public read is one request.
//
// # Table layout
//
// The table's primary key is (pk, sk), both strings. Items:
//
//	pk                 sk              what
//	ARTICLE#<id>       ARTICLE         canonical article: every field, version,
//	                                   gsi1pk="ALL" and gsi1sk=<sort key> while
//	                                   the article is live (drafts included;
//	                                   tombstones drop both, leaving the index)
//	ARTICLE#<id>       FEED#<feed>     one per feed a public article is in:
//	                                   every field again, feed=<feed> and
//	                                   feedSort=<sort key>
//	ARTICLE#<id>       SHARES          share counters of earlier releases (read,
//	                                   never written)
//	SHARES#<id>#<n>    SHARES#<day>    share counters, one number per network,
//	                                   for UTC day yyyy-mm-dd, shard n of
//	                                   ShareShards
//	SLUG#<slug>        SLUG            slug item: the lock on the slug and
//	                                   every field of the holder again (a
//	                                   tombstone's for a deleted article),
//	                                   without the gsi1 keys
//	HEAD#<feed>        HEAD            feed head: rev, updatedAt, name
//
// <feed> is article.FeedKey.String() ("site", "section/svyat", "tag/nato",
// "author/ivan-petrov"). A sort key is the article's sort time in UTC at
// fixed width, "#", its ID, so that string order is time order.
//
// Two global secondary indexes, both projecting ALL attributes:
//
//	admin  gsi1pk, gsi1sk    the admin list, newest first
//	feed   feed, feedSort    one feed, newest first
//
// The names are exported as constants (AttrPK, IndexFeed, …) for
// template.yaml to match; CreateTable is the reference definition.
//
// # Why this shape
//
// A feed page is one Query on the feed index (ScanIndexForward=false,
// Limit=n+1), with no follow-up BatchGetItem, because each feed entry
// carries the whole article. That costs write amplification, bounded by
// package article's limits (at most 2+MaxTags+MaxAuthors entries), and
// buys the cheapest possible reads, which is the traffic that matters.
// A conditional feed request reads only the tiny head item.
//
// A share page is one GetItem of the slug item, which carries the whole
// article for the same reason; when it held only the holder's id, every
// share page took two reads, the lock and then the article. The copy is
// written in the transaction that writes the canonical item, so the two
// never disagree. A GSI on the slug was the other way to one read, and
// was not taken: its copy would be written outside the transaction, a
// little cheaper (no transactional double charge) and outside the 4 MB
// budget below, but it is eventually consistent only, so a share page
// fetched right after publishing could miss the article or a deletion and
// WithConsistentReads could not apply to it, the lock item would still be
// needed for uniqueness, and the table would need a third index.
//
// The largest save package article allows (slug, section, every tag and
// author changed, text at article.MaxArticleBytes, 150 KiB, whatever the
// characters) is 89 of the 100 items of a transaction and about 3.5 MiB of
// DynamoDB's 4 MB: 24 whole copies of the article (the canonical item, the
// slug item, 22 feed entries), 21 deletes and 43 head updates;
// TestSaveSizeBudget measures it, in Cyrillic and in 4-byte characters.
//
// The admin list is on one partition ("ALL"). Editors write a few hundred
// articles a day, far below a partition's limits, and one partition keeps
// the list a single ordered Query.
//
// Share counters are separate items updated with ADD, so counting is an
// atomic counter that never touches the article's version and never
// conflicts with an editor's write. A click adds to one of ShareShards
// items of (article, day), taken in turn, each its own partition key: a
// viral article's 2,000 clicks/s are 125 writes/s per item, far below the
// 1,000 one partition key takes, and the article's own items are on
// another partition key. ShareCounts sums the shards (one Query each); the
// days keep per-day counts readable.
//
// # Writes
//
// Save reads the canonical item with a strongly consistent read to learn the
// old slug and feeds, then writes everything in one TransactWriteItems: the
// canonical item conditioned on the version (attribute_not_exists(pk) for a
// new article), the slug item conditioned on being free or ours, the delete
// of the old slug item if the slug changed (a tombstone keeps its slug and
// its slug item holds the tombstone, so the slug is never reused and share
// URLs keep answering 410 from one read), a Put of every current
// feed entry, a Delete of every entry the article left, and ADD rev on the
// head of every feed in the old and new sets. The version condition makes the
// pre-read safe: if anyone wrote in between, the transaction is cancelled.
//
// Every public save touches the site head, so concurrent saves of different
// articles collide there; DynamoDB cancels such transactions with reason
// TransactionConflict, and Save retries them with jittered backoff.
//
// # Reads and consistency
//
// A slug item written by a build before slug items carried the article
// holds only the id; GetBySlug reads the canonical item after one of those,
// and the article's next save rewrites it in the new form.
//
// GetItem reads are eventually consistent unless the store is built with
// WithConsistentReads; index queries are always eventually consistent, as
// DynamoDB offers no other kind on a GSI. The admin API compares If-Match
// against Get, so its store should use WithConsistentReads.
//
// # Stream
//
// The table's stream carries these items too. StreamFeeds reads a stream
// record, in the form Lambda delivers it, into the feeds its article left
// and joined, for the notifier, so that the item format is known here only.
//
// # moto
//
// The tests run against moto_server (5.2), which deviates from DynamoDB in
// ways this package does not rely on, checked in its source and by the
// tests:
//
//   - Capacity: moto reports a constant per call (GetItem and UpdateItem
//     0.5, Query 1, whatever the size or consistency) and an empty
//     ConsumedCapacity list for TransactWriteItems, so the hook sees 0 for
//     Save's write. DynamoDB charges by size: a strongly consistent
//     read costs twice an eventual one, and a transactional write twice a
//     plain one, per 1 KB of every item.
//   - Isolation: moto neither serialises nor isolates concurrent requests.
//     A transaction deep-copies the table for each of its items and
//     restores the copy on cancellation, undoing concurrent writes or
//     failing with HTTP 500. internal/dynamotest's client therefore sends
//     one request at a time, which is the order DynamoDB guarantees.
//   - Conflicts: moto never cancels with TransactionConflict; the retry on
//     it is tested against a fake HTTP client that does
//     (save_internal_test.go), as are throttling and 5xx errors.
//   - Cancellation reasons come in item order with Code "None" for the
//     items that passed, as in DynamoDB, so the position mapping holds.
//   - Speed: the copy per transaction item makes a Save cost time in
//     proportion to the table, so the 250-article paging test takes most
//     of a minute.
package dynamo
