package feedapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// TestFeedScheduled drives the fixture's clock across a scheduled article's
// PublishedAt: every kind of feed and the news sitemap leave it out before,
// with a lifetime that ends at its time and a validator that stops
// answering 304 at that instant, and show it from then on, whether or not
// the store has released it; the release changes the validator once more.
func TestFeedScheduled(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Отдавна", "Свят", time.Hour, "НАТО")
	at := fx.now.Add(2 * time.Minute)
	const title = "Ембаргова новина"
	if _, err := fx.svc.Create(context.Background(), article.Article{
		Title: title, Lead: "Водещ", Body: "<p>Тяло</p>", Section: "Свят", Tags: []string{"НАТО"},
		Status: article.StatusPublished, Authors: []article.Author{{Name: "Мария Иванова"}}, PublishedAt: at,
	}); err != nil {
		t.Fatalf("create the scheduled article: %v", err)
	}
	author := "/feeds/author/" + article.Slugify("Мария Иванова") + "/rss.xml"
	paths := []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json",
		"/feeds/section/svyat/atom.xml", "/feeds/tag/nato/feed.json", author, "/sitemap-news.xml"}

	etags := map[string]string{}
	lastMods := map[string]string{}
	start := fx.now
	for _, p := range paths {
		w := fx.do(t, "GET", p)
		if w.Code != 200 || strings.Contains(w.Body.String(), title) || !strings.Contains(w.Body.String(), "Отдавна") {
			t.Errorf("%s before its time: %d, has the scheduled title %t; want 200 with the old article only",
				p, w.Code, strings.Contains(w.Body.String(), title))
		}
		if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "public, max-age=120") || strings.Contains(cc, "stale-while-revalidate") {
			t.Errorf("%s two minutes before: Cache-Control %q, want max-age=120 and no stale-while-revalidate", p, cc)
		}
		etags[p], lastMods[p] = w.Header().Get("ETag"), w.Header().Get("Last-Modified")
	}

	// A second before: still 304 on the old validators, kept for a second.
	fx.now = at.Add(-time.Second)
	for _, p := range paths {
		if p == "/sitemap-news.xml" {
			continue // no validator
		}
		w := fx.do(t, "GET", p, "If-None-Match", etags[p])
		if w.Code != http.StatusNotModified {
			t.Errorf("%s a second before, If-None-Match: %d, want 304", p, w.Code)
		}
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=1, stale-if-error=86400" {
			t.Errorf("%s a second before: Cache-Control %q, want max-age=1", p, cc)
		}
	}

	// At its time, before any release: new validators, the article shown.
	fx.now = at
	lists := fx.counted.lists.Load()
	for _, p := range paths {
		w := fx.do(t, "GET", p, "If-None-Match", etags[p])
		if w.Code != 200 || !strings.Contains(w.Body.String(), title) {
			t.Errorf("%s at its time, If-None-Match old: %d, has the title %t; want 200 with it", p, w.Code, strings.Contains(w.Body.String(), title))
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=300") {
			t.Errorf("%s at its time: Cache-Control %q, want the normal max-age=300", p, cc)
		}
		if p == "/sitemap-news.xml" {
			continue
		}
		if w.Header().Get("ETag") == etags[p] {
			t.Errorf("%s: ETag unchanged at the scheduled time", p)
		}
		if lm := w.Header().Get("Last-Modified"); lm != at.UTC().Truncate(time.Second).Format(http.TimeFormat) {
			t.Errorf("%s: Last-Modified %q, want the scheduled time", p, lm)
		}
		if w := fx.do(t, "GET", p, "If-Modified-Since", lastMods[p]); w.Code != 200 {
			t.Errorf("%s at its time, If-Modified-Since the old Last-Modified: %d, want 200", p, w.Code)
		}
	}
	if fx.counted.lists.Load() == lists {
		t.Error("no feed was listed again at the scheduled time: the rendered-document cache answered")
	}
	after := fx.do(t, "GET", "/feeds/rss.xml").Header().Get("ETag")

	// The release changes the revision, so the validator moves once more,
	// and the article stays.
	fx.now = at.Add(30 * time.Second)
	if got, err := fx.store.Release(context.Background(), fx.now); err != nil || len(got) != 1 || got[0].Title != title {
		t.Fatalf("Release = %v, %v; want the scheduled article", got, err)
	}
	w := fx.do(t, "GET", "/feeds/rss.xml", "If-None-Match", after)
	if w.Code != 200 || !strings.Contains(w.Body.String(), title) || w.Header().Get("ETag") == after {
		t.Errorf("after the release: %d, has the title %t, ETag changed %t; want 200, true, true",
			w.Code, strings.Contains(w.Body.String(), title), w.Header().Get("ETag") != after)
	}
	_ = start
}

