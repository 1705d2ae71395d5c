package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	smithytime "github.com/aws/smithy-go/time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/metrics"
)

// Options configure a Notifier. Zero values take the defaults noted.
type Options struct {
	// HubURL is the WebSub hub; empty makes the Notifier a no-op.
	HubURL string
	// Site builds the topic URLs (feed.Channel.FeedURL); required.
	Site *feed.Channel
	// Articles reads the stream's records; required (functions/notify
	// wires in dynamo.StreamArticles).
	Articles RecordArticles
	// Client sends the pings; http.DefaultClient if nil. Its own Timeout,
	// if any, applies on top of AttemptTimeout.
	Client *http.Client
	// Log receives one line per invocation and one per failed topic.
	Log *slog.Logger
	// Attempts is how many times a topic is tried per invocation; 5.
	Attempts int
	// BaseDelay and MaxDelay bound the backoff: attempt n waits a random
	// time in [0, min(MaxDelay, BaseDelay·2ⁿ)) ("full jitter"); 200 ms, 5 s.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// AttemptTimeout bounds one POST; 5 s.
	AttemptTimeout time.Duration
	// Concurrency is how many pings run at once; 4.
	Concurrency int
	// Now is the clock, for deadline arithmetic; time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx ends, reporting whether it waited d;
	// smithy-go's SleepWithContext.
	Sleep func(ctx context.Context, d time.Duration) bool
	// Settle is how old the newest change of a batch must be (by its
	// record's ApproximateCreationDateTime, which the stream rounds down
	// to the second, so a second more is waited) before its invalidation
	// and pings: the feeds answer from a head read up to feed.HeadReuse
	// earlier, and a fetch the invalidation or a ping causes must see the
	// change. feed.HeadReuse; negative waits nothing.
	Settle time.Duration
	// Jitter returns a random duration in [0, d); rand.N if nil.
	Jitter func(d time.Duration) time.Duration
	// Metrics receives one record per batch with pings sent, refused and
	// failed, and one per failed CDN invalidation; nil records nothing.
	Metrics *metrics.Emitter

	// Invalidator, when set, drops the CDN's copies of every public form a
	// batch changed (Paths: share pages and cards, oEmbed, feeds, the
	// sitemap) in one invalidation, before the hub is pinged, so that a
	// hub fetching a feed right after the ping gets the new one and a
	// corrected story is served within the invalidation's time.
	// functions/notify wires in *cdn.CloudFront when DISTRIBUTION_ID is set.
	Invalidator Invalidator
	// MaxWildcards bounds the wildcard paths of one invalidation: a batch
	// needing more invalidates "/*" instead (CloudFront runs at most 15
	// wildcard paths at a time per distribution); 8.
	MaxWildcards int
	// InvalidationWait bounds the invalidation and the wait for it to
	// complete; 60 s.
	InvalidationWait time.Duration
	// FallbackDelay is how long PingFeeds (cmd/replay) waits before
	// pinging when its invalidation failed or timed out (Handle leaves such
	// a batch to the stream's retry instead): the feeds' max-age, after which
	// every cached copy is stale and a hub's fetch revalidates; 5 min.
	FallbackDelay time.Duration
}

// Invalidator drops cached copies of URL paths ("/feeds/rss.xml") in one
// request and waits, until ctx ends, for that to complete.
type Invalidator interface {
	Invalidate(ctx context.Context, paths []string) error
}

// RecordArticles reads a record of the articles table's stream into its
// article as the public saw it before the change (old) and after it (cur):
// nil when there was none (no image, or a scheduled article not yet
// released). Only what names the article's public addresses need be
// decoded: ID, Slug, PreviousSlugs and what Feeds reads. ok is false for a
// record that is not about an article's canonical item (feed entries, slug
// items, feed heads and share counters share the stream). The item format
// is the store's, so the store provides it.
type RecordArticles func(*events.DynamoDBStreamRecord) (old, cur *article.Article, ok bool, err error)

