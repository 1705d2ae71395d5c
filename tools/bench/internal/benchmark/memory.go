package benchmark

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// MemorySample is the server's memory after Requests requests.
type MemorySample struct {
	Requests int
	Memory
}

// MemoryResult is what a memory run saw.
type MemoryResult struct {
	Samples  []MemorySample
	Errors   int
	Duration time.Duration
}

// MixedTargets is the request mix of the memory run on s: feeds in full and
// revalidated in three formats and for a section, share pages of every
// article, share cards, and admin reads.
func MixedTargets(ctx context.Context, s *LocalServer) ([]LoadTarget, error) {
	base, err := FeedTargets(ctx, s.URL, s.Slugs[0])
	if err != nil {
		return nil, err
	}
	ts := base[:2]
	for _, p := range []string{"/feeds/atom.xml", "/feeds/feed.json", "/sitemap-news.xml"} {
		ts = append(ts, LoadTarget{Name: p, Method: http.MethodGet, URL: s.URL + p, Want: http.StatusOK})
	}
	// Share pages of many articles, so per-article state (if any leaked)
	// would show; the card is costly to draw, so it is one request in
	// about twenty.
	for i, slug := range s.Slugs {
		ts = append(ts, LoadTarget{Name: "share", Method: http.MethodGet, URL: s.URL + "/share/" + slug,
			Header: http.Header{"User-Agent": {CrawlerUA}}, Want: http.StatusOK})
		if i < 4 {
			ts = append(ts, LoadTarget{Name: "admin get", Method: http.MethodGet, URL: s.URL + "/articles/" + s.IDs[i],
				Header: http.Header{"Authorization": {"Bearer " + AdminToken}}, Want: http.StatusOK})
		}
	}
	for range max(1, len(ts)/20) {
		ts = append(ts, LoadTarget{Name: "card", Method: http.MethodGet, URL: s.URL + "/share/" + s.Slugs[0] + "/card.png",
			Header: http.Header{"User-Agent": {CrawlerUA}}, Want: http.StatusOK})
	}
	return ts, nil
}

// MemoryRun sends total requests cycling through targets with workers in
// flight and samples pid's memory as the count passes each of at.
func MemoryRun(ctx context.Context, pid int, targets []LoadTarget, total, workers int, at []int) (MemoryResult, error) {
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers, DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	var (
		next, done, errs atomic.Int64
		mu               sync.Mutex
		res              MemoryResult
		sampleErr        error
		wg               sync.WaitGroup
	)
	marks := map[int64]bool{}
	for _, n := range at {
		marks[int64(n)] = true
	}
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(total) {
					return
				}
				t := targets[int(i)%len(targets)]
				if !send(ctx, client, t) {
					errs.Add(1)
				}
				if n := done.Add(1); marks[n] {
					m, err := ReadMemory(pid)
					mu.Lock()
					if err != nil && sampleErr == nil {
						sampleErr = err
					}
					res.Samples = append(res.Samples, MemorySample{Requests: int(n), Memory: m})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.Duration = time.Since(start)
	slices.SortFunc(res.Samples, func(a, b MemorySample) int { return a.Requests - b.Requests })
	res.Errors = int(errs.Load())
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, sampleErr
}

func send(ctx context.Context, client *http.Client, t LoadTarget) bool {
	req, err := http.NewRequestWithContext(ctx, t.Method, t.URL, nil)
	if err != nil {
		return false
	}
	for k, v := range t.Header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err == nil && resp.StatusCode == t.Want
}

// MemoryRows reports the samples at 10%, 50% and 100% of total, the
// peak, and judges growth with request count: the median RSS of the
// samples in the last quarter of the run against the median of those in
// the second quarter, at most 5% or 2 MiB apart (whichever is larger: the
// runtime's heap goal moves a little). A leak of 50 bytes a request shows
// there (2.4 MiB over the 50,000 requests between the quarters of the
// default run); a Go process's instant RSS swings with where the
// collector is in its cycle, which the medians of a dozen samples even
// out. The peak's growth (VmHWM) is reported beside it, not judged: it is
// a maximum, raised by whichever moment happened to hold the most at
// once (card draws in flight as the heap goal was set), and moved between
// +0 and +9.4 MiB over identical runs of the same code here, while the
// medians moved between -2.4% and +3.0%.
func MemoryRows(r MemoryResult, total int) []Row {
	var rows []Row
	var peak int64
	shown := map[int]bool{total / 10: true, total / 2: true, total: true}
	for _, s := range r.Samples {
		peak = max(peak, s.Peak)
		if !shown[s.Requests] {
			continue
		}
		rows = append(rows, Row{Case: fmt.Sprintf("RSS after %d requests", s.Requests),
			Result: fmt.Sprintf("%s (peak so far %s)", FormatBytes(float64(s.RSS)), FormatBytes(float64(s.Peak)))})
	}
	rows = append(rows, Row{Case: "peak RSS (VmHWM)", Result: FormatBytes(float64(peak))})
	mid, end := sampleAt(r, total/2), sampleAt(r, total)
	if mid != nil && end != nil {
		d := end.Peak - mid.Peak
		frac := float64(d) / float64(max(mid.Peak, 1))
		rows = append(rows, Row{
			Case:   fmt.Sprintf("peak RSS growth %dk → %dk requests", total/2000, total/1000),
			Result: fmt.Sprintf("%+.1f%% (%s), a maximum: reported, not judged", frac*100, signedBytes(d)),
		})
	}
	q2, n2 := r.windowMedian(total/4, total/2)
	q4, n4 := r.windowMedian(3*total/4, total)
	growth := Row{
		Case:   fmt.Sprintf("RSS growth with request count: median of the samples in %dk-%dk against %dk-%dk requests", 3*total/4000, total/1000, total/4000, total/2000),
		Target: "flat (≤ 5% or ≤ 2 MiB)",
	}
	if n2 < 3 || n4 < 3 {
		growth.Result = fmt.Sprintf("too few samples (%d and %d; at least 3 in each quarter)", n2, n4)
		growth.Verdict = Fail
	} else {
		d := q4 - q2
		frac := float64(d) / float64(max(q2, 1))
		growth.Result = fmt.Sprintf("%+.1f%% (%s: %s of %d samples, then %s of %d)", frac*100, signedBytes(d),
			FormatBytes(float64(q2)), n2, FormatBytes(float64(q4)), n4)
		growth.Verdict = Check(frac <= 0.05 || d <= 2<<20)
	}
	rows = append(rows, growth)
	rows = append(rows, Row{Case: "errors over the run",
		Result: fmt.Sprintf("%d of %d in %s", r.Errors, total, FormatDuration(r.Duration.Round(time.Millisecond))),
		Target: "0", Verdict: Check(r.Errors == 0)})
	return rows
}

// sampleAt is the sample taken at n requests, or nil.
func sampleAt(r MemoryResult, n int) *MemorySample {
	for i := range r.Samples {
		if r.Samples[i].Requests == n {
			return &r.Samples[i]
		}
	}
	return nil
}

// windowMedian is the median RSS of the samples taken after from and at
// or before to requests, and how many there were.
func (m MemoryResult) windowMedian(from, to int) (int64, int) {
	var v []float64
	for _, s := range m.Samples {
		if s.Requests > from && s.Requests <= to {
			v = append(v, float64(s.RSS))
		}
	}
	if len(v) == 0 {
		return 0, 0
	}
	return int64(Median(v)), len(v)
}

func signedBytes(d int64) string {
	if d < 0 {
		return "-" + FormatBytes(float64(-d))
	}
	return "+" + FormatBytes(float64(d))
}