// TestCacheUntil caps the lifetime at the next scheduled time.
func TestCacheUntil(t *testing.T) {
	now := feedNow
	for _, tc := range []struct {
		next time.Time
		sie  bool
		want string
	}{
		{time.Time{}, true, feedCacheControl},
		{now.Add(feedMaxAge), true, feedCacheControl},
		{now.Add(feedMaxAge - time.Millisecond), true, "public, max-age=299, stale-if-error=86400"},
		{now.Add(1500 * time.Millisecond), false, "public, max-age=1"},
		{now.Add(time.Millisecond), true, "public, max-age=0, stale-if-error=86400"},
		{now, true, feedCacheControl}, // Next is always after now; zero left is "none".
	} {
		next := tc.next
		if next.Equal(now) {
			next = time.Time{}
		}
		if got := cacheUntil(feedCacheControl, feedMaxAge, now, next, tc.sie); got != tc.want {
			t.Errorf("cacheUntil(next in %s) = %q, want %q", tc.next.Sub(now), got, tc.want)
		}
	}
}

// TestFeedOnlyScheduled: a tag, section or author feed whose only article
// is scheduled answers exactly as a feed that does not exist (its name
// must not show early), 304 included, until the article's time.
func TestFeedOnlyScheduled(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Отдавна", "Свят", time.Hour)
	at := fx.now.Add(time.Hour)
	if _, err := fx.svc.Create(context.Background(), article.Article{
		Title: "Тайна", Body: "<p>x</p>", Section: "Тайна рубрика", Tags: []string{"Тайна сделка"},
		Status: article.StatusPublished, Authors: []article.Author{{Name: "Нов Автор"}}, PublishedAt: at,
	}); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/feeds/section/" + article.Slugify("Тайна рубрика") + "/rss.xml",
		"/feeds/tag/" + article.Slugify("Тайна сделка") + "/atom.xml",
		"/feeds/author/" + article.Slugify("Нов Автор") + "/feed.json"}
	missing := fx.do(t, "GET", "/feeds/tag/nyama/atom.xml")
	for _, p := range paths {
		for _, hdr := range [][]string{nil, {"If-None-Match", "*"}} {
			w := fx.do(t, "GET", p, hdr...)
			if w.Code != 404 || strings.Contains(w.Body.String(), "Тайна") {
				t.Errorf("%s %v before its time: %d %s; want 404 without the name", p, hdr, w.Code, w.Body)
			}
			for _, k := range []string{"Content-Type", "Cache-Control", "Etag", "Link", "Vary", "Last-Modified"} {
				if w.Header().Get(k) != missing.Header().Get(k) {
					t.Errorf("%s %v: %s %q, a missing feed's %q", p, hdr, k, w.Header().Get(k), missing.Header().Get(k))
				}
			}
		}
	}
	// The site feed exists anyway, and does not show the article.
	if w := fx.do(t, "GET", "/feeds/rss.xml"); w.Code != 200 || strings.Contains(w.Body.String(), "Тайна") {
		t.Errorf("site feed before its time: %d, has it %t", w.Code, strings.Contains(w.Body.String(), "Тайна"))
	}
	fx.now = at
	for _, p := range paths {
		if w := fx.do(t, "GET", p); w.Code != 200 || !strings.Contains(w.Body.String(), "Тайна") {
			t.Errorf("%s at its time: %d; want 200 with the article", p, w.Code)
		}
	}
}
