package shareapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// linkStore is a store of one article whose reads are counted and can be
// made to fail.
type linkStore struct {
	mu    sync.Mutex
	a     *article.Article
	err   error
	reads atomic.Int64
}

func (s *linkStore) set(a *article.Article, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.a, s.err = a, err
}

func (s *linkStore) GetBySlug(_ context.Context, slug string) (article.Article, error) {
	s.reads.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.err != nil:
		return article.Article{}, s.err
	case s.a == nil || s.a.Slug != slug:
		return article.Article{}, article.ErrNotFound
	}
	return *s.a, nil
}

func (s *linkStore) Get(ctx context.Context, id string) (article.Article, error) {
	return article.Article{}, article.ErrNotFound
}

func (s *linkStore) IncrementShare(context.Context, string, string) error { return nil }

// linkEnv serves the share routes on st with a clock the test moves.
type linkEnv struct {
	h   http.Handler
	now time.Time
	emf bytes.Buffer
	mu  sync.Mutex
}

func newLinkEnv(t *testing.T, st Store) *linkEnv {
	t.Helper()
	cards, err := card.New(card.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := &linkEnv{now: shareSeed().PublishedAt.Add(time.Hour)}
	rt := httpapi.NewRouter()
	Register(rt, st, Options{Site: shareSite(), Cards: cards, StoreTimeout: dynamotest.Timeout, LinkTimeout: dynamotest.Timeout,
		Now: func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }})
	e.h = httpapi.Observe(slog.New(slog.DiscardHandler), rt, httpapi.WithMetrics(metrics.New(&e.emf, metrics.Options{Service: "share"})))
	return e
}

func (e *linkEnv) advance(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.now = e.now.Add(d)
}

func (e *linkEnv) click(slug, network string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "/share/"+slug+"/to/"+network, nil)
	r.Header.Set("User-Agent", shareBrowserUA)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// full and degraded are where a click on a's link goes with its article
// and without it.
func full(a *article.Article, network string) string {
	site := shareSite()
	u, _ := site.ShareTarget(a, network)
	return u
}

func degradedTarget(key, network string) string {
	return full(&article.Article{Slug: key}, network)
}

// TestShareLinkReadsOncePerTTL: clicks within LinkTTL read the store
// once; a correction reaches the dialogs once LinkTTL has passed.
func TestShareLinkReadsOncePerTTL(t *testing.T) {
	a := shareSeed()
	st := &linkStore{}
	st.set(&a, nil)
	e := newLinkEnv(t, st)
	for range 20 {
		shareWant(t, e.click(a.Slug, "x"), 302, "Location", full(&a, "x"))
	}
	if n := st.reads.Load(); n != 1 {
		t.Errorf("%d store reads for 20 clicks within LinkTTL, want 1", n)
	}
	fixed := a
	fixed.Title, fixed.Version = "Поправено заглавие", 2
	st.set(&fixed, nil)
	e.advance(4 * time.Second)
	shareWant(t, e.click(a.Slug, "x"), 302, "Location", full(&a, "x"))
	e.advance(time.Second)
	shareWant(t, e.click(a.Slug, "x"), 302, "Location", full(&fixed, "x"))
	if n := st.reads.Load(); n != 2 {
		t.Errorf("%d store reads, want 2", n)
	}
}

// TestShareLinkConcurrentMissesReadOnce: a burst on a cold instance costs
// one read.
func TestShareLinkConcurrentMissesReadOnce(t *testing.T) {
	a := shareSeed()
	st := &linkStore{}
	st.set(&a, nil)
	st.mu.Lock() // hold the read until every click waits on it
	e := newLinkEnv(t, st)
	var wg sync.WaitGroup
	got := make([]*httptest.ResponseRecorder, 50)
	for i := range got {
		wg.Go(func() { got[i] = e.click(a.Slug, "facebook") })
	}
	// Release the read at some point: clicks before it wait on the one
	// read, clicks after it find the copy.
	st.mu.Unlock()
	wg.Wait()
	for _, w := range got {
		shareWant(t, w, 302, "Location", full(&a, "facebook"))
	}
	if n := st.reads.Load(); n != 1 {
		t.Errorf("%d store reads for 50 concurrent clicks, want 1", n)
	}
}

