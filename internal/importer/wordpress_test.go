//go:build wordpress

package importer

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// These tests run against a real WordPress, started and seeded by
// scripts/test-wordpress.sh (make test-wordpress), which sets
// WORDPRESS_URL and WORDPRESS_WXR (its export).

var updateWordPress = flag.Bool("update-wordpress", false, "rewrite testdata/wordpress-6.1 from the running WordPress")

func wordpressEnv(t *testing.T) (site, wxr string) {
	site, wxr = os.Getenv("WORDPRESS_URL"), os.Getenv("WORDPRESS_WXR")
	if site == "" || wxr == "" {
		msg := "WORDPRESS_URL and WORDPRESS_WXR are not set: run make test-wordpress (scripts/test-wordpress.sh)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return site, wxr
}

// TestWordPressLive reads the running WordPress the way cmd/import and
// the follow function do (REST API by its /wp-json URL, the export file,
// the feed by URL) and checks the golden pairs and the import sequence
// on what it answers now.
func TestWordPressLive(t *testing.T) {
	site, wxrPath := wordpressEnv(t)
	ctx := context.Background()
	loader := &Loader{Fetcher: &Fetcher{Attempts: 1}, Options: Options{Language: "bg"}}
	rest, err := loader.Load(ctx, site+"/wp-json", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	wxr, err := loader.Load(ctx, wxrPath, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := loader.Load(ctx, site+"/feed/", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	s := wpSite{rest: rest.Items, wxr: wxr.Items, feed: feed.Items}
	t.Run("rendering", func(t *testing.T) { checkRendering(t, s) })
	t.Run("REST, WXR, feed", func(t *testing.T) { checkSequence(t, s) })

	if *updateWordPress {
		host := strings.TrimPrefix(site, "http://")
		norm := func(b []byte) []byte {
			s := strings.ReplaceAll(string(b), host, "wordpress.test")
			return []byte(strings.ReplaceAll(s, "http://127.0.0.1/", "http://wordpress.test/"))
		}
		get := func(u string) []byte {
			resp, err := loader.Fetcher.Get(ctx, u, Validators{})
			if err != nil || resp.Status != http.StatusOK {
				t.Fatalf("GET %s: %v %d", u, err, resp.Status)
			}
			return resp.Body
		}
		doc, err := os.ReadFile(wxrPath)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{
			"rest-posts.json": get(restPage(site+"/wp-json/wp/v2/posts", 1)),
			"feed.rss":        get(site + "/feed/"),
			"export.wxr":      doc,
		} {
			if err := os.WriteFile(filepath.Join("testdata", "wordpress-6.1", name), norm(b), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestWordPressFollow runs the follow function's handler on the live
// feed after a REST import: the first run writes nothing (the site did
// not change), the second is a 304.
func TestWordPressFollow(t *testing.T) {
	site, _ := wordpressEnv(t)
	ctx := context.Background()
	sink, _ := boltSink(t)
	counted := &countingSink{Sink: sink}
	loader := &Loader{Fetcher: &Fetcher{Attempts: 1}, Options: Options{Language: "bg", MaxPages: 1}}
	rest, err := loader.Load(ctx, site+"/wp-json", Validators{})
	if err != nil {
		t.Fatal(err)
	}
	im := &Importer{Sink: counted, Workers: 2}
	if sum, err := im.Run(ctx, rest.Items); err != nil || sum.Created == 0 {
		t.Fatalf("REST import: %s, %v", sum.String(), err)
	}
	puts := counted.puts.Load()
	params := &memoryParameters{values: map[string]string{"/s/follow-state": "{}"}}
	f := &Follower{URL: site + "/feed/", Loader: loader, Importer: im, State: ParameterState{Client: params, Name: "/s/follow-state"}}
	res, err := f.Handle(ctx, events.CloudWatchEvent{})
	if err != nil || res.Updated != 0 || res.Created != 0 || len(res.Failed) != 0 || counted.puts.Load() != puts {
		t.Fatalf("follow over an unchanged site: %+v, %v, %d writes; want nothing written", res, err, counted.puts.Load()-puts)
	}
	res, err = f.Handle(ctx, events.CloudWatchEvent{})
	if err != nil || !res.NotModified && res.Updated+res.Created != 0 {
		t.Fatalf("second follow run: %+v, %v", res, err)
	}
}
