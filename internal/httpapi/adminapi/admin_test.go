package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

const testToken = "s3cret-admin-token"

var testNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type adminEnv struct {
	h     http.Handler
	store *memStore
}

func newAdminEnv(t testing.TB) *adminEnv {
	t.Helper()
	store := newMemStore()
	n := 0
	svc := newsroom.NewService(store, newsroom.Options{
		SiteURL: "https://news.example.bg",
		Now:     func() time.Time { return testNow },
		NewID: func() string {
			n++
			return fmt.Sprintf("gen%d", n)
		},
	})
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("test"), StoreTimeout: time.Second})
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	return &adminEnv{h: httpapi.Observe(log, rt), store: store}
}

// do sends one request with the admin token and a JSON body (unless the
// headers say otherwise). headers are name, value pairs.
func (e *adminEnv) do(t testing.TB, method, target, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Authorization", "Bearer "+testToken)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			r.Header.Del(headers[i])
			continue
		}
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, want int) {
	t.Helper()
	if w.Code != want {
		t.Fatalf("status = %d, want %d; body: %s", w.Code, want, w.Body.String())
	}
}

func decodeBody[T any](t *testing.T, w *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, w.Body.String())
	}
	return v
}

func problemOf(t *testing.T, w *httptest.ResponseRecorder) httpapi.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body: %s", ct, w.Body.String())
	}
	return decodeBody[httpapi.Problem](t, w)
}

func fieldNames(p httpapi.Problem) []string {
	var out []string
	for _, f := range p.Errors {
		out = append(out, f.Field)
	}
	return out
}

const minimal = `{"title":"Южна Корея и НАТО се споразумяха"}`

func TestAdminAuth(t *testing.T) {
	e := newAdminEnv(t)
	tests := []struct {
		name   string
		target string
		auth   string
		want   int
	}{
		{"no token", "/articles", "", http.StatusUnauthorized},
		{"wrong token", "/articles", "Bearer nope", http.StatusUnauthorized},
		{"token only in query", "/articles?access_token=" + testToken + "&token=" + testToken, "", http.StatusUnauthorized},
		{"wrong scheme", "/articles", "Basic " + testToken, http.StatusUnauthorized},
		{"token without scheme", "/articles", testToken, http.StatusUnauthorized},
		{"bearer lower case", "/articles", "bearer " + testToken, http.StatusOK},
		{"right token", "/articles", "Bearer " + testToken, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do(t, http.MethodGet, tt.target, "", "Authorization", tt.auth)
			wantStatus(t, w, tt.want)
			if tt.want == http.StatusUnauthorized {
				if got := w.Header().Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
				}
				problemOf(t, w)
			}
		})
	}
	t.Run("every route is guarded", func(t *testing.T) {
		before, _ := e.store.counts()
		for _, m := range []struct{ method, path string }{
			{"POST", "/articles"}, {"GET", "/articles"}, {"GET", "/articles/x"},
			{"PUT", "/articles/x"}, {"DELETE", "/articles/x"}, {"HEAD", "/articles/x"},
		} {
			w := e.do(t, m.method, m.path, minimal, "Authorization", "")
			if w.Code != http.StatusUnauthorized {
				t.Errorf("%s %s without token: status = %d, want 401", m.method, m.path, w.Code)
			}
		}
		if calls, _ := e.store.counts(); calls != before {
			t.Errorf("store calls = %d, want %d: unauthenticated requests reached the store", calls, before)
		}
	})
}

