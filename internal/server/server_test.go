package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

func testConfig(t *testing.T, env map[string]string) config.Config {
	t.Helper()
	base := map[string]string{"DATA_DIR": t.TempDir(), "SITE_URL": "https://news.example.bg"}
	if env["DYNAMODB_ENDPOINT"] != "" {
		// moto on a busy machine (CI beside another run) can take seconds
		// per write: the seeding New does must not time out on it.
		base["STORE_TIMEOUT"] = dynamotest.Timeout.String()
	}
	for k, v := range env {
		base[k] = v
	}
	cfg, err := config.Load(func(k string) string { return base[k] })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func quiet() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func get(t *testing.T, h http.Handler, target, token string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, target, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestNewSeedsAndServesEveryFunction(t *testing.T) {
	cfg := testConfig(t, map[string]string{"ADMIN_TOKEN": "local-token"})
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Seeded != 5 || srv.Token != "local-token" || srv.TokenGenerated {
		t.Errorf("seeded %d, token %q generated %v; want 5, local-token, false", srv.Seeded, srv.Token, srv.TokenGenerated)
	}

	w := get(t, srv.Handler, "/articles", srv.Token)
	if w.Code != http.StatusOK {
		t.Fatalf("GET /articles = %d: %s", w.Code, w.Body)
	}
	var list struct {
		Articles []struct{ ID, Status string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list.Articles) != 5 {
		t.Fatalf("list = %+v, %v; want the 5 seeded articles", list, err)
	}
	// The draft has no publication time, so it sorts by its creation: now.
	if list.Articles[0].ID != seed.IDDraft || list.Articles[1].ID != seed.IDNATO {
		t.Errorf("newest = %s, %s; want %s, %s", list.Articles[0].ID, list.Articles[1].ID, seed.IDDraft, seed.IDNATO)
	}
	if w.Header().Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id: the handler is not wrapped in Observe")
	}
	if w := get(t, srv.Handler, "/articles", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /articles without token = %d, want 401", w.Code)
	}

	nato := seed.Articles(cfg.SiteURL)[0]
	w = get(t, srv.Handler, "/share/"+nato.Slug, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "og:title") {
		t.Errorf("share page = %d, want 200 with OpenGraph tags:\n%.300s", w.Code, w.Body)
	}
	draft := seed.Articles(cfg.SiteURL)[4]
	if w := get(t, srv.Handler, "/share/"+draft.Slug, ""); w.Code == http.StatusOK {
		t.Errorf("share page of the draft = %d, want it hidden", w.Code)
	}
	for _, path := range []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json", "/feeds/tag/nato/rss.xml", "/sitemap-news.xml"} {
		w := get(t, srv.Handler, path, "")
		if w.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, w.Code)
			continue
		}
		if path != "/sitemap-news.xml" && !strings.Contains(w.Body.String(), nato.Title) {
			t.Errorf("GET %s does not carry the seeded article", path)
		}
		if strings.Contains(w.Body.String(), draft.Title) {
			t.Errorf("GET %s shows the draft", path)
		}
	}
	if w := get(t, srv.Handler, "/nowhere", ""); w.Code != http.StatusNotFound {
		t.Errorf("unknown route = %d, want 404", w.Code)
	}
}

func TestNewKeepsExistingData(t *testing.T) {
	cfg := testConfig(t, nil)
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if !srv.TokenGenerated || len(srv.Token) < 32 {
		t.Errorf("token %q generated %v; want a random token", srv.Token, srv.TokenGenerated)
	}
	first := srv.Token
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	srv, err = New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Seeded != 0 {
		t.Errorf("second start seeded %d, want 0", srv.Seeded)
	}
	if srv.Token == first {
		t.Error("the random token repeated across starts")
	}
}

// syncBuffer is a bytes.Buffer safe to read while the server writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAndShutdown(t *testing.T) {
	cfg := testConfig(t, map[string]string{"PORT": "1"})
	cfg.Port = 0 // any free port
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, &out) }()

	base := "http://" + ln.Addr().String()
	req, _ := http.NewRequest(http.MethodGet, base+"/articles?limit=1", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /articles over TCP = %d, want 200", resp.StatusCode)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v, want nil after a graceful stop", err)
		}
	case <-time.After(ShutdownTimeout + time.Second):
		t.Fatal("Serve did not return after its context ended")
	}

	printed := out.String()
	nato := seed.Articles(cfg.SiteURL)[0]
	for _, want := range []string{base, srv.Token, base + "/articles", base + "/share/" + nato.Slug, "admin token (random",
		base + "/feeds/rss.xml", base + "/feeds/section/svyat/atom.xml", base + "/sitemap-news.xml"} {
		if !strings.Contains(printed, want) {
			t.Errorf("output does not mention %q:\n%s", want, printed)
		}
	}
	if strings.Contains(printed, seed.Articles(cfg.SiteURL)[4].Slug) {
		t.Errorf("output lists the draft's share page:\n%s", printed)
	}
}

func TestNewOnDynamoDB(t *testing.T) {
	table := dynamotest.Table(t, dynamotest.Client(t))
	cfg := testConfig(t, map[string]string{
		"DYNAMODB_ENDPOINT": os.Getenv(dynamotest.EndpointVar),
		"TABLE_NAME":        table,
		"ADMIN_TOKEN":       "t",
		"STORE_TIMEOUT":     dynamotest.Timeout.String(),
	})
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.Seeded != 5 {
		t.Errorf("seeded %d, want 5", srv.Seeded)
	}
	if w := get(t, srv.Handler, "/articles/"+seed.IDNATO, "t"); w.Code != http.StatusOK {
		t.Errorf("GET the seeded article = %d: %s", w.Code, w.Body)
	}
	if w := get(t, srv.Handler, "/feeds/rss.xml", ""); w.Code != http.StatusOK {
		t.Errorf("GET /feeds/rss.xml = %d", w.Code)
	}
}

// TestRecreatesAMissingTable: after moto or DynamoDB Local restarts, the
// table is gone; the request that finds it missing re-creates and re-seeds
// it, so the server answers again instead of every route answering 500
// until it restarts. That request answers 200, or 503 when re-creating
// took longer than its own store deadline (a loaded machine); the next one
// finds the table and the sample articles.
func TestRecreatesAMissingTable(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	cfg := testConfig(t, map[string]string{
		"DYNAMODB_ENDPOINT": os.Getenv(dynamotest.EndpointVar),
		"TABLE_NAME":        table,
		"ADMIN_TOKEN":       "t",
	})
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for round := range 2 {
		if _, err := client.DeleteTable(t.Context(), &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
			t.Fatalf("round %d: delete table: %v", round, err)
		}
		first := get(t, srv.Handler, "/feeds/rss.xml", "")
		if first.Code != http.StatusOK && first.Code != http.StatusServiceUnavailable {
			t.Errorf("round %d: GET /feeds/rss.xml after the table vanished = %d, want 200 (or 503 if re-creating outlasted the request)", round, first.Code)
		}
		if w := get(t, srv.Handler, "/feeds/rss.xml", ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), seed.Articles(cfg.SiteURL)[0].Title) {
			t.Errorf("round %d: GET /feeds/rss.xml once re-created = %d, want 200 with the re-seeded articles:\n%.300s", round, w.Code, w.Body)
		}
		if w := get(t, srv.Handler, "/articles/"+seed.IDNATO, "t"); w.Code != http.StatusOK {
			t.Errorf("round %d: GET the seeded article = %d: %s", round, w.Code, w.Body)
		}
	}
}
