package cdnsim

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cdn"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/notify"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/server"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/testing/stackcheck"
)

const originSecret = "edge-test-origin-secret-0123456789"

// site is the local server (embedded store, seeded) behind the edge proxy
// configured from template.yaml, the origin refusing requests without the
// CDN's secret header.
type site struct {
	cfg    config.Config
	srv    *server.Server
	proxy  *Proxy
	edge   *httptest.Server
	origin *httptest.Server

	mu      sync.Mutex
	queries []string // every origin request's path?query
}

func newSite(t *testing.T) *site {
	t.Helper()
	tmpl, err := stackcheck.Load(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := FromTemplate(tmpl, "CDN")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{proxy: &Proxy{Behaviors: bs, Header: http.Header{httpapi.OriginSecretHeader: {originSecret}}}}
	s.edge = httptest.NewServer(s.proxy)
	t.Cleanup(s.edge.Close)
	s.cfg, err = config.Load(func(k string) string {
		return map[string]string{"DATA_DIR": t.TempDir(), "BASE_URL": s.edge.URL, "HUB_URL": "http://127.0.0.1:1/"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	s.srv, err = server.New(t.Context(), s.cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.srv.Close() })
	h := httpapi.RequireOrigin(originSecret, s.srv.Handler)
	s.origin = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.queries = append(s.queries, r.URL.Path+"?"+r.URL.RawQuery)
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.origin.Close)
	s.proxy.Origin = s.origin.URL
	return s
}

func (s *site) get(t *testing.T, path string, ua ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.edge.URL+path, nil)
	if len(ua) > 0 {
		req.Header.Set("User-Agent", ua[0])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// noRedirects hands back a redirect as the answer, as a viewer's first
// request sees it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// hub pings back: on each publish it fetches the topic at once, as a WebSub
// hub does, and keeps what it read.
type hub struct {
	mu      sync.Mutex
	fetched map[string]string
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	topic := r.PostForm.Get("hub.url")
	resp, err := http.Get(topic)
	body := ""
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
	}
	h.mu.Lock()
	h.fetched[topic] = body
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// TestWebSubHubSeesTheNewStoryThroughTheCDN: a feed cached at the edge, a
// new story, the notifier's ping, and the hub's fetch right after it. With
// the invalidation the hub reads the new story; without it (the control)
// it reads the cached feed, which is why the invalidation is there.
func TestWebSubHubSeesTheNewStoryThroughTheCDN(t *testing.T) {
	s := newSite(t)
	svc := newsroom.NewService(s.srv.Store, newsroom.Options{SiteURL: s.cfg.SiteURL})
	const feedPath = "/feeds/rss.xml"
	if resp, _ := s.get(t, feedPath); resp.StatusCode != 200 {
		t.Fatalf("feed: %d", resp.StatusCode)
	}
	if resp, _ := s.get(t, feedPath); resp.Header.Get("X-Cache") != "Hit from edge" {
		t.Fatalf("second fetch X-Cache %q, want a hit: the feed must be cached for this test to mean anything", resp.Header.Get("X-Cache"))
	}
	for _, tc := range []struct {
		name       string
		invalidate bool
	}{{"without invalidation (control)", false}, {"with invalidation", true}} {
		t.Run(tc.name, func(t *testing.T) {
			a := seed.Articles(s.cfg.SiteURL)[0]
			a.ID, a.Slug, a.URL = "", "", ""
			a.Title = "Нова история " + tc.name
			a.PublishedAt = time.Now().Add(-time.Minute)
			a, err := svc.Create(t.Context(), a)
			if err != nil {
				t.Fatal(err)
			}
			h := &hub{fetched: map[string]string{}}
			hubSrv := httptest.NewServer(h)
			defer hubSrv.Close()
			opts := notify.Options{
				HubURL: hubSrv.URL,
				Site:   feed.NewChannel(s.cfg),
				Articles: func(*events.DynamoDBStreamRecord) (old, cur *article.Article, ok bool, err error) {
					return nil, &a, true, nil
				},
			}
			before := s.proxy.Invalidations()
			if tc.invalidate {
				opts.Invalidator = cdn.New(aws.Config{Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")},
					"EDIST", cdn.Options{Endpoint: s.edge.URL, PollInterval: time.Millisecond})
			}
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			// Stamped as the stream stamps it: the notifier waits until the
			// change is older than the feeds' head reuse (feed.HeadReuse),
			// else the hub's fetch could get the feed as it was.
			rec := events.DynamoDBEventRecord{Change: events.DynamoDBStreamRecord{
				ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Now().Truncate(time.Second)},
			}}
			res, err := notify.New(opts).Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{rec}})
			if err != nil || len(res.BatchItemFailures) != 0 {
				t.Fatalf("Handle = %v, %v", res, err)
			}
			got := h.fetched[s.edge.URL+feedPath]
			if got == "" {
				t.Fatalf("the hub was not pinged for %s (pinged: %d topics)", feedPath, len(h.fetched))
			}
			sees := strings.Contains(got, a.Title)
			if sees != tc.invalidate {
				t.Errorf("hub sees the new story: %t, want %t", sees, tc.invalidate)
			}
			if n := s.proxy.Invalidations() - before; tc.invalidate && n != 1 {
				t.Errorf("%d invalidations, want one for the batch", n)
			}
		})
	}
}

const (
	browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	crawlerUA = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
)

// TestCacheKeys: under the template's cache keys, unique fbclid and utm_*
// values share one entry per share page and card, a card with a foreign
// parameter costs no render, and the origin sees only what the key holds.
func TestCacheKeys(t *testing.T) {
	s := newSite(t)
	nato := seed.Articles(s.cfg.SiteURL)[0]
	page := "/share/" + nato.Slug
	card := page + "/card.png"
	// One public page for everyone (see shareapi's page handler): with no
	// crawler at all, the first reader fills the edge and every later one,
	// and a crawler after them, is served from it.
	const n = 50
	for i := range n {
		u := strings.Repeat("x", i+1)
		if resp, _ := s.get(t, page+"?fbclid=IwAR"+u+"&utm_source=facebook", browserUA); resp.StatusCode != 200 {
			t.Fatalf("share page: %d", resp.StatusCode)
		}
		if resp, _ := s.get(t, card+"?v="+share.CardVersion(1)+"&x="+u, crawlerUA); resp.StatusCode != 200 {
			t.Fatalf("card: %d", resp.StatusCode)
		}
		if resp, _ := s.get(t, "/feeds/rss.xml?utm_campaign="+u, browserUA); resp.StatusCode != 200 {
			t.Fatalf("feed: %d", resp.StatusCode)
		}
	}
	if resp, _ := s.get(t, page+"?fbclid=last", crawlerUA); resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("X-Cache"), "Hit") {
		t.Errorf("crawler after the readers: %d, X-Cache %q; want a hit", resp.StatusCode, resp.Header.Get("X-Cache"))
	}
	for pattern, want := range map[string]int64{"/share/*": 1, "/share/*/card.png": 1, "/feeds/*": 1} {
		if got := s.proxy.Stats()[pattern].Origin; got != want {
			t.Errorf("%s: %d origin requests for %d unique values, want %d", pattern, got, n, want)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queries {
		if strings.Contains(q, "fbclid") || strings.Contains(q, "utm_") || strings.Contains(q, "x=") {
			t.Errorf("the origin saw %q: only the cache key's parameters may reach it", q)
		}
	}
}

// TestOriginRefusesWithoutTheCDN: the origin answers the edge, which adds
// the secret, and refuses a direct request.
func TestOriginRefusesWithoutTheCDN(t *testing.T) {
	s := newSite(t)
	if resp, _ := s.get(t, "/feeds/rss.xml"); resp.StatusCode != 200 {
		t.Errorf("through the edge: %d, want 200", resp.StatusCode)
	}
	resp, err := http.Get(s.origin.URL + "/feeds/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("straight to the origin: %d, want 403", resp.StatusCode)
	}
}

// TestShareClicksAreNeverCollapsed: simultaneous clicks on one share link
// each reach the origin and are each counted (caching disabled).
func TestShareClicksAreNeverCollapsed(t *testing.T) {
	s := newSite(t)
	nato := seed.Articles(s.cfg.SiteURL)[0]
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if resp, _ := s.get(t, "/share/"+nato.Slug+"/to/viber?utm_source=bar", browserUA); resp.StatusCode != http.StatusFound {
				t.Errorf("click: %d, want 302", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	s.srv.Clicks.Wait()
	if got := s.proxy.Stats()["/share/*/to/*"].Origin; got != n {
		t.Errorf("%d origin requests for %d clicks, want every one", got, n)
	}
	if got := s.srv.Clicks.Counted.Load(); got != n {
		t.Errorf("%d clicks counted, want %d", got, n)
	}
}