// Notifier pings a WebSub hub for the feeds touched by a stream batch.
// It is safe for concurrent use.
type Notifier struct {
	opts Options
}

// New returns a Notifier with opts' defaults filled in.
func New(opts Options) *Notifier {
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 5
	}
	if opts.BaseDelay <= 0 {
		opts.BaseDelay = 200 * time.Millisecond
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 5 * time.Second
	}
	if opts.AttemptTimeout <= 0 {
		opts.AttemptTimeout = 5 * time.Second
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = func(ctx context.Context, d time.Duration) bool {
			return smithytime.SleepWithContext(ctx, d) == nil
		}
	}
	if opts.Settle == 0 {
		opts.Settle = feed.HeadReuse
	}
	if opts.InvalidationWait <= 0 {
		opts.InvalidationWait = 60 * time.Second
	}
	if opts.MaxWildcards <= 0 {
		opts.MaxWildcards = 8
	}
	if opts.FallbackDelay <= 0 {
		opts.FallbackDelay = 5 * time.Minute
	}
	if opts.Jitter == nil {
		opts.Jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		}
	}
	return &Notifier{opts: opts}
}

// Handle is the Lambda handler of the table stream. It never returns an
// error: failures are reported per record in BatchItemFailures (the event
// source mapping has ReportBatchItemFailures on), so a batch is never
// retried whole for one bad topic.
//
// A batch is one invalidation of every public form its records changed
// (Paths), then the hub pings of the feeds they touched.
func (n *Notifier) Handle(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	res := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	if n.opts.Articles == nil || len(e.Records) == 0 {
		return res, nil
	}
	// feeds maps each feed (FeedKey.String) to the records that touched
	// it, in order; a batch of edits to one article touches few feeds.
	feeds := make(map[string][]int)
	var keys []article.FeedKey
	var changed []*article.Article
	var newest time.Time
	public := make([]bool, len(e.Records))
	skipped := 0
	for i := range e.Records {
		r := &e.Records[i]
		old, cur, ok, err := n.opts.Articles(&r.Change)
		if !ok {
			skipped++
			continue
		}
		if err != nil {
			// Retrying cannot fix a record we cannot read; say so loudly.
			n.opts.Log.LogAttrs(ctx, slog.LevelError, "notify: undecodable stream record skipped",
				slog.String("eventID", r.EventID), slog.String("sequenceNumber", r.Change.SequenceNumber),
				slog.String("error", err.Error()))
			skipped++
			continue
		}
		if w := r.Change.ApproximateCreationDateTime.Time; w.After(newest) {
			newest = w
		}
		if shown(old) || shown(cur) {
			public[i] = true
			changed = append(changed, old, cur)
		}
		for _, k := range unionFeeds(old, cur) {
			id := k.String()
			rs, seen := feeds[id]
			if !seen {
				keys = append(keys, k)
			}
			if len(rs) == 0 || rs[len(rs)-1] != i {
				feeds[id] = append(rs, i)
			}
		}
	}

	paths := n.Paths(keys, changed)
	if len(keys) > 0 || len(paths) > 0 {
		n.settle(ctx, newest)
	}
	topics, failed := 0, []article.FeedKey(nil)
	// A failed invalidation leaves every record that changed a public
	// form to the stream's retry, which invalidates again: waiting out
	// the feeds' max-age would not fix the share pages (an hour at the
	// edge), and the retry pings the feeds once they are fresh.
	invalidated := n.invalidate(ctx, paths) == nil
	if invalidated {
		topics, failed = n.pingKeys(ctx, keys)
	}
	bad := make(map[int]bool)
	for _, k := range failed {
		for _, i := range feeds[k.String()] {
			bad[i] = true
		}
	}
	for i := range e.Records {
		if bad[i] || (!invalidated && public[i]) {
			res.BatchItemFailures = append(res.BatchItemFailures,
				events.DynamoDBBatchItemFailure{ItemIdentifier: e.Records[i].Change.SequenceNumber})
		}
	}
	n.opts.Log.LogAttrs(ctx, slog.LevelInfo, "notify: batch",
		slog.Int("records", len(e.Records)), slog.Int("skipped", skipped),
		slog.Int("feeds", len(keys)), slog.Int("paths", len(paths)), slog.Int("topics", topics), slog.Int("failedFeeds", len(failed)),
		slog.Int("failedRecords", len(res.BatchItemFailures)))
	return res, nil
}

