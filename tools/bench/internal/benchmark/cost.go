package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// Call is one DynamoDB request a route made.
type Call struct {
	// Op is the store method and the DynamoDB operation, "FeedHead:GetItem".
	Op string
	// Units is the capacity moto reported (ConsumedCapacity, TOTAL).
	Units float64
	// Bytes is the size of DynamoDB's JSON answer, an upper bound on the
	// size of the items read.
	Bytes int64
}

// Read reports whether the call reads (GetItem, Query, Scan, BatchGetItem).
func (c Call) Read() bool {
	_, op, _ := strings.Cut(c.Op, ":")
	switch op {
	case "GetItem", "Query", "Scan", "BatchGetItem":
		return true
	}
	return false
}

// EstimatedRCU is what an eventually consistent read of Bytes costs on
// DynamoDB: half a unit per 4 KB, rounded up; 0 for a write.
func (c Call) EstimatedRCU() float64 {
	if !c.Read() {
		return 0
	}
	return 0.5 * math.Max(1, math.Ceil(float64(c.Bytes)/4096))
}

// Cost sums the calls of one request.
type Cost struct{ Calls []Call }

// Totals returns the round trips and the read and write units reported.
func (c Cost) Totals() (trips int, rcu, wcu, estRCU float64) {
	for _, call := range c.Calls {
		if call.Read() {
			rcu += call.Units
		} else {
			wcu += call.Units
		}
		estRCU += call.EstimatedRCU()
	}
	return len(c.Calls), rcu, wcu, estRCU
}

// Ops lists the calls' ops in order.
func (c Cost) Ops() []string {
	out := make([]string, len(c.Calls))
	for i, call := range c.Calls {
		out[i] = call.Op
	}
	return out
}

// meter records the hook's reports and the HTTP answers' sizes; requests
// are made one at a time, so the n-th report belongs to the n-th answer.
type meter struct {
	mu    sync.Mutex
	ops   []Call
	sizes []int64
	trips int
	next  *awshttp.BuildableClient
}

func (m *meter) hook(op string, units float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ops = append(m.ops, Call{Op: op, Units: units})
}

// Do counts the round trip and the answer's size.
func (m *meter) Do(r *http.Request) (*http.Response, error) {
	resp, err := m.next.Do(r)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trips++
	if err != nil {
		m.sizes = append(m.sizes, 0)
		return resp, err
	}
	b, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	m.sizes = append(m.sizes, int64(len(b)))
	return resp, rerr
}

func (m *meter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ops, m.sizes, m.trips = nil, nil, 0
}

// take returns the calls since the last reset; an error if round trips and
// reports disagree (a retry), which would make the figures wrong.
func (m *meter) take() (Cost, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.trips != len(m.ops) {
		return Cost{}, fmt.Errorf("%d round trips but %d store reports (%v): a retry or an unmetered call", m.trips, len(m.ops), m.ops)
	}
	calls := append([]Call(nil), m.ops...)
	for i := range calls {
		calls[i].Bytes = m.sizes[i]
	}
	return Cost{Calls: calls}, nil
}

// CostCase is one request whose DynamoDB cost is measured.
type CostCase struct {
	Name   string
	Cost   Cost
	Status int
}

