// Command simulate replays a viral day's request mix, bounded and on
// loopback: the local server on DynamoDB (moto, behind the fault proxy) as
// the origin, the edge proxy (package edge: CloudFront's cache keys from
// template.yaml, Cache-Control, the origin secret) in front, a fixed number
// of requests in the day's proportions, once with a healthy table and once
// with every share-counter write throttled. It writes a markdown report
// (docs/simulation.md by `make simulate`): origin requests/s, cache hit
// ratio per route, p50/p99 latency and errors.
//
// It needs DYNAMODB_ENDPOINT (scripts/with-moto.sh sets it).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/server"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/testing/cdnsim"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
	"github.com/newsdesk/syndicate/internal/testing/stackcheck"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "simulate:", err)
		os.Exit(1)
	}
}

// class is one kind of request of the day, at rate per second.
type class struct {
	name  string
	route string // the edge behaviour it falls under, for the report
	rate  float64
	ua    string
	path  func(r *rand.Rand, i int) string
	want  int // expected status
}

const (
	browserUA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
	botUA     = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
)

// crawlers are the nine networks' link-preview fetchers.
var crawlers = []string{
	"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
	"Twitterbot/1.0", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
	"TelegramBot (like TwitterBot)", "Viber", "WhatsApp/2.23.20.0", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
	"Discordbot/2.0; +https://discordapp.com", "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
}

func classes(base, slug string, version int64) []class {
	page := "/share/" + slug
	uniq := func(r *rand.Rand, i int) string {
		return fmt.Sprintf("fbclid=IwAR%d%x&utm_source=facebook&utm_medium=social", i, r.Uint64())
	}
	v := share.CardVersion(version)
	return []class{
		{"share page, reader (unique fbclid/utm_*)", "/share/*", 5000, browserUA, func(r *rand.Rand, i int) string { return page + "?" + uniq(r, i) }, 200},
		{"share link click (/to/<network>)", "/share/*/to/*", 2000, browserUA, func(r *rand.Rand, i int) string {
			return page + "/to/" + share.Networks[r.IntN(len(share.Networks))] + "?utm_source=share-bar"
		}, 302},
		{"bot on /to/facebook, one address", "/share/*/to/*", 100, botUA, func(*rand.Rand, int) string { return page + "/to/facebook" }, 302},
		{"crawler: share page", "/share/*", 45, "", func(*rand.Rand, int) string { return page }, 200},
		{"crawler: card (v + junk)", "/share/*/card.png", 45, "", func(r *rand.Rand, i int) string {
			return page + "/card.png?v=" + v + "&" + uniq(r, i)
		}, 200},
		{"card, other clients (v + unique x)", "/share/*/card.png", 200, browserUA, func(r *rand.Rand, i int) string {
			return page + "/card.png?v=" + v + "&x=" + fmt.Sprint(r.Uint64())
		}, 200},
		{"feed poll (2M/day)", "/feeds/*", 23, "Feedly/1.0", func(r *rand.Rand, i int) string {
			return []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/feed.json"}[r.IntN(3)] + "?utm_source=reader" + fmt.Sprint(i)
		}, 200},
		{"oEmbed", "/oembed", 5, "Iframely/1.3", func(*rand.Rand, int) string {
			return "/oembed?format=json&url=" + url.QueryEscape(base+"/share/"+slug) + "&utm_source=x"
		}, 200},
	}
}

type result struct {
	class   int
	status  int
	latency time.Duration
	err     error
}

type phase struct {
	name     string
	took     time.Duration
	results  []result
	stats    map[string]cdnsim.Stats
	counted  int64
	failed   int64
	late     int64
	clicks   int
	stored   int64
	originRq int64
}

func run() error {
	var (
		root     = flag.String("root", "../..", "the service module's directory (template.yaml)")
		out      = flag.String("out", "", "write the markdown report here as well as to stdout")
		requests = flag.Int("requests", 20000, "requests per phase")
		workers  = flag.Int("workers", 32, "requests in flight")
		seedN    = flag.Uint64("seed", 1, "random seed of the request order")
	)
	flag.Parse()
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		return fmt.Errorf("DYNAMODB_ENDPOINT is not set: run it under scripts/with-moto.sh (make simulate)")
	}
	tmpl, err := stackcheck.Load(filepath.Join(*root, "template.yaml"))
	if err != nil {
		return err
	}
	behaviors, err := cdnsim.FromTemplate(tmpl, "CDN")
	if err != nil {
		return err
	}
	var phases []phase
	for _, throttled := range []bool{false, true} {
		p, err := runPhase(behaviors, endpoint, throttled, *requests, *workers, *seedN)
		if err != nil {
			return err
		}
		phases = append(phases, p)
	}
	report := render(phases, *requests, *workers)
	fmt.Print(report)
	if *out != "" {
		path := *out
		if !filepath.IsAbs(path) {
			path = filepath.Join(*root, path)
		}
		return os.WriteFile(path, []byte(report), 0o644)
	}
	return nil
}

