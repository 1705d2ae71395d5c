package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/server"
)

const testToken = "import-test-token"

// service starts this service as make run builds it (bolt in a temporary
// directory, seeded), behind an httptest server whose URL is also its
// BASE_URL, so that its feeds' links point at it.
func service(t testing.TB) (*server.Server, string) {
	t.Helper()
	var h atomic.Value
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	env := map[string]string{"DATA_DIR": t.TempDir(), "SITE_URL": "https://news.example.bg",
		"BASE_URL": hs.URL, "ADMIN_TOKEN": testToken}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h.Store(srv.Handler)
	return srv, hs.URL
}

// fixtures serves testdata as a CMS would, counting requests by path.
func fixtures(t *testing.T) (*httptest.Server, *sync.Map) {
	t.Helper()
	var hits sync.Map
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := hits.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		b, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(hs.Close)
	return hs, &hits
}

func apiImporter(base string) *Importer {
	f := &Fetcher{Client: &http.Client{Timeout: 30 * time.Second}}
	return &Importer{Sink: &APIClient{Base: base, Token: testToken, Fetch: f}, Workers: 4}
}

func load(t *testing.T, src string, opts Options) Loaded {
	t.Helper()
	l := &Loader{Fetcher: &Fetcher{}, Options: opts}
	got, err := l.Load(context.Background(), src, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWXRThroughAdminAPIIsIdempotent(t *testing.T) {
	srv, base := service(t)
	cms, _ := fixtures(t)
	ctx := context.Background()
	items := load(t, cms.URL+"/wordpress.wxr", Options{}).Items
	im := apiImporter(base)

	dry := *im
	dry.DryRun = true
	sum, err := dry.Run(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 3 || len(sum.Failed) != 1 {
		t.Fatalf("dry run: %s; want 3 created, 1 failed", sum.String())
	}
	if _, err := srv.Store.Get(ctx, items[0].Article.ID); !errors.Is(err, article.ErrNotFound) {
		t.Fatalf("the dry run wrote: Get = %v", err)
	}

	sum, err = im.Run(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	want := "created 3, updated 0, unchanged 0, skipped 4 (attachment 1, nav_menu_item 1, page 1, trash 1), failed 1"
	if sum.String() != want {
		t.Fatalf("first import: %s\nwant %s", sum.String(), want)
	}
	f := sum.Failed[0]
	if !strings.Contains(f.Ref, "post 140") || !strings.Contains(f.Reason, "title: is required") {
		t.Errorf("failure = %q; want post 140 and its reason", f)
	}

	stored, err := srv.Store.Get(ctx, items[0].Article.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != "Нови автобуси тръгват по линия 1 – какво се променя" || stored.Section != "Градът" ||
		stored.Image == nil || stored.Image.Alt != "Нов автобус на спирка" || stored.Image.Width != 1600 ||
		strings.Contains(stored.Body, "<script") || !strings.Contains(stored.Body, `href="https://www.plovdiv-news.example/razpisanie/"`) {
		t.Errorf("stored article = %+v", stored)
	}
	if _, off := stored.PublishedAt.Zone(); off != 2*3600 {
		t.Errorf("publishedAt %v lost its +02:00 zone", stored.PublishedAt)
	}
	future, _ := srv.Store.Get(ctx, items[2].Article.ID)
	if future.Status != article.StatusPublished || !future.PublishedAt.Equal(time.Date(2025, 12, 22, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("future post: status %s, publishedAt %v; want published at its future time", future.Status, future.PublishedAt)
	}
	draft, _ := srv.Store.Get(ctx, items[3].Article.ID)
	if draft.Status != article.StatusDraft || !draft.PublishedAt.IsZero() {
		t.Errorf("draft: status %s, publishedAt %v", draft.Status, draft.PublishedAt)
	}

	// Again: nothing is created and nothing written (the versions stay).
	sum, err = im.Run(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created != 0 || sum.Updated != 0 || sum.Unchanged != 3 {
		t.Fatalf("second import: %s; want 3 unchanged", sum.String())
	}
	again, _ := srv.Store.Get(ctx, stored.ID)
	if again.Version != stored.Version || !again.UpdatedAt.Equal(stored.UpdatedAt) {
		t.Errorf("re-import wrote: version %d -> %d", stored.Version, again.Version)
	}

	// A change at the source is one update, pinned to the version read.
	changed := append([]Item(nil), items...)
	changed[0].Article.Title += " (обновена)"
	changed[0].Article.Tags = append([]string{"ремонт"}, changed[0].Article.Tags...)
	sum, err = im.Run(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Updated != 1 || sum.Unchanged != 2 {
		t.Fatalf("after a change: %s; want 1 updated, 2 unchanged", sum.String())
	}
	upd, _ := srv.Store.Get(ctx, stored.ID)
	if upd.Version != stored.Version+1 || upd.Slug != stored.Slug || !upd.CreatedAt.Equal(stored.CreatedAt) {
		t.Errorf("update: version %d slug %q; want %d and the slug kept", upd.Version, upd.Slug, stored.Version+1)
	}

	// An article deleted in this service stays deleted.
	if err := srv.Store.Save(ctx, upd.Tombstone(time.Now()), upd.Version); err != nil {
		t.Fatal(err)
	}
	sum, _ = im.Run(ctx, changed)
	if sum.Skipped[KindDeleted] != 1 || sum.Created != 0 {
		t.Errorf("after a delete: %s; want it skipped as deleted here", sum.String())
	}
}

// The same post read from the WXR export, the REST API and the site's feed
// is one article.
func TestOnePostOneIDAcrossSources(t *testing.T) {
	cms, _ := fixtures(t)
	wxr := load(t, cms.URL+"/wordpress.wxr", Options{}).Items[0].Article
	rest, err := ParseREST(readFixture(t, "wp-rest-posts.json"), "https://www.plovdiv-news.example/wp-json/wp/v2/posts", Options{})
	if err != nil {
		t.Fatal(err)
	}
	feed := `<rss version="2.0"><channel><title>t</title><link>https://www.plovdiv-news.example</link>
<item><title>x</title><guid isPermaLink="false">https://www.plovdiv-news.example/?p=101</guid></item></channel></rss>`
	p, err := ParseFeed([]byte(feed), "https://www.plovdiv-news.example/feed/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if wxr.ID != rest[0].Article.ID || wxr.ID != p.Items[0].Article.ID {
		t.Errorf("IDs: WXR %s, REST %s, RSS %s; want one", wxr.ID, rest[0].Article.ID, p.Items[0].Article.ID)
	}
	if !article.ValidID(wxr.ID) {
		t.Errorf("%q is not a valid article ID", wxr.ID)
	}
	r := rest[0].Article
	if r.Title != wxr.Title || r.Section != wxr.Section || r.Image == nil || *r.Image != *wxr.Image || !r.PublishedAt.Equal(wxr.PublishedAt) {
		t.Errorf("REST maps post 101 differently from WXR:\nREST %+v\nWXR  %+v", r, wxr)
	}
}

// faulty answers 503 or 429 with Retry-After to the first n requests.
type faulty struct {
	next   http.Handler
	n      atomic.Int64
	status int
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.n.Add(-1) >= 0 {
		w.Header().Set("Retry-After", "7")
		http.Error(w, "busy", f.status)
		return
	}
	f.next.ServeHTTP(w, r)
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, _ := service(t)
			proxy := &faulty{next: srv.Handler, status: status}
			proxy.n.Store(4) // fewer than Fetcher.Attempts, so no request gives up
			hs := httptest.NewServer(proxy)
			defer hs.Close()
			var (
				mu    sync.Mutex
				waits []time.Duration
			)
			f := &Fetcher{Sleep: func(_ context.Context, d time.Duration) error {
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
				return nil
			}}
			im := &Importer{Sink: &APIClient{Base: hs.URL, Token: testToken, Fetch: f}, Workers: 2}
			cms, _ := fixtures(t)
			sum, err := im.Run(context.Background(), load(t, cms.URL+"/news.rss", Options{}).Items)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created != 4 || len(sum.Failed) != 0 {
				t.Fatalf("%s; want all 4 created despite the refusals", sum.String())
			}
			if len(waits) != 4 {
				t.Fatalf("waited %d times; want 4 (one per refusal)", len(waits))
			}
			for _, w := range waits {
				if w != 7*time.Second {
					t.Errorf("waited %v; want Retry-After's 7s", w)
				}
			}
		})
	}
}

func TestWrongTokenStopsTheImport(t *testing.T) {
	_, base := service(t)
	cms, _ := fixtures(t)
	im := &Importer{Sink: &APIClient{Base: base, Token: "wrong", Fetch: &Fetcher{}}, Workers: 2}
	sum, err := im.Run(context.Background(), load(t, cms.URL+"/news.rss", Options{}).Items)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v; want ErrUnauthorized", err)
	}
	if sum.Created != 0 || len(sum.Failed) != 0 {
		t.Errorf("summary %s; want nothing counted", sum.String())
	}
}
