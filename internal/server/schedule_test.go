package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// scheduledServer builds the local server on bolt with a fake clock and
// creates one article scheduled ten seconds ahead; it returns the server,
// the clock, the article and its time.
func scheduledServer(t *testing.T) (*Server, *fakeClock, article.Article, time.Time) {
	t.Helper()
	cfg := testConfig(t, map[string]string{"ADMIN_TOKEN": "local-token"})
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := &fakeClock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	srv, err := build(t.Context(), cfg, quiet(), st, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	at := clock.now().Add(10 * time.Second)
	body := `{"title":"Ембарго до десет","body":"<p>x</p>","section":"Свят","status":"published","publishedAt":"` + at.Format(time.RFC3339) + `"}`
	r := httptest.NewRequest(http.MethodPost, "/articles", strings.NewReader(body))
	r.Header.Set("Authorization", "Bearer local-token")
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	srv.Handler.ServeHTTP(w, r)
	if w.Code != http.StatusCreated {
		t.Fatalf("POST /articles = %d: %s", w.Code, w.Body)
	}
	var a struct{ ID, Slug string }
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	return srv, clock, article.Article{ID: a.ID, Slug: a.Slug, Title: "Ембарго до десет"}, at
}

// TestLocalScheduledRelease: the local server hides a scheduled article
// until its time on the fake clock; its share page shows it from then on,
// its feeds from the release that ReleaseDue (what its ticker runs) makes
// once, which moves the feed's validator (until then the feed, validator
// included, is as it was).
func TestLocalScheduledRelease(t *testing.T) {
	srv, clock, a, at := scheduledServer(t)
	feedsHave := func() (bool, string) {
		w := get(t, srv.Handler, "/feeds/section/svyat/rss.xml", "")
		return strings.Contains(w.Body.String(), a.Title), w.Header().Get("ETag")
	}
	if w := get(t, srv.Handler, "/share/"+a.Slug, ""); w.Code != http.StatusNotFound {
		t.Errorf("share page before its time = %d, want 404", w.Code)
	}
	has, before := feedsHave()
	if has {
		t.Error("section feed has the article before its time")
	}
	if n, err := srv.ReleaseDue(t.Context()); n != 0 || err != nil {
		t.Errorf("ReleaseDue before its time = %d, %v; want 0", n, err)
	}

	clock.set(at)
	if w := get(t, srv.Handler, "/share/"+a.Slug, ""); w.Code != http.StatusOK {
		t.Errorf("share page at its time = %d, want 200", w.Code)
	}
	has, due := feedsHave()
	if has || due != before {
		t.Errorf("section feed at its time, before the release: has it %t, ETag changed %t; want neither", has, due != before)
	}
	if n, err := srv.ReleaseDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("ReleaseDue at its time = %d, %v; want 1", n, err)
	}
	has, released := feedsHave()
	if !has || released == due {
		t.Errorf("section feed after the release: has it %t, ETag changed %t; want both", has, released != due)
	}
	if n, err := srv.ReleaseDue(t.Context()); n != 0 || err != nil {
		t.Errorf("ReleaseDue again = %d, %v; want 0", n, err)
	}
}

// TestLocalReleaseLoop: the loop Serve runs releases what is due when it
// starts (the hour-long period never ticks here) and stops with its
// context.
func TestLocalReleaseLoop(t *testing.T) {
	srv, clock, _, at := scheduledServer(t)
	before, err := srv.Store.FeedHead(t.Context(), article.SiteFeed)
	if err != nil {
		t.Fatal(err)
	}
	clock.set(at.Add(time.Second))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); srv.releaseLoop(ctx, time.Hour) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h, err := srv.Store.FeedHead(t.Context(), article.SiteFeed)
		if err == nil && h.Rev > before.Rev {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the site head is still at rev %d (%v), want the release's", h.Rev, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
}