// TestShareLinkFailedReadStillRedirects: a read that fails is answered
// from a copy while it is younger than LinkTTL+LinkStale, else degraded to
// the dialog for the share page; never a 5xx. Not found is never kept.
func TestShareLinkFailedReadStillRedirects(t *testing.T) {
	a := shareSeed()
	throttled := fmt.Errorf("dynamo: get slug: ThrottlingException: %w", article.ErrUnavailable)
	for _, tc := range []struct {
		name   string
		warm   bool
		after  time.Duration
		want   func() string
		status int
	}{
		{"no copy: degraded", false, 0, func() string { return degradedTarget(a.Slug, "telegram") }, 302},
		{"a copy past LinkTTL: the copy", true, 6 * time.Second, func() string { return full(&a, "telegram") }, 302},
		{"a copy past LinkStale: degraded", true, 5*time.Second + 10*time.Minute, func() string { return degradedTarget(a.Slug, "telegram") }, 302},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &linkStore{}
			st.set(&a, nil)
			e := newLinkEnv(t, st)
			if tc.warm {
				shareWant(t, e.click(a.Slug, "telegram"), 302)
			}
			e.advance(tc.after)
			st.set(&a, throttled)
			e.emf.Reset()
			w := e.click(a.Slug, "telegram")
			shareWant(t, w, tc.status, "Location", tc.want(), "Cache-Control", "no-store")
			degraded := bytes.Contains(e.emf.Bytes(), []byte(`"ShareLinksDegraded":1`))
			if wantDegraded := tc.want() == degradedTarget(a.Slug, "telegram"); degraded != wantDegraded {
				t.Errorf("ShareLinksDegraded counted %t, want %t: %s", degraded, wantDegraded, e.emf.String())
			}
		})
	}
	t.Run("a key that names no article: 404, not a redirect", func(t *testing.T) {
		st := &linkStore{}
		st.set(nil, throttled)
		e := newLinkEnv(t, st)
		shareWant(t, e.click("Not_A_Slug.", "x"), 404)
	})
	t.Run("not found is not kept: a story published next is clicked at once", func(t *testing.T) {
		st := &linkStore{}
		e := newLinkEnv(t, st)
		shareWant(t, e.click(a.Slug, "x"), 404, "Cache-Control", "no-store")
		st.set(&a, nil)
		shareWant(t, e.click(a.Slug, "x"), 302, "Location", full(&a, "x"))
	})
	t.Run("a takedown: gone once LinkTTL has passed", func(t *testing.T) {
		st := &linkStore{}
		st.set(&a, nil)
		e := newLinkEnv(t, st)
		shareWant(t, e.click(a.Slug, "x"), 302)
		gone := a.Tombstone(a.UpdatedAt.Add(time.Hour))
		st.set(&gone, nil)
		e.advance(5 * time.Second)
		shareWant(t, e.click(a.Slug, "x"), 410)
	})
}

// TestShareLinkThrottledReadsOnMoto: on DynamoDB (moto) behind the fault
// proxy, with every read throttled through all the SDK's retries, clicks
// (a burst of them, cold and warm) are all redirected: 0 errors.
func TestShareLinkThrottledReadsOnMoto(t *testing.T) {
	base := dynamotest.Client(t)
	table := dynamotest.Table(t, base)
	p, err := faultproxy.Start(os.Getenv(dynamotest.EndpointVar))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	client := dynamo.NewClient(dynamo.LocalConfig(), p.URL(), func(o *dynamodb.Options) {
		o.HTTPClient = base.Options().HTTPClient
	})
	st := dynamo.New(client, table)
	a := shareSeed()
	if err := dynamo.New(base, table).Save(context.Background(), a, 0); err != nil {
		t.Fatal(err)
	}
	e := newLinkEnv(t, st)
	burst := func(t *testing.T, want string) {
		t.Helper()
		var wg sync.WaitGroup
		got := make([]*httptest.ResponseRecorder, 40)
		for i := range got {
			wg.Go(func() { got[i] = e.click(a.Slug, "whatsapp") })
		}
		wg.Wait()
		errs := 0
		for _, w := range got {
			if w.Code != http.StatusFound || w.Header().Get("Location") != want {
				errs++
				t.Errorf("click: %d %q, want 302 to %q", w.Code, w.Header().Get("Location"), want)
			}
		}
		if errs != 0 {
			t.Errorf("%d of %d clicks not redirected", errs, len(got))
		}
	}
	if err := p.Set(faultproxy.Fault{Mode: faultproxy.Throttle, Op: "GetItem"}); err != nil {
		t.Fatal(err)
	}
	t.Run("cold, throttled: degraded", func(t *testing.T) { burst(t, degradedTarget(a.Slug, "whatsapp")) })
	if p.Count("GetItem") == 0 {
		t.Fatal("the proxy saw no read: the fault was not exercised")
	}
	if err := p.Pass(); err != nil {
		t.Fatal(err)
	}
	t.Run("healthy", func(t *testing.T) { burst(t, full(&a, "whatsapp")) })
	if err := p.Set(faultproxy.Fault{Mode: faultproxy.Throttle, Op: "GetItem"}); err != nil {
		t.Fatal(err)
	}
	e.advance(time.Minute)
	t.Run("warm copy, throttled: the copy", func(t *testing.T) { burst(t, full(&a, "whatsapp")) })
}