// shown reports whether a is on the public surfaces: a live article (a
// scheduled one's image is nil until its release).
func shown(a *article.Article) bool { return a != nil && a.Public() }

// unionFeeds unites the feeds of a record's old and new images.
func unionFeeds(old, cur *article.Article) []article.FeedKey {
	var keys []article.FeedKey
	if cur != nil {
		keys = cur.Feeds()
	}
	if old == nil {
		return keys
	}
	for _, o := range old.Feeds() {
		if !slices.ContainsFunc(keys, o.Same) {
			keys = append(keys, o)
		}
	}
	return keys
}

// Paths are the CDN paths that drop every public form of what a batch
// changed: for each article in changed (old and new images alike; nil is
// skipped), "/share/<slug>*" for its current and previous slugs and
// "/share/<id>*" (the page, the card at every width and version, since a
// card's query is its version; a wildcard also takes a longer slug
// beginning with this one, a harmless miss); "/oembed*" (every oEmbed
// answer: its key is the url query, in whatever spelling a consumer sent);
// and when any feed changed, "/feeds/*" (every feed with every ?limit= and
// ?cursor= variant) and "/sitemap-news.xml". CloudFront bills a wildcard
// as one path and runs at most 15 wildcard paths at once per distribution,
// so a batch needing more than MaxWildcards invalidates "/*": one path.
func (n *Notifier) Paths(keys []article.FeedKey, changed []*article.Article) []string {
	var paths []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	for _, a := range changed {
		if a == nil {
			continue
		}
		for _, s := range append([]string{a.Slug}, a.PreviousSlugs...) {
			if s != "" {
				add("/share/" + url.PathEscape(s) + "*")
			}
		}
		if a.ID != "" {
			add("/share/" + url.PathEscape(a.ID) + "*")
		}
	}
	if len(paths) > 0 {
		add("/oembed*")
	}
	if len(keys) > 0 {
		add("/feeds/*")
		add(sitemapPath)
	}
	wild := 0
	for _, p := range paths {
		if strings.HasSuffix(p, "*") {
			wild++
		}
	}
	if wild > n.opts.MaxWildcards {
		return []string{"/*"}
	}
	return paths
}

// sitemapPath is the news sitemap's path (feedapi); its cache key has no
// query, so its exact path is all of it.
const sitemapPath = "/sitemap-news.xml"

// pings reports whether keys will be pinged: a hub is set and there are
// feeds.
func (n *Notifier) pings(keys []article.FeedKey) bool {
	return n.opts.HubURL != "" && n.opts.Site != nil && len(keys) > 0
}

// PingFeeds pings the hub for every format of every feed in keys and
// returns how many topics it pinged and the feeds of which some topic
// failed transiently (after the retries). Before pinging it invalidates
// the feeds' copies in the CDN (Paths). cmd/replay uses it for the feeds
// of the articles a lost batch changed.
func (n *Notifier) PingFeeds(ctx context.Context, keys []article.FeedKey) (topics int, failed []article.FeedKey) {
	if !n.pings(keys) {
		return 0, nil
	}
	if !n.fresh(ctx, n.Paths(keys, nil)) {
		return len(keys) * len(feed.Formats), keys
	}
	return n.pingKeys(ctx, keys)
}

