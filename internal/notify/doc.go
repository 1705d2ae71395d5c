// Package notify is the WebSub publisher: it turns the articles table's
// DynamoDB stream into hub.mode=publish pings, so that hubs (and the feed
// readers subscribed through them) learn of a new, changed or deleted
// article within seconds instead of at their next poll.
//
// Why a package of its own: it is the only consumer of the table's stream,
// it talks to a third party (the hub) whose failures must never reach an
// editor, and it needs its own retry and batch-failure policy. Running it
// from the stream makes it asynchronous by construction: a write commits
// whatever the hub does.
//
// # Fresh copies first
//
// A hub fetches the feed right after the ping, through the CDN, which may
// hold a copy up to max-age (5 min) old. With Options.Invalidator set (the
// function's DISTRIBUTION_ID), each batch first drops the CDN's copies of
// exactly the feeds it pings, in one invalidation, and waits for it up to
// InvalidationWait; if that fails or times out, it waits out the feeds'
// max-age (FallbackDelay) and pings anyway, logging why; if even that does
// not fit the deadline, the batch is left to the stream's retry.
//
// # What is pinged
//
// Only canonical article items matter; feed entries, slug locks, feed heads
// and share counters are skipped (the template's FilterCriteria already
// keeps them away in AWS). The item format is the store's, so the store
// reads the records (Options.Feeds: dynamo.StreamFeeds in the function).
// For each record the feeds of the old and the new image
// (article.Article.Feeds) are united, so an article that leaves a section, is unpublished or is
// deleted pings the feeds it left as well as those it joined. Every feed
// has three topic URLs, one per format (feed.Site.FeedURL), and each is
// pinged once per batch however many records touched it.
//
// # Failures
//
// A ping is retried with exponential backoff and full jitter while the
// invocation's deadline allows another attempt. A network error, 408, 429
// or 5xx is transient: if it persists, every record that needed that topic
// is reported in BatchItemFailures, and Lambda retries from the earliest of
// them (the template bisects batches and sends what keeps failing to an SQS
// queue), so no ping is silently lost. Any other 4xx is the hub refusing
// the topic for good; retrying cannot help, so it is logged and the record
// counts as done. A record whose images cannot be decoded is logged and
// skipped for the same reason.
package notify
