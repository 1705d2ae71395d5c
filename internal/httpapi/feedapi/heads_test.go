package feedapi

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
)

// withHeads rebuilds fx's routes with a head cache of ttl on fx's clock,
// as NewOptions wires them, and returns the cache.
func (fx *feedFixture) withHeads(ttl time.Duration) *HeadCache {
	heads := NewHeadCache(ttl)
	rt := httpapi.NewRouter()
	Register(rt, fx.counted, Options{
		Site: feedSite(), Sealer: cursor.New("test"), StoreTimeout: time.Second,
		Now: func() time.Time { return fx.now }, Cache: feed.NewCache(8 << 20), Heads: heads,
	})
	fx.handler = rt
	return heads
}

// TestHeadCacheExpires: a head is read once per TTL on the routes' clock,
// whatever the number of requests, feeds and formats; a clock set back
// does not stretch it.
func TestHeadCacheExpires(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Първа", "Свят", time.Hour)
	fx.withHeads(time.Second)
	reads := func() int64 { return fx.counted.heads.Load() }
	get := func(path string) {
		t.Helper()
		if w := fx.do(t, "GET", path); w.Code != 200 {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
	}
	get("/feeds/rss.xml")
	get("/feeds/atom.xml")
	fx.now = fx.now.Add(999 * time.Millisecond)
	get("/feeds/feed.json")
	if n := reads(); n != 1 {
		t.Errorf("site feed within the TTL: %d head reads, want 1", n)
	}
	get("/feeds/section/svyat/rss.xml") // another feed, its own head
	if n := reads(); n != 2 {
		t.Errorf("after a section feed: %d head reads, want 2", n)
	}
	fx.now = fx.now.Add(time.Millisecond) // the site head's TTL is up
	get("/feeds/rss.xml")
	if n := reads(); n != 3 {
		t.Errorf("at the TTL: %d head reads, want 3", n)
	}
	fx.now = fx.now.Add(-time.Minute) // a clock set back
	get("/feeds/rss.xml")
	if n := reads(); n != 4 {
		t.Errorf("clock set back: %d head reads, want 4 (a read stamped in the future does not count)", n)
	}
}

// TestHeadCacheEdit: an edit shows in the feed once the kept head's TTL is
// up, and at once after Forget (what the local server calls on every
// save); a feed that did not exist is not kept as missing.
func TestHeadCacheEdit(t *testing.T) {
	fx := newFeedFixture(t)
	a := fx.add(t, "Първа версия", "Свят", time.Hour)
	heads := fx.withHeads(time.Second)
	if got := fx.answer(t, "/feeds/rss.xml"); !strings.Contains(got.body, "Първа версия") {
		t.Fatalf("before the edit: %d %.200s", got.code, got.body)
	}
	if w := fx.do(t, "GET", "/feeds/tag/izbori/rss.xml"); w.Code != 404 {
		t.Fatalf("a tag no article has: %d, want 404", w.Code)
	}

	edit := func(title string, tags ...string) {
		t.Helper()
		fx.now = fx.now.Add(100 * time.Millisecond)
		a.Title, a.Tags = title, tags
		v := a.Version
		var err error
		if a, _, err = fx.svc.Replace(context.Background(), a.ID, a, &v); err != nil {
			t.Fatalf("edit: %v", err)
		}
	}
	edit("Втора версия", "Избори")
	if got := fx.answer(t, "/feeds/rss.xml"); !strings.Contains(got.body, "Първа версия") {
		t.Errorf("within the TTL of the kept head: the feed changed already (%.200s); want the head kept", got.body)
	}
	if w := fx.do(t, "GET", "/feeds/tag/izbori/rss.xml"); w.Code != 200 {
		t.Errorf("the tag feed the edit created: %d, want 200 at once (a missing feed is never kept)", w.Code)
	}
	fx.now = fx.now.Add(time.Second)
	if got := fx.answer(t, "/feeds/rss.xml"); !strings.Contains(got.body, "Втора версия") {
		t.Errorf("past the TTL: %.200s; want the edit", got.body)
	}

	edit("Трета версия")
	heads.Forget()
	if got := fx.answer(t, "/feeds/rss.xml"); !strings.Contains(got.body, "Трета версия") {
		t.Errorf("after Forget: %.200s; want the edit at once", got.body)
	}
}

// TestHeadCacheNeverEarly: a scheduled story is listed from the release
// that writes its heads, never before, however the kept heads' TTL falls
// around its time; after the release it shows within the TTL.
func TestHeadCacheNeverEarly(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Отдавна", "Свят", time.Hour)
	fx.withHeads(time.Second)
	at := fx.now.Add(1500 * time.Millisecond)
	const title = "Ембаргова новина"
	if _, err := fx.svc.Create(context.Background(), article.Article{
		Title: title, Lead: "Водещ", Body: "<p>Тяло</p>", Section: "Свят",
		Status: article.StatusPublished, Authors: []article.Author{{Name: "Мария Иванова"}}, PublishedAt: at,
	}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/feeds/rss.xml", "/feeds/section/svyat/atom.xml", "/sitemap-news.xml"}
	// Every 250 ms from a second before its time to three seconds after,
	// the release running at its time + 1 s: unlisted until the release,
	// listed at most a TTL after it.
	release := at.Add(time.Second)
	released := false
	for now := at.Add(-time.Second); !now.After(at.Add(3 * time.Second)); now = now.Add(250 * time.Millisecond) {
		fx.now = now
		if !released && !now.Before(release) {
			if _, err := fx.store.Release(context.Background(), now); err != nil {
				t.Fatal(err)
			}
			released = true
		}
		for _, p := range paths {
			got := fx.answer(t, p)
			shown := strings.Contains(got.body, title)
			switch {
			case got.code != 200:
				t.Errorf("%s at %v: %d", p, now.Sub(at), got.code)
			case shown && !released:
				t.Errorf("%s at %v from its time, before the release: the story is listed", p, now.Sub(at))
			case !shown && released && now.Sub(release) >= time.Second:
				t.Errorf("%s %v after the release: not listed; want it within the TTL", p, now.Sub(release))
			}
		}
	}
}
