package server

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// updateScreens rewrites docs/preview/*.png, the screenshots the README
// shows, from the browser test.
var updateScreens = flag.Bool("update", false, "rewrite docs/preview/*.png from the browser test")

// browserTimeout bounds the whole browser test: generous, because a busy
// machine makes Chromium slow, and every step waits for its element
// rather than for a time.
const browserTimeout = 8 * time.Minute

// chromiumPath finds Debian's chromium; missing, the test skips, or fails
// under CI so that CI cannot pass without a browser.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const missing = "chromium is missing: the preview studio's browser test needs it (apt-get install chromium; .ci/run installs it)"
	if os.Getenv("CI") != "" {
		t.Fatal(missing)
	}
	t.Skip(missing)
	return ""
}

// studioPhoto is a 1200×900 (4:3) JPEG: sky, sun, ground and a frame
// whose edges show how each network crops a photo that is not 1.91:1.
func studioPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for y := range 900 {
		for x := range 1200 {
			c := color.RGBA{R: uint8(40 + y/8), G: uint8(90 + y/9), B: 200, A: 255}
			if y > 600 {
				c = color.RGBA{R: 60, G: uint8(120 + (y-600)/6), B: 50, A: 255}
			}
			if dx, dy := x-600, y-380; dx*dx+dy*dy < 120*120 {
				c = color.RGBA{R: 250, G: 200, B: 60, A: 255}
			}
			if x < 24 || x >= 1176 || y < 24 || y >= 876 {
				c = color.RGBA{R: 200, G: 30, B: 30, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The draft the browser test previews: a title and lead longer than every
// network shows, in Bulgarian.
const (
	studioID    = "studio-draft"
	studioTitle = "Парламентът прие на първо четене бюджета за 2027 година след дванадесетчасов дебат, а лидерът на опозицията обяви, че ще сезира Конституционния съд"
	studioLead  = "Депутатите гласуваха със 128 гласа „за“ проектобюджета, внесен от Министерството на финансите. Дефицитът остава 3 процента от БВП, а заплатите в бюджетната сфера растат с 10 процента от 1 януари. Опозицията настоява за преразглеждане на капиталовите разходи и на данъчните мерки."
	studioToken = "browser-studio-token"
	// studioScheduled is a story scheduled two days ahead; studioArchive
	// is how many published ones the index lists after it and the draft.
	studioScheduled = "studio-scheduled"
	studioArchive   = 34
	studioMissing   = "no-such-story"
)

// chartLabels is a script that checks the share chart's day labels as
// drawn: at least four, each inside the chart, none overlapping the one
// before; it returns what is wrong, "" when nothing is.
const chartLabels = `(() => {
	const svg = document.querySelector('#shares svg');
	svg.scrollIntoView();
	const s = svg.getBoundingClientRect();
	const b = [...svg.querySelectorAll('text.tick')].map(t => t.getBoundingClientRect());
	if (b.length < 4) return 'only ' + b.length + ' day labels';
	for (let i = 0; i < b.length; i++) {
		if (b[i].left < s.left - 0.5 || b[i].right > s.right + 0.5) return 'day label ' + i + ' runs out of the chart';
		if (i > 0 && b[i].left < b[i-1].right) return 'day labels ' + (i-1) + ' and ' + i + ' overlap';
	}
	return '';
})()`

// indexOnPhone is a script that checks the index at a phone's width: no
// sideways scrolling, and the draft's and the scheduled story's rows show
// their title, status, shares and fixes whole, with badges that look
// different; it returns what is wrong, "" when nothing is.
const indexOnPhone = `(() => {
	const out = [];
	const width = document.documentElement.scrollWidth;
	if (width > innerWidth + 1) out.push('the index is ' + width + ' px wide at ' + innerWidth);
	for (const id of ['studio-draft', 'studio-scheduled']) {
		const tr = document.querySelector('tr[data-id="' + id + '"]');
		if (!tr) { out.push(id + ' is not listed'); continue; }
		for (const sel of ['a', '.badge', 'td.shares', 'td.fixes']) {
			const e = tr.querySelector(sel);
			const r = e ? e.getBoundingClientRect() : {width: 0, height: 0, left: 0, right: 0};
			if (r.width === 0 || r.height === 0 || r.left < 0 || r.right > innerWidth + 0.5)
				out.push(id + ' ' + sel + ' is not shown whole (' + r.left + ' to ' + r.right + ')');
		}
	}
	const look = id => { const b = document.querySelector('tr[data-id="' + id + '"] .badge'); return b ? getComputedStyle(b).backgroundColor + b.textContent : ''; };
	if (look('studio-draft') === look('studio-scheduled')) out.push('the draft and the scheduled story look alike');
	return out.join('; ');
})()`

// networkLimits is each network's cut as docs/preview.md states it, written
// out here on its own so the test does not read the numbers it checks
// from the code under test: the most the mock-up's title and description
// may show (characters, or bytes for Discord), 0 for no description.
var networkLimits = []struct {
	id, ellipsis   string
	title, desc    int
	bytes, twitter bool
}{
	{id: "facebook", ellipsis: "…", title: 88, desc: 110},
	{id: "x", ellipsis: "…", title: 70, twitter: true},
	{id: "linkedin", ellipsis: "…", title: 70},
	{id: "telegram", ellipsis: "…", title: 100, desc: 200},
	{id: "viber", ellipsis: "…", title: 60, desc: 100},
	{id: "whatsapp", ellipsis: "…", title: 65, desc: 100},
	{id: "slack", ellipsis: "…", title: 150, desc: 300},
	{id: "discord", ellipsis: "...", title: 67, desc: 347, bytes: true},
}

// TestPreviewStudioInBrowser drives Chromium over the local server: sign
// in through the form, open a draft's preview, check every network's
// mock-up, the truncation, the images, the checks, the chart and the
// index, with no Content-Security-Policy violation, on a desktop and a
// phone viewport, with the page's JavaScript off; then sign out. One
// browser for the whole package.
func TestPreviewStudioInBrowser(t *testing.T) {
	chrome := chromiumPath(t)

	photo := studioPhoto(t)
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/media/budget.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(photo)
	}))
	defer media.Close()

	cfg := testConfig(t, map[string]string{
		"ADMIN_TOKEN": studioToken, "BASE_URL": "https://share.news.example.bg", "IMAGE_ORIGINS": media.URL,
	})
	srv, err := New(t.Context(), cfg, quiet())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler)
	defer ts.Close()

	body := fmt.Sprintf(`{"title":%q,"lead":%q,"url":"https://news.example.bg/politika/byudzhet-2027","source":"БТА",
		"status":"draft","image":{"url":%q,"width":1200,"height":900}}`, studioTitle, studioLead, media.URL+"/media/budget.jpg")
	req := httptest.NewRequest(http.MethodPut, "/articles/"+studioID, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+studioToken)
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	srv.Handler.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("PUT the draft = %d: %s", w.Code, w.Body)
	}
	// A scheduled story and enough published ones that the index has a
	// second page (30 a page): the draft, the scheduled story and the
	// newest archived ones are on the first.
	put := func(id, body string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodPut, "/articles/"+id, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+studioToken)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.Handler.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			t.Fatalf("PUT %s = %d: %s", id, w.Code, w.Body)
		}
	}
	put(studioScheduled, fmt.Sprintf(`{"title":"Насрочена история","section":"Свят","status":"published","publishedAt":%q}`,
		time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)))
	for i := range studioArchive {
		put(fmt.Sprintf("archive-%02d", i), fmt.Sprintf(`{"title":"Архив %02d","section":"Свят","status":"published","publishedAt":%q}`,
			i, time.Now().Add(-time.Duration(i+1)*time.Hour).UTC().Format(time.RFC3339)))
	}
	for network, n := range map[string]int{"facebook": 7, "telegram": 3, "whatsapp": 5} {
		for range n {
			if err := srv.Store.IncrementShare(t.Context(), studioID, network); err != nil {
				t.Fatal(err)
			}
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("lang", "bg-BG"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox.
	}
	ctx, cancel := context.WithTimeout(t.Context(), browserTimeout)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	// Every console or CSP complaint the page makes is a failure.
	var (
		mu       sync.Mutex
		problems []string
	)
	if err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*log.EventEntryAdded); ok && (e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning) &&
			!strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
			mu.Lock()
			problems = append(problems, e.Entry.Text+" ("+e.Entry.URL+")")
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start the browser: %v", err)
	}
	if _, err := chromedp.Call(bctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable the log: %v", err)
	}
	// The page's own scripts are off for the whole test: the studio must
	// work without JavaScript (the driver's queries still run).
	if _, err := chromedp.Call(bctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`)); err != nil {
		t.Fatal(err)
	}
	if title, err := chromedp.Run(bctx, chromedp.Title()); err != nil || title != "off" {
		t.Fatalf("page scripts still run (title %q, %v): the test would not show the studio works without them", title, err)
	}
	do := func(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(t *testing.T, sel string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.TextContent(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return v
	}
	attr := func(t *testing.T, sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatalf("read %s of %s: %v", name, sel, err)
		}
		return v.Value
	}
	visible := func(sel string) chromedp.Action[chromedp.Void] { return chromedp.WaitVisible(chromedp.CSS(sel)) }

	preview := ts.URL + "/articles/" + studioID + "/preview"
	t.Run("sign in", func(t *testing.T) {
		do(t, "open the preview without a session",
			chromedp.Navigate(preview),
			visible(`#token`),
			chromedp.SendKeys(chromedp.CSS(`#token`), "wrong-token"),
			chromedp.Submit(chromedp.CSS(`#token`)),
			visible(`.error`),
		)
		if got := text(t, `.error`); !strings.Contains(got, "Грешен ключ") {
			t.Errorf("a wrong token shows %q, want the error", got)
		}
		do(t, "sign in with the token",
			chromedp.SendKeys(chromedp.CSS(`#token`), studioToken),
			chromedp.Submit(chromedp.CSS(`#token`)),
			visible(`#checks`),
		)
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil || loc != preview {
			t.Errorf("after sign-in the browser is at %s (%v), want %s", loc, err, preview)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("draft is marked", func(t *testing.T) {
		if status := text(t, `#status`); !strings.Contains(status, "чернова") || !strings.Contains(status, "не е публична") {
			t.Errorf("status = %q, want the draft marked not public", status)
		}
	})

	t.Run("mock-ups", func(t *testing.T) {
		for _, n := range networkLimits {
			t.Run(n.id, func(t *testing.T) {
				sel := fmt.Sprintf(`#net-%s figure.mock`, n.id)
				do(t, "wait for the mock-ups", visible(sel))
				titles, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](fmt.Sprintf(
					`[...document.querySelectorAll(%q)].map(f => f.querySelector('.m-title').textContent)`, sel)))
				if err != nil {
					t.Fatal(err)
				}
				descs, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](fmt.Sprintf(
					`[...document.querySelectorAll(%q)].map(f => { const d = f.querySelector('.m-desc'); return d ? d.textContent : "" })`, sel)))
				if err != nil {
					t.Fatal(err)
				}
				// Images load lazily: scroll each into view and wait until
				// it has loaded.
				shown, err := until(bctx, fmt.Sprintf(
					`[...document.querySelectorAll(%q)].every(f => { f.scrollIntoView(); const r = f.getBoundingClientRect(); const i = f.querySelector('img'); return r.width > 200 && r.height > 100 && i.complete && i.naturalWidth > 0 })`, sel))
				if err != nil || !shown {
					t.Errorf("a mock-up is not visible or its image did not load: %v", err)
				}
				if len(titles) != 2 || len(descs) != 2 {
					t.Fatalf("%d mock-ups, want light and dark", len(titles))
				}
				for i, got := range titles {
					checkCut(t, "title", got, studioTitle, n.title, n.ellipsis, n.bytes)
					if n.desc > 0 {
						checkCut(t, "description", descs[i], studioLead, n.desc, n.ellipsis, n.bytes)
					} else if descs[i] != "" {
						t.Errorf("%s shows a description %q; it shows none", n.id, descs[i])
					}
				}
			})
		}
	})

	t.Run("image frames", func(t *testing.T) {
		// The frame is the network's crop: 1.91:1 for Facebook, 2:1 for X.
		for id, want := range map[string]float64{"facebook": 1.91, "x": 2, "linkedin": 1.91, "whatsapp": 1.91} {
			ratio, err := chromedp.Run(bctx, chromedp.Evaluate[float64](fmt.Sprintf(
				`(() => { const r = document.querySelector('#net-%s .frame').getBoundingClientRect(); return r.width / r.height })()`, id)))
			if err != nil {
				t.Fatal(err)
			}
			if ratio < want*0.97 || ratio > want*1.03 {
				t.Errorf("%s frame is %.2f:1, want %.2f:1", id, ratio, want)
			}
		}
		loaded, err := until(bctx, `(() => { const i = document.querySelector('.cardimg'); i.scrollIntoView(); return i.complete && i.naturalWidth > 0 })()`)
		var width float64
		if err == nil && loaded {
			width, err = chromedp.Run(bctx, chromedp.Evaluate[float64](`document.querySelector('.cardimg').naturalWidth`))
		}
		if err != nil || width != 1200 {
			t.Errorf("the card is %v px wide (%v), want the 1200 px card", width, err)
		}
	})

	t.Run("checks", func(t *testing.T) {
		for _, id := range []string{"title-facebook", "title-x", "title-discord", "description-facebook",
			"image-aspect-facebook", "image-aspect-x", "section-missing", "alt-missing"} {
			if level := attr(t, "#check-"+id, "data-level"); level != "warn" {
				t.Errorf("check %s: level %q, want warn", id, level)
			}
		}
		if got := text(t, `#check-image-aspect-facebook`); !strings.Contains(got, "1.33:1") || !strings.Contains(got, "1200×630") {
			t.Errorf("the aspect check says %q; it should name the photo's 1.33:1 and what to use", got)
		}
	})

	t.Run("share chart", func(t *testing.T) {
		bars, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('#shares svg rect').length`))
		if err != nil {
			t.Fatal(err)
		}
		legend := text(t, `#shares .legend`)
		if bars != 3 || !strings.Contains(legend, "Facebook 7") {
			t.Errorf("chart has %d bars, legend %q; want today's 3 networks and Facebook 7", bars, legend)
		}
		if bad, err := chromedp.Run(bctx, chromedp.Evaluate[string](chartLabels)); err != nil || bad != "" {
			t.Errorf("chart at 1280 px: %s (%v)", bad, err)
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		for _, n := range networkLimits {
			shot, err := chromedp.Run(bctx, chromedp.Screenshot(chromedp.CSS("#net-"+n.id)))
			if err != nil {
				t.Fatalf("screenshot %s: %v", n.id, err)
			}
			saveScreen(t, n.id, shot, 600)
		}
		// The story as the fediverse followers get it.
		do(t, "the fediverse section", visible(`#fediverse .toot`))
		if toot := text(t, `#fediverse .toot`); !strings.Contains(toot, "@news@") {
			t.Errorf("the Mastodon mock-up reads %q, want the account", toot)
		}
		shot, err := chromedp.Run(bctx, chromedp.Screenshot(chromedp.CSS("#fediverse")))
		if err != nil {
			t.Fatalf("screenshot fediverse: %v", err)
		}
		saveScreen(t, "fediverse", shot, 600)
	})

	t.Run("phone", func(t *testing.T) {
		do(t, "narrow viewport",
			chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
			chromedp.Navigate(preview),
			visible(`#net-facebook figure`),
		)
		overflow, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow {
			t.Errorf("the page scrolls sideways at 390 px")
		}
		shot, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		saveScreen(t, "phone", shot, 300)
		if bad, err := chromedp.Run(bctx, chromedp.Evaluate[string](chartLabels)); err != nil || bad != "" {
			t.Errorf("chart at 390 px: %s (%v)", bad, err)
		}
		do(t, "the index on a phone", chromedp.Navigate(ts.URL+"/articles/preview"), visible(`tr[data-id="studio-draft"]`))
		if bad, err := chromedp.Run(bctx, chromedp.Evaluate[string](indexOnPhone)); err != nil || bad != "" {
			t.Errorf("index at 390 px: %s (%v)", bad, err)
		}
		do(t, "back to desktop", chromedp.EmulateViewport(1280, 900))
	})

	t.Run("index", func(t *testing.T) {
		row := fmt.Sprintf(`tr[data-id=%q]`, studioID)
		do(t, "open the index", chromedp.Navigate(ts.URL+"/articles/preview"), visible(row))
		if warnings := text(t, row+` td.num:last-child`); warnings == "0" || warnings == "" {
			t.Errorf("the draft shows %q warnings in the index", warnings)
		}
		if href := attr(t, row+` a`, "href"); href != "/articles/"+studioID+"/preview" {
			t.Errorf("the index links to %q", href)
		}
		// Past the first 30: the next page, and back.
		last := fmt.Sprintf(`tr[data-id="archive-%02d"]`, studioArchive-1)
		do(t, "the next page", chromedp.Click(chromedp.CSS(`#next`)), visible(last), visible(`#first`))
		do(t, "back to the newest", chromedp.Click(chromedp.CSS(`#first`)), visible(row))
		// A search finds a story past the first page.
		do(t, "search",
			chromedp.SendKeys(chromedp.CSS(`#q`), "Архив 32"),
			chromedp.Submit(chromedp.CSS(`#q`)),
			visible(`tr[data-id="archive-32"]`),
		)
		if n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll('tr[data-id]').length`)); err != nil || n != 1 {
			t.Errorf("the search for one story lists %d rows (%v)", n, err)
		}
	})

	t.Run("missing article", func(t *testing.T) {
		do(t, "open a missing story's preview", chromedp.Navigate(ts.URL+"/articles/"+studioMissing+"/preview"), visible(`#message`))
		if h1, lang := text(t, `h1`), attr(t, `html`, "lang"); h1 != "Няма такава статия" || lang != "bg" {
			t.Errorf("a missing story's preview is %q in %q, want the studio's Bulgarian page", h1, lang)
		}
		if href := attr(t, `main a`, "href"); href != "/articles/preview" {
			t.Errorf("the missing story's page links to %q, want the index", href)
		}
	})

	t.Run("sign out", func(t *testing.T) {
		do(t, "sign out",
			chromedp.Click(chromedp.CSS(`.bar button`)),
			visible(`#token`),
			chromedp.Navigate(preview),
			visible(`#token`),
		)
	})

	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		// The sign-in form's 401 and the missing story's 404 are the
		// expected answers, not faults.
		if strings.Contains(p, "401") || strings.Contains(p, "404") && strings.Contains(p, studioMissing) {
			continue
		}
		t.Errorf("browser reported: %s", p)
	}
}