func TestAdminCreate(t *testing.T) {
	e := newAdminEnv(t)
	w := e.do(t, http.MethodPost, "/articles", `{
		"title": "Южна Корея и НАТО се споразумяха",
		"body": "<p>Текст<script>alert(1)</script> <a href=\"/svyat\">виж</a></p>",
		"tags": ["НАТО", "отбрана"],
		"version": 99, "createdAt": "1999-01-01T00:00:00Z", "updatedAt": "bogus"
	}`)
	wantStatus(t, w, http.StatusCreated)
	if got, want := w.Header().Get("Location"), "/articles/gen1"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got, want := w.Header().Get("ETag"), `"1"`; got != want {
		t.Errorf("ETag = %q, want %q", got, want)
	}
	if got := w.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
	if got := w.Header().Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	got := decodeBody[wire.Article](t, w)
	checks := []struct{ field, got, want string }{
		{"id", got.ID, "gen1"},
		{"slug", got.Slug, "yuzhna-koreya-i-nato-se-sporazumyaha"},
		{"url", got.URL, "https://news.example.bg/yuzhna-koreya-i-nato-se-sporazumyaha"},
		{"language", got.Language, "bg"},
		{"status", got.Status, "published"},
		{"publishedAt", got.PublishedAt, "2026-11-27T10:00:00Z"},
		{"createdAt", got.CreatedAt, "2026-11-27T10:00:00Z"},
		{"body", got.Body, `<p>Текст <a href="https://news.example.bg/svyat" rel="nofollow">виж</a></p>`},
		{"version", fmt.Sprint(got.Version), "1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}

	t.Run("existing id is 409", func(t *testing.T) {
		w := e.do(t, http.MethodPost, "/articles", `{"id":"gen1","title":"Друго"}`)
		wantStatus(t, w, http.StatusConflict)
		problemOf(t, w)
	})
	t.Run("chosen slug taken is 409", func(t *testing.T) {
		w := e.do(t, http.MethodPost, "/articles", `{"title":"Друго","slug":"yuzhna-koreya-i-nato-se-sporazumyaha"}`)
		wantStatus(t, w, http.StatusConflict)
	})
	t.Run("slug from a taken title gets a suffix", func(t *testing.T) {
		w := e.do(t, http.MethodPost, "/articles", `{"title":"Южна Корея и НАТО се споразумяха"}`)
		wantStatus(t, w, http.StatusCreated)
		if got := decodeBody[wire.Article](t, w).Slug; !strings.HasPrefix(got, "yuzhna-koreya-i-nato-se-sporazumyaha-") {
			t.Errorf("slug = %q, want the title's slug with a suffix", got)
		}
	})
}

func TestAdminGet(t *testing.T) {
	e := newAdminEnv(t)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/a1", `{"title":"Чернова","status":"draft"}`), http.StatusCreated)

	w := e.do(t, http.MethodGet, "/articles/a1", "")
	wantStatus(t, w, http.StatusOK)
	if got := decodeBody[wire.Article](t, w); got.Status != "draft" || got.Title != "Чернова" {
		t.Errorf("got status %q title %q, want the draft", got.Status, got.Title)
	}
	if got := w.Header().Get("ETag"); got != `"1"` {
		t.Errorf("ETag = %q, want \"1\"", got)
	}

	t.Run("If-None-Match of the current version is 304", func(t *testing.T) {
		w := e.do(t, http.MethodGet, "/articles/a1", "", "If-None-Match", `"1"`)
		wantStatus(t, w, http.StatusNotModified)
		if w.Body.Len() != 0 {
			t.Errorf("304 has a body: %q", w.Body.String())
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		w := e.do(t, http.MethodHead, "/articles/a1", "")
		wantStatus(t, w, http.StatusOK)
		if w.Body.Len() != 0 {
			t.Errorf("HEAD has a body: %q", w.Body.String())
		}
	})
	for _, id := range []string{"missing", "bad%20id", strings.Repeat("x", 65)} {
		t.Run("404 "+id[:min(len(id), 10)], func(t *testing.T) {
			w := e.do(t, http.MethodGet, "/articles/"+id, "")
			wantStatus(t, w, http.StatusNotFound)
			if p := problemOf(t, w); p.Status != 404 {
				t.Errorf("problem status = %d, want 404", p.Status)
			}
		})
	}
}

func TestAdminPut(t *testing.T) {
	e := newAdminEnv(t)
	put := func(t *testing.T, body string, headers ...string) *httptest.ResponseRecorder {
		t.Helper()
		return e.do(t, http.MethodPut, "/articles/k1", body, headers...)
	}
	w := put(t, `{"title":"Първа","section":"Свят"}`)
	wantStatus(t, w, http.StatusCreated)
	if got := w.Header().Get("Location"); got != "/articles/k1" {
		t.Errorf("Location = %q, want /articles/k1", got)
	}
	first := decodeBody[wire.Article](t, w)

	w = put(t, `{"title":"Първа","section":"Свят","lead":"Ново"}`)
	wantStatus(t, w, http.StatusOK)
	second := decodeBody[wire.Article](t, w)
	if second.Version != 2 || w.Header().Get("ETag") != `"2"` {
		t.Errorf("version = %d, ETag = %s; want 2, \"2\"", second.Version, w.Header().Get("ETag"))
	}
	if second.Slug != first.Slug || second.CreatedAt != first.CreatedAt || second.PublishedAt != first.PublishedAt {
		t.Errorf("replace changed slug/createdAt/publishedAt: %+v -> %+v", first, second)
	}

	t.Run("identical PUT is a no-op", func(t *testing.T) {
		_, writesBefore := e.store.counts()
		w := put(t, `{"title":"Първа","section":"Свят","lead":"Ново"}`)
		wantStatus(t, w, http.StatusOK)
		if got := w.Header().Get("ETag"); got != `"2"` {
			t.Errorf("ETag = %s, want \"2\" (unchanged)", got)
		}
		if _, writes := e.store.counts(); writes != writesBefore {
			t.Errorf("store writes = %d, want %d", writes, writesBefore)
		}
	})
	t.Run("GET then PUT back is a no-op", func(t *testing.T) {
		got := e.do(t, http.MethodGet, "/articles/k1", "")
		w := put(t, got.Body.String())
		wantStatus(t, w, http.StatusOK)
		if v := decodeBody[wire.Article](t, w).Version; v != 2 {
			t.Errorf("version = %d, want 2", v)
		}
	})

	tests := []struct {
		name    string
		body    string
		headers []string
		want    int
	}{
		{"stale If-Match", `{"title":"X"}`, []string{"If-Match", `"1"`}, http.StatusPreconditionFailed},
		{"weak If-Match never matches", `{"title":"X"}`, []string{"If-Match", `W/"2"`}, http.StatusPreconditionFailed},
		{"unknown tag", `{"title":"X"}`, []string{"If-Match", `"abc"`}, http.StatusPreconditionFailed},
		{"malformed If-Match", `{"title":"X"}`, []string{"If-Match", `2`}, http.StatusBadRequest},
		{"malformed If-None-Match", `{"title":"X"}`, []string{"If-None-Match", `"2`}, http.StatusBadRequest},
		{"If-None-Match * on existing", `{"title":"X"}`, []string{"If-None-Match", "*"}, http.StatusPreconditionFailed},
		{"If-None-Match current tag", `{"title":"X"}`, []string{"If-None-Match", `"2"`}, http.StatusPreconditionFailed},
		{"id in body differs", `{"id":"other","title":"X"}`, nil, http.StatusUnprocessableEntity},
		{"matching If-Match", `{"title":"Втора"}`, []string{"If-Match", `"2"`}, http.StatusOK},
		{"If-Match list", `{"title":"Трета"}`, []string{"If-Match", `"1", "3"`}, http.StatusOK},
		{"If-Match *", `{"title":"Четвърта"}`, []string{"If-Match", "*"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := put(t, tt.body, tt.headers...)
			wantStatus(t, w, tt.want)
			if tt.want >= 400 {
				problemOf(t, w)
			}
		})
	}

	t.Run("If-Match * on a missing article", func(t *testing.T) {
		w := e.do(t, http.MethodPut, "/articles/nope", `{"title":"X"}`, "If-Match", "*")
		wantStatus(t, w, http.StatusPreconditionFailed)
	})
	t.Run("If-None-Match * creates", func(t *testing.T) {
		w := e.do(t, http.MethodPut, "/articles/fresh", `{"title":"Нова"}`, "If-None-Match", "*")
		wantStatus(t, w, http.StatusCreated)
	})
	t.Run("bad id in path", func(t *testing.T) {
		w := e.do(t, http.MethodPut, "/articles/_bad", `{"title":"X"}`)
		wantStatus(t, w, http.StatusUnprocessableEntity)
		if got := fieldNames(problemOf(t, w)); !slices.Equal(got, []string{"id"}) {
			t.Errorf("fields = %v, want [id]", got)
		}
	})
}

func TestAdminDelete(t *testing.T) {
	e := newAdminEnv(t)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/d1", `{"title":"За триене"}`), http.StatusCreated)

	wantStatus(t, e.do(t, http.MethodDelete, "/articles/d1", "", "If-Match", `"7"`), http.StatusPreconditionFailed)
	wantStatus(t, e.do(t, http.MethodDelete, "/articles/d1", "", "If-Match", `nonsense`), http.StatusBadRequest)
	wantStatus(t, e.do(t, http.MethodDelete, "/articles/missing", ""), http.StatusNotFound)
	wantStatus(t, e.do(t, http.MethodDelete, "/articles/missing", "", "If-Match", "*"), http.StatusPreconditionFailed)

	w := e.do(t, http.MethodDelete, "/articles/d1", "", "If-Match", `"1"`)
	wantStatus(t, w, http.StatusNoContent)
	if w.Body.Len() != 0 {
		t.Errorf("204 has a body: %q", w.Body.String())
	}

	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		t.Run(m+" after delete is 410", func(t *testing.T) {
			w := e.do(t, m, "/articles/d1", "")
			wantStatus(t, w, http.StatusGone)
			problemOf(t, w)
		})
	}
	t.Run("deleted articles leave the list", func(t *testing.T) {
		got := decodeBody[listResponse](t, e.do(t, http.MethodGet, "/articles", ""))
		if len(got.Articles) != 0 {
			t.Errorf("list has %d articles, want 0", len(got.Articles))
		}
	})
	t.Run("PUT recreates", func(t *testing.T) {
		w := e.do(t, http.MethodPut, "/articles/d1", `{"title":"Отново"}`)
		wantStatus(t, w, http.StatusCreated)
		if got := w.Header().Get("ETag"); got != `"3"` {
			t.Errorf("ETag = %s, want \"3\" (after the tombstone's 2)", got)
		}
	})
}

func TestAdminList(t *testing.T) {
	e := newAdminEnv(t)
	base := time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC)
	for i := range 25 {
		status := "published"
		if i%5 == 0 {
			status = "draft"
		}
		body := fmt.Sprintf(`{"title":"Статия %d","status":%q,"publishedAt":%q}`, i, status, base.Add(time.Duration(i)*time.Minute).Format(time.RFC3339))
		wantStatus(t, e.do(t, http.MethodPut, fmt.Sprintf("/articles/n%02d", i), body), http.StatusCreated)
	}

	w := e.do(t, http.MethodGet, "/articles", "")
	wantStatus(t, w, http.StatusOK)
	page := decodeBody[listResponse](t, w)
	if len(page.Articles) != DefaultAdminLimit {
		t.Fatalf("got %d articles, want %d", len(page.Articles), DefaultAdminLimit)
	}
	if page.Articles[0].ID != "n24" || page.Articles[19].ID != "n05" {
		t.Errorf("first, last = %s, %s; want n24, n05 (newest first)", page.Articles[0].ID, page.Articles[19].ID)
	}
	if page.Next == "" {
		t.Fatal("next is empty on a first page of 25")
	}
	if got, want := w.Header().Get("Link"), `</articles?cursor=`+page.Next+`&limit=20>; rel="next"`; got != want {
		t.Errorf("Link = %q, want %q", got, want)
	}
	if page.Articles[19].Status != "draft" {
		t.Errorf("n05 status = %q, want draft (drafts are listed)", page.Articles[19].Status)
	}

	w = e.do(t, http.MethodGet, "/articles?cursor="+page.Next, "")
	wantStatus(t, w, http.StatusOK)
	rest := decodeBody[listResponse](t, w)
	var ids []string
	for _, a := range rest.Articles {
		ids = append(ids, a.ID)
	}
	if want := []string{"n04", "n03", "n02", "n01", "n00"}; !slices.Equal(ids, want) {
		t.Errorf("second page = %v, want %v", ids, want)
	}
	if rest.Next != "" || w.Header().Get("Link") != "" {
		t.Errorf("last page has next %q, Link %q", rest.Next, w.Header().Get("Link"))
	}
	if strings.Contains(w.Body.String(), `"next"`) {
		t.Errorf("last page body mentions next: %s", w.Body.String())
	}

	w = e.do(t, http.MethodGet, "/articles?limit=100", "")
	if got := decodeBody[listResponse](t, w); len(got.Articles) != 25 || got.Next != "" {
		t.Errorf("limit=100: %d articles, next %q; want 25, none", len(got.Articles), got.Next)
	}

	feedCursor := cursor.New("test").Seal("site", article.Position{Time: base, ID: "n01"})
	for _, q := range []string{"limit=0", "limit=101", "limit=abc", "limit=-1", "cursor=garbage", "cursor=" + feedCursor} {
		t.Run("400 "+q[:min(len(q), 16)], func(t *testing.T) {
			w := e.do(t, http.MethodGet, "/articles?"+q, "")
			wantStatus(t, w, http.StatusBadRequest)
			problemOf(t, w)
		})
	}
}

func TestAdminDecode(t *testing.T) {
	big := `{"title":"X","body":"` + strings.Repeat("a", MaxRequestBody) + `"}`
	tooBigBody := `{"title":"X","body":"` + strings.Repeat("я", article.MaxBodyBytes/2+1) + `"}`
	tests := []struct {
		name        string
		contentType string
		body        string
		want        int
		fields      []string // for 422: the fields named, in order
		detail      string   // a substring of the detail
	}{
		{name: "text/plain", contentType: "text/plain", body: minimal, want: 415},
		{name: "no content type", contentType: "-", body: minimal, want: 415},
		{name: "latin1 charset", contentType: "application/json; charset=iso-8859-1", body: minimal, want: 415},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: "title=x", want: 415},
		{name: "utf-8 charset", contentType: "application/json; charset=UTF-8", body: minimal, want: 201},
		{name: "too large", body: big, want: 413},
		{name: "empty", body: " ", want: 400, detail: "empty"},
		{name: "truncated", body: `{"title":"Юж`, want: 400, detail: "truncated"},
		{name: "syntax", body: `{"title" "x"}`, want: 400, detail: "byte 10"},
		{name: "array", body: `[1,2]`, want: 400, detail: "JSON object"},
		{name: "null", body: `null`, want: 400, detail: "JSON object"},
		{name: "trailing data", body: minimal + `{}`, want: 400, detail: "after the JSON object"},
		{name: "unknown field", body: `{"title":"X","titel":"Y"}`, want: 400, detail: `"titel"`},
		{name: "unknown fields", body: `{"title":"X","zz":1,"aa":2}`, want: 400, detail: `"aa", "zz"`},
		{name: "wrong case is unknown", body: `{"Title":"X"}`, want: 400, detail: `"Title"`},
		{name: "deleted is not writable", body: `{"title":"X","deleted":true}`, want: 400, detail: `"deleted"`},
		{name: "unknown nested field", body: `{"title":"X","image":{"url":"https://x.bg/a.jpg","size":3}}`, want: 400, detail: `"image.size"`},
		{name: "unknown field in author", body: `{"title":"X","authors":[{"name":"A","mail":"a@b"}]}`, want: 400, detail: `"authors[0].mail"`},
		{name: "duplicate member", body: `{"title":"X","title":"Y"}`, want: 400, detail: `"title"`},
		{name: "duplicate member after others", body: `{"title":"X","lead":"L","slug":"a","lead":"M"}`, want: 400, detail: `"lead"`},
		{name: "duplicate nested member", body: `{"title":"X","image":{"url":"https://x.bg/a.jpg","url":"https://evil.example/b.jpg"}}`, want: 400, detail: `"image.url"`},
		{name: "duplicate member in an author", body: `{"title":"X","authors":[{"name":"A"},{"name":"B","name":"C"}]}`, want: 400, detail: `"authors[1].name"`},
		{name: "duplicate member deep in an unknown value", body: `{"title":"X","zz":[{"a":{"b":1,"b":2}}]}`, want: 400, detail: `"zz[0].a.b"`},
		{name: "same name in sibling objects is fine", body: `{"title":"X","authors":[{"name":"A"},{"name":"B"}]}`, want: 201},
		{name: "wrong case nested is unknown", body: `{"title":"X","image":{"URL":"https://x.bg/a.jpg"}}`, want: 400, detail: `"image.URL"`},
		{name: "wrong case nested alt is unknown", body: `{"title":"X","image":{"url":"https://x.bg/a.jpg","ALT":"a"}}`, want: 400, detail: `"image.ALT"`},
		{name: "wrong case in author is unknown", body: `{"title":"X","authors":[{"Name":"A"}]}`, want: 400, detail: `"authors[0].Name"`},
		{name: "wrong case and exact together", body: `{"title":"X","image":{"url":"https://x.bg/a.jpg","Url":"https://evil.example/b.jpg"}}`, want: 400, detail: `"image.Url"`},
		{name: "title a number", body: `{"title":5}`, want: 422, fields: []string{"title"}},
		{name: "tags not an array", body: `{"title":"X","tags":"НАТО"}`, want: 422, fields: []string{"tags"}},
		{name: "tag a number", body: `{"title":"X","tags":["НАТО",7]}`, want: 422, fields: []string{"tags[1]"}},
		{name: "image width a string", body: `{"title":"X","image":{"url":"https://x.bg/a.jpg","width":"1200"}}`, want: 422, fields: []string{"image.width"}},
		{name: "author's fediverse address", body: `{"title":"X","authors":[{"name":"A","fediverse":"@a@mastodon.social"}]}`, want: 201},
		{name: "author's fediverse address as a URL", body: `{"title":"X","authors":[{"name":"A","fediverse":"https://mastodon.social/@a"}]}`, want: 422, fields: []string{"authors[0].fediverse"}},
		{name: "author url a number", body: `{"title":"X","authors":[{"name":"A"},{"name":"B","url":5}]}`, want: 422, fields: []string{"authors[1].url"}},
		{name: "commentCount fraction", body: `{"title":"X","commentCount":1.5}`, want: 422, fields: []string{"commentCount"}},
		{name: "invalid UTF-8 in title", body: "{\"title\":\"Ю\xff\"}", want: 422, fields: []string{"title"}},
		{name: "invalid UTF-8 in a tag", body: "{\"title\":\"X\",\"tags\":[\"ok\",\"\xc3\x28\"]}", want: 422, fields: []string{"tags[1]"}},
		{name: "invalid UTF-8 in image", body: "{\"title\":\"X\",\"image\":{\"url\":\"https://x.bg/a.jpg\",\"alt\":\"\xed\xa0\x80\"}}", want: 422, fields: []string{"image"}},
		{name: "bad date", body: `{"title":"X","publishedAt":"18.12.2025"}`, want: 422, fields: []string{"publishedAt"}},
		{name: "date without zone", body: `{"title":"X","publishedAt":"2025-12-18T10:00:00"}`, want: 422, fields: []string{"publishedAt"}},
		{name: "body too big in UTF-8 bytes", body: tooBigBody, want: 422, fields: []string{"body"}},
		{name: "missing title", body: `{"lead":"X"}`, want: 422, fields: []string{"title"}},
		{name: "javascript url", body: `{"title":"X","url":"javascript:alert(1)"}`, want: 422, fields: []string{"url"}},
		{name: "RFC 3339 date with offset", body: `{"title":"X","publishedAt":"2025-12-18T10:30:00+02:00"}`, want: 201},
		{name: "null members are absent", body: `{"title":"X","tags":null,"image":null,"authors":null}`, want: 201},
		{
			name: "every fault at once",
			body: "{\"title\":7,\"lead\":\"\xff\",\"url\":\"data:text/html,x\",\"publishedAt\":\"yesterday\"," +
				"\"tags\":[\"a\",\"A\",3],\"status\":\"live\",\"commentCount\":-1,\"language\":\"bulgarian\"," +
				"\"authors\":[{\"name\":\"\",\"url\":\"/me\"}],\"image\":{\"url\":\"ftp://x\"},\"slug\":\"Bad Slug\"}",
			want: 422,
			fields: []string{"title", "lead", "tags[2]", "publishedAt", "slug", "url",
				"authors[0].name", "authors[0].url", "tags[1]", "image.url", "language", "status", "commentCount"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAdminEnv(t)
			ct := tt.contentType
			switch ct {
			case "":
				ct = "application/json"
			case "-":
				ct = ""
			}
			w := e.do(t, http.MethodPost, "/articles", tt.body, "Content-Type", ct)
			wantStatus(t, w, tt.want)
			if tt.want < 400 {
				return
			}
			p := problemOf(t, w)
			if p.Status != tt.want {
				t.Errorf("problem status = %d, want %d", p.Status, tt.want)
			}
			if tt.detail != "" && !strings.Contains(p.Detail, tt.detail) {
				t.Errorf("detail = %q, want it to mention %q", p.Detail, tt.detail)
			}
			if tt.fields != nil {
				if got := fieldNames(p); !slices.Equal(got, tt.fields) {
					t.Errorf("fields = %q\nwant     %q\nproblem: %+v", got, tt.fields, p.Errors)
				}
			}
			if calls, _ := e.store.counts(); calls != 0 {
				t.Errorf("store calls = %d, want 0: bad input reached the store", calls)
			}
		})
	}
}

