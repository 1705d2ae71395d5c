package feed

import (
	"container/list"
	"sync"
	"time"
)

// HeadReuse is how long a feeds container may answer from a feed head it
// read earlier (feedapi's HeadCache) instead of reading it again: a change
// reaches a container's feeds at most this long after it was written. The
// notifier waits it out after a change before it drops the CDN's copies
// and pings the hub (notify.Options.Settle), so that a fetch the
// invalidation or the ping causes never gets a head read before the change.
const HeadReuse = time.Second

// Cache keeps recently rendered documents by key (a validator plus the
// content coding), least recently used first out, bounded by the total
// size of the bytes held. A warm Lambda container answers a repeat request
// for an unchanged feed from it without reading articles or rendering.
//
// Entries are immutable once added: Get hands out the cached slice, which
// callers must not modify. A Cache is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front = most recently used; values are *cacheEntry
	items map[string]*list.Element
}

type cacheEntry struct {
	key  string
	body []byte
}

// NewCache returns a cache holding at most maxBytes of documents (keys and
// bookkeeping are not counted). A document larger than maxBytes is never
// kept; maxBytes <= 0 disables the cache.
func NewCache(maxBytes int) *Cache {
	return &Cache{max: maxBytes, order: list.New(), items: make(map[string]*list.Element)}
}

// Get returns the document stored under key.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*cacheEntry).body, true
}

// Add stores body under key, evicting the least recently used documents
// until the total fits.
func (c *Cache) Add(key string, body []byte) {
	if c == nil || len(body) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		old := e.Value.(*cacheEntry)
		c.size += len(body) - len(old.body)
		old.body = body
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&cacheEntry{key: key, body: body})
		c.size += len(body)
	}
	for c.size > c.max {
		e := c.order.Back()
		ent := e.Value.(*cacheEntry)
		c.order.Remove(e)
		delete(c.items, ent.key)
		c.size -= len(ent.body)
	}
}

// Len is the number of documents held and Size their total bytes.
func (c *Cache) Len() (n, size int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.size
}
