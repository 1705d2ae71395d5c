package shareapi

import (
	"bytes"
	"context"
	"image/color"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// TestShareScheduled drives the clock across a scheduled article's
// PublishedAt: before it, the share page (crawler and person), the card,
// the share links and oEmbed (by share URL and by canonical URL) answer
// exactly as for a slug that does not exist, headers and bytes, and count
// nothing; from its time on they answer as for any live article.
func TestShareScheduled(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	a := shareSeed()
	at := a.PublishedAt
	a.CreatedAt, a.UpdatedAt = at.Add(-time.Hour), at.Add(-time.Hour)
	if err := st.Save(context.Background(), a, 0); err != nil {
		t.Fatal(err)
	}
	cards, err := card.New(card.Options{Background: color.RGBA{0x9b, 0x1c, 0x1c, 0xff}})
	if err != nil {
		t.Fatal(err)
	}
	now := at.Add(-time.Second)
	rt := httpapi.NewRouter()
	clicks := new(ClickStats)
	Register(rt, st, Options{Site: shareSite(), Cards: cards, StoreTimeout: time.Second, Clicks: clicks,
		Now: func() time.Time { return now }})
	h := httpapi.Observe(slog.New(slog.DiscardHandler), rt)
	get := func(target string, hdr ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	oembed := func(u string) string { return "/oembed?format=json&url=" + url.QueryEscape(u) }
	routes := []struct {
		name          string
		target, other string
		hdr           []string
		live          int
	}{
		{"page for a crawler", "/share/" + a.Slug, "/share/nyama", []string{"User-Agent", shareCrawlerUA}, 200},
		{"page for a person", "/share/" + a.Slug, "/share/nyama", []string{"User-Agent", shareBrowserUA}, 200},
		{"page by ID", "/share/" + a.ID, "/share/01JFNONE0000000000000000001", nil, 200},
		{"card", "/share/" + a.Slug + "/card.png?v=" + share.CardVersion(1), "/share/nyama/card.png?v=" + share.CardVersion(1), nil, 200},
		{"share link", "/share/" + a.Slug + "/to/facebook", "/share/nyama/to/facebook", []string{"User-Agent", shareBrowserUA}, 302},
		{"oEmbed of the share URL", oembed("https://share.news.example.bg/share/" + a.Slug),
			oembed("https://share.news.example.bg/share/nyama"), nil, 200},
		{"oEmbed of the article URL", oembed(a.URL), oembed("https://news.example.bg/svyat/nyama"), nil, 200},
	}
	for _, rc := range routes {
		t.Run(rc.name+" before", func(t *testing.T) {
			got, missing := get(rc.target, rc.hdr...), get(rc.other, rc.hdr...)
			if got.Code != 404 || missing.Code != 404 {
				t.Fatalf("status %d, a missing one's %d; want 404", got.Code, missing.Code)
			}
			// Nothing may keep the 404 past the story's time: no
			// lifetime, however short, is safe at CloudFront (see
			// shareNotFoundCache).
			if cc := got.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			gh, mh := got.Header().Clone(), missing.Header().Clone()
			gh.Del("X-Request-Id")
			mh.Del("X-Request-Id")
			if !reflect.DeepEqual(gh, mh) {
				t.Errorf("headers %v, a missing one's %v", gh, mh)
			}
			// A problem names the request's path; the rest is the same.
			body := bytes.ReplaceAll(got.Body.Bytes(), []byte(a.Slug), []byte("nyama"))
			body = bytes.ReplaceAll(body, []byte(a.ID), []byte("01JFNONE0000000000000000001"))
			if !bytes.Equal(body, missing.Body.Bytes()) {
				t.Errorf("body %.200s, a missing one's %.200s", got.Body, missing.Body)
			}
		})
	}
	clicks.Wait()
	if n, err := st.ShareCounts(context.Background(), a.ID); err != nil || len(n) != 0 {
		t.Errorf("share counts before its time = %v, %v; want none", n, err)
	}

	now = at
	for _, rc := range routes {
		t.Run(rc.name+" at its time", func(t *testing.T) {
			if got := get(rc.target, rc.hdr...); got.Code != rc.live {
				t.Errorf("status %d, want %d: %.200s", got.Code, rc.live, got.Body)
			}
		})
	}
	clicks.Wait()
	if n, err := st.ShareCounts(context.Background(), a.ID); err != nil || n["facebook"] != 1 {
		t.Errorf("share counts at its time = %v, %v; want one facebook click", n, err)
	}
}
