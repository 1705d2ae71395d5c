package adminapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/cursor"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/httpapitest"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
)

// fuzzAdminStatuses are the only answers a write may get on an empty store
// with no preconditions: anything else (409, 412, 500, ...) is a bug.
var fuzzAdminStatuses = map[int]bool{
	http.StatusOK: true, http.StatusCreated: true, http.StatusBadRequest: true,
	http.StatusRequestEntityTooLarge: true, http.StatusUnsupportedMediaType: true,
	http.StatusUnprocessableEntity: true,
}

// fuzzAdminSeeds are request bodies worth mutating: the real article as a
// client PUTs back what it read, the minimal article, and the shapes
// TestAdminDecode names.
func fuzzAdminSeeds(f *testing.F) [][]byte {
	f.Helper()
	var out [][]byte
	for _, a := range seed.Articles("https://news.example.bg") {
		a.Version, a.CreatedAt, a.UpdatedAt = 3, a.PublishedAt, a.PublishedAt
		b, err := json.Marshal(wire.From(&a))
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	for _, s := range []string{
		minimalFuzzBody,
		`{"title":"Юж`,
		`{"title" "x"}`,
		`[1,2]`,
		`null`,
		minimalFuzzBody + `{}`,
		`{"title":"X","titel":"Y"}`,
		`{"title":"X","image":{"url":"https://x.bg/a.jpg","size":3}}`,
		`{"title":"X","authors":[{"name":"A","mail":"a@b"}]}`,
		`{"title":5,"tags":"НАТО","commentCount":1.5}`,
		"{\"title\":\"Ю\xff\",\"tags\":[\"ok\",\"\xc3\x28\"]}",
		`{"title":"X","publishedAt":"2025-12-18T10:30:00+02:00","status":"draft","language":"en-GB"}`,
		`{"title":"X","publishedAt":"0000-01-01T00:00:00Z"}`,
		`{"title":"X","image":{"url":"https://x.bg/a.jpg","width":99999999999999999999}}`,
		`{"title":"X","related":["a","a","-b"],"id":"x_1","slug":"x-1"}`,
		`{"title":"\u0000\u001b\ud800","body":"<p onclick=x>\u0000</p><script>alert(1)</script>"}`,
		`{"title":"!!!"}`,
		`{"title":"X","createdAt":5,"updatedAt":{},"version":"x"}`,
		`{"title":"X","url":"https://news.example.bg/a b"}`,
		`{"title":"X","body":"` + strings.Repeat(`<a href=\"x\">`, 50) + `"}`,
		`{"title":"X"}` + strings.Repeat(" ", 10),
		`{"a":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

const minimalFuzzBody = `{"title":"Южна Корея и НАТО се споразумяха"}`

// FuzzDecodeArticle sends arbitrary bytes as the body of a POST or PUT
// through the real admin handler and article service, on an empty
// in-memory store (the fake of admin_fake_test.go). The answer must be one
// of fuzzAdminStatuses, never a panic or a 500; a problem must be valid
// problem+json whose status is the response's; and an article created
// (201) must read back (GET) exactly as the write answered it.
func FuzzDecodeArticle(f *testing.F) {
	for i, b := range fuzzAdminSeeds(f) {
		f.Add(b, i%2 == 0, "application/json")
	}
	f.Add([]byte(minimalFuzzBody), true, "application/json; charset=UTF-8")
	f.Add([]byte(minimalFuzzBody), false, "application/json; charset=latin1")
	f.Add([]byte(minimalFuzzBody), false, "text/plain")
	f.Add([]byte(minimalFuzzBody), false, "")
	f.Add([]byte(minimalFuzzBody), false, "application/json;;")

	f.Fuzz(func(t *testing.T, body []byte, put bool, contentType string) {
		// A fresh in-memory store per input: the fuzzer needs thousands of
		// executions a second, which bolt's fsync per write cannot give,
		// and an empty store makes 409 and 412 impossible answers.
		st := newMemStore()
		var logs bytes.Buffer
		n := 0
		svc := newsroom.NewService(st, newsroom.Options{
			SiteURL: "https://news.example.bg",
			Now:     func() time.Time { return testNow },
			NewID:   func() string { n++; return "gen" + string(rune('0'+n)) },
		})
		rt := httpapi.NewRouter()
		Register(rt, svc, auth.Static(testToken), Options{Cursors: cursor.New("fuzz"), StoreTimeout: 5 * time.Second})
		h := httpapi.Observe(slog.New(slog.NewJSONHandler(&logs, nil)), rt)

		method, target := http.MethodPost, "/articles"
		if put {
			method, target = http.MethodPut, "/articles/fuzz-1"
		}
		r := httptest.NewRequest(method, target, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+testToken)
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if !fuzzAdminStatuses[w.Code] {
			t.Fatalf("%s %s %q with %q = %d, want one of 200/201/400/413/415/422\n%s\nlog: %s",
				method, target, body, contentType, w.Code, w.Body, logs.String())
		}
		if w.Code >= 400 {
			httpapitest.CheckProblem(t, w)
			return
		}
		if w.Code != http.StatusCreated {
			t.Fatalf("%s on an empty store = %d, want 201", method, w.Code)
		}
		var created wire.Article
		if err := json.Unmarshal(w.Body.Bytes(), &created); err != nil {
			t.Fatalf("201 body is not an article: %v\n%s", err, w.Body)
		}
		if loc := w.Header().Get("Location"); loc != "/articles/"+created.ID {
			t.Errorf("Location = %q, want /articles/%s", loc, created.ID)
		}
		g := httptest.NewRequest(http.MethodGet, "/articles/"+created.ID, nil)
		g.Header.Set("Authorization", "Bearer "+testToken)
		gw := httptest.NewRecorder()
		h.ServeHTTP(gw, g)
		if gw.Code != http.StatusOK {
			t.Fatalf("GET /articles/%s after 201 = %d\n%s", created.ID, gw.Code, gw.Body)
		}
		if !bytes.Equal(gw.Body.Bytes(), w.Body.Bytes()) {
			t.Fatalf("GET after 201 differs from the write's answer:\n got %s\nwant %s", gw.Body, w.Body)
		}
		if got, want := gw.Header().Get("ETag"), w.Header().Get("ETag"); got != want {
			t.Errorf("GET ETag = %q, want %q", got, want)
		}
	})
}
