package shareapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

const (
	shareBrowserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	shareCrawlerUA = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
)

// shareStore is the store the share routes need plus what the tests use to
// seed and check it; both bolt and dynamo stores are one.
type shareStore interface {
	Store
	Save(ctx context.Context, a article.Article, prev int64) error
	ShareCounts(ctx context.Context, id string) (map[string]int64, error)
}

var (
	_ shareStore = (*bolt.Store)(nil)
	_ shareStore = (*dynamo.Store)(nil)
)

type shareEnv struct {
	h     http.Handler
	store shareStore
	site  share.Site
	log   *bytes.Buffer
	// emf is the metrics records, one per request.
	emf *bytes.Buffer
	// clicks sees every counter write; wait on it before reading counts.
	clicks *ClickStats
}

// lastMetrics is the metrics record of the last request.
func (e *shareEnv) lastMetrics(t *testing.T) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(e.emf.String()), "\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rec); err != nil {
		t.Fatalf("metrics record: %v: %q", err, lines[len(lines)-1])
	}
	return rec
}

func shareSite() share.Site {
	return share.Site{
		Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://share.news.example.bg",
		Locale: "bg_BG", Language: "bg", Location: time.UTC, TwitterSite: "@novini",
	}
}

func shareSeed() article.Article {
	return article.Article{
		ID:          "01JFSEED0000000000000000001",
		Slug:        "yuzhna-koreya-i-nato-se-sporazumyaha",
		Title:       "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		Lead:        "Ще продължат напредналото си сътрудничество по веригата за доставки",
		Body:        "<p>Южна Корея и НАТО се споразумяха.</p>",
		URL:         "https://news.example.bg/svyat/yuzhna-koreya-i-nato-se-sporazumyaha",
		PublishedAt: time.Date(2025, 12, 18, 9, 15, 0, 0, time.UTC),
		UpdatedAt:   time.Date(2025, 12, 18, 10, 2, 0, 0, time.UTC),
		CreatedAt:   time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC),
		Authors:     []article.Author{{Name: "БТА"}},
		Section:     "Свят",
		Tags:        []string{"НАТО"},
		Language:    "bg",
		Status:      article.StatusPublished,
		Version:     1,
	}
}

// newShareEnv serves the share routes on store, seeded with the sample
// article (live), a draft and a tombstone.
func newShareEnv(t *testing.T, store shareStore, images card.Images) *shareEnv {
	t.Helper()
	ctx := context.Background()
	live := shareSeed()
	draft := shareSeed()
	draft.ID, draft.Slug, draft.Status = "01JFDRAFT000000000000000001", "chernova", article.StatusDraft
	gone := shareSeed()
	gone.ID, gone.Slug = "01JFGONE0000000000000000001", "iztrita"
	for _, a := range []article.Article{live, draft, gone} {
		if err := store.Save(ctx, a, 0); err != nil {
			t.Fatalf("seed %s: %v", a.ID, err)
		}
	}
	if err := store.Save(ctx, gone.Tombstone(gone.UpdatedAt.Add(time.Hour)), 1); err != nil {
		t.Fatalf("tombstone: %v", err)
	}
	cards, err := card.New(card.Options{Background: color.RGBA{0x9b, 0x1c, 0x1c, 0xff}, Images: images})
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	rt := httpapi.NewRouter()
	site := shareSite()
	clicks := new(ClickStats)
	Register(rt, store, Options{Site: site, Cards: cards, StoreTimeout: dynamotest.Timeout, Clicks: clicks})
	var emf bytes.Buffer
	h := httpapi.Observe(slog.New(slog.NewJSONHandler(&log, nil)), rt, httpapi.WithMetrics(metrics.New(&emf, metrics.Options{Service: "share"})))
	return &shareEnv{h: h, store: store, site: site, log: &log, emf: &emf, clicks: clicks}
}

func newBoltShareEnv(t *testing.T, images card.Images) *shareEnv {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newShareEnv(t, st, images)
}

func (e *shareEnv) get(t *testing.T, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, http.MethodGet, target, headers...)
}

func (e *shareEnv) do(t *testing.T, method, target string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func shareWant(t *testing.T, w *httptest.ResponseRecorder, status int, header ...string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d, want %d; body: %.300s", w.Code, status, w.Body.String())
	}
	for i := 0; i+1 < len(header); i += 2 {
		if got := w.Header().Get(header[i]); got != header[i+1] {
			t.Errorf("%s = %q, want %q", header[i], got, header[i+1])
		}
	}
}

