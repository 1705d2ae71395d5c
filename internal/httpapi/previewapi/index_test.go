package previewapi

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/httpapitest"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/studio"
)

// newsroomHandler is the studio over a real store with n articles, one a
// minute apart, newest "Статия 0"; every tenth is about the budget
// ("Бюджет"), and one more, the oldest, was deleted.
func newsroomHandler(t *testing.T, n int, opts Options) http.Handler {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "studio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := now.Add(-time.Duration(n+1) * time.Minute)
	svc := newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg", Now: func() time.Time { return clock }})
	gone, err := svc.Create(t.Context(), article.Article{ID: "gone", Title: "Изтрита", Body: "<p>x</p>", Status: article.StatusPublished})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(t.Context(), gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	for i := n - 1; i >= 0; i-- {
		clock = clock.Add(time.Minute)
		title := fmt.Sprintf("Статия %d", i)
		if i%10 == 0 {
			title = fmt.Sprintf("Бюджет %d", i)
		}
		status := article.StatusPublished
		if i%2 == 1 {
			status = article.StatusDraft
		}
		if _, err := svc.Create(t.Context(), article.Article{ID: fmt.Sprintf("a%03d", i), Title: title, Body: "<p>x</p>", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	site := share.Site{Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://share.news.example.bg", Location: time.UTC}
	opts.Studio = &studio.Studio{Site: site, SiteURL: site.URL}
	opts.Now = func() time.Time { return now }
	rt := httpapi.NewRouter()
	Register(rt, svc, auth.Static(token), opts)
	return httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt)
}

var (
	rowRE  = regexp.MustCompile(`<tr data-id="([^"]+)" data-status="([a-z]+)">`)
	nextRE = regexp.MustCompile(`<a href="([^"]+)" rel="next"`)
)

// page gets one index page as a browser does and returns its rows' IDs
// and the next page's URL.
func page(t *testing.T, h http.Handler, target string) (ids []string, next, body string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("Accept", "text/html")
	w := serve(h, r)
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s = %d: %.300s", target, w.Code, w.Body)
	}
	body = w.Body.String()
	for _, m := range rowRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	if m := nextRE.FindStringSubmatch(body); m != nil {
		next = html.UnescapeString(m[1])
	}
	return ids, next, body
}

// TestIndexPages: past the first 30 stories, "По-стари" pages through all
// of them, newest first, each once, and the last page has no next link.
func TestIndexPages(t *testing.T) {
	h := newsroomHandler(t, 75, Options{})
	var all []string
	target := IndexPath
	for pages := 0; target != ""; pages++ {
		if pages > 5 {
			t.Fatal("the index does not end")
		}
		ids, next, body := page(t, h, target)
		if pages > 0 && !strings.Contains(body, `id="first"`) {
			t.Errorf("page %d has no link back to the newest", pages+1)
		}
		all = append(all, ids...)
		target = next
	}
	if len(all) != 75 || all[0] != "a000" || all[29] != "a029" || all[30] != "a030" || all[74] != "a074" {
		t.Errorf("paged through %d articles %q…, want a000…a074 in order", len(all), all[:min(len(all), 3)])
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Errorf("%s listed twice", id)
		}
		seen[id] = true
	}
	// Drafts and published stories carry their status on every row.
	_, _, body := page(t, h, IndexPath)
	if !strings.Contains(body, `data-id="a001" data-status="draft"`) || !strings.Contains(body, `data-id="a000" data-status="published"`) {
		t.Error("rows do not carry their status")
	}
}

// TestIndexSearch: ?q= finds stories past the first page, by title in any
// case, by the Latin slug, and by id; a search reads a bounded number of
// articles per request and offers to go further back, and says how far
// it read.
func TestIndexSearch(t *testing.T) {
	h := newsroomHandler(t, 75, Options{SearchScan: 40})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"бюджет", []string{"a000", "a010", "a020", "a030", "a040", "a050", "a060", "a070"}},
		{"БЮДЖЕТ 7", []string{"a070"}},
		{"byudzhet-5", []string{"a050"}},
		{"a063", []string{"a063"}},
		{"няма-такова", nil},
	} {
		t.Run(tc.q, func(t *testing.T) {
			var got []string
			target := IndexPath + "?q=" + strings.ReplaceAll(tc.q, " ", "+")
			ids, next, body := page(t, h, target)
			if !strings.Contains(body, `value="`+tc.q+`"`) {
				t.Errorf("the search box does not keep %q", tc.q)
			}
			got = append(got, ids...)
			if next == "" {
				t.Fatalf("the first 40 of 75 read, and no link to search further back")
			}
			if !strings.Contains(body, `id="searched"`) || !strings.Contains(body, "Прегледани са 40 статии") {
				t.Errorf("the page does not say how far the search read")
			}
			ids, next, _ = page(t, h, next)
			got = append(got, ids...)
			if next != "" {
				t.Errorf("a search past the end offers %q", next)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("q=%q found %q, want %q", tc.q, got, tc.want)
			}
		})
	}
	// A search stops at a full page of hits, and the next page goes on
	// right after the last hit.
	h = newsroomHandler(t, 75, Options{IndexSize: 3})
	ids, next, _ := page(t, h, IndexPath+"?q=бюджет")
	more, _, _ := page(t, h, next)
	if strings.Join(ids, " ") != "a000 a010 a020" || len(more) == 0 || more[0] != "a030" {
		t.Errorf("pages of 3 hits: %q then %q, want a000 a010 a020 then a030…", ids, more)
	}
}