func TestAdminUnavailable(t *testing.T) {
	e := newAdminEnv(t)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/u1", `{"title":"Преди"}`), http.StatusCreated)
	const secret = "dial tcp 10.0.0.7:443: i/o timeout (table prod-articles)"
	e.store.setFault(fmt.Errorf("dynamo: %s: %w", secret, article.ErrUnavailable))

	for _, m := range []struct{ method, path, body string }{
		{"GET", "/articles", ""},
		{"GET", "/articles/u1", ""},
		{"POST", "/articles", minimal},
		{"PUT", "/articles/u1", `{"title":"След"}`},
		{"DELETE", "/articles/u1", ""},
	} {
		t.Run(m.method+" "+m.path, func(t *testing.T) {
			w := e.do(t, m.method, m.path, m.body)
			wantStatus(t, w, http.StatusServiceUnavailable)
			if w.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			problemOf(t, w)
			for _, leak := range []string{"dynamo", "10.0.0.7", "prod-articles", "timeout"} {
				if strings.Contains(w.Body.String(), leak) {
					t.Errorf("body leaks %q: %s", leak, w.Body.String())
				}
			}
		})
	}

	t.Run("unexpected errors are 500 without text", func(t *testing.T) {
		e.store.setFault(errors.New("bolt: page 7 corrupt at /var/data/articles.db"))
		w := e.do(t, http.MethodGet, "/articles/u1", "")
		wantStatus(t, w, http.StatusInternalServerError)
		if strings.Contains(w.Body.String(), "corrupt") || strings.Contains(w.Body.String(), "/var/data") {
			t.Errorf("body leaks the error: %s", w.Body.String())
		}
	})
}

