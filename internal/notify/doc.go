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
// (Options.Articles: dynamo.StreamArticles in the function).
// A batch first waits until its newest change is Settle old (feed.HeadReuse,
// the time a feeds container may answer from a head read before it, and the
// second the stream's timestamps are rounded by: at most 2 s), so that no
// fetch the invalidation or a ping causes gets the feed as it was.
// With Options.Invalidator (the function's DISTRIBUTION_ID) a batch first
// drops the CDN's copies of every public form its records changed (Paths:
// share pages and cards under every slug and the ID, oEmbed, feeds with
// their query variants, the sitemap), in one invalidation waited on up to
// InvalidationWait, so a hub fetching right after the ping gets the new
// feed and a correction reaches every edge within the invalidation's time;
// a change nobody outside saw (a draft, a scheduled story) invalidates
// nothing. If the invalidation fails (a metric and a log line), the
// records that changed a public form are reported in BatchItemFailures and
// nothing is pinged: the stream's retry invalidates again and then pings,
// and after the retries the batch is in NotifyFailures for cmd/replay,
// whose PingFeeds waits out the feeds' max-age (FallbackDelay) when its own
// invalidation fails. The path list is this package's; the client
// (internal/cdn) only sends it.
package notify
