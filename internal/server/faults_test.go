package server_test

// Faults (issue 6): the full router (admin, share, feeds), built as
// internal/server builds it, on the DynamoDB store whose client goes
// through a fault-injecting proxy in front of moto. Whatever DynamoDB
// does, clients get a 503 with Retry-After and a problem without internal
// text, a write is never reported done that was not written, and the same
// handler works again once DynamoDB does.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/studio"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// fullStore is what the routes of every function use, as in
// internal/server.
type fullStore interface {
	newsroom.Store
	shareapi.Store
	feedapi.Store
	adminapi.ShareReader
}

var (
	_ fullStore = (*dynamo.Store)(nil)
)

const (
	testToken = "fault-test-token"
	// faultStoreTimeout is STORE_TIMEOUT for these tests: one that moto
	// never meets, so that no outcome depends on its speed. The faults
	// end requests by themselves; Slow is ended by the test (expiring).
	faultStoreTimeout = dynamotest.Timeout
	crawlerUA         = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
)

// syndicate is the full router on one store.
type syndicate struct {
	h   http.Handler
	cfg config.Config
	log *lockedBuffer
}

// newSyndicate builds every route on st with the default configuration,
// as internal/server does, with storeTimeout as STORE_TIMEOUT.
func newSyndicate(t testing.TB, st fullStore, storeTimeout time.Duration) *syndicate {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	cfg.StoreTimeout = storeTimeout
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: cfg.SiteURL})
	rt := httpapi.NewRouter()
	adminapi.Register(rt, svc, auth.Static(testToken), adminapi.Options{
		Cursors: cursor.New("fault-test-secret"), StoreTimeout: storeTimeout, Shares: st, Location: cfg.Location,
	})
	cards, err := card.New(card.Options{Location: cfg.Location})
	if err != nil {
		t.Fatalf("cards: %v", err)
	}
	shareapi.Register(rt, st, shareapi.Options{Site: share.NewSite(cfg), Cards: cards, StoreTimeout: storeTimeout})
	previewapi.Register(rt, svc, auth.Static(testToken), previewapi.Options{
		Studio: &studio.Studio{Site: share.NewSite(cfg), SiteURL: cfg.SiteURL, ImageOrigins: cfg.ImageOrigins},
		Cards:  cards, Shares: st, StoreTimeout: storeTimeout, Location: cfg.Location,
	})
	feedapi.Register(rt, st, feedapi.Options{
		Site: feed.NewChannel(cfg), Sealer: cursor.New("fault-test-secret"),
		StoreTimeout: storeTimeout, Cache: feed.NewCache(4 << 20),
	})
	log := &lockedBuffer{}
	return &syndicate{h: httpapi.Observe(slog.New(slog.NewJSONHandler(log, nil)), rt), cfg: cfg, log: log}
}

// call is one request to the router.
type call struct {
	name    string
	method  string
	path    string
	body    string
	header  map[string]string
	want    int // status once DynamoDB answers again
	isWrite bool
	ctx     context.Context // the request's context; nil is Background
}

func (s *syndicate) do(c call) *httptest.ResponseRecorder {
	var r *http.Request
	if c.body != "" {
		r = httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(c.method, c.path, nil)
	}
	if c.ctx != nil {
		r = r.WithContext(c.ctx)
	}
	if strings.HasPrefix(c.path, "/articles") {
		r.Header.Set("Authorization", "Bearer "+testToken)
	}
	for k, v := range c.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

// proxied is a fresh moto table seeded with the sample articles, reached
// through a fault proxy, and directly for checking what was written.
type proxied struct {
	proxy *faultproxy.Proxy
	// store goes through the proxy; direct goes straight to moto. They
	// share dynamotest's one-request-at-a-time HTTP client (see its
	// package comment).
	store, direct *dynamo.Store
	table         string
}

func newProxied(t testing.TB) *proxied {
	t.Helper()
	base := dynamotest.Client(t)
	table := dynamotest.Table(t, base)
	p, client := dynamotest.Proxied(t, base)
	env := &proxied{
		proxy:  p,
		store:  dynamo.New(client, table, dynamo.WithConsistentReads()),
		direct: dynamo.New(base, table, dynamo.WithConsistentReads()),
		table:  table,
	}
	svc := newsroom.NewService(env.direct, newsroom.Options{SiteURL: "https://news.example.bg"})
	if _, err := seed.Ensure(context.Background(), svc, "https://news.example.bg", dynamotest.Timeout); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return env
}

// stored reads id straight from moto.
func (p *proxied) stored(t testing.TB, id string) (article.Article, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dynamotest.Timeout)
	defer cancel()
	return p.direct.Get(ctx, id)
}

