package feedapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

var _ Store = (*bolt.Store)(nil)

var sofiaZone = func() *time.Location {
	l, err := time.LoadLocation("Europe/Sofia")
	if err != nil {
		panic(err)
	}
	return l
}()

// feedNow is the fixed clock of the feed tests.
var feedNow = time.Date(2025, 12, 18, 12, 0, 0, 0, sofiaZone)

func feedSite() *feed.Channel {
	return &feed.Channel{
		Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://api.example.bg",
		HubURL: "https://hub.example.bg/", Language: "bg", Location: sofiaZone, TTL: 5 * time.Minute,
	}
}

// countingStore counts the calls that reach the real store.
type countingStore struct {
	Store
	heads, lists atomic.Int64
}

func (s *countingStore) FeedHead(ctx context.Context, key article.FeedKey) (article.FeedHead, error) {
	s.heads.Add(1)
	return s.Store.FeedHead(ctx, key)
}

func (s *countingStore) ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error) {
	s.lists.Add(1)
	return s.Store.ListFeed(ctx, key, opts)
}

type feedFixture struct {
	store   *bolt.Store
	svc     *newsroom.Service
	counted *countingStore
	handler http.Handler
	now     time.Time
}

func newFeedFixture(t testing.TB) *feedFixture {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "feeds.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	fx := &feedFixture{store: st, counted: &countingStore{Store: st}, now: feedNow}
	fx.svc = newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg", Now: func() time.Time { return fx.now }})
	rt := httpapi.NewRouter()
	Register(rt, fx.counted, Options{
		Site: feedSite(), Sealer: cursor.New("test"), StoreTimeout: time.Second,
		Now: func() time.Time { return fx.now }, Cache: feed.NewCache(8 << 20),
	})
	fx.handler = rt
	return fx
}

// add creates a published article in section and tags, published ago
// before the fixture's clock.
func (fx *feedFixture) add(t testing.TB, title, section string, ago time.Duration, tags ...string) article.Article {
	t.Helper()
	a, err := fx.svc.Create(context.Background(), article.Article{
		Title: title, Lead: "Водещ текст за „" + title + "“ & още",
		Body:    "<p>Тяло на статията „" + title + "“ с <a href=\"/svyat\">връзка</a> 🙂</p>",
		Section: section, Tags: tags, Status: article.StatusPublished,
		Authors:     []article.Author{{Name: "Мария Иванова"}},
		PublishedAt: fx.now.Add(-ago),
	})
	if err != nil {
		t.Fatalf("create %q: %v", title, err)
	}
	return a
}

func (fx *feedFixture) do(t testing.TB, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	fx.handler.ServeHTTP(w, r)
	return w
}

