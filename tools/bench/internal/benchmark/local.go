package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/newsdesk/syndicate/internal/seed"
)

// SiteURL is the site the benchmark's servers and seeds are for.
const SiteURL = "https://news.example.bg"

// AdminToken is the admin bearer token of the benchmark's servers.
const AdminToken = "bench-admin-token"

// LocalServer is cmd/local running as a child process on 127.0.0.1.
type LocalServer struct {
	*Process
	// URL is the base URL, http://127.0.0.1:PORT.
	URL string
	// Slugs are the public articles' slugs, seeded ones first.
	Slugs []string
	// IDs are the public articles' IDs, in the order of Slugs.
	IDs []string
}

// LocalOptions chooses the store of a LocalServer.
type LocalOptions struct {
	// DataDir holds the bolt file; used when DynamoDBEndpoint is empty.
	DataDir string
	// DynamoDBEndpoint and TableName select DynamoDB (moto) instead.
	DynamoDBEndpoint string
	TableName        string
	// Articles is how many public articles the server should hold in all:
	// the seed's are topped up through the admin API, so the site feed's
	// pages are full as on a real site.
	Articles int
}

// StartLocal starts the built cmd/local binary bin and waits until it
// serves the site feed (it seeds before listening), then tops the articles
// up to opts.Articles.
func StartLocal(ctx context.Context, bin string, opts LocalOptions) (*LocalServer, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.TempDir(),
		"PORT=" + strconv.Itoa(port),
		"SITE_URL=" + SiteURL,
		"ADMIN_TOKEN=" + AdminToken,
		"DATA_DIR=" + opts.DataDir,
		"STORE_TIMEOUT=3s",
	}
	if opts.DynamoDBEndpoint != "" {
		env = append(env, "DYNAMODB_ENDPOINT="+opts.DynamoDBEndpoint, "TABLE_NAME="+opts.TableName)
	}
	p, err := Start(bin, nil, env)
	if err != nil {
		return nil, err
	}
	s := &LocalServer{Process: p, URL: "http://127.0.0.1:" + strconv.Itoa(port)}
	if err := WaitHTTP(ctx, p, s.URL+"/feeds/rss.xml", 60*time.Second); err != nil {
		p.Stop(5 * time.Second)
		return nil, fmt.Errorf("local server: %w\n%s", err, p.Logs())
	}
	for _, a := range seed.Articles(SiteURL) {
		if a.Public() {
			s.Slugs, s.IDs = append(s.Slugs, a.Slug), append(s.IDs, a.ID)
		}
	}
	if err := s.populate(ctx, opts.Articles-len(s.Slugs)); err != nil {
		p.Stop(5 * time.Second)
		return nil, err
	}
	return s, nil
}

// populate creates n published articles through the admin API, each with
// the seeded lead article's body, so feed items are of realistic size.
func (s *LocalServer) populate(ctx context.Context, n int) error {
	nato := seed.Articles(SiteURL)[0]
	client := &http.Client{Timeout: 30 * time.Second}
	at := time.Date(2025, time.November, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		body, err := json.Marshal(map[string]any{
			"title":       fmt.Sprintf("%s (%d)", nato.Title, i+1),
			"lead":        nato.Lead,
			"body":        nato.Body,
			"publishedAt": at.Add(time.Duration(i) * time.Hour).Format(time.RFC3339),
			"source":      nato.Source,
			"section":     nato.Section,
			"tags":        nato.Tags,
			"authors":     []map[string]string{{"name": "Иван Петров"}},
			"language":    "bg",
			"status":      "published",
		})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/articles", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+AdminToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("populate: %w", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("populate: POST /articles: %d %s", resp.StatusCode, b)
		}
		var got struct{ ID, Slug string }
		if err := json.Unmarshal(b, &got); err != nil {
			return fmt.Errorf("populate: %w", err)
		}
		s.Slugs, s.IDs = append(s.Slugs, got.Slug), append(s.IDs, got.ID)
	}
	return nil
}