// articleJSON is a write body: the fields the admin API needs.
func articleJSON(id, title string) string {
	b, _ := json.Marshal(map[string]any{ // A map of strings always marshals.
		"id": id, "title": title, "lead": "Кратко резюме на статията.",
		"body": "<p>" + title + ". Текст на статията.</p>", "section": "Свят",
		"tags": []string{"НАТО"}, "authors": []map[string]string{{"name": "БТА"}},
		"status": "published",
	})
	return string(b)
}

var natoSlug = seed.Articles("https://news.example.bg")[0].Slug

const (
	newID        = "fault-new"
	newTitle     = "Нова статия, писана по време на срив"
	replaceTitle = "СБУ унищожи руска техника на летище Белбек (обновена)"
)

// faultCalls are the requests made while DynamoDB fails and again after:
// the feeds and share routes crawlers and readers poll, and every admin
// method. The writes change articles the reads do not look at.
func faultCalls() []call {
	return []call{
		{name: "site RSS", method: http.MethodGet, path: "/feeds/rss.xml", want: http.StatusOK},
		{name: "section JSON feed", method: http.MethodGet, path: "/feeds/section/svyat/feed.json", want: http.StatusOK},
		{name: "share page", method: http.MethodGet, path: "/share/" + natoSlug, header: map[string]string{"User-Agent": crawlerUA}, want: http.StatusOK},
		{name: "share card", method: http.MethodGet, path: "/share/" + natoSlug + "/card.png?v=1.3", header: map[string]string{"User-Agent": crawlerUA}, want: http.StatusOK},
		{name: "admin GET", method: http.MethodGet, path: "/articles/" + seed.IDNATO, want: http.StatusOK},
		{name: "admin list", method: http.MethodGet, path: "/articles?limit=3", want: http.StatusOK},
		{name: "preview", method: http.MethodGet, path: "/articles/" + seed.IDNATO + "/preview", want: http.StatusOK},
		{name: "preview index", method: http.MethodGet, path: "/articles/preview", want: http.StatusOK},
		{name: "admin POST", method: http.MethodPost, path: "/articles", body: articleJSON(newID, newTitle), want: http.StatusCreated, isWrite: true},
		{name: "admin PUT", method: http.MethodPut, path: "/articles/" + seed.IDBelbek, body: articleJSON(seed.IDBelbek, replaceTitle),
			header: map[string]string{"If-Match": `"1"`}, want: http.StatusOK, isWrite: true},
		{name: "admin DELETE", method: http.MethodDelete, path: "/articles/" + seed.IDBlair,
			header: map[string]string{"If-Match": `"1"`}, want: http.StatusNoContent, isWrite: true},
	}
}

// leaks are strings that would reveal internals in a client's answer.
var leaks = []string{"dynamo", "exception", "throttl", "internalservererror", "127.0.0.1", "moto", "connection",
	"context", "deadline", "transact", "getitem", "query", "eof", "refused", "test-"}

// checkUnavailable asserts w is the problem a client gets while the store
// is unavailable.
func checkUnavailable(t *testing.T, name string, w *httptest.ResponseRecorder) {
	t.Helper()
	body := w.Body.String()
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d, want 503; body %.300s", name, w.Code, body)
		return
	}
	if ra := w.Header().Get("Retry-After"); ra == "" {
		t.Errorf("%s: no Retry-After", name)
	} else if n, err := strconv.Atoi(ra); err != nil || n < 1 {
		t.Errorf("%s: Retry-After %q, want a positive number of seconds", name, ra)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", name, ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store: no cache may keep the outage", name, cc)
	}
	if et := w.Header().Get("ETag"); et != "" {
		t.Errorf("%s: ETag %q on a 503", name, et)
	}
	var p httpapi.Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
		t.Errorf("%s: body is not a problem: %v; %.300s", name, err, body)
		return
	}
	if p.Status != http.StatusServiceUnavailable || !strings.HasSuffix(p.Type, "/unavailable") {
		t.Errorf("%s: problem %+v, want status 503 and type …/unavailable", name, p)
	}
	lower := strings.ToLower(body)
	for _, leak := range leaks {
		if strings.Contains(lower, leak) {
			t.Errorf("%s: answer mentions %q: %s", name, leak, body)
		}
	}
}