func TestFeedRoutes(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Южна Корея и НАТО", "Свят", time.Hour, "НАТО", "Южна Корея")
	fx.add(t, "Бюджет 2026", "България", 2*time.Hour, "Бюджет")
	tests := []struct {
		path, contentType string
		status, items     int
		title             string
	}{
		{"/feeds/rss.xml", "application/rss+xml; charset=utf-8", 200, 2, "Новини"},
		{"/feeds/atom.xml", "application/atom+xml; charset=utf-8", 200, 2, "Новини"},
		{"/feeds/feed.json", "application/feed+json; charset=utf-8", 200, 2, "Новини"},
		{"/feeds/section/svyat/rss.xml", "application/rss+xml; charset=utf-8", 200, 1, "Новини — Свят"},
		{"/feeds/section/bulgaria/atom.xml", "application/atom+xml; charset=utf-8", 200, 1, "Новини — България"},
		{"/feeds/tag/nato/feed.json", "application/feed+json; charset=utf-8", 200, 1, "Новини — #НАТО"},
		{"/feeds/author/maria-ivanova/rss.xml", "application/rss+xml; charset=utf-8", 200, 2, "Новини — Мария Иванова"},
		{"/feeds/section/nyama-takav/rss.xml", "", 404, 0, ""},
		{"/feeds/category/svyat/rss.xml", "", 404, 0, ""},
		{"/feeds/section/Svyat!/rss.xml", "", 404, 0, ""},
		{"/feeds/section/svyat/feed.xml", "", 404, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := fx.do(t, "GET", tt.path)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if tt.status != 200 {
				if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want problem+json", ct)
				}
				return
			}
			h := w.Header()
			for k, want := range map[string]string{
				"Content-Type":  tt.contentType,
				"Cache-Control": feedCacheControl,
				"Vary":          "Accept-Encoding",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if et := h.Get("ETag"); !strings.HasPrefix(et, `W/"`) {
				t.Errorf("ETag = %q, want a weak validator", et)
			}
			if lm := h.Get("Last-Modified"); lm == "" {
				t.Error("no Last-Modified")
			}
			links := strings.Join(h.Values("Link"), ", ")
			if want := "<https://api.example.bg" + tt.path + `>; rel="self"`; !strings.Contains(links, want) {
				t.Errorf("Link = %q, want it to contain %q", links, want)
			}
			if !strings.Contains(links, `<https://hub.example.bg/>; rel="hub"`) {
				t.Errorf("Link = %q, want the hub", links)
			}
			fd, err := gofeed.NewParser().Parse(w.Body)
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			if fd.Title != tt.title {
				t.Errorf("title = %q, want %q", fd.Title, tt.title)
			}
			if len(fd.Items) != tt.items {
				t.Errorf("%d items, want %d", len(fd.Items), tt.items)
			}
		})
	}
}

func TestFeedConditional(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Първа", "Свят", time.Hour)
	const path = "/feeds/section/svyat/atom.xml"
	first := fx.do(t, "GET", path)
	etag, lastMod := first.Header().Get("ETag"), first.Header().Get("Last-Modified")

	lists := fx.counted.lists.Load()
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{
		{"If-None-Match", []string{"If-None-Match", etag}, 304},
		{"If-None-Match strong form", []string{"If-None-Match", strings.TrimPrefix(etag, "W/")}, 304},
		{"If-None-Match in a list", []string{"If-None-Match", `"other", ` + etag}, 304},
		{"If-None-Match star", []string{"If-None-Match", "*"}, 304},
		{"If-None-Match other", []string{"If-None-Match", `W/"other"`}, 200},
		{"If-Modified-Since", []string{"If-Modified-Since", lastMod}, 304},
		{"If-Modified-Since later", []string{"If-Modified-Since", fx.now.Add(time.Hour).UTC().Format(http.TimeFormat)}, 304},
		{"If-Modified-Since earlier", []string{"If-Modified-Since", fx.now.Add(-48 * time.Hour).UTC().Format(http.TimeFormat)}, 200},
		{"If-None-Match wins over If-Modified-Since", []string{"If-None-Match", `W/"other"`, "If-Modified-Since", lastMod}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := fx.do(t, "GET", path, tc.hdr...)
			if w.Code != tc.want {
				t.Fatalf("status = %d, want %d", w.Code, tc.want)
			}
			if tc.want == 304 {
				if w.Body.Len() != 0 {
					t.Errorf("304 has a body of %d bytes", w.Body.Len())
				}
				if got := w.Header().Get("ETag"); got != etag {
					t.Errorf("304 ETag = %q, want %q", got, etag)
				}
			}
		})
	}
	if got := fx.counted.lists.Load() - lists; got != 0 {
		t.Errorf("conditional and repeated requests listed the feed %d times; want 0 (head and cache only)", got)
	}

	// A write to the feed changes the validators.
	fx.now = fx.now.Add(time.Minute)
	fx.add(t, "Втора", "Свят", 0)
	w := fx.do(t, "GET", path, "If-None-Match", etag)
	if w.Code != 200 {
		t.Fatalf("after a write: status = %d, want 200", w.Code)
	}
	if w.Header().Get("ETag") == etag {
		t.Error("ETag did not change after a write")
	}
	// A write to another feed does not.
	next := w.Header().Get("ETag")
	fx.add(t, "Трета", "България", 0)
	if w := fx.do(t, "GET", path, "If-None-Match", next); w.Code != 304 {
		t.Errorf("after a write elsewhere: status = %d, want 304", w.Code)
	}
}

