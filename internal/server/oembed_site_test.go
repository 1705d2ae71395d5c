package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/newsdesk/syndicate/internal/seed"
)

// TestOEmbedOfTheSiteURL: under make run the site and this service share
// an origin (SITE_URL and BASE_URL are both http://127.0.0.1:$PORT); oEmbed
// still answers for an article's own URL (<SITE_URL>/<section>/<slug>), as
// for its share page, and still refuses a path of that origin that is no
// article's.
func TestOEmbedOfTheSiteURL(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "PORT": "3997", "ADMIN_TOKEN": "t"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SiteURL != cfg.BaseURL {
		t.Fatalf("SITE_URL %q and BASE_URL %q: this test needs them to be one origin", cfg.SiteURL, cfg.BaseURL)
	}
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	nato := seed.Articles(cfg.SiteURL)[0]
	for _, u := range []string{nato.URL, nato.URL + "?utm_source=x", cfg.BaseURL + "/share/" + nato.Slug} {
		w := get(t, srv.Handler, "/oembed?format=json&url="+url.QueryEscape(u), "")
		var o struct{ Title, Type string }
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &o) != nil || o.Title == "" {
			t.Errorf("oEmbed of %s = %d %s, want 200 with the article", u, w.Code, w.Body)
		}
	}
	for _, u := range []string{cfg.SiteURL + "/drugo/" + nato.Slug, cfg.SiteURL + "/articles/" + nato.ID,
		cfg.SiteURL + "/feeds/rss.xml", cfg.SiteURL + "/"} {
		if w := get(t, srv.Handler, "/oembed?format=json&url="+url.QueryEscape(u), ""); w.Code != http.StatusNotFound {
			t.Errorf("oEmbed of %s = %d, want 404", u, w.Code)
		}
	}
}