func TestSharePage(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	seed := shareSeed()
	t.Run("crawler", func(t *testing.T) {
		w := e.get(t, "/share/"+seed.Slug, "User-Agent", shareCrawlerUA)
		shareWant(t, w, 200, "Content-Type", "text/html; charset=utf-8", "Cache-Control", sharePageCache, "ETag", `"1-c5"`)
		body := w.Body.String()
		if strings.Contains(body, "http-equiv") {
			t.Errorf("crawler page has a meta refresh")
		}
		if !strings.Contains(body, `<meta property="og:image" content="https://share.news.example.bg/share/`+seed.Slug+`/card.png?v=1.3">`) {
			t.Errorf("crawler page lacks the versioned card as og:image")
		}
		if w.Header().Get("Location") != "" {
			t.Errorf("crawler was redirected")
		}
	})
	t.Run("browser: the same public page, sent on by its script", func(t *testing.T) {
		w := e.get(t, "/share/"+seed.Slug, "User-Agent", shareBrowserUA)
		crawler := e.get(t, "/share/"+seed.Slug, "User-Agent", shareCrawlerUA)
		shareWant(t, w, 200, "Cache-Control", sharePageCache, "ETag", `"1-c5"`)
		if w.Body.String() != crawler.Body.String() {
			t.Errorf("a person's page differs from a crawler's: one page for everyone is what a shared cache may keep")
		}
		if v := w.Header().Get("Vary"); v != "" {
			t.Errorf("Vary %q: nothing varies", v)
		}
		if !strings.Contains(w.Body.String(), `location.replace`) || !strings.Contains(w.Body.String(), `<a href="`+seed.URL+`">`) {
			t.Errorf("the page neither sends a person on nor links the article")
		}
	})
	t.Run("by id", func(t *testing.T) {
		w := e.get(t, "/share/"+seed.ID, "User-Agent", shareCrawlerUA)
		shareWant(t, w, 200)
		if !strings.Contains(w.Body.String(), `property="og:url" content="https://share.news.example.bg/share/`+seed.Slug+`"`) {
			t.Errorf("page by ID does not name the slug share URL as og:url")
		}
	})
	t.Run("not modified", func(t *testing.T) {
		w := e.get(t, "/share/"+seed.Slug, "User-Agent", shareCrawlerUA, "If-None-Match", `"1-c5"`)
		shareWant(t, w, 304)
		if w.Body.Len() != 0 {
			t.Errorf("304 has a body")
		}
	})
	t.Run("head", func(t *testing.T) {
		full := e.get(t, "/share/"+seed.Slug, "User-Agent", shareCrawlerUA)
		w := e.do(t, http.MethodHead, "/share/"+seed.Slug, "User-Agent", shareCrawlerUA)
		shareWant(t, w, 200, "Content-Length", fmt.Sprint(full.Body.Len()))
		if w.Body.Len() != 0 {
			t.Errorf("HEAD has a body")
		}
	})
	for _, tt := range []struct {
		name, slug string
		status     int
		cache      string
	}{
		{"unknown", "nyama-takava", 404, shareNotFoundCache},
		{"draft", "chernova", 404, shareNotFoundCache},
		{"draft by id", "01JFDRAFT000000000000000001", 404, shareNotFoundCache},
		{"deleted", "iztrita", 410, shareGoneCache},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := e.get(t, "/share/"+tt.slug, "User-Agent", shareCrawlerUA)
			shareWant(t, w, tt.status, "Content-Type", "text/html; charset=utf-8", "X-Robots-Tag", "noindex",
				"Cache-Control", tt.cache)
			body := w.Body.String()
			if !strings.Contains(body, `<meta name="robots" content="noindex">`) || strings.Contains(body, "og:") {
				t.Errorf("%d page is not a noindex page without metadata:\n%s", tt.status, body)
			}
		})
	}
}

