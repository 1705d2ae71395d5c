package feed

import (
	"strings"
	"testing"
)

func TestCache(t *testing.T) {
	c := NewCache(10)
	c.Add("a", []byte("aaaa"))
	c.Add("b", []byte("bbbb"))
	if _, ok := c.Get("a"); !ok { // a is now the most recently used
		t.Fatal("a missing")
	}
	c.Add("c", []byte("cccc")) // 12 bytes > 10: evicts b, the least recently used
	for key, want := range map[string]bool{"a": true, "b": false, "c": true} {
		if _, ok := c.Get(key); ok != want {
			t.Errorf("Get(%q) found = %v, want %v", key, ok, want)
		}
	}
	if n, size := c.Len(); n != 2 || size != 8 {
		t.Errorf("Len = %d, %d; want 2, 8", n, size)
	}
	c.Add("big", []byte(strings.Repeat("x", 11))) // larger than the cache: not kept
	if _, ok := c.Get("big"); ok {
		t.Error("a document larger than the cache was kept")
	}
	c.Add("a", []byte("aaaaaaaaaa")) // replacing grows a to 10 bytes: evicts c
	if _, ok := c.Get("c"); ok {
		t.Error("c survived a replacement that filled the cache")
	}
	if n, size := c.Len(); n != 1 || size != 10 {
		t.Errorf("Len = %d, %d; want 1, 10", n, size)
	}
	var nilCache *Cache
	nilCache.Add("a", []byte("a"))
	if _, ok := nilCache.Get("a"); ok {
		t.Error("nil cache returned a document")
	}
}
