package benchmark

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// CrawlerUA is Facebook's crawler, which the share page serves OpenGraph
// to.
const CrawlerUA = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"

// LoadTarget is one request repeated under load and the status it must
// answer with.
type LoadTarget struct {
	Name   string
	Method string
	URL    string
	Header http.Header
	Want   int
}

// LoadResult is what a load run measured.
type LoadResult struct {
	Requests int
	// Errors counts transport errors and any status other than Want.
	Errors   int
	Duration time.Duration
	P50, P99 time.Duration
	// FirstError describes one error, for the report.
	FirstError string
	// CPU is the CPU time LoadOptions.PID used during the measured run
	// (0 without a PID).
	CPU time.Duration
}

// CPUPerRequest is CPU over the requests answered.
func (r LoadResult) CPUPerRequest() time.Duration {
	if r.Requests == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Requests)
}

// RPS is requests per second over the run.
func (r LoadResult) RPS() float64 {
	if r.Duration <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Duration.Seconds()
}

// LoadOptions bounds a load run.
type LoadOptions struct {
	// Duration of the measured run, after a warm-up of a tenth of it.
	Duration time.Duration
	// Workers is the number of requests in flight: closed loop, each
	// worker sends its next request when the last one is answered.
	Workers int
	// PID, when not 0, is the server's process, whose CPU time over the
	// measured run goes into LoadResult.CPU: unlike the rate, it does not
	// depend on what else the shared cores run.
	PID int
}

// Load drives t with vegeta at maximum throughput with opts.Workers
// requests in flight, for opts.Duration, after a warm-up whose results are
// dropped (the first requests fill caches and open connections). Bodies
// are read and discarded.
func Load(ctx context.Context, t LoadTarget, opts LoadOptions) (LoadResult, error) {
	if opts.Workers < 1 || opts.Duration <= 0 {
		return LoadResult{}, fmt.Errorf("load: need workers and a duration, got %+v", opts)
	}
	target := vegeta.Target{Method: t.Method, URL: t.URL, Header: t.Header}
	if _, err := target.Request(); err != nil {
		return LoadResult{}, fmt.Errorf("load %s: %w", t.Name, err)
	}
	run := func(d time.Duration) (LoadResult, error) {
		w := uint64(opts.Workers)
		atk := vegeta.NewAttacker(
			vegeta.Workers(w), vegeta.MaxWorkers(w),
			vegeta.Connections(opts.Workers), vegeta.MaxConnections(opts.Workers),
			vegeta.KeepAlive(true), vegeta.MaxBody(0), vegeta.Timeout(10*time.Second),
			vegeta.Redirects(vegeta.NoFollow))
		var res LoadResult
		lat := make([]time.Duration, 0, 1<<16)
		start := time.Now()
		var last time.Time
		for r := range atk.Attack(vegeta.NewStaticTargeter(target), vegeta.ConstantPacer{}, d, t.Name) {
			if ctx.Err() != nil {
				atk.Stop()
			}
			res.Requests++
			lat = append(lat, r.Latency)
			if end := r.End(); end.After(last) {
				last = end
			}
			if int(r.Code) != t.Want { // a transport error has code 0
				res.Errors++
				if res.FirstError == "" {
					res.FirstError = fmt.Sprintf("status %d %s", r.Code, r.Error)
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		res.Duration = last.Sub(start)
		slices.Sort(lat)
		res.P50, res.P99 = Percentile(lat, 50), Percentile(lat, 99)
		return res, nil
	}
	if _, err := run(opts.Duration / 10); err != nil {
		return LoadResult{}, err
	}
	if opts.PID == 0 {
		return run(opts.Duration)
	}
	before, err := ProcessCPU(opts.PID)
	if err != nil {
		return LoadResult{}, err
	}
	res, err := run(opts.Duration)
	if err != nil {
		return res, err
	}
	after, err := ProcessCPU(opts.PID)
	res.CPU = after - before
	return res, err
}

// FeedTargets returns the load targets of the issue on server base: the
// RSS feed in full (gzip, as feed readers ask, no validators), the same
// feed revalidated with its ETag (304), and a share page fetched by a
// crawler. It fetches the feed once for its ETag.
func FeedTargets(ctx context.Context, base, slug string) ([]LoadTarget, error) {
	feedURL := base + "/feeds/rss.xml"
	full := http.Header{"Accept-Encoding": {"gzip"}, "User-Agent": {"Feedly/1.0"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, feedURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header = full.Clone()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return nil, fmt.Errorf("feed etag: %w", err)
	}
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != http.StatusOK || etag == "" {
		return nil, fmt.Errorf("feed etag: status %d, ETag %q", resp.StatusCode, etag)
	}
	revalidate := full.Clone()
	revalidate.Set("If-None-Match", etag)
	return []LoadTarget{
		{Name: "RSS feed, full", Method: http.MethodGet, URL: feedURL, Header: full, Want: http.StatusOK},
		{Name: "RSS feed, 304", Method: http.MethodGet, URL: feedURL, Header: revalidate, Want: http.StatusNotModified},
		{Name: "share page, crawler", Method: http.MethodGet, URL: base + "/share/" + slug,
			Header: http.Header{"User-Agent": {CrawlerUA}}, Want: http.StatusOK},
	}, nil
}

// LoadRows runs every target in turn and returns a row each, labelled
// with the store's name.
func LoadRows(ctx context.Context, store string, targets []LoadTarget, opts LoadOptions) ([]Row, error) {
	var rows []Row
	for _, t := range targets {
		r, err := Load(ctx, t, opts)
		if err != nil {
			return rows, err
		}
		result := fmt.Sprintf("%.0f req/s, p50 %s, p99 %s, %d requests, %d errors",
			r.RPS(), FormatDuration(r.P50), FormatDuration(r.P99), r.Requests, r.Errors)
		if r.FirstError != "" {
			result += " (first: " + r.FirstError + ")"
		}
		rows = append(rows, Row{Case: t.Name + " (" + store + ")", Result: result,
			Target: "0 errors", Verdict: Check(r.Errors == 0 && r.Requests > 0)})
	}
	return rows, nil
}
