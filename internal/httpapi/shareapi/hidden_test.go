package shareapi

import (
	"bytes"
	"context"
	"image/color"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// readCounter wraps a store and counts its reads by kind, in order.
type readCounter struct {
	shareStore
	mu    sync.Mutex
	reads []string
}

func (c *readCounter) Get(ctx context.Context, id string) (article.Article, error) {
	c.note("Get")
	return c.shareStore.Get(ctx, id)
}

func (c *readCounter) GetBySlug(ctx context.Context, slug string) (article.Article, error) {
	c.note("GetBySlug")
	return c.shareStore.GetBySlug(ctx, slug)
}

func (c *readCounter) note(kind string) {
	c.mu.Lock()
	c.reads = append(c.reads, kind)
	c.mu.Unlock()
}

// take returns the reads since the last take.
func (c *readCounter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.reads
	c.reads = nil
	return r
}

// TestShareHiddenSameWork: every answer that is not a live article costs
// the same store reads as a key that names nothing, on the share page, the
// card, the share link and oEmbed, and answers in the same bytes: a draft,
// a scheduled story, each by slug and by ID, and a story deleted before it
// was ever live (as a draft, or while scheduled), which is 404 like a
// missing one; a story deleted once live stays 410 Gone.
func TestShareHiddenSameWork(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	now := shareSeed().PublishedAt.Add(24 * time.Hour)
	mk := func(id, slug string, edit func(*article.Article)) article.Article {
		a := shareSeed()
		a.ID, a.Slug = id, slug
		a.URL = "https://news.example.bg/svyat/" + slug
		if edit != nil {
			edit(&a)
		}
		if err := st.Save(ctx, a, 0); err != nil {
			t.Fatalf("seed %s: %v", id, err)
		}
		return a
	}
	draft := func(a *article.Article) { a.Status = article.StatusDraft }
	scheduled := func(a *article.Article) { a.PublishedAt = now.Add(time.Hour) }
	mk("01JFLIVE0000000000000000001", "zhiva", nil)
	hidden := []article.Article{
		mk("01JFDRAFT000000000000000001", "chernova", draft),
		mk("01JFSCHED000000000000000001", "nasrochena", scheduled),
	}
	for _, tomb := range []article.Article{
		mk("01JFDELDRAFT00000000000001", "iztrita-chernova", draft),
		mk("01JFDELSCHED00000000000001", "iztrita-nasrochena", scheduled),
	} {
		if err := st.Save(ctx, tomb.Tombstone(now), 1); err != nil {
			t.Fatal(err)
		}
		hidden = append(hidden, tomb)
	}
	gone := mk("01JFDELLIVE000000000000001", "iztrita", nil)
	if err := st.Save(ctx, gone.Tombstone(now), 1); err != nil {
		t.Fatal(err)
	}

	cards, err := card.New(card.Options{Background: color.RGBA{0x9b, 0x1c, 0x1c, 0xff}})
	if err != nil {
		t.Fatal(err)
	}
	counter := &readCounter{shareStore: st}
	rt := httpapi.NewRouter()
	clicks := new(ClickStats)
	Register(rt, counter, Options{Site: shareSite(), Cards: cards, StoreTimeout: time.Second, Clicks: clicks,
		Now: func() time.Time { return now }})
	h := httpapi.Observe(slog.New(slog.DiscardHandler), rt)
	get := func(target string) (*httptest.ResponseRecorder, []string) {
		counter.take()
		r := httptest.NewRequest("GET", target, nil)
		r.Header.Set("User-Agent", shareBrowserUA)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		clicks.Wait()
		return w, counter.take()
	}
	routes := []struct {
		name string
		path func(key string) string
	}{
		{"page", func(k string) string { return "/share/" + k }},
		{"card", func(k string) string { return "/share/" + k + "/card.png?v=" + share.CardVersion(1) }},
		{"share link", func(k string) string { return "/share/" + k + "/to/facebook" }},
		{"oEmbed", func(k string) string {
			return "/oembed?format=json&url=" + url.QueryEscape("https://share.news.example.bg/share/"+k)
		}},
		{"oEmbed of the site URL", func(k string) string {
			return "/oembed?format=json&url=" + url.QueryEscape("https://news.example.bg/svyat/"+k)
		}},
	}
	const missingSlug, missingID = "nyama", "01JFNONE0000000000000000001"
	for _, rc := range routes {
		for _, byID := range []bool{false, true} {
			missingKey := missingSlug
			if byID {
				missingKey = missingID
			}
			missing, missingReads := get(rc.path(missingKey))
			if missing.Code != 404 {
				t.Fatalf("%s of a missing key: status %d, want 404", rc.name, missing.Code)
			}
			if len(missingReads) != 2 {
				t.Fatalf("%s of a missing key read %v; want GetBySlug and Get", rc.name, missingReads)
			}
			for _, a := range hidden {
				key := a.Slug
				if byID {
					key = a.ID
				}
				t.Run(rc.name+" "+key, func(t *testing.T) {
					got, reads := get(rc.path(key))
					if got.Code != 404 {
						t.Fatalf("status %d, want 404 as for a missing key: %.200s", got.Code, got.Body)
					}
					if !reflect.DeepEqual(reads, missingReads) {
						t.Errorf("store reads %v, a missing key's %v", reads, missingReads)
					}
					gh, mh := got.Header().Clone(), missing.Header().Clone()
					gh.Del("X-Request-Id")
					mh.Del("X-Request-Id")
					if !reflect.DeepEqual(gh, mh) {
						t.Errorf("headers %v, a missing key's %v", gh, mh)
					}
					// A problem names the request's path; the rest is the same.
					body := bytes.ReplaceAll(got.Body.Bytes(), []byte(key), []byte(missingKey))
					if !bytes.Equal(body, missing.Body.Bytes()) {
						t.Errorf("body %.200s, a missing key's %.200s", got.Body, missing.Body)
					}
				})
			}
		}
	}
	for _, p := range []string{"/share/iztrita", "/share/iztrita/to/facebook", "/share/" + gone.ID} {
		if w, _ := get(p); w.Code != 410 {
			t.Errorf("%s of a story deleted once live: status %d, want 410", p, w.Code)
		}
	}
	if w, reads := get("/share/zhiva"); w.Code != 200 || len(reads) != 1 {
		t.Errorf("a live story by slug: status %d, reads %v; want 200 after one GetBySlug", w.Code, reads)
	}
	for _, a := range hidden {
		if n, err := st.ShareCounts(ctx, a.ID); err != nil || len(n) != 0 {
			t.Errorf("%s counted %v, %v; want nothing", a.ID, n, err)
		}
	}
}