func TestAdminRoutes(t *testing.T) {
	e := newAdminEnv(t)
	rt := httpapi.NewRouter()
	Register(rt, newsroom.NewService(newMemStore(), newsroom.Options{}), auth.Static("x"), Options{})
	want := []httpapi.Route{
		{Method: "POST", Path: "/articles"}, {Method: "GET", Path: "/articles"}, {Method: "GET", Path: "/articles/{id}"},
		{Method: "PUT", Path: "/articles/{id}"}, {Method: "DELETE", Path: "/articles/{id}"},
		{Method: "GET", Path: "/articles/{id}/shares"},
	}
	if got := rt.Routes(); !slices.Equal(got, want) {
		t.Errorf("routes = %v, want %v", got, want)
	}

	w := e.do(t, http.MethodGet, "/nowhere", "")
	wantStatus(t, w, http.StatusNotFound)
	problemOf(t, w)

	w = e.do(t, http.MethodPatch, "/articles/x", minimal)
	wantStatus(t, w, http.StatusMethodNotAllowed)
	problemOf(t, w)
	allow := w.Header().Get("Allow")
	for _, m := range []string{"GET", "HEAD", "PUT", "DELETE"} {
		if !strings.Contains(allow, m) {
			t.Errorf("Allow = %q, want it to list %s", allow, m)
		}
	}
}