// TestSharePageUserAgents checks every crawler and every browser gets the
// one public page, without a meta refresh, with the redirect script; 200
// and never an HTTP redirect.
func TestSharePageUserAgents(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	slug := shareSeed().Slug
	crawlers := []string{
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"Facebot",
		"Twitterbot/1.0",
		"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"TelegramBot (like TwitterBot)",
		"WhatsApp/2.23.20.0 A",
		"Viber/22.8.0.1 CFNetwork/1408.0.4 Darwin/22.5.0",
		"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
		"Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
		"Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	}
	browsers := []string{
		shareBrowserUA,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	}
	check := func(ua string, crawler bool) {
		t.Run(ua, func(t *testing.T) {
			w := e.get(t, "/share/"+slug, "User-Agent", ua)
			shareWant(t, w, 200, "Location", "")
			// One page for everyone: never a meta refresh (a crawler
			// would follow it), always public.
			refresh := strings.Contains(w.Body.String(), `http-equiv="refresh"`)
			public := strings.HasPrefix(w.Header().Get("Cache-Control"), "public")
			if refresh || !public {
				t.Errorf("refresh %v, public cache %v; want no refresh, public (crawler %v)", refresh, public, crawler)
			}
			if !strings.Contains(w.Body.String(), "location.replace(") {
				t.Errorf("page lacks the redirect script")
			}
		})
	}
	for _, ua := range crawlers {
		check(ua, true)
	}
	for _, ua := range browsers {
		check(ua, false)
	}
}

func TestShareCard(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	slug := shareSeed().Slug
	t.Run("current version", func(t *testing.T) {
		w := e.get(t, "/share/"+slug+"/card.png?v=1.3")
		shareWant(t, w, 200, "Content-Type", "image/png", "Cache-Control", shareCardCache, "ETag", `"card-1.3"`)
		img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if img.Bounds() != image.Rect(0, 0, 1200, 630) {
			t.Errorf("card is %v", img.Bounds())
		}
		again := e.get(t, "/share/"+slug+"/card.png?v=1.3")
		if !bytes.Equal(w.Body.Bytes(), again.Body.Bytes()) {
			t.Errorf("the same version gave different bytes")
		}
	})
	t.Run("by id", func(t *testing.T) {
		shareWant(t, e.get(t, "/share/"+shareSeed().ID+"/card.png?v=1.3"), 200, "Content-Type", "image/png")
	})
	t.Run("not modified", func(t *testing.T) {
		shareWant(t, e.get(t, "/share/"+slug+"/card.png?v=1.3", "If-None-Match", `"card-1.3"`), 304, "Cache-Control", shareCardCache)
	})
	// Anything but exactly the current v: another version, or extra
	// parameters that a cache keyed on v alone would fold into one entry.
	t.Run("scaled", func(t *testing.T) {
		w := e.get(t, "/share/"+slug+"/card.png?v=1.3&w=480")
		shareWant(t, w, 200, "Content-Type", "image/png", "Cache-Control", shareCardCache, "ETag", `"card-1.3-w480"`)
		img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if img.Bounds() != image.Rect(0, 0, 480, 252) {
			t.Errorf("scaled card is %v, want 480×252", img.Bounds())
		}
		shareWant(t, e.get(t, "/share/"+slug+"/card.png?v=1.3&w=480", "If-None-Match", `"card-1.3-w480"`), 304, "Cache-Control", shareCardCache)
		shareWant(t, e.get(t, "/share/"+slug+"/card.png?v=1.3&w=480", "If-None-Match", `"card-1.3"`), 200)
	})
	// "?v=1" is the URL of revision 1 of the drawing (before card.Revision
	// 2), "?v=1.1" its like with the revision named, "?v=1.2" revision 2's.
	for _, v := range []string{"", "?v=1", "?v=1.1", "?v=1.2", "?v=0", "?v=2", "?v=abc", "?v=1.3&x=7", "?x=7&v=1.3", "?v=1.3&v=1.3", "?v=1.3&fbclid=abc", "?v=1.3&",
		"?v=1.3&w=500", "?v=1.3&w=0480", "?v=1.3&w=1200", "?v=1.3&w=", "?v=1.3&w=480&x=7", "?w=480&v=1.3", "?v=2.3&w=480", "?v=1&w=480"} {
		t.Run("stale "+v, func(t *testing.T) {
			w := e.get(t, "/share/"+slug+"/card.png"+v)
			shareWant(t, w, 302, "Location", "https://share.news.example.bg/share/"+slug+"/card.png?v=1.3",
				"Cache-Control", shareCardShortCache)
		})
	}
	for _, tt := range []struct {
		slug   string
		status int
	}{{"nyama", 404}, {"chernova", 404}, {"iztrita", 410}} {
		t.Run(tt.slug, func(t *testing.T) {
			shareWant(t, e.get(t, "/share/"+tt.slug+"/card.png?v=1.3"), tt.status, "Content-Type", "application/problem+json")
		})
	}
}

func TestShareCardImageOrigin(t *testing.T) {
	var photo bytes.Buffer
	src := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 300; x++ {
			src.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y), 0x80, 0xff})
		}
	}
	if err := png.Encode(&photo, src); err != nil {
		t.Fatal(err)
	}
	// A slow origin answers only once the test has ended, so the photo
	// misses the fetcher's timeout however busy the machine is; a good
	// one gets a timeout it cannot miss.
	var slow atomic.Bool
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slow.Load() {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		_, _ = w.Write(photo.Bytes())
	}))
	defer srv.Close()
	defer close(release)
	fetcher := &card.Fetcher{Origins: []string{srv.URL}, Client: srv.Client(), Timeout: time.Minute}
	e := newBoltShareEnv(t, fetcher)
	a := shareSeed()
	prev := a.Version
	a.Version++
	a.Image = &article.Image{URL: srv.URL + "/photo.png", Width: 300, Height: 200}
	if err := e.store.Save(context.Background(), a, prev); err != nil {
		t.Fatal(err)
	}
	w := e.get(t, "/share/"+a.Slug+"/card.png?v=2.3")
	shareWant(t, w, 200, "Cache-Control", shareCardCache)
	if strings.Contains(e.log.String(), "without photo") {
		t.Fatalf("photo missing from a good origin: %s", e.log.String())
	}
	withPhoto := w.Body.Bytes()
	if rec := e.lastMetrics(t); rec["CardsWithoutPhoto"] != nil || rec["Route"] != "GET /share/{slug}/card.png" {
		t.Errorf("metrics of a card with its photo: %v", rec)
	}

	slow.Store(true)
	fetcher.Timeout = 200 * time.Millisecond
	w = e.get(t, "/share/"+a.Slug+"/card.png?v=2.3")
	shareWant(t, w, 200, "Content-Type", "image/png", "Cache-Control", shareCardShortCache)
	if bytes.Equal(w.Body.Bytes(), withPhoto) {
		t.Errorf("a slow origin gave the card with the photo")
	}
	if !strings.Contains(e.log.String(), "share card without photo") {
		t.Errorf("the missing photo was not logged")
	}
	if rec := e.lastMetrics(t); rec["CardsWithoutPhoto"] != float64(1) {
		t.Errorf("metrics of a card without its photo: %v, want CardsWithoutPhoto 1", rec)
	}
	// A cache revalidating the photoless card must get the card again, not
	// a 304 that pins it for a year under the immutable policy.
	if got := w.Header().Get("ETag"); got == `"card-2.2"` {
		t.Errorf("photoless card ETag = %s, want none or another than the full card's", got)
	}
}

