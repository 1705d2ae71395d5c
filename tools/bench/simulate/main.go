// Command simulate replays a viral hour's request mix, bounded and on
// loopback: the local server on DynamoDB (moto, behind the fault proxy) as
// the origin, the edge model (internal/testing/cdnsim: CloudFront's cache
// keys from template.yaml, Cache-Control lifetimes, several edge locations
// that start cold, revalidation, invalidations that take time) in front,
// on a simulated clock spread over the hour, a fixed number of requests in
// the hour's proportions: the whole mix, readers only (no crawler at all),
// and the whole mix with every share-counter write throttled. Then it
// measures how long an editor's correction takes to reach every edge,
// through the real notifier and CDN client. It writes a markdown report
// (docs/simulation.md by `make simulate`): origin requests/s, cache hit
// ratio per route and for readers' share pages, p50/p99 latency, errors,
// and the correction's seconds to every edge.
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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/cdn"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/notify"
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
	hit     bool // answered from an edge cache (X-Cache: Hit…)
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
		edges    = flag.Int("edges", 8, "edge locations, each with a cache of its own")
		span     = flag.Duration("span", time.Hour, "simulated time the requests of a phase are spread over")
		fixes    = flag.Int("corrections", 20, "editor's corrections whose way to every edge is timed")
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
	for _, m := range []mix{{name: "viral hour, cold edges"}, {name: "readers only, no crawler at all", readersOnly: true},
		{name: "every counter write throttled", throttled: true}} {
		p, err := runPhase(behaviors, endpoint, m, *requests, *workers, *seedN, *edges, *span)
		if err != nil {
			return err
		}
		phases = append(phases, p)
	}
	var fixRuns []corrections
	for _, invalidate := range []bool{true, false} {
		c, err := runCorrections(behaviors, endpoint, *edges, *fixes, invalidate, *seedN)
		if err != nil {
			return err
		}
		fixRuns = append(fixRuns, c)
	}
	report := render(phases, fixRuns, *requests, *workers, *edges, *span)
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

// mix is one phase's traffic.
type mix struct {
	name        string
	readersOnly bool // readers' share pages and share clicks only: no crawler, card, feed or oEmbed
	throttled   bool // every share-counter write throttled
}

// simClock is the edge's clock: request i of a phase happens at
// start + i×step, so lifetimes expire over the simulated span with no real
// wait.
type simClock struct {
	start time.Time
	step  time.Duration
	mu    sync.Mutex
	at    time.Duration
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(c.at)
}

// reach moves the clock to request i's time (never back).
func (c *simClock) reach(i int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = max(c.at, time.Duration(i)*c.step)
}

func (c *simClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at += d
}

// rig is the origin (the local server on moto behind the fault proxy,
// requiring the CDN's secret) and the edge model in front of it.
type rig struct {
	fp      *faultproxy.Proxy
	proxy   *cdnsim.Proxy
	edge    *httptest.Server
	srv     *server.Server
	origin  *httptest.Server
	article article.Article
	cfg     config.Config
}

func newRig(behaviors []cdnsim.Behavior, endpoint string, edges int, clock func() time.Time) (*rig, error) {
	ctx := context.Background()
	fp, err := faultproxy.Start(endpoint)
	if err != nil {
		return nil, err
	}
	g := &rig{fp: fp}
	g.proxy = &cdnsim.Proxy{Behaviors: behaviors, Header: http.Header{httpapi.OriginSecretHeader: {secret}},
		Client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}, Now: clock, Edges: edges}
	g.edge = httptest.NewServer(g.proxy)
	table := fmt.Sprintf("sim-%d", time.Now().UnixNano())
	g.cfg, err = config.Load(func(k string) string {
		return map[string]string{
			"DYNAMODB_ENDPOINT": fp.URL(), "TABLE_NAME": table, "BASE_URL": g.edge.URL, "HUB_URL": "",
			"LOG_LEVEL": "ERROR",
		}[k]
	})
	if err != nil {
		g.close()
		return nil, err
	}
	g.srv, err = server.New(ctx, g.cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		g.close()
		return nil, err
	}
	g.origin = httptest.NewServer(httpapi.RequireOrigin(secret, g.srv.Handler))
	g.proxy.Origin = g.origin.URL
	nato := seed.Articles(g.cfg.SiteURL)[0]
	g.article, err = g.srv.Store.GetBySlug(ctx, nato.Slug)
	if err != nil {
		g.close()
		return nil, fmt.Errorf("seeded article: %w", err)
	}
	return g, nil
}

