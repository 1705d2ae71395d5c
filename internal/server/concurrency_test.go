package server_test

// Concurrency (issue 6), through the admin API on both stores: racing
// writers with one If-Match get exactly one success, and concurrent
// creates are all kept.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

var _ fullStore = (*bolt.Store)(nil)

// concurrencyStores are the stores the races run on, each with the
// STORE_TIMEOUT, and the number of creates and of writers in flight for
// the creates. dynamotest's client sends one request at a time (moto
// cannot isolate concurrent transactions), so on moto the requests queue
// behind each other: their deadline must cover the queue on a busy
// machine (the last of 50 racing PUTs waits for all the others), and 16
// creates in flight are enough
// to make them interleave; 64 creates are four rounds of them (moto's
// time grows with the square of the creates: see TestConcurrentCreates).
var concurrencyStores = []struct {
	name    string
	open    func(t *testing.T) fullStore
	timeout time.Duration
	creates int
	workers int
}{
	{"bolt", func(t *testing.T) fullStore {
		st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}, dynamotest.Timeout, 200, 32},
	{"dynamo", func(t *testing.T) fullStore {
		client := dynamotest.Client(t)
		return dynamo.New(client, dynamotest.Table(t, client), dynamo.WithConsistentReads())
	}, dynamotest.Timeout, 64, 16},
}

// TestConcurrentReplaceSameIfMatch sends 50 PUTs of one article at once,
// all with If-Match "1" and each with its own title, and asserts:
//
//   - exactly one answers 200 and the other 49 answer 412, nothing else;
//   - the stored version is 1 + the number of 200s, that is 2 (the create
//     was version 1, and a 412 writes nothing);
//   - the stored title is the winner's, and GET's ETag is "2".
func TestConcurrentReplaceSameIfMatch(t *testing.T) {
	const n = 50
	for _, sc := range concurrencyStores {
		t.Run(sc.name, func(t *testing.T) {
			s := newSyndicate(t, sc.open(t), sc.timeout)
			const id = "race-put"
			if w := s.do(call{method: http.MethodPost, path: "/articles", body: articleJSON(id, "Първа версия")}); w.Code != http.StatusCreated {
				t.Fatalf("create: status %d; %s", w.Code, w.Body)
			}
			title := func(i int) string { return fmt.Sprintf("Версия от редактор %d", i) }
			codes := make([]int, n)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					<-start
					codes[i] = s.do(call{method: http.MethodPut, path: "/articles/" + id, body: articleJSON(id, title(i)),
						header: map[string]string{"If-Match": `"1"`}}).Code
				})
			}
			began := time.Now()
			close(start)
			wg.Wait()
			t.Logf("%d PUTs in %v", n, time.Since(began))

			winner, ok, failed := -1, 0, 0
			for i, c := range codes {
				switch c {
				case http.StatusOK:
					winner = i
					ok++
				case http.StatusPreconditionFailed:
					failed++
				default:
					t.Errorf("PUT %d: status %d, want 200 or 412", i, c)
				}
			}
			if ok != 1 || failed != n-1 {
				t.Fatalf("got %d × 200 and %d × 412, want 1 and %d", ok, failed, n-1)
			}
			w := s.do(call{method: http.MethodGet, path: "/articles/" + id})
			var got struct {
				Title   string `json:"title"`
				Version int64  `json:"version"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != http.StatusOK {
				t.Fatalf("GET: status %d, %v", w.Code, err)
			}
			if want := int64(1 + ok); got.Version != want {
				t.Errorf("stored version %d, want %d (1 + successes)", got.Version, want)
			}
			if got.Title != title(winner) {
				t.Errorf("stored title %q, want the winner's %q", got.Title, title(winner))
			}
			if et := w.Header().Get("ETag"); et != `"2"` {
				t.Errorf("ETag %s, want \"2\"", et)
			}
		})
	}
}

// TestConcurrentCreates sends POSTs with distinct ids from a bounded pool
// of writers and asserts that every one answered 201 and that all are
// readable afterwards, one by one and in the admin list, page by page.
//
// The articles are published, so every create also bumps the site feed's
// head, the one item all writers contend for, but have no section, tags or
// authors: moto copies the whole table for every item of a transaction,
// and the 10-item saves of a fully tagged article made this take 80 s
// (200 minimal ones took 170 s on a busy machine).
func TestConcurrentCreates(t *testing.T) {
	for _, sc := range concurrencyStores {
		t.Run(sc.name, func(t *testing.T) {
			n := sc.creates
			s := newSyndicate(t, sc.open(t), sc.timeout)
			id := func(i int) string { return fmt.Sprintf("create-%03d", i) }
			codes := make([]int, n)
			jobs := make(chan int)
			var wg sync.WaitGroup
			for range sc.workers {
				wg.Go(func() {
					for i := range jobs {
						codes[i] = s.do(call{method: http.MethodPost, path: "/articles",
							body: minimalJSON(id(i), fmt.Sprintf("Статия номер %d", i))}).Code
					}
				})
			}
			began := time.Now()
			for i := range n {
				jobs <- i
			}
			close(jobs)
			wg.Wait()
			t.Logf("%d creates, %d at a time, in %v", n, sc.workers, time.Since(began))
			for i, c := range codes {
				if c != http.StatusCreated {
					t.Errorf("POST %s: status %d, want 201", id(i), c)
				}
			}

			for i := range n {
				if w := s.do(call{method: http.MethodGet, path: "/articles/" + id(i)}); w.Code != http.StatusOK {
					t.Errorf("GET %s: status %d, want 200", id(i), w.Code)
				}
			}
			listed := map[string]bool{}
			const limit = 25 // several pages for either store
			path := fmt.Sprintf("/articles?limit=%d", limit)
			for pages := 0; path != "" && pages <= n/limit; pages++ {
				w := s.do(call{method: http.MethodGet, path: path})
				var page struct {
					Articles []struct {
						ID string `json:"id"`
					} `json:"articles"`
					Next string `json:"next"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || w.Code != http.StatusOK {
					t.Fatalf("list %s: status %d, %v", path, w.Code, err)
				}
				for _, a := range page.Articles {
					listed[a.ID] = true
				}
				path = ""
				if page.Next != "" {
					path = fmt.Sprintf("/articles?limit=%d&cursor=%s", limit, url.QueryEscape(page.Next))
				}
			}
			for i := range n {
				if !listed[id(i)] {
					t.Errorf("%s missing from the admin list", id(i))
				}
			}
			if len(listed) != n {
				t.Errorf("admin list has %d articles, want %d", len(listed), n)
			}
		})
	}
}

// minimalJSON is a published article in the site feed only.
func minimalJSON(id, title string) string {
	b, _ := json.Marshal(map[string]string{ // A map of strings always marshals.
		"id": id, "title": title, "body": "<p>" + title + ".</p>", "status": "published",
	})
	return string(b)
}
