package feedapi

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// feedAnswer is what a public client sees of one feed request.
type feedAnswer struct {
	code                              int
	etag, lastMod, cacheControl, body string
}

func (fx *feedFixture) answer(t *testing.T, path string, hdr ...string) feedAnswer {
	t.Helper()
	w := fx.do(t, "GET", path, hdr...)
	return feedAnswer{code: w.Code, etag: w.Header().Get("ETag"), lastMod: w.Header().Get("Last-Modified"),
		cacheControl: w.Header().Get("Cache-Control"), body: w.Body.String()}
}

// TestFeedScheduled: a scheduled save changes nothing a public client of
// any feed or the news sitemap can see, until the release: not the body
// (the item, lastBuildDate, <updated>), not the ETag, Last-Modified or
// Cache-Control (no max-age counting down to the release), and old
// validators keep answering 304, even past the article's time while no
// release has run. The release changes them all at once, stamped with its
// time, and the article is listed from then on.
func TestFeedScheduled(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Отдавна", "Свят", time.Hour, "НАТО")
	author := "/feeds/author/" + article.Slugify("Мария Иванова") + "/rss.xml"
	paths := []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json",
		"/feeds/section/svyat/atom.xml", "/feeds/tag/nato/feed.json", author, "/sitemap-news.xml"}
	before := map[string]feedAnswer{}
	for _, p := range paths {
		before[p] = fx.answer(t, p)
		if before[p].code != 200 || !strings.Contains(before[p].body, "Отдавна") {
			t.Fatalf("%s before the scheduled save: %d; want 200 with the old article", p, before[p].code)
		}
	}

	// The save, a minute later, of a story due four minutes on (inside
	// the feeds' 300-second lifetime).
	fx.now = fx.now.Add(time.Minute)
	at := fx.now.Add(4 * time.Minute)
	const title = "Ембаргова новина"
	if _, err := fx.svc.Create(context.Background(), article.Article{
		Title: title, Lead: "Водещ", Body: "<p>Тяло</p>", Section: "Свят", Tags: []string{"НАТО"},
		Status: article.StatusPublished, Authors: []article.Author{{Name: "Мария Иванова"}}, PublishedAt: at,
	}); err != nil {
		t.Fatalf("create the scheduled article: %v", err)
	}
	for _, when := range []struct {
		name string
		now  time.Time
	}{
		{"after the scheduled save", fx.now},
		{"a second before its time", at.Add(-time.Second)},
		{"at its time, before the release", at},
		{"past its time, before the release", at.Add(20 * time.Second)},
	} {
		fx.now = when.now
		for _, p := range paths {
			got, want := fx.answer(t, p), before[p]
			if got != want {
				t.Errorf("%s, %s: %d ETag %s Last-Modified %q Cache-Control %q, item shown %t; "+
					"want it as before the save: %d ETag %s Last-Modified %q Cache-Control %q, same body %t",
					when.name, p, got.code, got.etag, got.lastMod, got.cacheControl, strings.Contains(got.body, title),
					want.code, want.etag, want.lastMod, want.cacheControl, got.body == want.body)
			}
			if p == "/sitemap-news.xml" {
				continue // no validators
			}
			if w := fx.do(t, "GET", p, "If-None-Match", want.etag); w.Code != http.StatusNotModified {
				t.Errorf("%s, %s, If-None-Match the old ETag: %d, want 304", when.name, p, w.Code)
			}
			if w := fx.do(t, "GET", p, "If-Modified-Since", want.lastMod); w.Code != http.StatusNotModified {
				t.Errorf("%s, %s, If-Modified-Since the old Last-Modified: %d, want 304", when.name, p, w.Code)
			}
		}
	}

	// The release: new validators and dates, stamped with it; the article
	// listed; the normal lifetime.
	released := at.Add(30 * time.Second)
	fx.now = released
	if got, err := fx.store.Release(context.Background(), released); err != nil || len(got) != 1 || got[0].Title != title {
		t.Fatalf("Release = %v, %v; want the scheduled article", got, err)
	}
	lastMod := released.UTC().Format(http.TimeFormat)
	for _, p := range paths {
		got := fx.answer(t, p, "If-None-Match", before[p].etag)
		if got.code != 200 || !strings.Contains(got.body, title) {
			t.Errorf("%s after the release, If-None-Match the old ETag: %d, has the article %t; want 200 with it",
				p, got.code, strings.Contains(got.body, title))
		}
		if p == "/sitemap-news.xml" {
			if got.cacheControl != sitemapCacheControl {
				t.Errorf("%s after the release: Cache-Control %q, want %q", p, got.cacheControl, sitemapCacheControl)
			}
			continue
		}
		if got.etag == before[p].etag || got.lastMod != lastMod || got.cacheControl != feedCacheControl {
			t.Errorf("%s after the release: ETag changed %t, Last-Modified %q, Cache-Control %q; want a new ETag, %q, %q",
				p, got.etag != before[p].etag, got.lastMod, got.cacheControl, lastMod, feedCacheControl)
		}
	}
	if body := fx.answer(t, "/feeds/rss.xml").body; !strings.Contains(body, "<lastBuildDate>"+released.In(sofiaZone).Format(time.RFC1123Z)+"</lastBuildDate>") {
		t.Errorf("site RSS after the release has no lastBuildDate at the release time %s", released.In(sofiaZone).Format(time.RFC1123Z))
	}
}