func TestFeedHeadAndGzip(t *testing.T) {
	fx := newFeedFixture(t)
	for i := range 5 {
		fx.add(t, fmt.Sprintf("Статия %d", i), "Свят", time.Duration(i)*time.Hour)
	}
	for _, f := range feed.Formats {
		path := feed.Path(article.SiteFeed, f)
		t.Run(f.String(), func(t *testing.T) {
			get := fx.do(t, "GET", path)
			head := fx.do(t, "HEAD", path)
			if head.Code != 200 || head.Body.Len() != 0 {
				t.Errorf("HEAD: status %d, %d body bytes; want 200 and none", head.Code, head.Body.Len())
			}
			if got, want := head.Header().Get("Content-Length"), fmt.Sprint(get.Body.Len()); got != want {
				t.Errorf("HEAD Content-Length = %s, want %s", got, want)
			}
			for _, k := range []string{"ETag", "Last-Modified", "Content-Type", "Link"} {
				if head.Header().Get(k) != get.Header().Get(k) {
					t.Errorf("HEAD %s = %q, GET has %q", k, head.Header().Get(k), get.Header().Get(k))
				}
			}
			gz := fx.do(t, "GET", path, "Accept-Encoding", "br;q=1.0, gzip;q=0.8")
			if gz.Header().Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding = %q, want gzip", gz.Header().Get("Content-Encoding"))
			}
			if got, want := gz.Header().Get("Content-Length"), fmt.Sprint(gz.Body.Len()); got != want {
				t.Errorf("gzip Content-Length = %s, body is %s", got, want)
			}
			zr, err := gzip.NewReader(gz.Body)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(plain, get.Body.Bytes()) {
				t.Error("gzip body differs from the identity body")
			}
			if gz.Header().Get("ETag") != get.Header().Get("ETag") {
				t.Error("gzip and identity codings have different validators")
			}
			no := fx.do(t, "GET", path, "Accept-Encoding", "gzip;q=0, identity")
			if no.Header().Get("Content-Encoding") != "" {
				t.Errorf("gzip;q=0: Content-Encoding = %q, want none", no.Header().Get("Content-Encoding"))
			}
		})
	}
}

func TestFeedLimitsAndCursors(t *testing.T) {
	fx := newFeedFixture(t)
	for i := range 30 {
		fx.add(t, fmt.Sprintf("Статия %d", i), "Свят", time.Duration(i)*time.Minute, "НАТО")
	}
	tests := []struct {
		query  string
		status int
		items  int
	}{
		{"", 200, 20},
		{"?limit=1", 200, 1},
		{"?limit=100", 200, 30},
		{"?limit=0", 400, 0},
		{"?limit=101", 400, 0},
		{"?limit=-1", 400, 0},
		{"?limit=abc", 400, 0},
		{"?limit=5&limit=6", 400, 0},
		{"?limit=", 400, 0},
		{"?cursor=nonsense", 400, 0},
		{"?cursor=", 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			w := fx.do(t, "GET", "/feeds/section/svyat/feed.json"+tt.query)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			if tt.status != 200 {
				return
			}
			var jf struct{ Items []json.RawMessage }
			if err := json.Unmarshal(w.Body.Bytes(), &jf); err != nil {
				t.Fatal(err)
			}
			if len(jf.Items) != tt.items {
				t.Errorf("%d items, want %d", len(jf.Items), tt.items)
			}
		})
	}
	t.Run("cursor of another feed", func(t *testing.T) {
		var jf struct {
			NextURL string `json:"next_url"`
		}
		w := fx.do(t, "GET", "/feeds/tag/nato/feed.json?limit=5")
		if err := json.Unmarshal(w.Body.Bytes(), &jf); err != nil || jf.NextURL == "" {
			t.Fatalf("no next_url: %v", err)
		}
		token := jf.NextURL[strings.Index(jf.NextURL, "cursor=")+len("cursor="):]
		if w := fx.do(t, "GET", "/feeds/section/svyat/feed.json?cursor="+token); w.Code != 400 {
			t.Errorf("status = %d, want 400", w.Code)
		}
	})
}

