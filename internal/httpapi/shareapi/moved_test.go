package shareapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// Slugs of the renamed fixtures.
const (
	movedOld = "yuzhna-koreya-i-nato-se-sporazumyaha" // shareSeed's
	movedNew = "nato-i-yuzhna-koreya-podpisaha"
)

// renameSeed renames the live seed article to movedNew (URL following) and
// adds a deleted article that was renamed before it was deleted
// (staro → novo) and a draft renamed the same way (chernova-staro →
// chernova-nova). It returns the renamed seed as stored.
func renameSeed(t *testing.T, st shareStore) article.Article {
	t.Helper()
	ctx := context.Background()
	a := shareSeed()
	a.Slug, a.URL, a.Version = movedNew, "https://news.example.bg/svyat/"+movedNew, 2
	if err := st.Save(ctx, a, 1); err != nil {
		t.Fatalf("rename: %v", err)
	}
	a.PreviousSlugs = []string{movedOld}

	for _, f := range []struct{ id, from, to string }{
		{"01JFGONE0000000000000000002", "staro", "novo"},
		{"01JFDRAFT000000000000000002", "chernova-staro", "chernova-nova"},
	} {
		b := shareSeed()
		b.ID, b.Slug = f.id, f.from
		if f.from == "chernova-staro" {
			b.Status = article.StatusDraft
		}
		if err := st.Save(ctx, b, 0); err != nil {
			t.Fatal(err)
		}
		b.Slug, b.Version, b.PreviousSlugs = f.to, 2, []string{f.from}
		if err := st.Save(ctx, b, 1); err != nil {
			t.Fatal(err)
		}
		if f.from == "staro" {
			if err := st.Save(ctx, b.Tombstone(b.UpdatedAt.Add(time.Hour)), 2); err != nil {
				t.Fatal(err)
			}
		}
	}
	return a
}

func TestShareMovedBolt(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	testShareMoved(t, e, renameSeed(t, e.store))
}

func TestShareMovedDynamo(t *testing.T) {
	client := dynamotest.Client(t)
	e := newShareEnv(t, dynamo.New(client, dynamotest.Table(t, client)), nil)
	testShareMoved(t, e, renameSeed(t, e.store))
}

// testShareMoved checks every share route under an old slug: page, card
// and share links answer 301 to the current slug, for people and crawlers,
// with the query kept; a share link's click is counted once, by the link
// it is sent to; oEmbed answers for the current article; a deleted
// article's old slug is 410 and a draft's 404, like their current slugs.
func testShareMoved(t *testing.T, e *shareEnv, a article.Article) {
	base := e.site.BaseURL + "/share/"
	for _, ua := range []string{shareBrowserUA, shareCrawlerUA} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			t.Run("page "+method+" "+ua[:10], func(t *testing.T) {
				w := e.do(t, method, "/share/"+movedOld+"?utm_source=facebook&utm_medium=social", "User-Agent", ua)
				shareWant(t, w, http.StatusMovedPermanently,
					"Location", base+movedNew+"?utm_source=facebook&utm_medium=social",
					"Cache-Control", shareMovedCache)
			})
		}
	}
	t.Run("page without query", func(t *testing.T) {
		shareWant(t, e.get(t, "/share/"+movedOld, "User-Agent", shareCrawlerUA), http.StatusMovedPermanently,
			"Location", base+movedNew)
		w := e.get(t, "/share/"+movedNew, "User-Agent", shareCrawlerUA)
		shareWant(t, w, http.StatusOK)
	})
	t.Run("by ID no redirect", func(t *testing.T) {
		shareWant(t, e.get(t, "/share/"+a.ID, "User-Agent", shareCrawlerUA), http.StatusOK, "Location", "")
	})

	t.Run("card", func(t *testing.T) {
		w := e.get(t, "/share/"+movedOld+"/card.png?v=1&w=600", "User-Agent", shareCrawlerUA)
		shareWant(t, w, http.StatusMovedPermanently,
			"Location", base+movedNew+"/card.png?v=1&w=600", "Cache-Control", shareMovedCache)
		// The old version then goes to the current one, as for any card.
		w = e.get(t, "/share/"+movedNew+"/card.png?v=1&w=600", "User-Agent", shareCrawlerUA)
		shareWant(t, w, http.StatusFound, "Location", e.site.CardURL(&a))
		cur := "v=" + share.CardVersion(a.Version)
		w = e.get(t, "/share/"+movedOld+"/card.png?"+cur, "User-Agent", shareCrawlerUA)
		shareWant(t, w, http.StatusMovedPermanently, "Location", base+movedNew+"/card.png?"+cur)
		w = e.get(t, "/share/"+movedNew+"/card.png?"+cur, "User-Agent", shareCrawlerUA)
		shareWant(t, w, http.StatusOK, "Content-Type", "image/png")
	})

	t.Run("share link counted once", func(t *testing.T) {
		w := e.get(t, "/share/"+movedOld+"/to/viber", "User-Agent", shareBrowserUA)
		shareWant(t, w, http.StatusMovedPermanently, "Location", base+movedNew+"/to/viber", "Cache-Control", "no-store")
		if rec := e.lastMetrics(t); rec["ShareClicks"] != nil {
			t.Errorf("the redirect counted a click: %v", rec)
		}
		loc, err := url.Parse(w.Header().Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		w = e.get(t, loc.Path, "User-Agent", shareBrowserUA)
		want, _ := e.site.ShareTarget(&a, "viber")
		shareWant(t, w, http.StatusFound, "Location", want)
		e.clicks.Wait()
		counts, err := e.store.ShareCounts(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if counts["viber"] != 1 || len(counts) != 1 {
			t.Errorf("counts after one click through the old link = %v, want viber 1", counts)
		}
	})

	t.Run("oEmbed", func(t *testing.T) {
		for _, u := range []string{
			base + movedOld,
			base + movedOld + "/card.png",
			"https://news.example.bg/svyat/" + movedOld,
			"https://news.example.bg/svyat/" + movedOld + "?utm_source=x",
		} {
			w := e.get(t, "/oembed?format=json&url="+url.QueryEscape(u))
			shareWant(t, w, http.StatusOK)
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got["thumbnail_url"] != e.site.CardURL(&a) || got["title"] != a.Title {
				t.Errorf("oEmbed of %s = %v, want the current article's card %s", u, got, e.site.CardURL(&a))
			}
		}
		// Not the article's address under an old slug: another page of
		// the site that ends in it.
		w := e.get(t, "/oembed?format=json&url="+url.QueryEscape("https://news.example.bg/sport/"+movedOld))
		shareWant(t, w, http.StatusNotFound)
	})

	for _, tc := range []struct {
		name   string
		slug   string
		status int
	}{
		{"deleted article's old slug", "staro", http.StatusGone},
		{"deleted article's slug", "novo", http.StatusGone},
		{"draft's old slug", "chernova-staro", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, p := range []string{"/share/" + tc.slug, "/share/" + tc.slug + "/card.png?v=3", "/share/" + tc.slug + "/to/x"} {
				w := e.get(t, p, "User-Agent", shareBrowserUA)
				if w.Code != tc.status || w.Header().Get("Location") != "" {
					t.Errorf("GET %s = %d, Location %q; want %d", p, w.Code, w.Header().Get("Location"), tc.status)
				}
			}
			w := e.get(t, "/oembed?format=json&url="+url.QueryEscape(base+tc.slug))
			shareWant(t, w, http.StatusNotFound)
		})
	}
}