func (g *rig) close() {
	if g.origin != nil {
		g.origin.Close()
	}
	if g.srv != nil {
		g.srv.Close()
	}
	if g.edge != nil {
		g.edge.Close()
	}
	_ = g.fp.Close()
}

// acceptEncoding is what each kind of client sends: browsers brotli and
// gzip, the others gzip.
func acceptEncoding(ua string) string {
	if ua == browserUA || ua == botUA {
		return "gzip, deflate, br, zstd"
	}
	return "gzip"
}

func runPhase(behaviors []cdnsim.Behavior, endpoint string, m mix, n, workers int, seedN uint64, edges int, span time.Duration) (phase, error) {
	ctx := context.Background()
	clock := &simClock{start: time.Now(), step: span / time.Duration(n)}
	g, err := newRig(behaviors, endpoint, edges, clock.Now)
	if err != nil {
		return phase{}, err
	}
	defer g.close()
	a := g.article
	cs := classes(g.edge.URL, a.Slug, a.Version)
	// The order of the hour: each class in proportion to its rate. No
	// request comes before the phase: every edge starts cold.
	var total float64
	weight := func(ci int) float64 {
		if m.readersOnly && ci > 1 {
			return 0
		}
		return cs[ci].rate
	}
	for ci := range cs {
		total += weight(ci)
	}
	r := rand.New(rand.NewPCG(seedN, 42))
	order := make([]int, n)
	for i := range order {
		x := r.Float64() * total
		for ci := range cs {
			if x < weight(ci) {
				order[i] = ci
				break
			}
			x -= weight(ci)
		}
	}
	if m.throttled {
		if err := g.fp.Set(faultproxy.Fault{Mode: faultproxy.Throttle, Op: "UpdateItem"}); err != nil {
			return phase{}, err
		}
	}
	client := &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: workers * 2, DisableCompression: true},
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
				clock.reach(i)
				c := cs[order[i]]
				ua := c.ua
				if ua == "" {
					ua = crawlers[rr.IntN(len(crawlers))]
				}
				req, _ := http.NewRequest(http.MethodGet, g.edge.URL+c.path(rr, i), nil)
				req.Header.Set("User-Agent", ua)
				req.Header.Set("Accept-Encoding", acceptEncoding(ua))
				req.Header.Set("X-Edge", strconv.Itoa(rr.IntN(edges)))
				t0 := time.Now()
				resp, err := client.Do(req)
				res := result{class: order[i], err: err}
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					res.status = resp.StatusCode
					res.hit = strings.HasPrefix(resp.Header.Get("X-Cache"), "Hit")
				}
				res.latency = time.Since(t0)
				results[i] = res
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	g.srv.Clicks.Wait()
	_ = g.fp.Pass()
	p := phase{name: m.name, took: took, results: results, stats: g.proxy.Stats()}
	p.counted, p.failed, p.late = g.srv.Clicks.Counted.Load(), g.srv.Clicks.Failed.Load(), g.srv.Clicks.Late.Load()
	for _, res := range results {
		if strings.Contains(cs[res.class].name, "/to/") {
			p.clicks++
		}
	}
	counter, ok := g.srv.Store.(interface {
		ShareCounts(ctx context.Context, id string) (map[string]int64, error)
	})
	if !ok {
		return phase{}, fmt.Errorf("store %T cannot count shares", g.srv.Store)
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

// corrections are the seconds (simulated) from an editor's correction to
// the corrected title at each edge, one sample per correction and edge.
type corrections struct {
	invalidate bool
	seconds    []float64
	missing    int // edges that had not shown the title by the end
	limit      time.Duration
}

// Assumptions of the correction phase (CloudFront publishes no bound):
// the stream's batching window delays the notifier by up to
// MaximumBatchingWindowInSeconds (uniform), and each edge drops the
// invalidated copies a uniform 5–60 s after CreateInvalidation.
const (
	batchingWindow  = 5 * time.Second
	invalidationMin = 5 * time.Second
	invalidationMax = 60 * time.Second
	correctionStep  = 250 * time.Millisecond
)

// runCorrections times corrections: every edge holds the share page (a
// crawler's fetch at each), the editor replaces the title through the
// newsroom service, the stream's batching window passes, and the real
// notifier (notify.Handle with the real cdn client, on the record of that
// save) invalidates; the clock moves in correctionStep steps, and each
// edge is asked for the page at every step, as readers would, until all
// show the new title. Without the invalidation (the control), the copies
// expire by their s-maxage.
func runCorrections(behaviors []cdnsim.Behavior, endpoint string, edges, n int, invalidate bool, seedN uint64) (corrections, error) {
	ctx := context.Background()
	clock := &simClock{start: time.Now()}
	g, err := newRig(behaviors, endpoint, edges, clock.Now)
	if err != nil {
		return corrections{}, err
	}
	defer g.close()
	r := rand.New(rand.NewPCG(seedN, 7))
	g.proxy.InvalidationDelay = func(int) time.Duration {
		return invalidationMin + time.Duration(r.Int64N(int64(invalidationMax-invalidationMin)))
	}
	out := corrections{invalidate: invalidate, limit: 30 * time.Minute}
	step := correctionStep
	if !invalidate {
		out.limit, step, n = 2*time.Hour, 5*time.Second, min(n, 3)
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(edge int) (string, error) {
		req, _ := http.NewRequest(http.MethodGet, g.edge.URL+"/share/"+g.article.Slug, nil)
		req.Header.Set("User-Agent", crawlers[0])
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("X-Edge", strconv.Itoa(edge))
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	svc := newsroom.NewService(g.srv.Store, newsroom.Options{SiteURL: g.cfg.SiteURL})
	cf := cdn.New(aws.Config{Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "sim", SecretAccessKey: "sim"}, nil
	})}, "ESIM", cdn.Options{Endpoint: g.edge.URL, PollInterval: time.Millisecond})
	for k := range n {
		for e := range edges {
			if _, err := get(e); err != nil {
				return out, err
			}
		}
		old, err := g.srv.Store.Get(ctx, g.article.ID)
		if err != nil {
			return out, err
		}
		cur := old
		cur.Title = fmt.Sprintf("%s (поправка %d)", g.article.Title, k+1)
		v := old.Version
		cur, _, err = svc.Replace(ctx, old.ID, cur, &v)
		if err != nil {
			return out, fmt.Errorf("correction %d: %w", k+1, err)
		}
		start := clock.Now()
		clock.advance(time.Duration(r.Int64N(int64(batchingWindow))))
		done := make(chan error, 1)
		if invalidate {
			nt := notify.New(notify.Options{
				Articles: func(*events.DynamoDBStreamRecord) (o, c *article.Article, ok bool, err error) {
					return &old, &cur, true, nil
				},
				Invalidator: cf,
				Now:         clock.Now,
			})
			go func() {
				res, err := nt.Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{}}})
				if err == nil && len(res.BatchItemFailures) != 0 {
					err = fmt.Errorf("notify reported %v", res.BatchItemFailures)
				}
				done <- err
			}()
		} else {
			done <- nil
		}
		seen := make([]bool, edges)
		left := edges
		for clock.Now().Sub(start) < out.limit && left > 0 {
			for e := range edges {
				if seen[e] {
					continue
				}
				body, err := get(e)
				if err != nil {
					return out, err
				}
				if strings.Contains(body, "(поправка "+strconv.Itoa(k+1)+")") {
					seen[e] = true
					left--
					out.seconds = append(out.seconds, clock.Now().Sub(start).Seconds())
				}
			}
			g.proxy.Settle() // a background refresh lands before the clock moves on
			clock.advance(step)
		}
		out.missing += left
		// Let the invalidation complete before the next correction.
		for {
			select {
			case err := <-done:
				if err != nil {
					return out, fmt.Errorf("correction %d: %w", k+1, err)
				}
			default:
				clock.advance(step)
				time.Sleep(time.Millisecond) // lets the notifier's poll see the moved clock
				continue
			}
			break
		}
		clock.advance(time.Minute)
	}
	return out, nil
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

