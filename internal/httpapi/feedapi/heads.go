package feedapi

import (
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/feed"
)

// HeadTTL is how long a container reuses a feed head it read: every feed
// request reads the head (its validators come from it), and on a cached
// feed that read was most of the request's own work (BenchmarkCachedRSSPath
// on bolt, load 4.2: 5.0 of the route's 7.1 µs of CPU and 16 of its 33
// allocations; deployed, a DynamoDB round trip of a few milliseconds).
//
// Why this is safe and how long is short enough:
//   - A head names no pending article (article.FeedHead), and a feed is
//     listed as of its head, so a kept head can only show a feed as it
//     was: it never reveals a story before its time. A release writes new
//     heads, which a container sees at most HeadTTL later.
//   - An edit, takedown or release reaches the feeds at most HeadTTL
//     later: well within the minute every public form is held to. The
//     CDN's copies are dropped by the notifier, which waits until every
//     change of its batch is HeadTTL old (notify.Options.Settle) before it
//     invalidates and pings the hub, so a fetch caused by either gets a
//     head read after the write. The feeds function's reads are eventually
//     consistent already (typically under a second behind).
//   - Each Lambda container keeps its own copy; nothing is shared, so
//     nothing outlives the container or HeadTTL.
const HeadTTL = feed.HeadReuse

// headCacheMax bounds the heads kept: at most this many feeds (about 100
// bytes each); when full, an arbitrary one goes.
const headCacheMax = 4096

// HeadCache keeps the feed heads read in the last TTL, by feed (kind and
// slug). Only heads the store found are kept: a feed that does not exist
// yet is read again on every request, so it appears with its first
// release. A nil *HeadCache keeps nothing. It is safe for concurrent use.
type HeadCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[headKey]headEntry
}

type headKey struct {
	kind article.FeedKind
	slug string
}

type headEntry struct {
	head article.FeedHead
	at   time.Time
}

// NewHeadCache returns a cache whose heads serve for ttl after their read;
// ttl <= 0 keeps nothing.
func NewHeadCache(ttl time.Duration) *HeadCache {
	return &HeadCache{ttl: ttl, m: make(map[headKey]headEntry)}
}

// get returns the head of key read less than the TTL before now. A read
// stamped after now (a clock set back) does not count.
func (c *HeadCache) get(key article.FeedKey, now time.Time) (article.FeedHead, bool) {
	if c == nil || c.ttl <= 0 {
		return article.FeedHead{}, false
	}
	c.mu.Lock()
	e, ok := c.m[headKey{key.Kind, key.Slug}]
	c.mu.Unlock()
	if age := now.Sub(e.at); !ok || age < 0 || age >= c.ttl {
		return article.FeedHead{}, false
	}
	return e.head, true
}

// put keeps head, read at at.
func (c *HeadCache) put(key article.FeedKey, head article.FeedHead, at time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	k := headKey{key.Kind, key.Slug}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; !ok && len(c.m) >= headCacheMax {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = headEntry{head: head, at: at}
}

// Forget drops every kept head, so the next request of every feed reads
// its head again. A process that writes the store itself (the local
// server) calls it after every save and release, so its own writes show
// at once; the deployed feeds function cannot see the writes and relies
// on HeadTTL.
func (c *HeadCache) Forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}
