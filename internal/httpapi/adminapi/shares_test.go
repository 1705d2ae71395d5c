package adminapi

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// TestAdminShares: GET /articles/{id}/shares on a real (bolt) store kept
// in Sofia's days: all-time totals, and 30 days ending today in Sofia,
// oldest first, a click at 23:30 UTC counted on Sofia's next day.
func TestAdminShares(t *testing.T) {
	sofia, err := time.LoadLocation("Europe/Sofia")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	clock := time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	set := func(at time.Time) { mu.Lock(); defer mu.Unlock(); clock = at }
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"), bolt.WithClock(now), bolt.WithLocation(sofia))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg", Now: now})
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("test"), StoreTimeout: time.Second,
		Shares: st, Location: sofia, Now: now})
	e := &adminEnv{h: httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)}

	wantStatus(t, e.do(t, http.MethodPut, "/articles/a1", minimal), http.StatusCreated)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/gone", minimal), http.StatusCreated)
	wantStatus(t, e.do(t, http.MethodDelete, "/articles/gone", ""), http.StatusNoContent)
	click := func(at time.Time, network string) {
		t.Helper()
		set(at)
		if err := st.IncrementShare(t.Context(), "a1", network); err != nil {
			t.Fatal(err)
		}
	}
	click(time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC), "viber")      // older than 30 days
	click(time.Date(2026, 2, 28, 9, 0, 0, 0, time.UTC), "x")          // the first day listed
	click(time.Date(2026, 3, 1, 21, 30, 0, 0, time.UTC), "facebook")  // 1 March in Sofia
	click(time.Date(2026, 3, 29, 23, 30, 0, 0, time.UTC), "facebook") // 30 March in Sofia
	click(time.Date(2026, 3, 29, 23, 40, 0, 0, time.UTC), "x")
	// Today is 30 March in Sofia (29 March in UTC until 22:00 UTC).
	set(time.Date(2026, 3, 29, 23, 50, 0, 0, time.UTC))

	w := e.do(t, http.MethodGet, "/articles/a1/shares", "")
	wantStatus(t, w, http.StatusOK)
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	got := decodeBody[share.Counts](t, w)
	if got.Total != 5 || len(got.Networks) != 3 || got.Networks["facebook"] != 2 || got.Networks["x"] != 2 || got.Networks["viber"] != 1 {
		t.Errorf("total %d networks %v, want 5 (all time): facebook 2, x 2, viber 1", got.Total, got.Networks)
	}
	if len(got.Days) != share.CountDays {
		t.Fatalf("%d days, want %d", len(got.Days), share.CountDays)
	}
	if first, last := got.Days[0].Date, got.Days[share.CountDays-1].Date; first != "2026-03-01" || last != "2026-03-30" {
		t.Errorf("days %s … %s, want 2026-03-01 … 2026-03-30 (Sofia's)", first, last)
	}
	want := map[string]map[string]int64{
		"2026-03-01": {"facebook": 1},
		"2026-03-30": {"facebook": 1, "x": 1},
	}
	for i, d := range got.Days {
		if i > 0 && d.Date <= got.Days[i-1].Date {
			t.Errorf("day %d (%s) is not after %s", i, d.Date, got.Days[i-1].Date)
		}
		if d.Networks == nil || len(d.Networks) != len(want[d.Date]) {
			t.Errorf("%s: networks %v, want %v", d.Date, d.Networks, want[d.Date])
			continue
		}
		for n, c := range want[d.Date] {
			if d.Networks[n] != c {
				t.Errorf("%s: %s = %d, want %d", d.Date, n, d.Networks[n], c)
			}
		}
	}
	if got.Days[0].Date == "2026-02-28" {
		t.Errorf("28 February is listed: 31 days")
	}

	t.Run("HEAD", func(t *testing.T) {
		w := e.do(t, http.MethodHead, "/articles/a1/shares", "")
		wantStatus(t, w, http.StatusOK)
		if w.Body.Len() != 0 {
			t.Errorf("HEAD has a body: %q", w.Body.String())
		}
	})
	for _, tc := range []struct {
		name, path string
		status     int
	}{
		{"unknown article", "/articles/missing/shares", http.StatusNotFound},
		{"invalid id", "/articles/bad%20id/shares", http.StatusNotFound},
		{"deleted article", "/articles/gone/shares", http.StatusGone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.do(t, http.MethodGet, tc.path, "")
			wantStatus(t, w, tc.status)
			if p := problemOf(t, w); p.Status != tc.status {
				t.Errorf("problem status = %d, want %d", p.Status, tc.status)
			}
		})
	}
	t.Run("no token is 401", func(t *testing.T) {
		w := e.do(t, http.MethodGet, "/articles/a1/shares", "", "Authorization", "")
		wantStatus(t, w, http.StatusUnauthorized)
	})
}

// TestAdminSharesFediverse: with a FediverseReader, GET
// /articles/{id}/shares adds the story's fediverse likes, boosts and
// replies, the newsroom's followers, and its replies newest first.
func TestAdminSharesFediverse(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("test"), StoreTimeout: time.Second, Shares: st, Fediverse: st})
	e := &adminEnv{h: httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)}
	wantStatus(t, e.do(t, http.MethodPut, "/articles/a1", minimal), http.StatusCreated)

	ctx := t.Context()
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for i, f := range []string{"https://m.example/users/ana", "https://g.example/users/bo"} {
		if err := st.SaveFollower(ctx, fediverse.Follower{Actor: f, Inbox: f + "/inbox", Since: t0}); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{fediverse.KindLike, fediverse.KindAnnounce} {
			if i == 1 && kind == fediverse.KindAnnounce {
				continue
			}
			if err := st.SaveInteraction(ctx, fediverse.Interaction{ArticleID: "a1", Kind: kind, Key: f, Actor: f, At: t0}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, text := range []string{"първи", "втори"} {
		r := fediverse.Interaction{ArticleID: "a1", Kind: fediverse.KindReply, Key: fmt.Sprintf("https://m.example/n/%d", i),
			Actor: "https://m.example/users/ana", At: t0.Add(time.Duration(i) * time.Minute), URL: fmt.Sprintf("https://m.example/@ana/%d", i), Text: text}
		if err := st.SaveInteraction(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	w := e.do(t, http.MethodGet, "/articles/a1/shares", "")
	wantStatus(t, w, http.StatusOK)
	got := decodeBody[sharesResponse](t, w).Fediverse
	if got == nil || got.Followers != 2 || got.Likes != 2 || got.Boosts != 1 || got.Replies != 2 {
		t.Fatalf("fediverse = %+v, want 2 followers, 2 likes, 1 boost, 2 replies", got)
	}
	if len(got.Recent) != 2 || got.Recent[0].Text != "втори" || got.Recent[1].URL != "https://m.example/@ana/0" || got.Recent[0].Author != "https://m.example/users/ana" {
		t.Errorf("recent replies = %+v, want the newest first", got.Recent)
	}
}