func TestShareTo(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	seed := shareSeed()
	for i, network := range share.Networks {
		t.Run(network, func(t *testing.T) {
			w := e.get(t, "/share/"+seed.Slug+"/to/"+network+"?u=https://evil.example", "User-Agent", shareBrowserUA)
			if rec := e.lastMetrics(t); rec["ShareClicks"] != float64(1) || rec["Network"] != network || rec["CounterWriteFailures"] != nil {
				t.Errorf("metrics of a counted click: %v", rec)
			}
			want, _ := e.site.ShareTarget(&seed, network)
			shareWant(t, w, 302, "Location", want, "Cache-Control", "no-store")
			if strings.Contains(w.Header().Get("Location"), "evil") {
				t.Errorf("Location carries request input: %q", w.Header().Get("Location"))
			}
			// Twice by ID, once more by slug, then a HEAD and a crawler
			// that must not count.
			e.get(t, "/share/"+seed.ID+"/to/"+network, "User-Agent", shareBrowserUA)
			e.do(t, http.MethodHead, "/share/"+seed.Slug+"/to/"+network, "User-Agent", shareBrowserUA)
			e.get(t, "/share/"+seed.Slug+"/to/"+network, "User-Agent", shareCrawlerUA)
			e.clicks.Wait()
			counts, err := e.store.ShareCounts(context.Background(), seed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if counts[network] != 2 {
				t.Errorf("count of %s = %d, want 2 (all: %v)", network, counts[network], counts)
			}
			if len(counts) != i+1 {
				t.Errorf("counts = %v, want %d networks", counts, i+1)
			}
		})
	}
	for _, tt := range []struct {
		name, path string
		status     int
	}{
		{"unknown network", "/share/" + seed.Slug + "/to/myspace", 404},
		{"url as network", "/share/" + seed.Slug + "/to/https:%2F%2Fevil.example", 404},
		{"unknown article", "/share/nyama/to/facebook", 404},
		{"draft", "/share/chernova/to/facebook", 404},
		{"deleted", "/share/iztrita/to/facebook", 410},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := e.get(t, tt.path, "User-Agent", shareBrowserUA)
			shareWant(t, w, tt.status, "Location", "")
		})
	}
	for _, id := range []string{"01JFDRAFT000000000000000001", "01JFGONE0000000000000000001"} {
		counts, err := e.store.ShareCounts(context.Background(), id)
		if err != nil || len(counts) != 0 {
			t.Errorf("counts of %s = %v, %v; want none", id, counts, err)
		}
	}
}

