// Package notify is the WebSub publisher: it turns the articles table's
// stream into hub.mode=publish pings, so hubs (and the readers subscribed
// through them) learn of a change within seconds. Running off the stream
// makes it asynchronous: a write commits whatever the hub does.
//
// Rules: only canonical article records count (feed entries, slug items,
// feed heads and share counters are skipped; the template's FilterCriteria
// already drops them in AWS). A record pings the feeds of its old and new
// images together, so a feed an article left hears of it too; each topic
// (one per feed and format) is pinged once per batch. A network error, 408,
// 429 or 5xx is retried with backoff within the deadline, then every record
// that needed the topic is reported in BatchItemFailures; any other 4xx,
// or a record that cannot be decoded, is logged and counts as done.
// The item format is the store's, so the store reads the records
// (Options.Feeds: dynamo.StreamFeeds in the function).
// With Options.Invalidator (the function's DISTRIBUTION_ID) a batch first
// drops the CDN's copies of exactly the feeds it pings, in one
// invalidation waited on up to InvalidationWait, so a hub fetching right
// after the ping gets the new feed; if that fails it waits out the feeds'
// max-age (FallbackDelay) and pings anyway, or leaves the batch to the
// stream's retry when even that does not fit the deadline.
package notify
