package cdnsim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTTL(t *testing.T) {
	for cc, want := range map[string]time.Duration{
		"":                                   0,
		"public, max-age=600, s-maxage=3600": time.Hour,
		"public, max-age=300, stale-while-revalidate=600": 5 * time.Minute,
		"private, max-age=600":                            0,
		"no-store":                                        0,
		"public, max-age=31536000, immutable":             365 * 24 * time.Hour,
		"public, s-maxage=0, max-age=60":                  0,
	} {
		if got := ttl(cc); got != want {
			t.Errorf("ttl(%q) = %v, want %v", cc, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	p := &Proxy{Behaviors: []Behavior{{Pattern: "/share/*/card.png"}, {Pattern: "/share/*"}, {Pattern: "*"}}}
	for path, want := range map[string]string{
		"/share/a/card.png": "/share/*/card.png", "/share/a": "/share/*", "/share/a/to/x": "/share/*", "/feeds/rss.xml": "*",
	} {
		if got := p.Match(path).Pattern; got != want {
			t.Errorf("Match(%s) = %s, want %s", path, got, want)
		}
	}
}

// origin is a fake origin counting its requests, answering with the
// Cache-Control and ETag the test sets, 304 to a matching If-None-Match.
type origin struct {
	mu      sync.Mutex
	n       int
	cc      string
	etag    string
	body    string
	gate    chan struct{} // when set, requests wait on it
	lastINM string
	lastAE  string
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.n++
	gate, cc, etag, body := o.gate, o.cc, o.etag, o.body
	o.lastINM, o.lastAE = r.Header.Get("If-None-Match"), r.Header.Get("Accept-Encoding")
	o.mu.Unlock()
	if gate != nil {
		<-gate
	}
	w.Header().Set("Cache-Control", cc)
	if etag != "" {
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	_, _ = io.WriteString(w, body)
}

func (o *origin) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n
}

// clock is the proxy's injected clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newModel(t *testing.T, o *origin, edges int, b Behavior) (*Proxy, *httptest.Server, *clock) {
	t.Helper()
	osrv := httptest.NewServer(o)
	t.Cleanup(osrv.Close)
	c := &clock{now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	p := &Proxy{Origin: osrv.URL, Behaviors: []Behavior{b}, Now: c.Now, Edges: edges}
	esrv := httptest.NewServer(p)
	t.Cleanup(esrv.Close)
	return p, esrv, c
}

func fetch(t *testing.T, srv *httptest.Server, path string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// Send Accept-Encoding as given, and none when not given.
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestModelExpiresByTTLAtEachColdEdge(t *testing.T) {
	o := &origin{cc: "public, max-age=600, s-maxage=60", body: "v1"}
	_, srv, c := newModel(t, o, 3, Behavior{Pattern: "*"})
	for _, tc := range []struct {
		edge    string
		advance time.Duration
		want    string
		origin  int
	}{
		{"0", 0, "Miss from edge", 1},
		{"0", 59 * time.Second, "Hit from edge", 1},
		{"1", 0, "Miss from edge", 2}, // a cold edge: no pre-warming
		{"2", 0, "Miss from edge", 3},
		{"0", time.Second, "Miss from edge", 4}, // s-maxage passed
		{"1", 0, "Hit from edge", 4},
	} {
		c.add(tc.advance)
		resp, _ := fetch(t, srv, "/p", "X-Edge", tc.edge)
		if got := resp.Header.Get("X-Cache"); got != tc.want || o.count() != tc.origin {
			t.Errorf("edge %s: X-Cache %q, origin %d; want %q, %d", tc.edge, got, o.count(), tc.want, tc.origin)
		}
	}
}

func TestModelPrivateAnswersAreNotCollapsed(t *testing.T) {
	const n = 6
	o := &origin{cc: "private, max-age=600", body: "person", gate: make(chan struct{})}
	p, srv, _ := newModel(t, o, 1, Behavior{Pattern: "*"})
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { fetch(t, srv, "/p") })
	}
	// Every request is at the edge (waiting on the first's origin request
	// or in it) before the origin answers.
	for p.Stats()["*"].Requests < n {
		runtime.Gosched()
	}
	close(o.gate)
	wg.Wait()
	if got := o.count(); got != n {
		t.Errorf("origin saw %d requests for %d private answers, want every one", got, n)
	}
	if s := p.Stats()["*"]; s.Hits != 0 {
		t.Errorf("%d hits of a private answer", s.Hits)
	}
}

func TestModelInvalidationTakesTimePerEdge(t *testing.T) {
	o := &origin{cc: "public, s-maxage=3600", body: "old"}
	p, srv, c := newModel(t, o, 2, Behavior{Pattern: "*"})
	p.InvalidationDelay = func(e int) time.Duration { return time.Duration(10+20*e) * time.Second }
	for _, e := range []string{"0", "1"} {
		fetch(t, srv, "/share/a", "X-Edge", e)
	}
	o.mu.Lock()
	o.body = "new"
	o.mu.Unlock()
	post := func() string {
		resp, err := http.Post(srv.URL+"/2020-05-31/distribution/D/invalidation", "text/xml",
			strings.NewReader(`<InvalidationBatch><Paths><Quantity>1</Quantity><Items><Path>/share/a*</Path></Items></Paths><CallerReference>x</CallerReference></InvalidationBatch>`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	status := func() string {
		_, b := fetch(t, srv, "/2020-05-31/distribution/D/invalidation/I1")
		return b
	}
	if b := post(); !strings.Contains(b, "InProgress") {
		t.Errorf("CreateInvalidation answered %s, want InProgress", b)
	}
	for _, tc := range []struct {
		advance   time.Duration
		edge0     string
		edge1     string
		completed bool
	}{
		{0, "old", "old", false},
		{10 * time.Second, "new", "old", false},
		{20 * time.Second, "new", "new", true},
	} {
		c.add(tc.advance)
		_, b0 := fetch(t, srv, "/share/a", "X-Edge", "0")
		_, b1 := fetch(t, srv, "/share/a", "X-Edge", "1")
		if b0 != tc.edge0 || b1 != tc.edge1 {
			t.Errorf("after %v more: edges answer %q, %q; want %q, %q", tc.advance, b0, b1, tc.edge0, tc.edge1)
		}
		if got := strings.Contains(status(), "Completed"); got != tc.completed {
			t.Errorf("after %v more: completed %t, want %t", tc.advance, got, tc.completed)
		}
	}
}

func TestModelRevalidatesWithETag(t *testing.T) {
	o := &origin{cc: "public, max-age=60", etag: `"7"`, body: "page"}
	p, srv, c := newModel(t, o, 1, Behavior{Pattern: "*"})
	fetch(t, srv, "/p")
	c.add(61 * time.Second)
	resp, body := fetch(t, srv, "/p")
	if o.lastINM != `"7"` || body != "page" || resp.StatusCode != 200 {
		t.Errorf("origin got If-None-Match %q; viewer %d %q; want the ETag sent and the kept body", o.lastINM, resp.StatusCode, body)
	}
	if s := p.Stats()["*"]; s.Revalidated != 1 || s.Origin != 2 {
		t.Errorf("stats %+v, want one 304 revalidation", s)
	}
	c.add(30 * time.Second)
	if resp, _ := fetch(t, srv, "/p"); resp.Header.Get("X-Cache") != "Hit from edge" {
		t.Errorf("after the 304: X-Cache %q, want a fresh hit", resp.Header.Get("X-Cache"))
	}
	// A viewer's own If-None-Match is answered at the edge.
	if resp, _ := fetch(t, srv, "/p", "If-None-Match", `"7"`); resp.StatusCode != http.StatusNotModified {
		t.Errorf("viewer's conditional request: %d, want 304", resp.StatusCode)
	}
}

func TestModelStaleWhileRevalidate(t *testing.T) {
	o := &origin{cc: "public, max-age=300, stale-while-revalidate=600", body: "v1"}
	p, srv, c := newModel(t, o, 1, Behavior{Pattern: "*"})
	fetch(t, srv, "/f")
	o.mu.Lock()
	o.body = "v2"
	o.mu.Unlock()
	c.add(301 * time.Second)
	resp, body := fetch(t, srv, "/f")
	if resp.Header.Get("X-Cache") != "Hit from edge (stale)" || body != "v1" {
		t.Errorf("in the window: %q %q, want the stale copy", resp.Header.Get("X-Cache"), body)
	}
	// Settle waits for the refresh: then the new copy is served, the
	// clock not moved.
	p.Settle()
	if o.count() != 2 || p.Stats()["*"].Origin != 2 {
		t.Errorf("after Settle: %d origin fetches, %d counted, want 2", o.count(), p.Stats()["*"].Origin)
	}
	if resp, b := fetch(t, srv, "/f"); b != "v2" || resp.Header.Get("X-Cache") != "Hit from edge" {
		t.Errorf("after the refresh: %q %q, want the new copy from the edge", resp.Header.Get("X-Cache"), b)
	}
	c.add(301*time.Second + 600*time.Second)
	if resp, _ := fetch(t, srv, "/f"); resp.Header.Get("X-Cache") != "Miss from edge" {
		t.Errorf("past the window: X-Cache %q, want a miss", resp.Header.Get("X-Cache"))
	}
}

// TestModelRefreshOutlivingTheWindow: a request that comes once the
// stale window has closed, while the refresh it began still runs (the
// origin's real time, stretched on the simulated clock), waits for that
// refresh instead of sending the origin another request.
func TestModelRefreshOutlivingTheWindow(t *testing.T) {
	o := &origin{cc: "public, max-age=30, stale-while-revalidate=30", body: "v1"}
	p, srv, c := newModel(t, o, 1, Behavior{Pattern: "*"})
	fetch(t, srv, "/f")
	gate := make(chan struct{})
	o.mu.Lock()
	o.body, o.gate = "v2", gate
	o.mu.Unlock()
	c.add(31 * time.Second)
	if resp, body := fetch(t, srv, "/f"); body != "v1" || resp.Header.Get("X-Cache") != "Hit from edge (stale)" {
		t.Fatalf("in the window: %q %q", resp.Header.Get("X-Cache"), body)
	}
	for o.count() < 2 {
		runtime.Gosched() // the refresh reaches the origin and waits at the gate
	}
	c.add(31 * time.Second) // the window has closed; the refresh still runs
	type answer struct{ cache, body string }
	got := make(chan answer, 1)
	go func() {
		resp, body := fetch(t, srv, "/f")
		got <- answer{resp.Header.Get("X-Cache"), body}
	}()
	// Stats takes the lock the request holds from its count to its wait:
	// once it shows the third request, that request is waiting.
	for p.Stats()["*"].Requests < 3 {
		runtime.Gosched()
	}
	close(gate)
	a := <-got
	if a.body != "v2" || a.cache != "Hit from edge (collapsed)" || o.count() != 2 {
		t.Errorf("past the window during the refresh: %q %q after %d origin requests, want v2 collapsed onto the refresh (2)", a.cache, a.body, o.count())
	}
}

func TestModelAcceptEncodingInKey(t *testing.T) {
	o := &origin{cc: "public, max-age=300", body: "x"}
	_, srv, _ := newModel(t, o, 1, Behavior{Pattern: "*", Gzip: true, Brotli: true})
	for _, tc := range []struct {
		ae, sent string
		origin   int
	}{
		{"gzip, deflate, br", "br", 1},
		{"br", "br", 1},
		{"gzip", "gzip", 2},
		{"", "identity", 3},
		{"identity", "identity", 3},
		{"gzip;q=1.0, deflate", "", 3}, // the gzip copy
	} {
		hdr := []string{}
		if tc.ae != "" {
			hdr = []string{"Accept-Encoding", tc.ae}
		}
		before := o.count()
		fetch(t, srv, "/f", hdr...)
		if o.count() != tc.origin || (o.count() > before && o.lastAE != tc.sent) {
			t.Errorf("Accept-Encoding %q: origin %d (last sent %q), want %d (%q)", tc.ae, o.count(), o.lastAE, tc.origin, tc.sent)
		}
	}
}