// TestFaultsAnswer503AndRecover runs every route while DynamoDB fails in
// each way, concurrently (as requests arrive during an outage), then
// checks that nothing was written and that the same handler serves
// everything once DynamoDB answers again.
func TestFaultsAnswer503AndRecover(t *testing.T) {
	dynamotest.Client(t) // Skip, or fail under CI, once rather than per subtest.
	modes := []faultproxy.Mode{
		faultproxy.Refuse, faultproxy.Hangup, faultproxy.ServerError, faultproxy.Throttle,
		faultproxy.ThroughputExceeded, faultproxy.Slow, faultproxy.LoseResponse,
	}
	for _, mode := range modes {
		t.Run(mode.String(), func(t *testing.T) {
			env := newProxied(t)
			s := newSyndicate(t, env.store, faultStoreTimeout)
			calls := faultCalls()

			// Warm the feed cache, so that a cached copy would be there to
			// serve if the feed routes served one.
			if w := s.do(calls[0]); w.Code != http.StatusOK {
				t.Fatalf("warm-up %s: status %d", calls[0].name, w.Code)
			}

			if err := env.proxy.Set(faultproxy.Fault{Mode: mode}); err != nil {
				t.Fatal(err)
			}
			env.proxy.Reset()
			// A slow DynamoDB is one that answers after the deadline: the
			// proxy holds the requests, and once it holds one the test
			// makes the requests' deadline pass.
			var deadline *expiring
			if mode == faultproxy.Slow {
				deadline = newExpiring()
				for i := range calls {
					calls[i].ctx = deadline
				}
			}
			got := make([]*httptest.ResponseRecorder, len(calls))
			var wg sync.WaitGroup
			for i := range calls {
				wg.Go(func() { got[i] = s.do(calls[i]) })
			}
			if deadline != nil {
				held := waitFor(func() bool { return env.proxy.Stats().Faulted > 0 })
				deadline.expire()
				if !held {
					t.Error("the proxy held no request")
				}
			}
			wg.Wait()
			for i, c := range calls {
				checkUnavailable(t, c.name, got[i])
				calls[i].ctx = nil
			}
			// Refused dials never reach the proxy. A slow request holds
			// dynamotest's one-at-a-time client until the deadline passes,
			// so the calls queued behind it end before they are sent.
			want := int64(len(calls))
			switch mode {
			case faultproxy.Refuse:
				want = 0
			case faultproxy.Slow:
				want = 1
			}
			if st := env.proxy.Stats(); st.Faulted < want {
				t.Errorf("proxy faulted %d requests, want at least %d", st.Faulted, want)
			}

			if err := env.proxy.Pass(); err != nil {
				t.Fatal(err)
			}
			// Nothing the clients were refused was written.
			if a, err := env.stored(t, newID); !errors.Is(err, article.ErrNotFound) {
				t.Errorf("POST during the fault: stored %q v%d, %v; want not found", a.Title, a.Version, err)
			}
			if a, err := env.stored(t, seed.IDBelbek); err != nil || a.Version != 1 || a.Title == replaceTitle {
				t.Errorf("PUT during the fault: stored %q v%d, %v; want the seeded version 1", a.Title, a.Version, err)
			}
			if a, err := env.stored(t, seed.IDBlair); err != nil || a.Version != 1 || a.Deleted {
				t.Errorf("DELETE during the fault: stored v%d deleted=%t, %v; want the seeded version 1, live", a.Version, a.Deleted, err)
			}

			// The same handler works again: reads first, then the writes.
			for _, c := range calls {
				if w := s.do(c); w.Code != c.want {
					t.Errorf("after recovery, %s: status %d, want %d; body %.300s", c.name, w.Code, c.want, w.Body.String())
				}
			}
			if a, err := env.stored(t, newID); err != nil || a.Title != newTitle || a.Version != 1 {
				t.Errorf("POST after recovery: stored %q v%d, %v; want %q v1", a.Title, a.Version, err, newTitle)
			}
			if a, err := env.stored(t, seed.IDBelbek); err != nil || a.Title != replaceTitle || a.Version != 2 {
				t.Errorf("PUT after recovery: stored %q v%d, %v; want %q v2", a.Title, a.Version, err, replaceTitle)
			}
			if a, err := env.stored(t, seed.IDBlair); err != nil || !a.Deleted || a.Version != 2 {
				t.Errorf("DELETE after recovery: stored v%d deleted=%t, %v; want a v2 tombstone", a.Version, a.Deleted, err)
			}
			if w := s.do(calls[0]); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), newTitle) {
				t.Errorf("site RSS after recovery: status %d, want 200 with the new article", w.Code)
			}
		})
	}
}