// TestFeedOnlyScheduled: a tag, section or author feed whose only article
// is scheduled answers exactly as a feed that does not exist (its name
// must not show early), 304 included, until the release, even past the
// article's time; the release creates it.
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
	for _, now := range []time.Time{fx.now, at.Add(time.Second)} {
		fx.now = now
		for _, p := range paths {
			for _, hdr := range [][]string{nil, {"If-None-Match", "*"}} {
				w := fx.do(t, "GET", p, hdr...)
				if w.Code != 404 || strings.Contains(w.Body.String(), "Тайна") {
					t.Errorf("%s %v at %s: %d %s; want 404 without the name", p, hdr, now, w.Code, w.Body)
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
			t.Errorf("site feed at %s: %d, has it %t", now, w.Code, strings.Contains(w.Body.String(), "Тайна"))
		}
	}
	if _, err := fx.store.Release(context.Background(), fx.now); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if w := fx.do(t, "GET", p); w.Code != 200 || !strings.Contains(w.Body.String(), "Тайна") {
			t.Errorf("%s after the release: %d; want 200 with the article and its feed's name", p, w.Code)
		}
	}
}

// TestFeedFirstScheduled: on a site whose only article is scheduled, the
// site feed and the news sitemap stay empty, as for an empty site, until
// the release, even past the article's time: nothing has written the site
// feed's head yet.
func TestFeedFirstScheduled(t *testing.T) {
	fx := newFeedFixture(t)
	empty := map[string]feedAnswer{}
	paths := []string{"/feeds/rss.xml", "/feeds/feed.json", "/sitemap-news.xml"}
	for _, p := range paths {
		empty[p] = fx.answer(t, p)
	}
	at := fx.now.Add(time.Minute)
	if _, err := fx.svc.Create(context.Background(), article.Article{
		Title: "Първа", Body: "<p>x</p>", Section: "Свят", Status: article.StatusPublished, PublishedAt: at,
	}); err != nil {
		t.Fatal(err)
	}
	fx.now = at.Add(10 * time.Second)
	for _, p := range paths {
		if got := fx.answer(t, p); got != empty[p] {
			t.Errorf("%s past its time, before the release: %d, shows it %t, ETag %s; want it as on the empty site (ETag %s)",
				p, got.code, strings.Contains(got.body, "Първа"), got.etag, empty[p].etag)
		}
	}
	if _, err := fx.store.Release(context.Background(), fx.now); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if got := fx.answer(t, p); got.code != 200 || !strings.Contains(got.body, "Първа") {
			t.Errorf("%s after the release: %d, shows it %t; want 200 with it", p, got.code, strings.Contains(got.body, "Първа"))
		}
	}
}
