package server

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/seed"
)

// TestFirstRun: plain `make run` (no SITE_URL) is its own site, so the
// share link of the banner sends a browser to a canonical URL that this
// server answers with the article's local page.
func TestFirstRun(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.Addr().(*net.TCPAddr).Port
	probe.Close()
	env := map[string]string{"DATA_DIR": t.TempDir(), "PORT": strconv.Itoa(port)}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	if cfg.SiteURL != base {
		t.Fatalf("SiteURL = %q, want %q when SITE_URL is unset", cfg.SiteURL, base)
	}
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	var banner bytes.Buffer
	srv.PrintURLs(ctx, &banner, base)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, io.Discard) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve = %v", err)
		}
	}()

	share := regexp.MustCompile(`(?m)^  (http://\S+/share/\S+)$`).FindAllStringSubmatch(banner.String(), -1)
	if len(share) != 4 {
		t.Fatalf("banner lists %d share pages, want the 4 public seeds:\n%s", len(share), banner.String())
	}
	browser := func(t *testing.T, u string) (int, string) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	// The page sends a browser on with its script; the link beside it is
	// the same address (share.Site.AppendPage).
	refresh := regexp.MustCompile(`location\.replace\(q\?u\+\(u\.indexOf\("\?"\)<0\?"\?":"&"\)\+q\.slice\(1\):u\)\}\)\("([^"]+)"`)
	for _, m := range share {
		t.Run(m[1][len(base):], func(t *testing.T) {
			code, page := browser(t, m[1])
			if code != http.StatusOK {
				t.Fatalf("share page = %d", code)
			}
			r := refresh.FindStringSubmatch(page)
			if r == nil {
				t.Fatalf("share page for a browser has no redirect script:\n%s", page)
			}
			target := r[1]
			if !strings.HasPrefix(target, base+"/") {
				t.Fatalf("redirect to %q, want a page of this server (%s)", target, base)
			}
			if !strings.Contains(banner.String(), "-> "+target+" ") {
				t.Errorf("banner does not name the article page %s", target)
			}
			code, article := browser(t, target)
			if code != http.StatusOK || !strings.Contains(article, "Local stand-in for the publisher") {
				t.Fatalf("article page %s = %d:\n%s", target, code, article)
			}
		})
	}

	nato := seed.Articles(cfg.SiteURL)[0]
	code, page := browser(t, nato.URL)
	for _, want := range []string{"<title>" + nato.Title + "</title>", nato.Lead, nato.Image.Credit, "<p>"} {
		if code != http.StatusOK || !strings.Contains(page, want) {
			t.Errorf("NATO page = %d, want it to contain %q", code, want)
		}
	}
	// The seeded photo is there too, at its stored size, for the share
	// cards and the preview studio's mock-ups.
	if code, jpg := browser(t, nato.Image.URL); code != http.StatusOK {
		t.Errorf("seeded photo = %d", code)
	} else if c, err := jpeg.DecodeConfig(strings.NewReader(jpg)); err != nil || c.Width != nato.Image.Width || c.Height != nato.Image.Height {
		t.Errorf("seeded photo is %dx%d (%v), want %dx%d", c.Width, c.Height, err, nato.Image.Width, nato.Image.Height)
	}
	for _, tc := range []struct{ name, path string }{
		{"another photo", "/media/2025/12/no-such-photo.jpg"},
		{"the slug under another path", "/other/" + nato.Slug},
		{"the draft", seed.Articles(cfg.SiteURL)[len(seed.Articles(cfg.SiteURL))-1].URL[len(base):]},
		{"no article", "/svyat/no-such-article"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := browser(t, base+tc.path); code != http.StatusNotFound || !strings.Contains(body, `"status":404`) {
				t.Errorf("GET %s = %d %s, want the 404 problem", tc.path, code, body)
			}
		})
	}
}

// TestSiteURLSetIsNotServed: with SITE_URL set, links go to that site and
// this server serves no article pages.
func TestSiteURLSetIsNotServed(t *testing.T) {
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"DATA_DIR": t.TempDir(), "SITE_URL": "https://news.example.bg"}[k]
	})
	if err != nil || cfg.SiteURL != "https://news.example.bg" {
		t.Fatalf("SiteURL = %q, %v; want SITE_URL's", cfg.SiteURL, err)
	}
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	nato := seed.Articles(cfg.SiteURL)[0]
	if w := get(t, srv.Handler, strings.TrimPrefix(nato.URL, cfg.SiteURL), ""); w.Code != http.StatusNotFound {
		t.Errorf("GET the canonical path here = %d, want 404", w.Code)
	}
}

// TestLocalSiteFollowsRenames: the stand-in page of an article renamed
// since answers its old paths with a 301 to the current one, as the old
// share links' meta refresh leads there.
func TestLocalSiteFollowsRenames(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "PORT": "3999", "ADMIN_TOKEN": "t"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	nato := seed.Articles(cfg.SiteURL)[0]
	w := get(t, srv.Handler, "/articles/"+nato.ID, "t")
	if w.Code != http.StatusOK {
		t.Fatalf("GET the seed = %d", w.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	oldPath := strings.TrimPrefix(nato.URL, cfg.SiteURL)
	newURL := cfg.SiteURL + "/svyat/nato-i-yuzhna-koreya-preimenuvana"
	doc["slug"], doc["url"] = "nato-i-yuzhna-koreya-preimenuvana", newURL
	for _, k := range []string{"version", "createdAt", "updatedAt", "previousSlugs", "scheduled"} {
		delete(doc, k)
	}
	body, _ := json.Marshal(doc)
	r := httptest.NewRequest(http.MethodPut, "/articles/"+nato.ID, bytes.NewReader(body))
	r.Header.Set("Authorization", "Bearer t")
	r.Header.Set("Content-Type", "application/json")
	pw := httptest.NewRecorder()
	srv.Handler.ServeHTTP(pw, r)
	if pw.Code != http.StatusOK {
		t.Fatalf("rename = %d %s", pw.Code, pw.Body)
	}
	if w := get(t, srv.Handler, oldPath, ""); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != newURL {
		t.Errorf("GET the old page %s = %d to %q, want 301 to %s", oldPath, w.Code, w.Header().Get("Location"), newURL)
	}
	if w := get(t, srv.Handler, strings.TrimPrefix(newURL, cfg.SiteURL), ""); w.Code != http.StatusOK {
		t.Errorf("GET the new page = %d, want 200", w.Code)
	}
}