// benchArticle is a realistic write: the size and shape of the seeded БТА
// article.
var benchArticle = `{"title":"Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",` +
	`"lead":"Ще продължат напредналото си сътрудничество по веригата за доставки","section":"Свят","source":"БТА",` +
	`"tags":["НАТО","Южна Корея","отбрана"],"publishedAt":"2025-12-18T10:30:00+02:00",` +
	`"image":{"url":"https://news.example.bg/media/nato.jpg","width":1200,"height":800,"alt":"НАТО","credit":"Снимка: EPA/BGNES"},` +
	`"body":"` + strings.Repeat(`<p>Южна Корея и НАТО се споразумяха да създадат консултантска група за отбранителната индустрия.</p>`, 12) + `"}`

func BenchmarkDecodeArticle(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, "/articles", strings.NewReader(benchArticle))
		r.Header.Set("Content-Type", "application/json")
		if _, err := decodeArticle(httptest.NewRecorder(), r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAdminPutIdempotent(b *testing.B) {
	e := newAdminEnv(b)
	if w := e.do(b, http.MethodPut, "/articles/bench", benchArticle); w.Code != http.StatusCreated {
		b.Fatalf("setup PUT = %d: %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPut, "/articles/bench", strings.NewReader(benchArticle))
		r.Header.Set("Authorization", "Bearer "+testToken)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("PUT = %d", w.Code)
		}
	}
}

func BenchmarkAdminGet(b *testing.B) {
	e := newAdminEnv(b)
	if w := e.do(b, http.MethodPut, "/articles/bench", benchArticle); w.Code != http.StatusCreated {
		b.Fatalf("setup PUT = %d: %s", w.Code, w.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodGet, "/articles/bench", nil)
		r.Header.Set("Authorization", "Bearer "+testToken)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("GET = %d", w.Code)
		}
	}
}

