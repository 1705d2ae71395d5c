package adminapi

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// TestAdminListByShares: GET /articles?sort=shares on a real (bolt)
// store: most shared first, ties newest first, the totals beside the
// articles, paging by Link and next with the sort kept, and a bad sort or
// a cursor of the other list answered 400 without touching the store.
func TestAdminListByShares(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})
	rt := httpapi.NewRouter()
	sealer := cursor.New("test")
	Register(rt, svc, auth.Static(testToken), Options{Cursors: sealer, StoreTimeout: time.Second, Shares: st})
	e := &adminEnv{h: httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)}

	base := time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC)
	shares := map[string]int{"s0": 2, "s1": 0, "s2": 7, "s3": 2, "s4": 1}
	for i := range 5 {
		body := fmt.Sprintf(`{"title":"Статия %d","status":"published","publishedAt":%q}`, i, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
		id := fmt.Sprintf("s%d", i)
		wantStatus(t, e.do(t, http.MethodPut, "/articles/"+id, body), http.StatusCreated)
		for range shares[id] {
			if err := st.IncrementShare(t.Context(), id, "facebook"); err != nil {
				t.Fatal(err)
			}
		}
	}

	var got []string
	target := "/articles?sort=shares&limit=2"
	for pages := 0; target != ""; pages++ {
		if pages > 5 {
			t.Fatal("more pages than articles")
		}
		w := e.do(t, http.MethodGet, target, "")
		wantStatus(t, w, http.StatusOK)
		page := decodeBody[sharesListResponse](t, w)
		for _, a := range page.Articles {
			got = append(got, a.ID)
			if n, ok := page.Shares[a.ID]; !ok || n != int64(shares[a.ID]) {
				t.Errorf("shares[%s] = %d (present: %t), want %d", a.ID, n, ok, shares[a.ID])
			}
		}
		target = ""
		if page.Next != "" {
			link := w.Header().Get("Link")
			u, ok := strings.CutPrefix(link, "<")
			u, _, ok2 := strings.Cut(u, `>; rel="next"`)
			if !ok || !ok2 {
				t.Fatalf("Link = %q, want <…>; rel=\"next\"", link)
			}
			q, err := url.ParseQuery(strings.TrimPrefix(u, "/articles?"))
			if err != nil || q.Get("sort") != "shares" || q.Get("limit") != "2" || q.Get("cursor") != page.Next {
				t.Errorf("Link = %q, want the next page with sort=shares, limit=2 and the body's next", link)
			}
			target = u
		} else if w.Header().Get("Link") != "" {
			t.Errorf("last page has a Link: %q", w.Header().Get("Link"))
		}
	}
	if want := []string{"s2", "s3", "s0", "s4", "s1"}; !slices.Equal(got, want) {
		t.Errorf("most shared = %q, want %q (ties newest first)", got, want)
	}

	// The default and explicit newest-first order are unchanged.
	for _, q := range []string{"", "?sort=newest"} {
		w := e.do(t, http.MethodGet, "/articles"+q, "")
		wantStatus(t, w, http.StatusOK)
		if strings.Contains(w.Body.String(), `"shares"`) {
			t.Errorf("GET /articles%s has share totals: %s", q, w.Body.String())
		}
		if p := decodeBody[listResponse](t, w); len(p.Articles) != 5 || p.Articles[0].ID != "s4" {
			t.Errorf("GET /articles%s = %d articles, first %v; want 5, s4", q, len(p.Articles), p.Articles)
		}
	}

	newest := sealer.Seal(cursorScope, article.Position{Time: base, ID: "s0"})
	mostShared := sealer.SealShares(sharesCursorScope, article.SharesPosition{Total: 2, Time: base, ID: "s0"})
	for _, tc := range []struct{ query, detail string }{
		{"sort=popular", "sort"},
		{"sort=SHARES", "sort"},
		{"sort=", ""}, // empty is the default, not an error: checked below
		{"sort=shares&cursor=" + newest, "cursor"},
		{"cursor=" + mostShared, "cursor"},
		{"sort=shares&cursor=garbage", "cursor"},
		{"sort=shares&limit=0", "limit"},
		{"sort=shares&status=scheduled", "status"},
	} {
		t.Run(tc.query[:min(len(tc.query), 24)], func(t *testing.T) {
			w := e.do(t, http.MethodGet, "/articles?"+tc.query, "")
			if tc.detail == "" {
				wantStatus(t, w, http.StatusOK)
				return
			}
			wantStatus(t, w, http.StatusBadRequest)
			if p := problemOf(t, w); !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not name %q", p.Detail, tc.detail)
			}
		})
	}
}