// TestFeedPaging walks every page of a 250-article section in each format
// and gets every article exactly once, newest first.
func TestFeedPaging(t *testing.T) {
	fx := newFeedFixture(t)
	want := make([]string, 250)
	for i := range want {
		a := fx.add(t, fmt.Sprintf("Статия номер %d", i), "Свят", time.Duration(i)*time.Minute)
		want[i] = a.URL
	}
	// Noise in other feeds, a draft and a deleted article.
	fx.add(t, "Друг раздел", "България", 0)
	if _, err := fx.svc.Create(context.Background(), article.Article{Title: "Чернова", Section: "Свят", Status: article.StatusDraft}); err != nil {
		t.Fatal(err)
	}
	gone := fx.add(t, "Изтрита", "Свят", 30*time.Second)
	if err := fx.svc.Delete(context.Background(), gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range feed.Formats {
		t.Run(f.String(), func(t *testing.T) {
			var got []string
			next := "https://api.example.bg" + feed.Path(article.FeedKey{Kind: article.FeedSection, Slug: "svyat"}, f) + "?limit=40"
			for pages := 0; next != ""; pages++ {
				if pages > 10 {
					t.Fatal("more than 10 pages")
				}
				w := fx.do(t, "GET", strings.TrimPrefix(next, "https://api.example.bg"))
				if w.Code != 200 {
					t.Fatalf("page %d: status %d: %s", pages, w.Code, w.Body)
				}
				fd, err := gofeed.NewParser().Parse(bytes.NewReader(w.Body.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range fd.Items {
					got = append(got, it.Link)
				}
				next = nextLink(t, f, w.Body.Bytes())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("walked %d articles, want the %d published ones exactly once, newest first", len(got), len(want))
			}
		})
	}
}

// nextLink finds the RFC 5005 next link (JSON next_url) of a document.
func nextLink(t *testing.T, f feed.Format, doc []byte) string {
	t.Helper()
	if f == feed.JSON {
		var jf struct {
			NextURL string `json:"next_url"`
		}
		if err := json.Unmarshal(doc, &jf); err != nil {
			t.Fatal(err)
		}
		return jf.NextURL
	}
	tag := "<link "
	if f == feed.RSS {
		tag = "<atom:link "
	}
	for _, part := range strings.Split(string(doc), tag)[1:] {
		if strings.Contains(part[:strings.Index(part, ">")], `rel="next"`) {
			href := part[strings.Index(part, `href="`)+6:]
			return strings.ReplaceAll(href[:strings.Index(href, `"`)], "&amp;", "&")
		}
	}
	return ""
}

// failingStore answers every call with err.
type failingStore struct{ err error }

func (s failingStore) FeedHead(context.Context, article.FeedKey) (article.FeedHead, error) {
	return article.FeedHead{}, s.err
}

func (s failingStore) ListFeed(context.Context, article.FeedKey, article.ListOptions) (article.Page, error) {
	return article.Page{}, s.err
}

var _ Store = failingStore{}

func TestFeedStoreErrors(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
	}{
		{"unavailable", fmt.Errorf("dynamo: throttled: %w", article.ErrUnavailable), 503},
		{"deadline", context.DeadlineExceeded, 503},
		{"internal", fmt.Errorf("secret detail"), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := httpapi.NewRouter()
			Register(rt, failingStore{tt.err}, Options{Site: feedSite(), Sealer: cursor.New("x"), StoreTimeout: time.Second})
			for _, path := range []string{"/feeds/rss.xml", "/sitemap-news.xml"} {
				w := httptest.NewRecorder()
				rt.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
				if w.Code != tt.status {
					t.Errorf("%s: status = %d, want %d", path, w.Code, tt.status)
				}
				if tt.status == 503 && w.Header().Get("Retry-After") == "" {
					t.Errorf("%s: 503 without Retry-After", path)
				}
				if strings.Contains(w.Body.String(), "secret detail") {
					t.Errorf("%s: internal error text leaked: %s", path, w.Body)
				}
			}
		})
	}
}

func TestSitemapNews(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Току-що", "Свят", time.Minute)
	fx.add(t, "Вчера „вечерта“ & днес", "Свят", 30*time.Hour)
	fx.add(t, "Преди 47 часа", "България", 47*time.Hour)
	fx.add(t, "Преди 49 часа", "Свят", 49*time.Hour)
	fx.add(t, "Миналата седмица", "Свят", 7*24*time.Hour)
	w := fx.do(t, "GET", "/sitemap-news.xml")
	if w.Code != 200 {
		t.Fatalf("status = %d: %s", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/xml; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := w.Body.String()
	for _, want := range []string{"Току-що", "Вчера „вечерта“ &amp; днес", "Преди 47 часа", "<news:language>bg</news:language>", "<news:name>Новини</news:name>"} {
		if !strings.Contains(body, want) {
			t.Errorf("sitemap lacks %q", want)
		}
	}
	for _, bad := range []string{"Преди 49 часа", "Миналата седмица"} {
		if strings.Contains(body, bad) {
			t.Errorf("sitemap has %q, older than 48 hours", bad)
		}
	}
	if head := fx.do(t, "HEAD", "/sitemap-news.xml"); head.Body.Len() != 0 || head.Header().Get("Content-Length") != fmt.Sprint(len(body)) {
		t.Errorf("HEAD: %d body bytes, Content-Length %s; want 0 and %d", head.Body.Len(), head.Header().Get("Content-Length"), len(body))
	}
}

// TestSitemapBounded stops walking at 1,000 articles.
func TestSitemapBounded(t *testing.T) {
	var lists atomic.Int64
	st := pagedStore{n: 5000, now: feedNow, lists: &lists}
	rt := httpapi.NewRouter()
	Register(rt, st, Options{Site: feedSite(), Sealer: cursor.New("x"), StoreTimeout: time.Second, Now: func() time.Time { return feedNow }})
	w := httptest.NewRecorder()
	rt.ServeHTTP(w, httptest.NewRequest("GET", "/sitemap-news.xml", nil))
	if w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	if n := strings.Count(w.Body.String(), "<url>"); n != feed.SitemapMax {
		t.Errorf("%d urls, want %d", n, feed.SitemapMax)
	}
	if n := lists.Load(); n > int64(feed.SitemapMax/sitemapPage+1) {
		t.Errorf("%d ListFeed calls, want at most %d", n, feed.SitemapMax/sitemapPage+1)
	}
}

// pagedStore serves a site feed of n articles, one a second apart.
type pagedStore struct {
	n     int
	now   time.Time
	lists *atomic.Int64
}

func (s pagedStore) FeedHead(context.Context, article.FeedKey) (article.FeedHead, error) {
	return article.FeedHead{Key: article.SiteFeed, Rev: 1, UpdatedAt: s.now}, nil
}

func (s pagedStore) ListFeed(_ context.Context, _ article.FeedKey, opts article.ListOptions) (article.Page, error) {
	s.lists.Add(1)
	start := 0
	if !opts.After.IsZero() {
		fmt.Sscanf(opts.After.ID, "a%d", &start)
		start++
	}
	var p article.Page
	for i := start; i < s.n && len(p.Articles) < opts.Limit; i++ {
		p.Articles = append(p.Articles, article.Article{ID: fmt.Sprintf("a%d", i), Title: "Т", Status: article.StatusPublished,
			URL: fmt.Sprintf("https://news.example.bg/a%d", i), PublishedAt: s.now.Add(-time.Duration(i) * time.Second)})
	}
	if last := start + len(p.Articles); last < s.n {
		a := p.Articles[len(p.Articles)-1]
		p.Next = article.Position{Time: a.PublishedAt, ID: a.ID}
	}
	return p, nil
}

// BenchmarkNotModified is the polling path: a conditional request for an
// unchanged feed, answered from the feed head (bolt, in process).
func BenchmarkNotModified(b *testing.B) {
	fx := newFeedFixture(b)
	for i := range 50 {
		fx.add(b, fmt.Sprintf("Статия %d", i), "Свят", time.Duration(i)*time.Minute)
	}
	etag := fx.do(b, "GET", "/feeds/section/svyat/rss.xml").Header().Get("ETag")
	r := httptest.NewRequest("GET", "/feeds/section/svyat/rss.xml", nil)
	r.Header.Set("If-None-Match", etag)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		fx.handler.ServeHTTP(w, r)
		if w.Code != 304 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkFeedCached is a full 200 response for an unchanged feed from a
// warm container: head read, then the rendered bytes from the cache.
func BenchmarkFeedCached(b *testing.B) {
	fx := newFeedFixture(b)
	for i := range 50 {
		fx.add(b, fmt.Sprintf("Статия %d", i), "Свят", time.Duration(i)*time.Minute)
	}
	for _, enc := range []string{"identity", "gzip"} {
		b.Run(enc, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/feeds/section/svyat/rss.xml?limit=50", nil)
			r.Header.Set("Accept-Encoding", enc)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				fx.handler.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}

// TestFeedCacheMetrics: the first request renders (a miss), the second is
// served from the rendered-document cache (a hit), and a gzip request for
// the same version reuses the rendered document (a hit).
func TestFeedCacheMetrics(t *testing.T) {
	fx := newFeedFixture(t)
	fx.add(t, "Първа", "Свят", time.Hour)
	var emf bytes.Buffer
	h := httpapi.Observe(slog.New(slog.NewTextHandler(io.Discard, nil)), fx.handler,
		httpapi.WithMetrics(metrics.New(&emf, metrics.Options{Service: "feeds"})))
	for i, want := range []string{metrics.FeedCacheMisses, metrics.FeedCacheHits, metrics.FeedCacheHits} {
		emf.Reset()
		r := httptest.NewRequest(http.MethodGet, "/feeds/rss.xml", nil)
		if i == 2 {
			r.Header.Set("Accept-Encoding", "gzip")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i, w.Code)
		}
		var rec map[string]any
		if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
			t.Fatalf("request %d: metrics record: %v: %q", i, err, emf.String())
		}
		if rec[want] != float64(1) || rec["Route"] != "GET /feeds/rss.xml" || rec["StatusClass"] != "2xx" {
			t.Errorf("request %d: metrics = %v, want %s 1", i, rec, want)
		}
	}
}

// TestFeedsNameCurrentSlug renames an article: every feed format and the
// news sitemap name its current slug only, never the one it left.
func TestFeedsNameCurrentSlug(t *testing.T) {
	fx := newFeedFixture(t)
	a := fx.add(t, "Южна Корея", "Свят", time.Minute, "НАТО")
	if a.Slug != "yuzhna-koreya" {
		t.Fatalf("fixture slug = %q", a.Slug)
	}
	a.Slug, a.URL = "sporazumenie-s-nato", ""
	fx.now = fx.now.Add(time.Second)
	if _, _, err := fx.svc.Replace(context.Background(), a.ID, a, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/feeds/tag/nato/rss.xml", "/sitemap-news.xml"} {
		w := fx.do(t, "GET", p)
		if w.Code != 200 {
			t.Fatalf("GET %s = %d", p, w.Code)
		}
		body := w.Body.String()
		if !strings.Contains(body, "/sporazumenie-s-nato") || strings.Contains(body, "yuzhna-koreya") {
			t.Errorf("GET %s names the old slug or not the new one:\n%.600s", p, body)
		}
	}
}
