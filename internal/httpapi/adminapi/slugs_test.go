package adminapi

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// newBoltAdminEnv is newAdminEnv on a real bolt store, whose slug index
// keeps every slug an article held (memStore does not).
func newBoltAdminEnv(t *testing.T) http.Handler {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	n := 0
	svc := newsroom.NewService(st, newsroom.Options{
		SiteURL: "https://news.example.bg",
		Now:     func() time.Time { return testNow },
		NewID: func() string {
			n++
			return fmt.Sprintf("gen%d", n)
		},
	})
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("test"), StoreTimeout: time.Second})
	return httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)
}

// TestAdminSlugHistory renames an article through the admin API: GET lists
// previousSlugs oldest first, PUT ignores a previousSlugs member (it is
// read-only), another article asking for an old slug gets 409 naming the
// owner, a title-made slug skips it, and the owner may take it back.
func TestAdminSlugHistory(t *testing.T) {
	e := &adminEnv{h: newBoltAdminEnv(t)}
	slugsOf := func(t *testing.T, w interface{ Result() *http.Response }) (string, []string) {
		t.Helper()
		var a struct {
			Slug          string    `json:"slug"`
			PreviousSlugs *[]string `json:"previousSlugs"`
		}
		if err := json.NewDecoder(w.Result().Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
		if a.PreviousSlugs == nil {
			t.Fatalf("response has no previousSlugs array")
		}
		return a.Slug, *a.PreviousSlugs
	}

	w := e.do(t, http.MethodPut, "/articles/k1", `{"title":"НАТО"}`)
	wantStatus(t, w, http.StatusCreated)
	if slug, prev := slugsOf(t, w); slug != "nato" || len(prev) != 0 {
		t.Fatalf("created with slug %q, previousSlugs %q; want nato, []", slug, prev)
	}
	for _, slug := range []string{"nato-i-koreya", "nato-koreya-sporazumenie"} {
		wantStatus(t, e.do(t, http.MethodPut, "/articles/k1", `{"title":"НАТО","slug":"`+slug+`"}`), http.StatusOK)
	}
	w = e.do(t, http.MethodGet, "/articles/k1", "")
	wantStatus(t, w, http.StatusOK)
	if slug, prev := slugsOf(t, w); slug != "nato-koreya-sporazumenie" || !slices.Equal(prev, []string{"nato", "nato-i-koreya"}) {
		t.Errorf("GET = slug %q, previousSlugs %q; want the two old slugs oldest first", slug, prev)
	}

	t.Run("previousSlugs is read-only", func(t *testing.T) {
		w := e.do(t, http.MethodGet, "/articles/k1", "")
		body := strings.Replace(w.Body.String(), `"previousSlugs":["nato","nato-i-koreya"]`, `"previousSlugs":["izmisleno"]`, 1)
		if body == w.Body.String() {
			t.Fatalf("fixture: no previousSlugs member in %s", body)
		}
		w = e.do(t, http.MethodPut, "/articles/k1", body)
		wantStatus(t, w, http.StatusOK)
		if _, prev := slugsOf(t, w); !slices.Equal(prev, []string{"nato", "nato-i-koreya"}) {
			t.Errorf("PUT with previousSlugs changed them to %q", prev)
		}
		w = e.do(t, http.MethodPut, "/articles/k1", `{"title":"НАТО","previousSlugs":["izmisleno"]}`)
		wantStatus(t, w, http.StatusOK)
		if slug, prev := slugsOf(t, w); slug != "nato-koreya-sporazumenie" || !slices.Equal(prev, []string{"nato", "nato-i-koreya"}) {
			t.Errorf("PUT with previousSlugs only = slug %q, previousSlugs %q", slug, prev)
		}
	})

	t.Run("another article asking for an old slug", func(t *testing.T) {
		for _, req := range []struct{ method, target string }{
			{http.MethodPost, "/articles"},
			{http.MethodPut, "/articles/k2"},
		} {
			w := e.do(t, req.method, req.target, `{"title":"Друго","slug":"nato-i-koreya"}`)
			wantStatus(t, w, http.StatusConflict)
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s %s Content-Type = %q", req.method, req.target, ct)
			}
			p := problemOf(t, w)
			if p.Owner != "k1" || !strings.Contains(p.Detail, `"k1"`) || !strings.Contains(p.Detail, `"nato-i-koreya"`) {
				t.Errorf("%s %s problem = %+v, want it to name owner k1 and the slug", req.method, req.target, p)
			}
		}
	})

	t.Run("a title-made slug skips an old slug", func(t *testing.T) {
		w := e.do(t, http.MethodPost, "/articles", `{"title":"НАТО"}`)
		wantStatus(t, w, http.StatusCreated)
		if slug, _ := slugsOf(t, w); slug == "nato" || !strings.HasPrefix(slug, "nato-") {
			t.Errorf("slug = %q, want nato-<suffix>", slug)
		}
	})

	t.Run("the owner takes an old slug back", func(t *testing.T) {
		w := e.do(t, http.MethodPut, "/articles/k1", `{"title":"НАТО","slug":"nato"}`)
		wantStatus(t, w, http.StatusOK)
		if slug, prev := slugsOf(t, w); slug != "nato" || !slices.Equal(prev, []string{"nato-i-koreya", "nato-koreya-sporazumenie"}) {
			t.Errorf("take back = slug %q, previousSlugs %q", slug, prev)
		}
	})

	t.Run("the admin list shows previousSlugs", func(t *testing.T) {
		w := e.do(t, http.MethodGet, "/articles", "")
		wantStatus(t, w, http.StatusOK)
		var l struct {
			Articles []struct {
				ID            string    `json:"id"`
				PreviousSlugs *[]string `json:"previousSlugs"`
			} `json:"articles"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		for _, a := range l.Articles {
			if a.PreviousSlugs == nil {
				t.Errorf("article %s in the list has no previousSlugs array", a.ID)
			} else if a.ID == "k1" && len(*a.PreviousSlugs) != 2 {
				t.Errorf("article k1 in the list has previousSlugs %q", *a.PreviousSlugs)
			}
		}
	})

	t.Run("deleted, every slug stays reserved", func(t *testing.T) {
		wantStatus(t, e.do(t, http.MethodDelete, "/articles/k1", ""), http.StatusNoContent)
		for _, slug := range []string{"nato", "nato-i-koreya", "nato-koreya-sporazumenie"} {
			w := e.do(t, http.MethodPost, "/articles", `{"title":"Друго","slug":"`+slug+`"}`)
			wantStatus(t, w, http.StatusConflict)
			if p := problemOf(t, w); p.Owner != "k1" {
				t.Errorf("slug %s of the deleted article: owner %q, want k1", slug, p.Owner)
			}
		}
	})
}
