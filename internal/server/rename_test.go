package server

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// TestRenameByGetAndPut: an article read from the admin API, its slug
// changed and nothing else, and PUT back, as docs/admin-api.md allows. A
// url the service made (SITE_URL/<slug>) follows the new slug: the feed's
// <link>, the share page's canonical and the local page move, the old
// local page answers 301 to the new one (not to itself), the new one 200.
// A url the CMS set (the seed's /svyat/<slug>) stays: its page still
// answers 200 rather than redirecting to itself, and the studio says the
// url kept the old slug. On bolt and on DynamoDB (moto).
func TestRenameByGetAndPut(t *testing.T) {
	stores := map[string]map[string]string{"bolt": {}}
	if os.Getenv(dynamotest.EndpointVar) != "" || os.Getenv("CI") != "" {
		stores["dynamo"] = map[string]string{
			"DYNAMODB_ENDPOINT": os.Getenv(dynamotest.EndpointVar),
			"TABLE_NAME":        dynamotest.Table(t, dynamotest.Client(t)),
			"STORE_TIMEOUT":     dynamotest.Timeout.String(),
		}
	}
	for name, extra := range stores {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"DATA_DIR": t.TempDir(), "PORT": "3998", "ADMIN_TOKEN": "t"}
			for k, v := range extra {
				env[k] = v
			}
			cfg, err := LoadConfig(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			srv, err := New(t.Context(), cfg, quiet())
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			h := srv.Handler
			send := func(method, target string, body []byte) *httptest.ResponseRecorder {
				t.Helper()
				r := httptest.NewRequest(method, target, bytes.NewReader(body))
				r.Header.Set("Authorization", "Bearer t")
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w
			}
			// rename reads id, changes its slug only, PUTs it back with
			// If-Match and returns the stored url.
			rename := func(id, slug string) string {
				t.Helper()
				w := get(t, h, "/articles/"+id, "t")
				if w.Code != http.StatusOK {
					t.Fatalf("GET %s = %d", id, w.Code)
				}
				var doc map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
					t.Fatal(err)
				}
				doc["slug"] = slug
				body, _ := json.Marshal(doc)
				r := httptest.NewRequest(http.MethodPut, "/articles/"+id, bytes.NewReader(body))
				r.Header.Set("Authorization", "Bearer t")
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("If-Match", w.Header().Get("ETag"))
				pw := httptest.NewRecorder()
				h.ServeHTTP(pw, r)
				if pw.Code != http.StatusOK {
					t.Fatalf("PUT %s = %d %s", id, pw.Code, pw.Body)
				}
				var got struct{ URL, Slug string }
				if err := json.Unmarshal(pw.Body.Bytes(), &got); err != nil || got.Slug != slug {
					t.Fatalf("PUT answered %s, %v", pw.Body, err)
				}
				return got.URL
			}

			// A url the service made.
			w := send(http.MethodPost, "/articles", []byte(`{"id":"made1","title":"Първо име","section":"Свят",`+
				`"lead":"Лийд.","publishedAt":"2025-12-18T10:30:00+02:00","source":"БТА"}`))
			if w.Code != http.StatusCreated {
				t.Fatalf("POST = %d %s", w.Code, w.Body)
			}
			oldURL := cfg.SiteURL + "/parvo-ime"
			newURL := cfg.SiteURL + "/vtoro-ime"
			if got := rename("made1", "vtoro-ime"); got != newURL {
				t.Fatalf("url after the rename = %q, want %q", got, newURL)
			}
			if w := get(t, h, "/parvo-ime", ""); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != newURL {
				t.Errorf("GET the old page = %d to %q, want 301 to %s", w.Code, w.Header().Get("Location"), newURL)
			}
			if w := get(t, h, "/vtoro-ime", ""); w.Code != http.StatusOK {
				t.Errorf("GET the new page = %d, want 200", w.Code)
			}
			rss := get(t, h, "/feeds/rss.xml", "").Body.String()
			if !strings.Contains(rss, "<link>"+newURL+"</link>") || strings.Contains(rss, oldURL+"<") {
				t.Errorf("the feed does not link %s only:\n%.2000s", newURL, rss)
			}
			page := get(t, h, "/share/vtoro-ime", "").Body.String()
			if !strings.Contains(page, `<link rel="canonical" href="`+newURL+`">`) {
				t.Errorf("the share page's canonical is not %s:\n%.1500s", newURL, page)
			}

			// A url the CMS set stays, and its page is no loop.
			nato := seed.Articles(cfg.SiteURL)[0]
			if got := rename(nato.ID, "nato-preimenuvana"); got != nato.URL {
				t.Fatalf("a CMS url after the rename = %q, want it kept: %q", got, nato.URL)
			}
			if w := get(t, h, strings.TrimPrefix(nato.URL, cfg.SiteURL), ""); w.Code != http.StatusOK {
				t.Errorf("GET the CMS url's page = %d to %q, want 200", w.Code, w.Header().Get("Location"))
			}
			studio := get(t, h, previewapi.PreviewPath(nato.ID), "t")
			if studio.Code != http.StatusOK || !strings.Contains(studio.Body.String(), `id="check-url-kept"`) ||
				!strings.Contains(html.UnescapeString(studio.Body.String()), nato.URL) {
				t.Errorf("the studio does not say the url was kept: %d\n%.3000s", studio.Code, studio.Body)
			}
		})
	}
}