// TestFaultsThrottlingRetried checks that brief throttling costs a client
// nothing: the next requests are throttled, fewer than the SDK's attempts
// at one call, and the SDK's retries get every request through.
func TestFaultsThrottlingRetried(t *testing.T) {
	dynamotest.Client(t) // Skip, or fail under CI, once rather than per subtest.
	const throttled = dynamo.RetryMaxAttempts - 2
	for _, mode := range []faultproxy.Mode{faultproxy.Throttle, faultproxy.ThroughputExceeded} {
		t.Run(mode.String(), func(t *testing.T) {
			env := newProxied(t)
			s := newSyndicate(t, env.store, faultStoreTimeout)
			for _, c := range faultCalls() {
				t.Run(c.name, func(t *testing.T) {
					env.proxy.Reset()
					if err := env.proxy.Set(faultproxy.Fault{Mode: mode, Times: throttled}); err != nil {
						t.Fatal(err)
					}
					w := s.do(c)
					if w.Code != c.want {
						t.Fatalf("status %d, want %d; body %.300s", w.Code, c.want, w.Body.String())
					}
					st := env.proxy.Stats()
					if st.Faulted != throttled || st.Requests != st.Forwarded+throttled {
						t.Errorf("proxy stats %+v, want %d throttled and the rest forwarded", st, throttled)
					}
				})
			}
		})
	}
}

// TestFaultsFeedCacheWhileListFails pins what the feed routes do with a
// rendered copy: it is served while the feed head (one small GetItem)
// still answers and says the feed is unchanged, whatever the listing
// Query would do. Once the head cannot be read either, the origin answers
// 503, not a stale copy: the feeds' Cache-Control carries
// stale-if-error=86400 so that the CDN serves its copy instead.
func TestFaultsFeedCacheWhileListFails(t *testing.T) {
	env := newProxied(t)
	s := newSyndicate(t, env.store, faultStoreTimeout)
	rss := call{name: "site RSS", method: http.MethodGet, path: "/feeds/rss.xml"}
	warm := s.do(rss)
	if warm.Code != http.StatusOK {
		t.Fatalf("warm-up: status %d", warm.Code)
	}
	if cc := warm.Header().Get("Cache-Control"); !strings.Contains(cc, "stale-if-error=") {
		t.Errorf("feed Cache-Control %q lacks stale-if-error", cc)
	}
	if err := env.proxy.Set(faultproxy.Fault{Mode: faultproxy.ServerError, Op: "Query"}); err != nil {
		t.Fatal(err)
	}
	w := s.do(rss)
	if w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), warm.Body.Bytes()) {
		t.Errorf("cached feed while Query fails: status %d, same body %t; want 200 with the cached copy",
			w.Code, bytes.Equal(w.Body.Bytes(), warm.Body.Bytes()))
	}
	// A page never rendered needs the Query.
	checkUnavailable(t, "uncached feed page while Query fails", s.do(call{method: http.MethodGet, path: "/feeds/rss.xml?limit=2"}))

	if err := env.proxy.Set(faultproxy.Fault{Mode: faultproxy.ServerError}); err != nil {
		t.Fatal(err)
	}
	checkUnavailable(t, "cached feed while the head fails", s.do(rss))
	_ = env.proxy.Pass()
	if w := s.do(rss); w.Code != http.StatusOK {
		t.Errorf("after recovery: status %d, want 200", w.Code)
	}
}