const secret = "simulation-origin-secret-0123456789"

func runPhase(behaviors []cdnsim.Behavior, endpoint string, throttled bool, n, workers int, seedN uint64) (phase, error) {
	ctx := context.Background()
	fp, err := faultproxy.Start(endpoint)
	if err != nil {
		return phase{}, err
	}
	defer fp.Close()
	proxy := &cdnsim.Proxy{Behaviors: behaviors, Header: http.Header{httpapi.OriginSecretHeader: {secret}},
		Client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}}
	edgeSrv := httptest.NewServer(proxy)
	defer edgeSrv.Close()
	table := fmt.Sprintf("sim-%d", time.Now().UnixNano())
	cfg, err := config.Load(func(k string) string {
		return map[string]string{
			"DYNAMODB_ENDPOINT": fp.URL(), "TABLE_NAME": table, "BASE_URL": edgeSrv.URL, "HUB_URL": "",
			"LOG_LEVEL": "ERROR",
		}[k]
	})
	if err != nil {
		return phase{}, err
	}
	srv, err := server.New(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return phase{}, err
	}
	defer srv.Close()
	origin := httptest.NewServer(httpapi.RequireOrigin(secret, srv.Handler))
	defer origin.Close()
	proxy.Origin = origin.URL

	nato := seed.Articles(cfg.SiteURL)[0]
	a, err := srv.Store.GetBySlug(ctx, nato.Slug)
	if err != nil {
		return phase{}, fmt.Errorf("seeded article: %w", err)
	}
	cs := classes(edgeSrv.URL, a.Slug, a.Version)
	// The order of the day: each class in proportion to its rate.
	var total float64
	for _, c := range cs {
		total += c.rate
	}
	r := rand.New(rand.NewPCG(seedN, 42))
	order := make([]int, n)
	for i := range order {
		x := r.Float64() * total
		for ci, c := range cs {
			if x < c.rate {
				order[i] = ci
				break
			}
			x -= c.rate
		}
	}
	// A story is shared before it is read from a network: each network's
	// crawler scrapes the share page and its card when the link is posted,
	// before any reader can click the post. Those first fetches come first
	// here too (they are not counted in the report).
	for _, ua := range crawlers {
		for _, path := range []string{"/share/" + a.Slug, "/share/" + a.Slug + "/card.png?v=" + share.CardVersion(a.Version)} {
			req, _ := http.NewRequest(http.MethodGet, edgeSrv.URL+path, nil)
			req.Header.Set("User-Agent", ua)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return phase{}, fmt.Errorf("crawler's first fetch: %w", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	proxy.ResetStats()
	if throttled {
		if err := fp.Set(faultproxy.Fault{Mode: faultproxy.Throttle, Op: "UpdateItem"}); err != nil {
			return phase{}, err
		}
	}
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: workers * 2},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	results := make([]result, n)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			rr := rand.New(rand.NewPCG(seedN, uint64(w)))
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				c := cs[order[i]]
				ua := c.ua
				if ua == "" {
					ua = crawlers[rr.IntN(len(crawlers))]
				}
				req, _ := http.NewRequest(http.MethodGet, edgeSrv.URL+c.path(rr, i), nil)
				req.Header.Set("User-Agent", ua)
				t0 := time.Now()
				resp, err := client.Do(req)
				res := result{class: order[i], err: err}
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					res.status = resp.StatusCode
				}
				res.latency = time.Since(t0)
				results[i] = res
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	srv.Clicks.Wait()
	_ = fp.Pass()
	p := phase{name: "healthy table", took: took, results: results, stats: proxy.Stats()}
	if throttled {
		p.name = "every counter write throttled"
	}
	p.counted, p.failed, p.late = srv.Clicks.Counted.Load(), srv.Clicks.Failed.Load(), srv.Clicks.Late.Load()
	for _, res := range results {
		if strings.Contains(cs[res.class].name, "/to/") {
			p.clicks++
		}
	}
	counter, ok := srv.Store.(interface {
		ShareCounts(ctx context.Context, id string) (map[string]int64, error)
	})
	if !ok {
		return phase{}, fmt.Errorf("store %T cannot count shares", srv.Store)
	}
	counts, err := counter.ShareCounts(ctx, a.ID)
	if err != nil {
		return phase{}, err
	}
	for _, v := range counts {
		p.stored += v
	}
	for _, s := range p.stats {
		p.originRq += s.Origin
	}
	return p, nil
}