func TestShareOEmbed(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	seed := shareSeed()
	shareURL := "https://share.news.example.bg/share/" + seed.Slug
	for _, u := range []string{shareURL, seed.URL, seed.URL + "?utm_source=x", "https://share.news.example.bg/share/" + seed.ID} {
		t.Run(u, func(t *testing.T) {
			w := e.get(t, "/oembed?format=json&url="+url.QueryEscape(u))
			shareWant(t, w, 200, "Content-Type", "application/json; charset=utf-8", "Cache-Control", shareOEmbedCache)
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"version": "1.0", "type": "link", "title": seed.Title, "author_name": "БТА",
				"provider_name": "Новини", "provider_url": "https://news.example.bg/", "cache_age": float64(3600),
				"thumbnail_url": shareURL + "/card.png?v=1.3", "thumbnail_width": float64(1200), "thumbnail_height": float64(630),
			}
			if len(got) != len(want) {
				t.Errorf("oEmbed has %d members, want %d: %v", len(got), len(want), got)
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
	t.Run("no format", func(t *testing.T) {
		shareWant(t, e.get(t, "/oembed?url="+url.QueryEscape(shareURL)), 200)
	})
	// maxwidth/maxheight bound the thumbnail: the card served scaled at the
	// largest size that fits, which the card route then serves at that
	// size; none when not even the smallest fits.
	for _, tt := range []struct {
		name, query string
		thumb       string
		w, h        int
	}{
		{"roomy", "maxwidth=1200&maxheight=630", shareURL + "/card.png?v=1.3", 1200, 630},
		{"maxwidth", "maxwidth=500", shareURL + "/card.png?v=1.3&w=480", 480, 252},
		{"maxheight", "maxheight=400", shareURL + "/card.png?v=1.3&w=640", 640, 336},
		{"empty is no limit", "maxwidth=&maxheight=", shareURL + "/card.png?v=1.3", 1200, 630},
		{"too small", "maxwidth=100", "", 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := e.get(t, "/oembed?format=json&"+tt.query+"&url="+url.QueryEscape(shareURL))
			shareWant(t, w, 200)
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if tt.thumb == "" {
				for _, k := range []string{"thumbnail_url", "thumbnail_width", "thumbnail_height"} {
					if _, ok := got[k]; ok {
						t.Errorf("%s = %v, want none", k, got[k])
					}
				}
				return
			}
			if got["thumbnail_url"] != tt.thumb || got["thumbnail_width"] != float64(tt.w) || got["thumbnail_height"] != float64(tt.h) {
				t.Fatalf("thumbnail = %v %v×%v, want %s %d×%d", got["thumbnail_url"], got["thumbnail_width"], got["thumbnail_height"], tt.thumb, tt.w, tt.h)
			}
			card := e.get(t, strings.TrimPrefix(tt.thumb, "https://share.news.example.bg"))
			shareWant(t, card, 200, "Content-Type", "image/png")
			img, err := png.Decode(bytes.NewReader(card.Body.Bytes()))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if img.Bounds() != image.Rect(0, 0, tt.w, tt.h) {
				t.Errorf("thumbnail served at %v, oEmbed says %d×%d", img.Bounds(), tt.w, tt.h)
			}
		})
	}
	for _, tt := range []struct {
		name, query string
		status      int
	}{
		{"xml", "format=xml&url=" + url.QueryEscape(shareURL), 501},
		{"other format", "format=yaml&url=" + url.QueryEscape(shareURL), 501},
		{"no url", "format=json", 400},
		{"maxwidth not a number", "maxwidth=abc&url=" + url.QueryEscape(shareURL), 400},
		{"maxwidth zero", "maxwidth=0&url=" + url.QueryEscape(shareURL), 400},
		{"maxheight negative", "maxheight=-5&url=" + url.QueryEscape(shareURL), 400},
		{"foreign", "url=" + url.QueryEscape("https://evil.example/share/"+seed.Slug), 404},
		{"javascript", "url=" + url.QueryEscape("javascript:alert(1)"), 404},
		{"other site page", "url=" + url.QueryEscape("https://news.example.bg/drugo/"+seed.Slug), 404},
		{"unknown", "url=" + url.QueryEscape("https://share.news.example.bg/share/nyama"), 404},
		{"draft", "url=" + url.QueryEscape("https://share.news.example.bg/share/chernova"), 404},
		{"deleted", "url=" + url.QueryEscape("https://share.news.example.bg/share/iztrita"), 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			shareWant(t, e.get(t, "/oembed?"+tt.query), tt.status, "Content-Type", "application/problem+json")
		})
	}
}

// TestShareOEmbedDraftIsMissing: oEmbed answers an unpublished story, by
// slug or ID, exactly as a story that does not exist (status, headers and
// body), so that it cannot be used to confirm drafts.
func TestShareOEmbedDraftIsMissing(t *testing.T) {
	e := newBoltShareEnv(t, nil)
	ask := func(key string) *httptest.ResponseRecorder {
		return e.get(t, "/oembed?format=json&url="+url.QueryEscape("https://share.news.example.bg/share/"+key))
	}
	missing := ask("nyama")
	shareWant(t, missing, 404, "Content-Type", "application/problem+json")
	for _, key := range []string{"chernova", "01JFDRAFT000000000000000001", "iztrita", "01JFGONE0000000000000000001",
		"01JFNONE0000000000000000001"} {
		t.Run(key, func(t *testing.T) {
			got := ask(key)
			if got.Code != missing.Code {
				t.Errorf("status %d, a missing slug's is %d", got.Code, missing.Code)
			}
			// Every header but the request's own ID.
			gh, mh := got.Header().Clone(), missing.Header().Clone()
			gh.Del("X-Request-Id")
			mh.Del("X-Request-Id")
			if !reflect.DeepEqual(gh, mh) {
				t.Errorf("headers %v, a missing slug's are %v", gh, mh)
			}
			if !bytes.Equal(got.Body.Bytes(), missing.Body.Bytes()) {
				t.Errorf("body %s, a missing slug's is %s", got.Body, missing.Body)
			}
		})
	}
}

// shareFaultStore fails every call with err.
type shareFaultStore struct{ err error }

func (s shareFaultStore) Get(context.Context, string) (article.Article, error) {
	return article.Article{}, s.err
}
func (s shareFaultStore) GetBySlug(context.Context, string) (article.Article, error) {
	return article.Article{}, s.err
}
func (s shareFaultStore) IncrementShare(context.Context, string, string) error {
	return s.err
}

func TestShareUnavailable(t *testing.T) {
	rt := httpapi.NewRouter()
	cards, err := card.New(card.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secret := "dial tcp 10.0.0.1:443: secret internal detail"
	Register(rt, shareFaultStore{err: fmt.Errorf("%s: %w", secret, article.ErrUnavailable)},
		Options{Site: shareSite(), Cards: cards})
	for _, path := range []string{"/share/x", "/share/x/card.png?v=1.3", "/share/x/to/facebook", "/oembed?url=" + url.QueryEscape("https://share.news.example.bg/share/x")} {
		t.Run(path, func(t *testing.T) {
			w := httptest.NewRecorder()
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			httpapi.Observe(quiet, rt).ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
			if strings.Contains(path, "/to/") {
				// A click is never a 5xx: the network's dialog for the
				// share page, which the slug alone gives (degraded).
				site := shareSite()
				want, _ := site.ShareTarget(&article.Article{Slug: "x"}, "facebook")
				shareWant(t, w, 302, "Location", want, "Cache-Control", "no-store")
			} else {
				shareWant(t, w, 503, "Retry-After", "5", "Content-Type", "application/problem+json")
			}
			if strings.Contains(w.Body.String(), "10.0.0.1") || strings.Contains(w.Header().Get("Location"), "10.0.0.1") {
				t.Errorf("answer leaks the error: %v %s", w.Header(), w.Body.String())
			}
		})
	}
}

// TestShareToCounterFailure: a counter failure still sends the person on,
// and shows in the metrics.
func TestShareToCounterFailure(t *testing.T) {
	rt := httpapi.NewRouter()
	cards, _ := card.New(card.Options{})
	st := &shareCountFail{a: shareSeed()}
	clicks := new(ClickStats)
	Register(rt, st, Options{Site: shareSite(), Cards: cards, Clicks: clicks})
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/share/"+st.a.Slug+"/to/x", nil)
	r.Header.Set("User-Agent", shareBrowserUA)
	var emf bytes.Buffer
	httpapi.Observe(slog.New(slog.NewTextHandler(io.Discard, nil)), rt,
		httpapi.WithMetrics(metrics.New(&emf, metrics.Options{Service: "share"}))).ServeHTTP(w, r)
	shareWant(t, w, 302)
	if !strings.HasPrefix(w.Header().Get("Location"), "https://x.com/intent/post?") {
		t.Errorf("Location = %q", w.Header().Get("Location"))
	}
	clicks.Wait()
	if got := clicks.Failed.Load(); got != 1 {
		t.Errorf("failed writes counted %d, want 1", got)
	}
	var rec map[string]any
	if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
		t.Fatalf("metrics record: %v: %q", err, emf.String())
	}
	if rec["CounterWriteFailures"] != float64(1) || rec["ShareClicks"] != float64(1) || rec["Network"] != "x" {
		t.Errorf("metrics = %v, want a click on x and a counter write failure", rec)
	}
}

type shareCountFail struct{ a article.Article }

func (s *shareCountFail) Get(context.Context, string) (article.Article, error) { return s.a, nil }
func (s *shareCountFail) GetBySlug(context.Context, string) (article.Article, error) {
	return s.a, nil
}
func (s *shareCountFail) IncrementShare(context.Context, string, string) error {
	return errors.New("throttled")
}

func TestShareRoutes(t *testing.T) {
	rt := httpapi.NewRouter()
	Register(rt, nil, Options{})
	var got []string
	for _, r := range rt.Routes() {
		got = append(got, r.Method+" "+r.Path)
	}
	want := "GET /share/{slug} GET /share/{slug}/card.png GET /share/{slug}/to/{network} GET /oembed"
	if strings.Join(got, " ") != want {
		t.Errorf("routes = %q, want %q", got, want)
	}
}

// TestShareCounterDynamo runs the share links against DynamoDB (moto under
// make test): the counter is the store's atomic ADD.
func TestShareCounterDynamo(t *testing.T) {
	client := dynamotest.Client(t)
	st := dynamo.New(client, dynamotest.Table(t, client))
	e := newShareEnv(t, st, nil)
	seed := shareSeed()
	for i := 0; i < 3; i++ {
		shareWant(t, e.get(t, "/share/"+seed.Slug+"/to/telegram", "User-Agent", shareBrowserUA), 302)
	}
	shareWant(t, e.get(t, "/share/"+seed.Slug+"/to/email", "User-Agent", shareBrowserUA), 302)
	e.clicks.Wait()
	counts, err := st.ShareCounts(context.Background(), seed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts["telegram"] != 3 || counts["email"] != 1 || len(counts) != 2 {
		t.Errorf("counts = %v, want telegram 3, email 1; log:\n%s", counts, e.log)
	}
	shareWant(t, e.get(t, "/share/iztrita", "User-Agent", shareCrawlerUA), 410)
	shareWant(t, e.get(t, "/share/chernova/to/x", "User-Agent", shareBrowserUA), 404)
}

// proxiedShareEnv serves the share routes on a fresh moto table reached
// through a fault proxy; direct reads the table past the proxy.
func proxiedShareEnv(t *testing.T) (*shareEnv, *faultproxy.Proxy, *dynamo.Store) {
	t.Helper()
	base := dynamotest.Client(t)
	table := dynamotest.Table(t, base)
	p, client := dynamotest.Proxied(t, base)
	direct := dynamo.New(base, table, dynamo.WithConsistentReads())
	return newShareEnv(t, dynamo.New(client, table), nil), p, direct
}

// TestShareClicksThroughCounterFaults: on DynamoDB (moto) behind the fault
// proxy, share clicks are redirected whatever the counter does, and every
// failed or late write is counted and logged; with a healthy store every
// click is counted, over more clicks than there are counter shards.
func TestShareClicksThroughCounterFaults(t *testing.T) {
	seed := shareSeed()
	click := func(t *testing.T, e *shareEnv, network string) {
		t.Helper()
		w := e.get(t, "/share/"+seed.Slug+"/to/"+network, "User-Agent", shareBrowserUA)
		want, _ := e.site.ShareTarget(&seed, network)
		shareWant(t, w, 302, "Location", want)
	}
	t.Run("healthy: every click counted", func(t *testing.T) {
		e, p, direct := proxiedShareEnv(t)
		const clicks = 3 * dynamo.ShareShards
		var wg sync.WaitGroup
		for i := range clicks {
			wg.Go(func() { click(t, e, share.Networks[i%2]) })
		}
		wg.Wait()
		e.clicks.Wait()
		counts, err := direct.ShareCounts(context.Background(), seed.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Read back and compare with what reached moto: each UpdateItem
		// the proxy forwarded was applied once, so a write the SDK sent
		// again after losing its answer (moto, under load) is counted by
		// both, and a click lost or counted twice by the code is not.
		var total int64
		for _, n := range counts {
			total += n
		}
		if sent := p.Count("UpdateItem"); total != sent || sent < clicks {
			t.Errorf("counts = %v (total %d); want every one of %d UpdateItem requests moto received counted once, at least %d", counts, total, sent, clicks)
		}
		for _, n := range share.Networks[:2] {
			if counts[n] < clicks/2 {
				t.Errorf("counts[%s] = %d, want at least %d: a click was not counted", n, counts[n], clicks/2)
			}
		}
		if sent := p.Count("UpdateItem"); sent > clicks {
			t.Logf("%d of %d counter writes were sent again (moto lost their answers)", sent-clicks, clicks)
		}
		if got := e.clicks.Counted.Load(); got != clicks || e.clicks.Failed.Load() != 0 {
			t.Errorf("stats counted %d, failed %d; want %d, 0", got, e.clicks.Failed.Load(), clicks)
		}
	})
	for _, mode := range []faultproxy.Mode{faultproxy.Throttle, faultproxy.ThroughputExceeded, faultproxy.ServerError} {
		t.Run(mode.String()+": redirected, failure counted and logged", func(t *testing.T) {
			e, p, direct := proxiedShareEnv(t)
			// Every counter write fails, through all the SDK's retries.
			if err := p.Set(faultproxy.Fault{Mode: mode, Op: "UpdateItem"}); err != nil {
				t.Fatal(err)
			}
			const clicks = 3
			for range clicks {
				click(t, e, "viber")
			}
			e.clicks.Wait()
			if got := e.clicks.Failed.Load(); got != clicks {
				t.Errorf("failed writes counted %d, want %d", got, clicks)
			}
			if n := strings.Count(e.log.String(), `"msg":"share not counted"`); n != clicks {
				t.Errorf("%d 'share not counted' log lines, want %d:\n%s", n, clicks, e.log.String())
			}
			if strings.Contains(e.log.String(), `"status":5`) {
				t.Errorf("a click was answered 5xx:\n%s", e.log.String())
			}
			_ = p.Pass()
			if counts, err := direct.ShareCounts(context.Background(), seed.ID); err != nil || len(counts) != 0 {
				t.Errorf("counts = %v, %v; want none written", counts, err)
			}
		})
	}
	t.Run("slow: redirected at the budget, the write finishes late", func(t *testing.T) {
		e, p, direct := proxiedShareEnv(t)
		// Held 40 times the click's 50 ms budget: the redirect cannot wait
		// for it, whatever the machine's load.
		if err := p.Set(faultproxy.Fault{Mode: faultproxy.Slow, Op: "UpdateItem", Times: 1, Delay: 2 * time.Second}); err != nil {
			t.Fatal(err)
		}
		click(t, e, "telegram")
		if got := e.clicks.Late.Load(); got != 1 {
			t.Errorf("late writes %d, want 1: the click waited for the slow write", got)
		}
		e.clicks.Wait()
		counts, err := direct.ShareCounts(context.Background(), seed.ID)
		if err != nil || counts["telegram"] != 1 {
			t.Errorf("counts = %v, %v; want the late write to land: telegram 1", counts, err)
		}
		if !strings.Contains(e.log.String(), `"msg":"share count late"`) {
			t.Errorf("no 'share count late' log line:\n%s", e.log.String())
		}
	})
}