// TestFaultsUnknownOutcome covers writes whose outcome the service cannot
// know: DynamoDB applied the transaction, and the answer was lost. The
// client must not be told it succeeded or failed for certain: it gets a
// 503, and its retry with the same precondition either succeeds or meets
// its own write (412, 409 or 410), never applying it twice.
//
// With Times 0 every TransactWriteItems answer is lost, the SDK's retries
// included. With Times 1 only the first is: the SDK retries the
// transaction with the same ClientRequestToken, which DynamoDB answers
// with the first attempt's success; moto ignores the token and cancels the
// retry on the version condition, so here the client is told 412 (or 409
// for a create) for a write that was applied. Both are asserted as "200 or
// the precondition's failure", and the store is checked to hold the write
// exactly once.
func TestFaultsUnknownOutcome(t *testing.T) {
	dynamotest.Client(t) // Skip, or fail under CI, once rather than per subtest.
	type write struct {
		name string
		c    call
		// retry are the statuses the write may get once an earlier
		// attempt was applied: done, or its precondition failed.
		retry []int
		check func(t *testing.T, a article.Article, err error)
	}
	writes := []write{
		{"PUT If-Match", call{method: http.MethodPut, path: "/articles/" + seed.IDBelbek, body: articleJSON(seed.IDBelbek, replaceTitle),
			header: map[string]string{"If-Match": `"1"`}}, []int{http.StatusOK, http.StatusPreconditionFailed},
			func(t *testing.T, a article.Article, err error) {
				if err != nil || a.Version != 2 || a.Title != replaceTitle {
					t.Errorf("stored %q v%d, %v; want %q v2 (applied once)", a.Title, a.Version, err, replaceTitle)
				}
			}},
		{"PUT If-None-Match", call{method: http.MethodPut, path: "/articles/" + newID, body: articleJSON(newID, newTitle),
			header: map[string]string{"If-None-Match": "*"}}, []int{http.StatusCreated, http.StatusPreconditionFailed},
			func(t *testing.T, a article.Article, err error) {
				if err != nil || a.Version != 1 || a.Title != newTitle {
					t.Errorf("stored %q v%d, %v; want %q v1 (applied once)", a.Title, a.Version, err, newTitle)
				}
			}},
		{"POST with id", call{method: http.MethodPost, path: "/articles", body: articleJSON(newID+"-post", newTitle+" (POST)")},
			[]int{http.StatusCreated, http.StatusConflict},
			func(t *testing.T, a article.Article, err error) {
				if err != nil || a.Version != 1 {
					t.Errorf("stored v%d, %v; want v1 (applied once)", a.Version, err)
				}
			}},
		{"DELETE If-Match", call{method: http.MethodDelete, path: "/articles/" + seed.IDBlair, header: map[string]string{"If-Match": `"1"`}},
			[]int{http.StatusNoContent, http.StatusGone, http.StatusPreconditionFailed},
			func(t *testing.T, a article.Article, err error) {
				if err != nil || !a.Deleted || a.Version != 2 {
					t.Errorf("stored v%d deleted=%t, %v; want a v2 tombstone (applied once)", a.Version, a.Deleted, err)
				}
			}},
	}
	ids := map[string]string{"PUT If-Match": seed.IDBelbek, "PUT If-None-Match": newID, "POST with id": newID + "-post", "DELETE If-Match": seed.IDBlair}
	for _, times := range []int{0, 1} {
		t.Run(fmt.Sprintf("lose %s", map[int]string{0: "every answer", 1: "the first answer"}[times]), func(t *testing.T) {
			env := newProxied(t)
			s := newSyndicate(t, env.store, faultStoreTimeout)
			for _, wr := range writes {
				t.Run(wr.name, func(t *testing.T) {
					env.proxy.Reset()
					if err := env.proxy.Set(faultproxy.Fault{Mode: faultproxy.LoseResponse, Op: "TransactWriteItems", Times: times}); err != nil {
						t.Fatal(err)
					}
					w := s.do(wr.c)
					t.Logf("write: status %d; TransactWriteItems sent %d times", w.Code, env.proxy.Count("TransactWriteItems"))
					if st := env.proxy.Stats(); st.Faulted == 0 {
						t.Fatalf("no answer was lost (%+v); the test proves nothing", st)
					}
					switch {
					case times == 0:
						checkUnavailable(t, "write with its answer lost", w)
					case !slices.Contains(wr.retry, w.Code):
						t.Errorf("write with its first answer lost: status %d, want one of %v; body %.300s", w.Code, wr.retry, w.Body.String())
					}
					if err := env.proxy.Pass(); err != nil {
						t.Fatal(err)
					}
					a, err := env.stored(t, ids[wr.name])
					wr.check(t, a, err)

					// The client retries the same request.
					w = s.do(wr.c)
					t.Logf("retry: status %d", w.Code)
					if !slices.Contains(wr.retry, w.Code) {
						t.Errorf("retry: status %d, want one of %v; body %.300s", w.Code, wr.retry, w.Body.String())
					}
					a, err = env.stored(t, ids[wr.name])
					wr.check(t, a, err)
				})
			}
		})
	}
}

// expiring is a request context whose deadline the test decides: it
// passes when expire is called, never by itself.
type expiring struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiring() *expiring {
	return &expiring{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiring) Done() <-chan struct{} { return c.done }

func (c *expiring) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *expiring) expire() { c.once.Do(func() { close(c.done) }) }

// waitFor polls cond until it holds, for at most a minute (which a test
// waiting on its own requests never needs), and reports whether it held.
func waitFor(cond func() bool) bool {
	for end := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			return false
		}
	}
	return true
}