// TestAdminRecreateIfNoneMatch checks RFC 9110's If-None-Match: * on a
// deleted article: it has no current representation (GET is 410), so a
// create-only PUT succeeds, once; a second one finds the new article.
func TestAdminRecreateIfNoneMatch(t *testing.T) {
	e := newAdminEnv(t)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/g1", `{"title":"За триене"}`), http.StatusCreated)
	wantStatus(t, e.do(t, http.MethodDelete, "/articles/g1", ""), http.StatusNoContent)
	w := e.do(t, http.MethodPut, "/articles/g1", `{"title":"Отново"}`, "If-None-Match", "*")
	wantStatus(t, w, http.StatusCreated)
	if got := w.Header().Get("ETag"); got != `"3"` {
		t.Errorf("ETag = %s, want \"3\" (after the tombstone's 2)", got)
	}
	wantStatus(t, e.do(t, http.MethodPut, "/articles/g1", `{"title":"Трети път"}`, "If-None-Match", "*"), http.StatusPreconditionFailed)
}

// TestAdminIfNoneMatchWeak checks that If-None-Match compares weakly (RFC
// 9110 13.1.2), as a proxy that weakened the ETag makes it: W/"1" names
// version 1 for a GET's 304 and for a PUT's 412.
func TestAdminIfNoneMatchWeak(t *testing.T) {
	e := newAdminEnv(t)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/w1", `{"title":"Слабо"}`), http.StatusCreated)
	wantStatus(t, e.do(t, http.MethodGet, "/articles/w1", "", "If-None-Match", `W/"1"`), http.StatusNotModified)
	wantStatus(t, e.do(t, http.MethodGet, "/articles/w1", "", "If-None-Match", `W/"2"`), http.StatusOK)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/w1", `{"title":"Друго"}`, "If-None-Match", `W/"1"`), http.StatusPreconditionFailed)
	wantStatus(t, e.do(t, http.MethodPut, "/articles/w1", `{"title":"Друго"}`, "If-None-Match", `W/"7"`), http.StatusOK)
	// If-Match stays strong.
	wantStatus(t, e.do(t, http.MethodPut, "/articles/w1", `{"title":"Трето"}`, "If-Match", `W/"2"`), http.StatusPreconditionFailed)
}

// TestAdminPutReservedID: /articles/preview is the preview studio's index,
// so no article may be stored under the id "preview", where GET could
// never read it back.
// POST with the id in the body is refused the same way.
func TestAdminPutReservedID(t *testing.T) {
	for _, tc := range []struct{ name, method, target, body string }{
		{"PUT", http.MethodPut, "/articles/" + ReservedID, `{"title":"Първа","section":"Свят"}`},
		{"POST", http.MethodPost, "/articles", `{"id":"` + ReservedID + `","title":"Първа","section":"Свят"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAdminEnv(t)
			w := e.do(t, tc.method, tc.target, tc.body)
			wantStatus(t, w, http.StatusUnprocessableEntity)
			if !strings.Contains(w.Body.String(), "reserved") || !strings.Contains(w.Body.String(), `"id"`) {
				t.Errorf("answer does not say the id is reserved: %s", w.Body)
			}
			if _, writes := e.store.counts(); writes != 0 {
				t.Errorf("%d writes, want none", writes)
			}
		})
	}
}