// errorStatuses lists the errors of p by class and answer ("card …: 503 ×7").
func errorStatuses(p phase, cs []class) string {
	type k struct {
		class  int
		status string
	}
	counts := map[k]int{}
	var keys []k
	for _, r := range p.results {
		c := cs[r.class]
		if r.err == nil && r.status < 500 && (c.want == 0 || r.status == c.want) {
			continue
		}
		st := strconv.Itoa(r.status)
		if r.err != nil {
			st = "transport error"
		}
		kk := k{r.class, st}
		if counts[kk] == 0 {
			keys = append(keys, kk)
		}
		counts[kk]++
	}
	var parts []string
	for _, kk := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s ×%d", cs[kk.class].name, kk.status, counts[kk]))
	}
	return strings.Join(parts, "; ")
}

// readerHits is the cache hit ratio of readers' share pages (class 0).
func readerHits(p phase) (hits, n int) {
	for _, r := range p.results {
		if r.class == 0 {
			n++
			if r.hit {
				hits++
			}
		}
	}
	return hits, n
}

func render(phases []phase, fixes []corrections, n, workers, edges int, span time.Duration) string {
	var b strings.Builder
	cs := classes("", "<slug>", 1)
	fmt.Fprintf(&b, "# A viral day, simulated\n\n")
	fmt.Fprintf(&b, "Written by `make simulate` (tools/bench/simulate) on %s, load average %s, %d requests per phase, %d in flight, on loopback: "+
		"the local server on DynamoDB (moto_server behind internal/testing/faultproxy) as the origin, refusing requests without the CDN's secret; "+
		"internal/testing/cdnsim in front with template.yaml's cache behaviours and Cache-Control lifetimes, %d edge locations that start cold "+
		"(each request at a random one), Accept-Encoding in the key, revalidation with ETag, stale-while-revalidate (a refresh taken as landing before its window closes: "+
		"the origin's real time would be stretched by the simulated clock), private answers never shared. "+
		"Each phase's requests are spread over %s of simulated time (the edge's clock; no real waiting), so lifetimes expire as they would. "+
		"The mix is the issue's hour in proportion (requests/s): ", time.Now().UTC().Format("2006-01-02 15:04 UTC"), loadavg(), n, workers, edges, span)
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %g", c.name, c.rate)
	}
	b.WriteString(". The WAF is not simulated (its rules are checked by internal/testing/stackcheck); the bot's clicks reach the origin here. " +
		"Sampling the hour with fewer requests than it has makes each expiry and cold miss weigh more than at the real rate: the hit ratios are lower bounds.\n\n")
	for _, p := range phases {
		fmt.Fprintf(&b, "## %s\n\n", p.name)
		fmt.Fprintf(&b, "%d requests in %.1f s: %.0f requests/s at the edge, %d origin requests (%.2f%% of all).\n\n",
			len(p.results), p.took.Seconds(), float64(len(p.results))/p.took.Seconds(), p.originRq,
			100*float64(p.originRq)/float64(len(p.results)))
		b.WriteString("| request | n | p50 | p99 | errors | edge hits |\n|---|---:|---:|---:|---:|---:|\n")
		for ci, c := range cs {
			var lat []time.Duration
			errs, count, hits := 0, 0, 0
			for _, r := range p.results {
				if r.class != ci {
					continue
				}
				count++
				lat = append(lat, r.latency)
				if r.hit {
					hits++
				}
				if r.err != nil || r.status >= 500 || (c.want != 0 && r.status != c.want) {
					errs++
				}
			}
			if count == 0 {
				continue
			}
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %d | %.2f%% |\n", c.name, count, ms(pct(lat, 0.5)), ms(pct(lat, 0.99)), errs, 100*float64(hits)/float64(count))
		}
		b.WriteString("\n| edge behaviour | requests | hits | origin requests | of which 304 | stale served | cache hit ratio |\n|---|---:|---:|---:|---:|---:|---:|\n")
		var pats []string
		for k := range p.stats {
			pats = append(pats, k)
		}
		slices.Sort(pats)
		for _, k := range pats {
			s := p.stats[k]
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %.2f%% |\n", k, s.Requests, s.Hits, s.Origin, s.Revalidated, s.Stale, 100*s.HitRatio())
		}
		fmt.Fprintf(&b, "\nShare clicks: %d sent; counter writes counted %d, failed %d (logged, never a 5xx), late %d; stored total %d.\n\n",
			p.clicks, p.counted, p.failed, p.late, p.stored)
		if bad := errorStatuses(p, cs); bad != "" {
			fmt.Fprintf(&b, "Errors by answer: %s.\n\n", bad)
		}
	}
	if len(fixes) > 0 {
		b.WriteString("## A correction's way to every edge\n\n")
		fmt.Fprintf(&b, "Each correction: the share page cached at all %d edges, the title replaced through the newsroom service, "+
			"the stream's batching window (uniform 0–%s, assumed), the real notifier and CDN client invalidating, each edge dropping its copy "+
			"a uniform %s–%s after CreateInvalidation (assumed: CloudFront publishes no bound), and every edge asked for the page every %s of "+
			"simulated time until it shows the new title. Seconds from the save to the new title, over corrections × edges:\n\n",
			edges, batchingWindow, invalidationMin, invalidationMax, correctionStep)
		b.WriteString("| run | samples | p50 | p99 | max | edges never corrected |\n|---|---:|---:|---:|---:|---:|\n")
		for _, f := range fixes {
			name := "with the notifier's invalidation"
			if !f.invalidate {
				name = "control: no invalidation (copies expire by s-maxage)"
			}
			secs := slices.Clone(f.seconds)
			slices.Sort(secs)
			q := func(x float64) float64 {
				if len(secs) == 0 {
					return 0
				}
				return secs[int(x*float64(len(secs)-1))]
			}
			fmt.Fprintf(&b, "| %s | %d | %.1f s | %.1f s | %.1f s | %d (within %s) |\n", name, len(secs), q(0.5), q(0.99), q(1), f.missing, f.limit)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Targets\n\n")
	hit := func(p phase, pat string) string {
		if p.stats[pat].Requests == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.2f%%", 100*p.stats[pat].HitRatio())
	}
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
		h, rn := readerHits(p)
		fmt.Fprintf(&b, "- %s: readers' share pages %.2f%% edge hits (target at least 99%%), all share pages %s, cards %s; %d errors (target 0).\n",
			p.name, 100*float64(h)/float64(max(rn, 1)), hit(p, "/share/*"), hit(p, "/share/*/card.png"), errs(p))
	}
	if len(phases) == 3 {
		click := cs[1].name
		fmt.Fprintf(&b, "- Share-link p99: %s healthy, %s with every counter write throttled (target: unchanged).\n",
			ms(p99(phases[0], click)), ms(p99(phases[2], click)))
	}
	for _, f := range fixes {
		if f.invalidate {
			secs := slices.Clone(f.seconds)
			slices.Sort(secs)
			if len(secs) > 0 {
				fmt.Fprintf(&b, "- Correction to every edge: p50 %.1f s, p99 %.1f s (target p99 at most 60 s), %d edges never corrected; under the assumptions above.\n",
					secs[int(0.5*float64(len(secs)-1))], secs[int(0.99*float64(len(secs)-1))], f.missing)
			}
		}
	}
	b.WriteString("\nOn this loopback rig the origin is moto_server, one Python process on a shared machine: its latency, not the service's, " +
		"and the load average above set the latencies, the errors (listed by answer under each phase) and the counter writes that failed; " +
		"the cards are drawn without their photo (its origin, the publisher's site, is not reachable on loopback), so they are cached 5 minutes, not a year, " +
		"which is most of the cards' misses. Most counter writes outlast the 50 ms budget here (\"late\", then counted). " +
		"Figures of the service itself are in docs/figures.md; what the hour costs in AWS is in docs/at-scale.md.\n")
	return b.String()
}