// pingKeys pings the hub for every format of every feed in keys, without
// invalidating; see PingFeeds.
func (n *Notifier) pingKeys(ctx context.Context, keys []article.FeedKey) (topics int, failed []article.FeedKey) {
	if !n.pings(keys) {
		return 0, nil
	}
	urls := make([]string, 0, len(keys)*len(feed.Formats))
	of := make([]int, 0, cap(urls))
	for i, k := range keys {
		for _, f := range feed.Formats {
			urls = append(urls, n.opts.Site.FeedURL(k, f))
			of = append(of, i)
		}
	}
	outcomes := n.pingAll(ctx, urls)
	bad := make([]bool, len(keys))
	fails, refused := 0, 0
	for j := range urls {
		switch outcomes[j] {
		case pingFailed:
			bad[of[j]] = true
			fails++
		case pingRefused:
			refused++
		}
	}
	for i, k := range keys {
		if bad[i] {
			failed = append(failed, k)
		}
	}
	n.record(ctx, func(rec *metrics.Recorder) {
		rec.Add(metrics.PingsSent, len(urls)-fails-refused)
		rec.Add(metrics.PingsRefused, refused)
		rec.Add(metrics.PingsFailed, fails)
	})
	return len(urls), failed
}

// record writes one metrics record filled by fill, when Metrics is set.
func (n *Notifier) record(ctx context.Context, fill func(*metrics.Recorder)) {
	if n.opts.Metrics == nil {
		return
	}
	rec := new(metrics.Recorder)
	fill(rec)
	if err := n.opts.Metrics.Emit(rec); err != nil {
		n.opts.Log.LogAttrs(ctx, slog.LevelWarn, "metrics: not written", slog.String("error", err.Error()))
	}
}

// invalidate drops paths from the CDN: one invalidation, waited on up to
// InvalidationWait. Nothing to drop, or no Invalidator, is success. A
// failure is logged and counted (InvalidationFailures).
func (n *Notifier) invalidate(ctx context.Context, paths []string) error {
	if n.opts.Invalidator == nil || len(paths) == 0 {
		return nil
	}
	ictx, cancel := context.WithTimeout(ctx, n.opts.InvalidationWait)
	start := n.opts.Now()
	err := n.opts.Invalidator.Invalidate(ictx, paths)
	cancel()
	if err != nil {
		// A log line alone pages nobody: InvalidationFailuresAlarm reads this.
		n.record(ctx, func(rec *metrics.Recorder) { rec.Add(metrics.InvalidationFailures, 1) })
		n.opts.Log.LogAttrs(ctx, slog.LevelError, "notify: CDN invalidation failed",
			slog.Int("paths", len(paths)), slog.String("error", err.Error()))
		return err
	}
	n.opts.Log.LogAttrs(ctx, slog.LevelInfo, "notify: CDN invalidated",
		slog.Int("paths", len(paths)), slog.Duration("took", n.opts.Now().Sub(start)))
	return nil
}

// fresh makes the CDN's copies of feeds fresh before PingFeeds pings
// them: one invalidation of paths (invalidate). If it fails or times out,
// it waits FallbackDelay (the feeds' max-age) instead, and reports it. It
// returns false only when that wait does not fit before ctx's deadline, so
// the pings must not go out now.
func (n *Notifier) fresh(ctx context.Context, paths []string) bool {
	err := n.invalidate(ctx, paths)
	if err == nil {
		return true
	}
	if !n.fits(ctx, n.opts.FallbackDelay) {
		n.opts.Log.LogAttrs(ctx, slog.LevelError, "notify: no time is left to wait out the feeds' max-age; feeds left to retry",
			slog.Int("paths", len(paths)), slog.String("error", err.Error()))
		return false
	}
	n.opts.Log.LogAttrs(ctx, slog.LevelError, "notify: pinging after the feeds' max-age",
		slog.Int("paths", len(paths)), slog.Duration("delay", n.opts.FallbackDelay), slog.String("error", err.Error()))
	return n.opts.Sleep(ctx, n.opts.FallbackDelay)
}