// TestIndexBadInput: a cursor the studio did not hand out, or a search
// over MaxQuery, is a Bulgarian studio page for a browser (400) and a
// problem for an API client.
func TestIndexBadInput(t *testing.T) {
	h := newsroomHandler(t, 3, Options{})
	for _, target := range []string{IndexPath + "?cursor=made-up", IndexPath + "?q=" + strings.Repeat("я", studio.MaxQuery+1)} {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.Header.Set("Authorization", "Bearer "+token)
		w := serve(h, r)
		if w.Code != http.StatusBadRequest {
			t.Errorf("API %s = %d, want 400", target[:40], w.Code)
		}
		httpapitest.CheckProblem(t, w)
		r.Header.Set("Accept", "text/html")
		w = serve(h, r)
		if w.Code != http.StatusBadRequest || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") ||
			!strings.Contains(w.Body.String(), `lang="bg"`) || !strings.Contains(w.Body.String(), `href="/articles/preview"`) {
			t.Errorf("browser %s = %d %q, want a 400 studio page linking the index", target[:40], w.Code, w.Header().Get("Content-Type"))
		}
	}
}

// TestPreviewMissing: a browser opening the preview of an article that
// does not exist, or was deleted, gets a studio page in Bulgarian (404,
// 410) with the way back, under the studio's policy; an API client gets
// the problem, as before.
func TestPreviewMissing(t *testing.T) {
	h := newsroomHandler(t, 3, Options{})
	for _, tc := range []struct {
		id     string
		status int
		says   string
	}{
		{"nope", http.StatusNotFound, "Няма такава статия"},
		{"gone", http.StatusGone, "Статията е изтрита"},
	} {
		r := httptest.NewRequest(http.MethodGet, PreviewPath(tc.id), nil)
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Accept", "text/html,application/xhtml+xml")
		w := serve(h, r)
		body := w.Body.String()
		if w.Code != tc.status || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Errorf("%s in a browser = %d %q, want %d HTML", tc.id, w.Code, w.Header().Get("Content-Type"), tc.status)
		}
		if !strings.Contains(body, tc.says) || !strings.Contains(body, `href="/articles/preview"`) || strings.Contains(body, `"type"`) {
			t.Errorf("%s in a browser: want the studio page saying %q with the index link:\n%.600s", tc.id, tc.says, body)
		}
		if m := nonceRE.FindStringSubmatch(body); m == nil || !strings.Contains(w.Header().Get("Content-Security-Policy"), "'nonce-"+m[1]+"'") {
			t.Errorf("%s: the page's style is not under its policy", tc.id)
		}
		r.Header.Del("Accept")
		w = serve(h, r)
		if w.Code != tc.status {
			t.Errorf("%s for an API client = %d, want %d", tc.id, w.Code, tc.status)
		}
		httpapitest.CheckProblem(t, w)
	}
}
