package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/server"
)

const fixture = "../../internal/importer/testdata/wordpress.wxr"

func TestImportCommand(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "ADMIN_TOKEN": "cmd-token"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler)
	defer hs.Close()
	getenv := func(k string) string { return map[string]string{"ADMIN_TOKEN": "cmd-token"}[k] }

	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"dry run", []string{"-api", hs.URL, "-dry-run", fixture}, 1, []string{
			"failed: WXR post 140", "title: is required",
			"created 3, updated 0, unchanged 0, skipped 4 (attachment 1, nav_menu_item 1, page 1, trash 1), failed 1 (dry run: nothing written)"}},
		{"import", []string{"-api", hs.URL, fixture}, 1, []string{"created 3, updated 0"}},
		{"again", []string{"-api", hs.URL, fixture}, 1, []string{"created 0, updated 0, unchanged 3"}},
		{"straight into bolt", []string{"-store", filepath.Join(t.TempDir(), "a.db"), fixture}, 1, []string{"created 3"}},
		{"no source", []string{"-api", hs.URL}, 2, nil},
		{"missing file", []string{"-api", hs.URL, "nope.xml"}, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, getenv, &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d; want %d\nstdout: %s\nstderr: %s", code, tc.code, &stdout, &stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
		})
	}
	t.Run("a missing archive page", func(t *testing.T) {
		feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/feed" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>С</title><link>https://site.example/</link>`+
				`<atom:link rel="prev-archive" href="/archive/1"/><item><title>Първа</title><guid>p1</guid><description>Текст</description></item></channel></rss>`)
		}))
		defer feed.Close()
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-api", hs.URL, "-all-pages", feed.URL + "/feed"}, getenv, &stdout, &stderr)
		for _, w := range []string{"page skipped: GET " + feed.URL + "/archive/1: status 404", "1 page(s), 1 page(s) missing and skipped", "created 1"} {
			if !strings.Contains(stdout.String(), w) {
				t.Errorf("stdout lacks %q:\n%s", w, &stdout)
			}
		}
		if code != 1 {
			t.Errorf("exit %d; want 1 (a page not imported)", code)
		}
	})
	t.Run("wrong token", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-api", hs.URL, "-token", "wrong", fixture}, getenv, &stdout, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), "refused the token") {
			t.Errorf("exit %d, stderr %s", code, &stderr)
		}
	})
}