// settle waits until a change written at newest (a stream record's time,
// rounded down to the second) is Settle old, so that the feeds no longer
// answer from a head read before it. It waits at most Settle and a second
// (a record stamped ahead of our clock waits no longer).
func (n *Notifier) settle(ctx context.Context, newest time.Time) {
	if newest.IsZero() || n.opts.Settle < 0 {
		return
	}
	wait := newest.Add(time.Second + n.opts.Settle).Sub(n.opts.Now())
	if wait <= 0 {
		return
	}
	if wait > n.opts.Settle+time.Second {
		wait = n.opts.Settle + time.Second
	}
	n.opts.Sleep(ctx, wait)
}

// pingOutcome is what became of one topic's ping.
type pingOutcome int

const (
	// pingSent: the hub answered 2xx.
	pingSent pingOutcome = iota
	// pingRefused: the hub answered a 4xx that retrying cannot change
	// (logged and counted as PingsRefused, never as sent).
	pingRefused
	// pingFailed: a transient failure outlived the retries or the deadline.
	pingFailed
)

// pingAll pings every topic, Concurrency at a time, and reports each
// one's outcome, in the order given.
func (n *Notifier) pingAll(ctx context.Context, topics []string) []pingOutcome {
	ok := make([]pingOutcome, len(topics))
	sem := make(chan struct{}, n.opts.Concurrency)
	var wg sync.WaitGroup
	for i, u := range topics {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			ok[i] = n.ping(ctx, u)
		}()
	}
	wg.Wait()
	return ok
}

// errPermanent marks a hub answer that retrying cannot change.
var errPermanent = errors.New("permanent")

// ping publishes one topic with retries.
func (n *Notifier) ping(ctx context.Context, topic string) pingOutcome {
	var err error
	for attempt := 1; ; attempt++ {
		err = n.post(ctx, topic)
		if err == nil {
			return pingSent
		}
		if errors.Is(err, errPermanent) {
			n.opts.Log.LogAttrs(ctx, slog.LevelError, "notify: hub refused topic",
				slog.String("topic", topic), slog.String("error", err.Error()))
			return pingRefused
		}
		if attempt >= n.opts.Attempts {
			break
		}
		wait := n.opts.Jitter(n.backoff(attempt))
		if !n.fits(ctx, wait) {
			break
		}
		if !n.opts.Sleep(ctx, wait) {
			err = errors.Join(err, ctx.Err())
			break
		}
	}
	n.opts.Log.LogAttrs(ctx, slog.LevelWarn, "notify: ping failed",
		slog.String("topic", topic), slog.String("error", err.Error()))
	return pingFailed
}

// backoff is the ceiling of the wait after the attempt-th failure.
func (n *Notifier) backoff(attempt int) time.Duration {
	d := n.opts.BaseDelay << (attempt - 1)
	if d <= 0 || d > n.opts.MaxDelay {
		return n.opts.MaxDelay
	}
	return d
}

// fits reports whether waiting wait and then one attempt still end before
// ctx's deadline, so that the function answers before Lambda kills it.
func (n *Notifier) fits(ctx context.Context, wait time.Duration) bool {
	deadline, ok := ctx.Deadline()
	if !ok {
		return ctx.Err() == nil
	}
	return n.opts.Now().Add(wait + n.opts.AttemptTimeout).Before(deadline)
}

// post sends one hub.mode=publish request.
func (n *Notifier) post(ctx context.Context, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, n.opts.AttemptTimeout)
	defer cancel()
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.opts.HubURL, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("notify: hub request: %w: %w", err, errPermanent)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "syndicate-websub/1")
	resp, err := n.opts.Client.Do(req)
	if err != nil {
		return fmt.Errorf("notify: post to hub: %w", err)
	}
	// Drain a little so the connection can be reused; hubs answer briefly.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return nil
	case s == http.StatusRequestTimeout, s == http.StatusTooManyRequests, s >= 500:
		return fmt.Errorf("notify: hub answered %d", s)
	default:
		return fmt.Errorf("notify: hub answered %d: %w", s, errPermanent)
	}
}
