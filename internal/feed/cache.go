package feed

import (
	"container/list"
	"sync"
)

// lru is a least-recently-used map bounded by the bytes of its values (plus
// a per-entry charge the caller chooses).
type lru[K comparable] struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front = most recently used; values are *lruEntry[K]
	items map[K]*list.Element
}

type lruEntry[K comparable] struct {
	key  K
	body []byte
	cost int
}

func newLRU[K comparable](maxBytes int) *lru[K] {
	return &lru[K]{max: maxBytes, order: list.New(), items: make(map[K]*list.Element)}
}

func (c *lru[K]) get(key K) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruEntry[K]).body, true
}

// add stores body under key at the given cost, evicting the least recently
// used entries until the total fits. An entry costing more than the whole
// cache is not kept.
func (c *lru[K]) add(key K, body []byte, cost int) {
	if cost > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		old := e.Value.(*lruEntry[K])
		c.size += cost - old.cost
		old.body, old.cost = body, cost
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&lruEntry[K]{key: key, body: body, cost: cost})
		c.size += cost
	}
	for c.size > c.max {
		e := c.order.Back()
		ent := e.Value.(*lruEntry[K])
		c.order.Remove(e)
		delete(c.items, ent.key)
		c.size -= ent.cost
	}
}

func (c *lru[K]) len() (n, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len(), c.size
}

// Cache keeps recently rendered documents by key (a validator plus the
// content coding), least recently used first out, bounded by the total
// size of the bytes held. A warm Lambda container answers a repeat request
// for an unchanged feed from it without reading articles or rendering.
//
// Entries are immutable once added: Get hands out the cached slice, which
// callers must not modify. A Cache is safe for concurrent use.
type Cache struct {
	lru *lru[string]
}

// NewCache returns a cache holding at most maxBytes of documents (keys and
// bookkeeping are not counted). A document larger than maxBytes is never
// kept; maxBytes <= 0 disables the cache.
func NewCache(maxBytes int) *Cache {
	return &Cache{lru: newLRU[string](maxBytes)}
}

// Get returns the document stored under key.
func (c *Cache) Get(key string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	return c.lru.get(key)
}

// Add stores body under key, evicting the least recently used documents
// until the total fits.
func (c *Cache) Add(key string, body []byte) {
	if c == nil {
		return
	}
	c.lru.add(key, body, len(body))
}

// Len is the number of documents held and Size their total bytes.
func (c *Cache) Len() (n, size int) {
	if c == nil {
		return 0, 0
	}
	return c.lru.len()
}
