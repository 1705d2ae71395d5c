package adminapi

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// TestListScheduled: ?status=scheduled lists the published articles whose
// publishedAt is after the clock, latest first, in pages, and nothing else;
// every response marks them "scheduled", which a PUT may send back.
func TestListScheduled(t *testing.T) {
	now := testNow
	store := newMemStore()
	n := 0
	svc := newsroom.NewService(store, newsroom.Options{
		SiteURL: "https://news.example.bg", Now: func() time.Time { return now },
		NewID: func() string { n++; return fmt.Sprintf("gen%d", n) },
	})
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("test"), StoreTimeout: time.Second,
		Now: func() time.Time { return now }})
	e := &adminEnv{h: httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt), store: store}

	post := func(title, status string, at time.Time) string {
		t.Helper()
		body := fmt.Sprintf(`{"title":%q,"body":"<p>x</p>","status":%q,"publishedAt":%q}`, title, status, at.Format(time.RFC3339))
		w := e.do(t, "POST", "/articles", body)
		wantStatus(t, w, 201)
		var got wire.Article
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if want := at.After(now) && status == "published"; got.Scheduled != want {
			t.Errorf("POST %q: scheduled = %t, want %t", title, got.Scheduled, want)
		}
		return got.ID
	}
	post("Минало", "published", now.Add(-time.Hour))
	soon := post("Скоро", "published", now.Add(time.Hour))
	post("Чернова с бъдеща дата", "draft", now.Add(90*time.Minute))
	later := post("По-късно", "published", now.Add(2*time.Hour))
	post("Преди малко", "published", now.Add(-time.Minute))

	list := func(target string) (ids []string, next string) {
		t.Helper()
		w := e.do(t, "GET", target, "")
		wantStatus(t, w, 200)
		var resp struct {
			Articles []map[string]any `json:"articles"`
			Next     string           `json:"next"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		for _, a := range resp.Articles {
			ids = append(ids, a["id"].(string))
			if a["scheduled"] != true {
				t.Errorf("%s: %v listed without \"scheduled\": true", target, a["id"])
			}
		}
		if resp.Next != "" && !strings.Contains(w.Header().Get("Link"), "status=scheduled") {
			t.Errorf("%s: Link %q does not keep the filter", target, w.Header().Get("Link"))
		}
		return ids, resp.Next
	}
	if got, next := list("/articles?status=scheduled"); !slices.Equal(got, []string{later, soon}) || next != "" {
		t.Errorf("scheduled = %q (next %q), want [%s %s]", got, next, later, soon)
	}
	first, next := list("/articles?status=scheduled&limit=1")
	if !slices.Equal(first, []string{later}) || next == "" {
		t.Fatalf("first page of 1 = %q (next %q), want [%s] and more", first, next, later)
	}
	if got, _ := list("/articles?status=scheduled&limit=1&cursor=" + next); !slices.Equal(got, []string{soon}) {
		t.Errorf("second page of 1 = %q, want [%s]", got, soon)
	}

	// A GET's body PUT back (with "scheduled") is accepted.
	w := e.do(t, "GET", "/articles/"+soon, "")
	wantStatus(t, w, 200)
	wantStatus(t, e.do(t, "PUT", "/articles/"+soon, w.Body.String(), "If-Match", w.Header().Get("ETag")), 200)

	// Once its time has come it is an ordinary article.
	now = now.Add(time.Hour)
	if got, _ := list("/articles?status=scheduled"); !slices.Equal(got, []string{later}) {
		t.Errorf("an hour later, scheduled = %q, want [%s]", got, later)
	}
	for _, bad := range []string{"draft", "published", "", "scheduled&status=scheduled"} {
		wantStatus(t, e.do(t, "GET", "/articles?status="+bad, ""), 400)
	}
}
