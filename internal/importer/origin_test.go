package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

// The admin token goes only to the origin -api names: an answer that
// redirects to the same host on another port (or another scheme or host)
// is not followed with the token, for GET and for PUT.
func TestTokenStaysOnItsOrigin(t *testing.T) {
	var leaked atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
		http.NotFound(w, r)
	}))
	defer other.Close()
	var sameOrigin atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved/articles/a1" {
			if r.Header.Get("Authorization") == "Bearer "+testToken {
				sameOrigin.Add(1)
			}
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/same/") {
			http.Redirect(w, r, "/moved/"+strings.TrimPrefix(r.URL.Path, "/same/"), http.StatusTemporaryRedirect)
			return
		}
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer api.Close()
	if !strings.HasPrefix(other.URL, "http://127.0.0.1:") || !strings.HasPrefix(api.URL, "http://127.0.0.1:") {
		t.Fatalf("want both servers on 127.0.0.1, other ports: %s %s", api.URL, other.URL)
	}
	ctx := context.Background()
	c := &APIClient{Base: api.URL, Token: testToken, Fetch: &Fetcher{Attempts: 1}}
	_, err := c.Get(ctx, "a1")
	if err == nil || !strings.Contains(err.Error(), other.URL) {
		t.Errorf("GET redirected to another port: err = %v; want it refused, naming %s", err, other.URL)
	}
	_, _, err = c.Put(ctx, article.Article{ID: "a1", Title: "Заглавие"}, 0)
	if err == nil {
		t.Error("PUT redirected to another port: want an error")
	}
	if n := leaked.Load(); n != 0 {
		t.Errorf("the other port received the token %d times", n)
	}

	// A redirect on the same origin keeps the token.
	same := &APIClient{Base: api.URL + "/same", Token: testToken, Fetch: &Fetcher{Attempts: 1}}
	if _, err := same.Get(ctx, "a1"); err == nil || !strings.Contains(err.Error(), article.ErrNotFound.Error()) {
		t.Errorf("same-origin redirect: err = %v; want not found", err)
	}
	if sameOrigin.Load() != 1 {
		t.Errorf("same-origin redirect: the token arrived %d times; want 1", sameOrigin.Load())
	}
}

// A next page that answers 404 is skipped and reported; the other pages
// are imported.
func TestMissingNextPageIsSkipped(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			fmt.Fprint(w, rssDoc(`<atom:link rel="prev-archive" href="/archive/3"/><atom:link rel="next" href="/archive/2"/>`, "a", "b"))
		case "/archive/2":
			fmt.Fprint(w, rssDoc(``, "c"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer hs.Close()
	got := load(t, hs.URL+"/feed", Options{AllPages: true})
	if got.Pages != 2 || len(got.Items) != 3 {
		t.Errorf("pages %d, items %d; want 2 pages, 3 items", got.Pages, len(got.Items))
	}
	if len(got.Missing) != 1 || !strings.Contains(got.Missing[0], hs.URL+"/archive/3") || !strings.Contains(got.Missing[0], "404") {
		t.Errorf("missing = %q; want the 404 page named", got.Missing)
	}

	t.Run("REST", func(t *testing.T) {
		post := string(readFixture(t, "wp-rest-posts.json"))
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-WP-TotalPages", "3")
			switch r.URL.Query().Get("page") {
			case "2":
				http.NotFound(w, r)
			case "3":
				first := strings.TrimSuffix(strings.SplitN(post, "\n", 2)[0][1:], ",")
				// Another post: its own id, GUID, slug and link.
				other := strings.NewReplacer(`"id":101,`, `"id":999,`, "?p=101", "?p=999", "novi-avtobusi", "drug-post").Replace(first)
				fmt.Fprint(w, "["+other+"]")
			default:
				fmt.Fprint(w, post)
			}
		}))
		defer hs.Close()
		got := load(t, hs.URL+"/wp-json", Options{})
		if got.Pages != 2 || len(got.Items) != 3 || len(got.Missing) != 1 || !strings.Contains(got.Missing[0], "page=2") {
			t.Errorf("pages %d, items %d, missing %q; want 2 pages, 3 posts, page 2 reported", got.Pages, len(got.Items), got.Missing)
		}
	})
}
