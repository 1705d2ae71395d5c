package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/metrics"
)

// invalidator records every Invalidate call and the hub pings seen before
// it returned, and answers err.
type invalidator struct {
	h           *hub
	mu          sync.Mutex
	calls       [][]string
	pingsBefore []int
	err         error
}

func (v *invalidator) Invalidate(_ context.Context, paths []string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, slices.Clone(paths))
	v.pingsBefore = append(v.pingsBefore, v.h.total())
	return v.err
}

// pathsOf is what invalidates topics: the site's feeds one by one, each
// list feed's directory as one wildcard path.
func pathsOf(topics []string) []string {
	var out []string
	for _, t := range topics {
		p := strings.TrimPrefix(t, base)
		if rest, ok := strings.CutPrefix(p, "/feeds/"); ok && strings.Count(rest, "/") == 2 {
			p = p[:strings.LastIndexByte(p, '/')+1] + "*"
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func TestInvalidationPath(t *testing.T) {
	for in, want := range map[string]string{
		"/feeds/rss.xml":                      "/feeds/rss.xml",
		"/feeds/feed.json":                    "/feeds/feed.json",
		"/feeds/section/svyat/rss.xml":        "/feeds/section/svyat/*",
		"/feeds/tag/nato/atom.xml":            "/feeds/tag/nato/*",
		"/feeds/author/ivan-petrov/feed.json": "/feeds/author/ivan-petrov/*",
	} {
		if got := invalidationPath(in); got != want {
			t.Errorf("invalidationPath(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestHandleInvalidatesChangedFeedsOnceBeforePinging(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h}
	recs := []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
		record("MODIFY", articleKeys, sample("published"), with(sample("published"), "title", s("Ново заглавие"))),
	}
	n := testNotifier(h.srv.URL, func(o *Options) { o.Invalidator = inv })
	res, err := n.Handle(t.Context(), events.DynamoDBEvent{Records: recs})
	if err != nil || len(res.BatchItemFailures) != 0 {
		t.Fatalf("Handle = %v, %v", res, err)
	}
	if len(inv.calls) != 1 {
		t.Fatalf("%d invalidations, want one per batch", len(inv.calls))
	}
	got := slices.Sorted(slices.Values(inv.calls[0]))
	if want := pathsOf(h.topics()); !slices.Equal(got, want) {
		t.Errorf("invalidated %q, want exactly the pinged feeds' paths %q", got, want)
	}
	// 5 feeds: the site's 3 formats by name, 4 list feeds by directory.
	if len(got) != 3+4 {
		t.Errorf("%d paths %q, want 7", len(got), got)
	}
	if inv.pingsBefore[0] != 0 {
		t.Errorf("%d pings went out before the invalidation returned", inv.pingsBefore[0])
	}
	if h.total() != 15 {
		t.Errorf("pings = %d, want 15", h.total())
	}
}

func TestHandleNothingToInvalidate(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h}
	// A draft changing is in no public feed: no ping, no invalidation.
	recs := []events.DynamoDBEventRecord{record("INSERT", articleKeys, nil, sample("draft"))}
	if _, err := testNotifier(h.srv.URL, func(o *Options) { o.Invalidator = inv }).Handle(t.Context(), events.DynamoDBEvent{Records: recs}); err != nil {
		t.Fatal(err)
	}
	if len(inv.calls) != 0 || h.total() != 0 {
		t.Errorf("invalidations %v, pings %d; want none", inv.calls, h.total())
	}
}

func TestHandleInvalidationFailsPingsAfterMaxAge(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h, err: errors.New("cdn: CreateInvalidation: HTTP 400: TooManyInvalidationsInProgress")}
	var log, emf bytes.Buffer
	var slept time.Duration
	n := testNotifier(h.srv.URL, func(o *Options) {
		o.Invalidator = inv
		o.FallbackDelay = 20 * time.Millisecond
		o.Log = slog.New(slog.NewJSONHandler(&log, nil))
		o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
	})
	start := time.Now()
	recs := []events.DynamoDBEventRecord{record("INSERT", articleKeys, nil, sample("published"))}
	res, err := n.Handle(t.Context(), events.DynamoDBEvent{Records: recs})
	slept = time.Since(start)
	if err != nil || len(res.BatchItemFailures) != 0 {
		t.Fatalf("Handle = %v, %v", res, err)
	}
	if h.total() != 15 {
		t.Errorf("pings = %d, want 15: a failed invalidation still pings", h.total())
	}
	if slept < 20*time.Millisecond {
		t.Errorf("pinged after %v, before the fallback delay", slept)
	}
	if !strings.Contains(log.String(), "CDN invalidation failed; pinging after the feeds' max-age") || !strings.Contains(log.String(), "TooManyInvalidationsInProgress") {
		t.Errorf("the failure is not reported:\n%s", log.String())
	}
	// A log line pages nobody: the failure is a metric too.
	if got := invalidationFailures(t, emf.String()); got != 1 {
		t.Errorf("InvalidationFailures = %v, want 1 in the records\n%s", got, emf.String())
	}
}

// invalidationFailures sums InvalidationFailures over EMF records.
func invalidationFailures(t *testing.T, records string) float64 {
	t.Helper()
	sum := 0.0
	for _, line := range strings.Split(strings.TrimSpace(records), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("metrics record %q: %v", line, err)
		}
		if v, ok := rec[metrics.InvalidationFailures].(float64); ok {
			sum += v
		}
	}
	return sum
}

func TestHandleInvalidationFailsWithoutTimeLeft(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h, err: errors.New("cdn: invalidation I1 is InProgress: not completed in time")}
	var emf bytes.Buffer
	n := testNotifier(h.srv.URL, func(o *Options) {
		o.Invalidator = inv
		o.FallbackDelay = time.Hour // cannot fit in the deadline below
		o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	recs := []events.DynamoDBEventRecord{record("INSERT", articleKeys, nil, sample("published"))}
	res, err := n.Handle(ctx, events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	if h.total() != 0 {
		t.Errorf("pings = %d, want none: the feeds may still be cached", h.total())
	}
	if len(res.BatchItemFailures) != 1 {
		t.Errorf("failures = %v, want the record, for the stream to retry", res.BatchItemFailures)
	}
	if got := invalidationFailures(t, emf.String()); got != 1 {
		t.Errorf("InvalidationFailures = %v, want 1 in the records\n%s", got, emf.String())
	}
}