// MeasureCosts builds the feeds, share and admin routes as the Lambdas do,
// each on its own store with a capacity hook, on a fresh table on the
// endpoint seeded with 50 articles, and measures one request of each type:
// the full feed (cache miss, then cache hit), the 304 feed, the share page
// for a crawler, a share link, and an article write.
func MeasureCosts(ctx context.Context, endpoint string) ([]CostCase, error) {
	m := &meter{next: awshttp.NewBuildableClient()}
	client := dynamo.NewClient(dynamo.LocalConfig(), endpoint, func(o *dynamodb.Options) { o.HTTPClient = m })
	table := "bench-cost-" + randomHex()
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(cctx, client, table); err != nil {
		return nil, err
	}
	cfg, err := config.Load(func(k string) string {
		// moto's transactions copy the table, so a write can take longer
		// than the 3 s default; time is not what this step measures.
		return map[string]string{"SITE_URL": SiteURL, "ADMIN_TOKEN": AdminToken, "TABLE_NAME": table, "STORE_TIMEOUT": "15s"}[k]
	})
	if err != nil {
		return nil, err
	}
	store := func() *dynamo.Store {
		return dynamo.New(client, table, dynamo.WithCapacityHook(m.hook), dynamo.WithLocation(cfg.Location))
	}
	svc := newsroom.NewService(store(), newsroom.Options{SiteURL: SiteURL})
	if _, err := seed.Ensure(ctx, svc, SiteURL, 5*time.Second); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}

	// The routes are wired with the Lambdas' own option constructors.
	shareOpts, err := shareapi.NewOptions(cfg)
	if err != nil {
		return nil, err
	}
	// A share click's counter write may finish after its redirect (past
	// the click's budget); each case waits for it, so its cost is the
	// case's own.
	clicks := new(shareapi.ClickStats)
	shareOpts.Clicks = clicks
	rt := httpapi.NewRouter()
	adminapi.Register(rt, svc, auth.Static(AdminToken), adminapi.NewOptions(cfg, store()))
	feedOpts := feedapi.NewOptions(cfg)
	feedapi.Register(rt, store(), feedOpts)
	shareapi.Register(rt, store(), shareOpts)

	// The routes' logs say why a request failed; the last of them go into
	// the error.
	logs := &tail{max: 4 << 10}
	h := httpapi.Observe(slog.New(slog.NewJSONHandler(logs, nil)), rt)
	do := func(method, path string, header http.Header, body []byte) *httptest.ResponseRecorder {
		req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		clicks.Wait()
		return w
	}
	admin := http.Header{"Authorization": {"Bearer " + AdminToken}, "Content-Type": {"application/json"}}
	nato := seed.Articles(SiteURL)[0]
	post := func(i int) []byte {
		b, _ := json.Marshal(map[string]any{ // A map of strings always marshals.
			"title": fmt.Sprintf("%s (%d)", nato.Title, i), "lead": nato.Lead, "body": nato.Body,
			"publishedAt": time.Date(2025, 11, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"source":      nato.Source, "section": nato.Section, "tags": nato.Tags, "language": "bg", "status": "published",
		})
		return b
	}
	for i := 1; i < 46; i++ {
		if w := do(http.MethodPost, "/articles", admin, post(i)); w.Code != http.StatusCreated {
			return nil, fmt.Errorf("populate: POST /articles: %d; log: %s", w.Code, logs.String())
		}
	}

	feedHeader := http.Header{"Accept-Encoding": {"gzip"}}
	var etag string
	cases := []struct {
		name   string
		method string
		path   string
		header func() http.Header
		body   []byte
		want   int
	}{
		{"article write (POST /articles)", http.MethodPost, "/articles", func() http.Header { return admin }, post(46), http.StatusCreated},
		{"full feed, cache miss (RSS, 20 items)", http.MethodGet, "/feeds/rss.xml", func() http.Header { return feedHeader }, nil, http.StatusOK},
		{"full feed, cache hit", http.MethodGet, "/feeds/rss.xml", func() http.Header { return feedHeader }, nil, http.StatusOK},
		{"304 feed (If-None-Match)", http.MethodGet, "/feeds/rss.xml", func() http.Header {
			h := feedHeader.Clone()
			h.Set("If-None-Match", etag)
			return h
		}, nil, http.StatusNotModified},
		{"share page, crawler", http.MethodGet, "/share/" + nato.Slug, func() http.Header {
			return http.Header{"User-Agent": {CrawlerUA}}
		}, nil, http.StatusOK},
		{"share link (/to/facebook, counted)", http.MethodGet, "/share/" + nato.Slug + "/to/facebook", func() http.Header {
			return http.Header{"User-Agent": {"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}}
		}, nil, http.StatusFound},
	}
	var out []CostCase
	for _, c := range cases {
		// Each request as one arriving after the kept feed heads expired
		// (feedapi.HeadTTL): the cost per container and second at most.
		feedOpts.Heads.Forget()
		m.reset()
		w := do(c.method, c.path, c.header(), c.body)
		if w.Code != c.want {
			return out, fmt.Errorf("%s: status %d, want %d; log: %s", c.name, w.Code, c.want, logs.String())
		}
		if e := w.Header().Get("ETag"); e != "" && etag == "" && c.path == "/feeds/rss.xml" {
			etag = e
		}
		cost, err := m.take()
		if err != nil {
			return out, fmt.Errorf("%s: %w", c.name, err)
		}
		out = append(out, CostCase{Name: c.name, Cost: cost, Status: w.Code})
	}
	return out, nil
}

// CostSection measures the costs and judges the two targets: a
// 304 feed reads no article bodies (only the feed head) and a share page
// is one GetItem-sized read.
func CostSection(ctx context.Context, endpoint string) Section {
	const title = "DynamoDB cost per request (moto)"
	if endpoint == "" {
		return Section{Title: title, Notes: []string{"DYNAMODB_ENDPOINT unset: skipped"}}
	}
	cases, err := MeasureCosts(ctx, endpoint)
	sec := Section{Title: title}
	if err != nil {
		sec.Rows = append(sec.Rows, errorRow("measure", err))
	}
	for _, c := range cases {
		sec.Rows = append(sec.Rows, CostRow(c))
	}
	sec.Notes = append(sec.Notes,
		"round trips counted at the HTTP client, capacity from ReturnConsumedCapacity=TOTAL through the store's capacity hook, one request at a time, on the Lambdas' route wiring (feeds with their rendered-feed cache; the kept feed heads dropped before each request, so a feed request pays the head read it pays once a second per container at most, feedapi.HeadTTL)",
		"moto reports a constant per call (GetItem and UpdateItem 0.5, Query 1, whatever the size or consistency) and nothing for TransactWriteItems, so its WCU for a write is 0; DynamoDB charges by size: an eventually consistent read 0.5 RCU per 4 KB, a strongly consistent one 1, a write 1 WCU per 1 KB and a transactional write 2 WCU per 1 KB of every item written",
		"'≈ by size' is 0.5 RCU per 4 KB of DynamoDB's JSON answer per read call, rounded up: an upper bound for eventually consistent reads (the answer is a little larger than the items)")
	return sec
}

// CostRow formats one request's cost and judges its target, if it has one.
func CostRow(c CostCase) Row {
	trips, rcu, wcu, est := c.Cost.Totals()
	var calls []string
	for _, call := range c.Cost.Calls {
		calls = append(calls, fmt.Sprintf("%s %s", call.Op, FormatBytes(float64(call.Bytes))))
	}
	row := Row{Case: c.Name, Result: fmt.Sprintf("%d round trips, moto %s RCU / %s WCU, ≈ %s RCU by size [%s]",
		trips, sig3(rcu), sig3(wcu), sig3(est), strings.Join(calls, "; "))}
	switch {
	case strings.HasPrefix(c.Name, "304 feed"):
		row.Target = "no article bodies (feed head only)"
		ops := c.Cost.Ops()
		row.Verdict = Check(len(ops) == 1 && ops[0] == "FeedHead:GetItem")
	case strings.HasPrefix(c.Name, "share page"):
		// "One GetItem-sized read": a single GetItem of the article, as
		// large as the article is; its RCU follow the article's size.
		row.Target = "one GetItem-sized read"
		ops := c.Cost.Ops()
		row.Verdict = Check(trips == 1 && len(ops) == 1 && strings.HasSuffix(ops[0], ":GetItem"))
	}
	return row
}