func pct(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := int(q * float64(len(d)-1))
	return d[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func render(phases []phase, n, workers int) string {
	var b strings.Builder
	cs := classes("", "<slug>", 1)
	fmt.Fprintf(&b, "# A viral day, simulated\n\n")
	fmt.Fprintf(&b, "Written by `make simulate` (tools/bench/simulate) on %s, load average %s, %d requests per phase, %d in flight, on loopback: "+
		"the local server on DynamoDB (moto_server behind internal/testing/faultproxy) as the origin, refusing requests without the CDN's secret; "+
		"internal/testing/cdnsim in front with template.yaml's cache behaviours and Cache-Control lifetimes. "+
		"The mix is the issue's hour in proportion (requests/s): ", time.Now().UTC().Format("2006-01-02 15:04 UTC"), loadavg(), n, workers)
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %g", c.name, c.rate)
	}
	b.WriteString(". The WAF is not simulated (its rules are checked by internal/testing/stackcheck); the bot's clicks reach the origin here.\n\n")
	for _, p := range phases {
		fmt.Fprintf(&b, "## %s\n\n", p.name)
		fmt.Fprintf(&b, "%d requests in %.1f s: %.0f requests/s at the edge, %d origin requests (%.0f/s, %.2f%% of all).\n\n",
			len(p.results), p.took.Seconds(), float64(len(p.results))/p.took.Seconds(), p.originRq, float64(p.originRq)/p.took.Seconds(),
			100*float64(p.originRq)/float64(len(p.results)))
		b.WriteString("| request | n | p50 | p99 | errors |\n|---|---:|---:|---:|---:|\n")
		for ci, c := range cs {
			var lat []time.Duration
			errs, count := 0, 0
			for _, r := range p.results {
				if r.class != ci {
					continue
				}
				count++
				lat = append(lat, r.latency)
				if r.err != nil || r.status >= 500 || (c.want != 0 && r.status != c.want) {
					errs++
				}
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %d |\n", c.name, count, ms(pct(lat, 0.5)), ms(pct(lat, 0.99)), errs)
		}
		b.WriteString("\n| edge behaviour | requests | origin requests | cache hit ratio |\n|---|---:|---:|---:|\n")
		var pats []string
		for k := range p.stats {
			pats = append(pats, k)
		}
		slices.Sort(pats)
		for _, k := range pats {
			s := p.stats[k]
			fmt.Fprintf(&b, "| %s | %d | %d | %.2f%% |\n", k, s.Requests, s.Origin, 100*s.HitRatio())
		}
		fmt.Fprintf(&b, "\nShare clicks: %d sent; counter writes counted %d, failed %d (logged, never a 5xx), late %d; stored total %d.\n\n",
			p.clicks, p.counted, p.failed, p.late, p.stored)
	}
	b.WriteString("## Targets\n\n")
	hit := func(p phase, pat string) float64 { return 100 * p.stats[pat].HitRatio() }
	p99 := func(p phase, name string) time.Duration {
		var lat []time.Duration
		for _, r := range p.results {
			if cs[r.class].name == name {
				lat = append(lat, r.latency)
			}
		}
		return pct(lat, 0.99)
	}
	errs := func(p phase) int {
		n := 0
		for _, r := range p.results {
			if c := cs[r.class]; r.err != nil || r.status >= 500 || (c.want != 0 && r.status != c.want) {
				n++
			}
		}
		return n
	}
	for _, p := range phases {
		fmt.Fprintf(&b, "- %s: share pages %.2f%% hits, cards %.2f%% hits (target at least 99%%); %d errors (target 0).\n",
			p.name, hit(p, "/share/*"), hit(p, "/share/*/card.png"), errs(p))
	}
	if len(phases) == 2 {
		click := cs[1].name
		fmt.Fprintf(&b, "- Share-link p99: %s healthy, %s with every counter write throttled (target: unchanged).\n",
			ms(p99(phases[0], click)), ms(p99(phases[1], click)))
	}
	b.WriteString("\nOn this loopback rig the origin is moto_server, one Python process on a shared machine: its latency, not the service's, " +
		"sets the share links' p50/p99 and makes most counter writes outlast the 50 ms budget (\"late\", then counted). " +
		"Figures of the service itself are in docs/figures.md; what the hour costs in AWS is in docs/at-scale.md.\n")
	return b.String()
}
