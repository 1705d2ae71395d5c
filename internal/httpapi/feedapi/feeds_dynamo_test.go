package feedapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

var _ Store = (*dynamo.Store)(nil)

// capacityLog collects what the dynamo store's capacity hook reports.
type capacityLog struct {
	mu    sync.Mutex
	ops   []string
	units map[string]float64
}

func (c *capacityLog) hook(op string, units float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops = append(c.ops, op)
	if c.units == nil {
		c.units = make(map[string]float64)
	}
	c.units[op] += units
}

// take returns and forgets what was logged.
func (c *capacityLog) take() (ops []string, total float64, byOp map[string]float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops, byOp = c.ops, c.units
	for _, u := range byOp {
		total += u
	}
	c.ops, c.units = nil, nil
	return ops, total, byOp
}

type dynamoFeeds struct {
	handler http.Handler
	cap     *capacityLog
}

// newDynamoFeeds serves the feed routes on a fresh moto table holding n
// realistic articles in section "Свят". Without the cache, so that every
// full request reads DynamoDB.
func newDynamoFeeds(t testing.TB, n int) *dynamoFeeds {
	t.Helper()
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	capLog := &capacityLog{}
	st := dynamo.New(client, table, dynamo.WithCapacityHook(capLog.hook))
	now := feedNow
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg", Now: func() time.Time { return now }})
	body := "<p>" + strings.Repeat("Южна Корея и НАТО се споразумяха да създадат консултантска група за отбранителната индустрия. ", 28) + "</p>"
	for i := range n {
		_, err := svc.Create(context.Background(), article.Article{
			Title: fmt.Sprintf("Южна Корея и НАТО (%d)", i), Lead: "Ще продължат напредналото си сътрудничество",
			Body: body, Section: "Свят", Tags: []string{"НАТО"}, Status: article.StatusPublished,
			Authors:     []article.Author{{Name: "Мария Иванова"}},
			PublishedAt: now.Add(-time.Duration(i) * time.Minute),
		})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
	}
	capLog.take()
	rt := httpapi.NewRouter()
	Register(rt, st, Options{Site: feedSite(), Sealer: cursor.New("test"), StoreTimeout: dynamotest.Timeout,
		Now: func() time.Time { return now }})
	return &dynamoFeeds{handler: rt, cap: capLog}
}

func (d *dynamoFeeds) get(path string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	d.handler.ServeHTTP(w, r)
	return w
}

// TestFeedsOnDynamo runs the feed routes on the DynamoDB store: the full
// path reads the head and one page; the 304 path reads only the head item.
// It logs the consumed read capacity of both.
func TestFeedsOnDynamo(t *testing.T) {
	d := newDynamoFeeds(t, 21) // one over the default page of 20
	for _, f := range feed.Formats {
		t.Run(f.String(), func(t *testing.T) {
			path := "/feeds/section/svyat/" + f.File()
			full := d.get(path)
			if full.Code != 200 {
				t.Fatalf("status %d: %s", full.Code, full.Body)
			}
			if n := strings.Count(full.Body.String(), "Южна Корея и НАТО ("); n != 20 {
				t.Errorf("%d articles in the feed, want the default 20", n)
			}
			ops, fullRCU, byOp := d.cap.take()
			t.Logf("full response: %v, %.1f read capacity units %v", ops, fullRCU, byOp)

			cond := d.get(path, "If-None-Match", full.Header().Get("ETag"))
			if cond.Code != 304 {
				t.Fatalf("conditional: status %d, want 304", cond.Code)
			}
			ops, condRCU, byOp := d.cap.take()
			t.Logf("304 response: %v, %.1f read capacity units %v", ops, condRCU, byOp)
			if len(ops) != 1 {
				t.Errorf("the 304 path made %d DynamoDB requests %v, want exactly one (the feed head)", len(ops), ops)
			}
			if condRCU > 1 {
				t.Errorf("the 304 path consumed %.1f RCU, want at most 1 (one small item)", condRCU)
			}
			if fullRCU <= condRCU {
				t.Errorf("full path %.1f RCU is not above the 304 path's %.1f: is capacity reported?", fullRCU, condRCU)
			}
		})
	}
	t.Run("unknown section", func(t *testing.T) {
		if w := d.get("/feeds/section/nyama/rss.xml"); w.Code != 404 {
			t.Errorf("status %d, want 404", w.Code)
		}
	})
}

// BenchmarkFeedsOnDynamo reports time and consumed read capacity per
// request of the full and the 304 path against moto (latency is moto's
// over loopback, not DynamoDB's; the capacity units are DynamoDB's rules as
// moto computes them).
func BenchmarkFeedsOnDynamo(b *testing.B) {
	d := newDynamoFeeds(b, 50)
	const path = "/feeds/section/svyat/rss.xml?limit=50"
	etag := d.get(path).Header().Get("ETag")
	for _, tc := range []struct {
		name string
		hdr  []string
		want int
	}{{"full", nil, 200}, {"304", []string{"If-None-Match", etag}, 304}} {
		b.Run(tc.name, func(b *testing.B) {
			d.cap.take()
			n := 0
			for b.Loop() {
				if w := d.get(path, tc.hdr...); w.Code != tc.want {
					b.Fatalf("status %d", w.Code)
				}
				n++
			}
			ops, total, byOp := d.cap.take()
			b.ReportMetric(total/float64(n), "RCU/op")
			b.ReportMetric(float64(len(ops))/float64(n), "requests/op")
			keys := make([]string, 0, len(byOp))
			for k := range byOp {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				b.Logf("%s: %s %.2f RCU/op", tc.name, k, byOp[k]/float64(n))
			}
		})
	}
}
