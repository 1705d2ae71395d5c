package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func rssDoc(links string, guids ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Сайт</title><link>https://site.example/</link>`)
	b.WriteString(links)
	for _, g := range guids {
		fmt.Fprintf(&b, `<item><title>Заглавие %s</title><guid>%s</guid><description>Текст</description></item>`, g, g)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func TestArchivePages(t *testing.T) {
	t.Run("RFC 5005 prev-archive", func(t *testing.T) {
		var hs *httptest.Server
		hs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/feed":
				fmt.Fprint(w, rssDoc(`<atom:link rel="prev-archive" href="/archive/2"/>`, "a", "b"))
			case "/archive/2":
				fmt.Fprint(w, rssDoc(`<atom:link rel="prev-archive" href="`+hs.URL+`/archive/1"/>`, "b", "c"))
			case "/archive/1":
				fmt.Fprint(w, rssDoc(``, "d"))
			default:
				http.NotFound(w, r)
			}
		}))
		defer hs.Close()
		got := load(t, hs.URL+"/feed", Options{AllPages: true})
		if got.Pages != 3 || len(got.Items) != 4 {
			t.Errorf("pages %d, items %d; want 3 pages, 4 distinct items", got.Pages, len(got.Items))
		}
		if one := load(t, hs.URL+"/feed", Options{}); one.Pages != 1 {
			t.Errorf("without AllPages read %d pages", one.Pages)
		}
	})
	t.Run("WordPress paged", func(t *testing.T) {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(r.URL.Query().Get("paged"))
			if n > 3 {
				http.NotFound(w, r)
				return
			}
			doc := rssDoc(`<generator>https://wordpress.org/?v=6.4.2</generator>`, fmt.Sprintf("https://site.example/?p=%d", n), fmt.Sprintf("https://site.example/?p=%d", 100+n))
			fmt.Fprint(w, doc)
		}))
		defer hs.Close()
		got := load(t, hs.URL+"/feed/", Options{AllPages: true})
		if got.Pages != 3 || len(got.Items) != 6 {
			t.Errorf("pages %d, items %d; want 3 pages (?paged=2, 3, then 404), 6 items", got.Pages, len(got.Items))
		}
	})
	t.Run("WordPress REST", func(t *testing.T) {
		post := string(readFixture(t, "wp-rest-posts.json"))
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if r.URL.Path != "/wp-json/wp/v2/posts" || q.Get("_embed") == "" || q.Get("per_page") != "100" {
				http.Error(w, "bad request "+r.URL.String(), http.StatusBadRequest)
				return
			}
			w.Header().Set("X-WP-TotalPages", "2")
			w.Header().Set("X-WP-Total", "3")
			if q.Get("page") == "2" {
				// the second page: one post, renumbered
				first := strings.TrimSuffix(strings.SplitN(post, "\n", 2)[0][1:], ",")
				first = strings.Replace(strings.Replace(first, "?p=101", "?p=999", 1), `"id":101`, `"id":999`, 1)
				fmt.Fprint(w, "["+first+"]")
				return
			}
			fmt.Fprint(w, post)
		}))
		defer hs.Close()
		got := load(t, hs.URL+"/wp-json", Options{})
		if got.Pages != 2 || len(got.Items) != 3 {
			t.Errorf("pages %d, items %d; want 2 pages, 3 posts", got.Pages, len(got.Items))
		}
	})
}

func TestConditionalGet(t *testing.T) {
	var full int
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Fri, 19 Dec 2025 08:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full++
		fmt.Fprint(w, rssDoc("", "a"))
	}))
	defer hs.Close()
	l := &Loader{Fetcher: &Fetcher{}}
	first, err := l.Load(context.Background(), hs.URL, Validators{})
	if err != nil || first.NotModified || len(first.Items) != 1 || first.Validators.ETag != `"v1"` {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := l.Load(context.Background(), hs.URL, first.Validators)
	if err != nil || !second.NotModified || len(second.Items) != 0 || second.Validators != first.Validators || full != 1 {
		t.Fatalf("second: %+v %v (full answers %d); want 304, validators kept", second, err, full)
	}
}

func TestNotAFeed(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html><html><body>hello</body></html>")
	}))
	defer hs.Close()
	l := &Loader{Fetcher: &Fetcher{}}
	if _, err := l.Load(context.Background(), hs.URL, Validators{}); err == nil || !strings.Contains(err.Error(), ErrNotFeed.Error()) {
		t.Errorf("err = %v; want %v", err, ErrNotFeed)
	}
}