// checkCut checks that got is full as a network shows it with at most max
// characters (bytes): unchanged if it fits, else a prefix of full that
// fits, ending in the network's ellipsis. The share page itself trims
// (og:title to 95, twitter:title to 70, the description to 200, on a word
// boundary, with "…") before any network cuts, so the prefix may be
// shorter than max.
func checkCut(t *testing.T, what, got, full string, max int, ellipsis string, bytes bool) {
	t.Helper()
	length := utf8.RuneCountInString
	if bytes {
		length = func(s string) int { return len(s) }
	}
	if got == full {
		if length(full) > max {
			t.Errorf("%s shown whole (%d), longer than the %d the network shows", what, length(full), max)
		}
		return
	}
	text, ok := strings.CutSuffix(got, ellipsis)
	if !ok {
		// The share page's own "…" (word-boundary trim) before the cut.
		text, ok = strings.CutSuffix(got, "…")
	}
	text = strings.TrimSuffix(text, "…")
	if !ok || !strings.HasPrefix(full, text) || length(text) > max || length(text) < max/2 {
		t.Errorf("%s %q: want a cut of at most %d %s ending in %q", what, got, max, map[bool]string{true: "bytes", false: "characters"}[bytes], ellipsis)
	}
}

// saveScreen checks that shot is a PNG at least minWidth wide and, with
// -update, writes it to docs/preview/<name>.png.
func saveScreen(t *testing.T, name string, shot []byte, minWidth int) {
	t.Helper()
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil || cfg.Width < minWidth {
		t.Errorf("screenshot %s: %d px wide, %v", name, cfg.Width, err)
		return
	}
	if !*updateScreens {
		return
	}
	dir := filepath.Join("..", "..", "docs", "preview")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
}

// until evaluates the boolean expression expr in the page until it is true,
// polling from here: chromedp's own polling runs in the page and stops
// with the page's scripts, which this test turns off. It gives up only
// at waitLimit, far beyond what any step takes on a loaded machine.
func until(ctx context.Context, expr string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err != nil || ok {
			return ok, err
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-tick.C:
		}
	}
}

// waitLimit bounds one wait for a condition in the page.
const waitLimit = 2 * time.Minute
