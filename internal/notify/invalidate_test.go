package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
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

func TestPaths(t *testing.T) {
	site := []article.FeedKey{{Kind: article.FeedSite}}
	a := &article.Article{ID: "01", Slug: "nova-titla", PreviousSlugs: []string{"stara-titla"}, Status: article.StatusPublished}
	b := &article.Article{ID: "02", Slug: "drugo", Status: article.StatusPublished}
	for _, tc := range []struct {
		name    string
		keys    []article.FeedKey
		changed []*article.Article
		max     int
		want    []string
	}{
		{"nothing", nil, nil, 0, nil},
		{"feeds only (cmd/replay)", site, nil, 0, []string{"/feeds/*", "/sitemap-news.xml"}},
		{"one article: every slug, the ID, oEmbed, feeds, sitemap", site, []*article.Article{nil, a}, 0,
			[]string{"/share/nova-titla*", "/share/stara-titla*", "/share/01*", "/oembed*", "/feeds/*", "/sitemap-news.xml"}},
		{"a rename: old and new images, each slug once", site, []*article.Article{{ID: "01", Slug: "stara-titla", Status: article.StatusPublished}, a}, 0,
			[]string{"/share/stara-titla*", "/share/01*", "/share/nova-titla*", "/oembed*", "/feeds/*", "/sitemap-news.xml"}},
		{"two articles", site, []*article.Article{a, a, b, b}, 0,
			[]string{"/share/nova-titla*", "/share/stara-titla*", "/share/01*", "/share/drugo*", "/share/02*", "/oembed*", "/feeds/*", "/sitemap-news.xml"}},
		{"more wildcards than MaxWildcards: everything, as one path", site, []*article.Article{a, b}, 5, []string{"/*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := New(Options{MaxWildcards: tc.max})
			if got := n.Paths(tc.keys, tc.changed); !slices.Equal(got, tc.want) {
				t.Errorf("Paths = %q, want %q", got, tc.want)
			}
		})
	}
}

// sharePaths are what the sample article's records invalidate besides
// feeds: its slug, its ID and oEmbed.
var sharePaths = []string{"/share/yuzhna-koreya-i-nato*", "/share/01*", "/oembed*"}

func TestHandleInvalidatesChangedFormsOnceBeforePinging(t *testing.T) {
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
	want := append(slices.Clone(sharePaths), "/feeds/*", "/sitemap-news.xml")
	if got := inv.calls[0]; !slices.Equal(got, want) {
		t.Errorf("invalidated %q, want %q", got, want)
	}
	if inv.pingsBefore[0] != 0 {
		t.Errorf("%d pings went out before the invalidation returned", inv.pingsBefore[0])
	}
	if h.total() != 15 {
		t.Errorf("pings = %d, want 15", h.total())
	}
}

// TestHandleInvalidatesEveryPublicChange: each way a story changes on the
// public surfaces invalidates its share paths, with or without a hub; a
// change the public never saw invalidates nothing.
func TestHandleInvalidatesEveryPublicChange(t *testing.T) {
	pending := with(sample("published"), "pending", events.NewBooleanAttribute(true))
	renamed := with(with(sample("published"), "slug", s("novo-ime")), "previousSlugs", strs("yuzhna-koreya-i-nato"))
	for _, tc := range []struct {
		name     string
		old, cur img
		want     []string
	}{
		{"save (title corrected)", sample("published"), with(sample("published"), "title", s("Поправено")), sharePaths},
		{"unpublish", sample("published"), sample("draft"), sharePaths},
		{"delete (tombstone)", sample("published"), tombstone(), sharePaths},
		{"remove", sample("published"), nil, sharePaths},
		{"rename", sample("published"), renamed, []string{"/share/yuzhna-koreya-i-nato*", "/share/01*", "/share/novo-ime*", "/oembed*"}},
		{"release", pending, sample("published"), sharePaths},
		{"draft edited", sample("draft"), with(sample("draft"), "title", s("Чернова")), nil},
		{"scheduled story edited", pending, with(pending, "title", s("По-късно")), nil},
	} {
		for _, hub := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s, hub %t", tc.name, hub), func(t *testing.T) {
				h := newHub(t, nil)
				inv := &invalidator{h: h}
				url := h.srv.URL
				if !hub {
					url = ""
				}
				n := testNotifier(url, func(o *Options) { o.Invalidator = inv })
				res, err := n.Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{record("MODIFY", articleKeys, tc.old, tc.cur)}})
				if err != nil || len(res.BatchItemFailures) != 0 {
					t.Fatalf("Handle = %v, %v", res, err)
				}
				if tc.want == nil {
					if len(inv.calls) != 0 {
						t.Errorf("invalidated %q, want nothing", inv.calls)
					}
					return
				}
				if len(inv.calls) != 1 {
					t.Fatalf("%d invalidations, want 1", len(inv.calls))
				}
				got := inv.calls[0]
				for _, p := range tc.want {
					if !slices.Contains(got, p) {
						t.Errorf("invalidated %q, missing %s", got, p)
					}
				}
				for _, p := range []string{"/feeds/*", "/sitemap-news.xml"} {
					if !slices.Contains(got, p) {
						t.Errorf("invalidated %q, missing %s", got, p)
					}
				}
			})
		}
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

// TestHandleInvalidationFailsLeavesTheBatchToRetry: a failed invalidation
// pings nothing (the feeds may still be cached) and reports every record
// that changed a public form, so the stream's retry invalidates again; a
// record that changed nothing public is not reported.
func TestHandleInvalidationFailsLeavesTheBatchToRetry(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h, err: errors.New("cdn: CreateInvalidation: HTTP 400: TooManyInvalidationsInProgress")}
	var log, emf bytes.Buffer
	n := testNotifier(h.srv.URL, func(o *Options) {
		o.Invalidator = inv
		o.FallbackDelay = time.Hour // never waited on by Handle
		o.Log = slog.New(slog.NewJSONHandler(&log, nil))
		o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
	})
	live := record("INSERT", articleKeys, nil, sample("published"))
	live.Change.SequenceNumber = "1"
	draft := record("INSERT", articleKeys, nil, sample("draft"))
	draft.Change.SequenceNumber = "2"
	res, err := n.Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{live, draft}})
	if err != nil {
		t.Fatal(err)
	}
	if h.total() != 0 {
		t.Errorf("pings = %d, want none: the feeds may still be cached", h.total())
	}
	if len(res.BatchItemFailures) != 1 || res.BatchItemFailures[0].ItemIdentifier != "1" {
		t.Errorf("failures = %v, want the published record only, for the stream to retry", res.BatchItemFailures)
	}
	if !strings.Contains(log.String(), "CDN invalidation failed") || !strings.Contains(log.String(), "TooManyInvalidationsInProgress") {
		t.Errorf("the failure is not reported:\n%s", log.String())
	}
	if got := invalidationFailures(t, emf.String()); got != 1 {
		t.Errorf("InvalidationFailures = %v, want 1 in the records\n%s", got, emf.String())
	}
}

// TestPingFeedsInvalidationFailsPingsAfterMaxAge: cmd/replay's PingFeeds,
// which has no stream to retry, waits out the feeds' max-age and pings.
func TestPingFeedsInvalidationFailsPingsAfterMaxAge(t *testing.T) {
	h := newHub(t, nil)
	inv := &invalidator{h: h, err: errors.New("cdn: invalidation I1 is InProgress: not completed in time")}
	var log, emf bytes.Buffer
	n := testNotifier(h.srv.URL, func(o *Options) {
		o.Invalidator = inv
		o.FallbackDelay = 20 * time.Millisecond
		o.Log = slog.New(slog.NewJSONHandler(&log, nil))
		o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
	})
	start := time.Now()
	topics, failed := n.PingFeeds(t.Context(), []article.FeedKey{{Kind: article.FeedSite}})
	if topics != 3 || len(failed) != 0 || h.total() != 3 {
		t.Errorf("PingFeeds = %d, %v; %d pings; want 3 topics pinged", topics, failed, h.total())
	}
	if len(inv.calls) != 1 || !slices.Equal(inv.calls[0], []string{"/feeds/*", "/sitemap-news.xml"}) {
		t.Errorf("invalidated %q, want the feeds and the sitemap", inv.calls)
	}
	if slept := time.Since(start); slept < 20*time.Millisecond {
		t.Errorf("pinged after %v, before the fallback delay", slept)
	}
	if !strings.Contains(log.String(), "pinging after the feeds' max-age") {
		t.Errorf("the fallback is not reported:\n%s", log.String())
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

// TestPingFeedsInvalidationFailsWithoutTimeLeft: no time to wait out the
// max-age, so nothing is pinged and every feed is reported failed.
func TestPingFeedsInvalidationFailsWithoutTimeLeft(t *testing.T) {
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
	keys := []article.FeedKey{{Kind: article.FeedSite}}
	_, failed := n.PingFeeds(ctx, keys)
	if h.total() != 0 {
		t.Errorf("pings = %d, want none: the feeds may still be cached", h.total())
	}
	if len(failed) != 1 {
		t.Errorf("failed = %v, want the feed, for a later replay", failed)
	}
	if got := invalidationFailures(t, emf.String()); got != 1 {
		t.Errorf("InvalidationFailures = %v, want 1 in the records\n%s", got, emf.String())
	}
}

// TestHandleSettlesBeforeInvalidating: the feeds answer from a head read up
// to feed.HeadReuse before a change, so a batch is invalidated and pinged
// only once its newest change is that old (plus the second the stream's
// timestamps are rounded down by); an old batch waits nothing.
func TestHandleSettlesBeforeInvalidating(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 400_000_000, time.UTC)
	for _, tc := range []struct {
		name    string
		written []time.Time // each record's ApproximateCreationDateTime
		want    []time.Duration
	}{
		{"written this second: the rest of it, then HeadReuse", []time.Time{now.Truncate(time.Second)}, []time.Duration{1600 * time.Millisecond}},
		{"the newest record counts", []time.Time{now.Add(-time.Minute).Truncate(time.Second), now.Add(-time.Second).Truncate(time.Second)}, []time.Duration{600 * time.Millisecond}},
		{"older than HeadReuse and its second", []time.Time{now.Add(-3 * time.Second).Truncate(time.Second)}, nil},
		{"stamped ahead of our clock: no more than HeadReuse and a second", []time.Time{now.Add(time.Hour)}, []time.Duration{2 * time.Second}},
		{"no timestamp", []time.Time{{}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(t, nil)
			inv := &invalidator{h: h}
			var slept []time.Duration
			var invalidationsBefore []int
			n := testNotifier(h.srv.URL, func(o *Options) {
				o.Invalidator = inv
				o.Now = func() time.Time { return now }
				o.Sleep = func(_ context.Context, d time.Duration) bool {
					slept = append(slept, d)
					invalidationsBefore = append(invalidationsBefore, len(inv.calls))
					return true
				}
			})
			var recs []events.DynamoDBEventRecord
			for _, w := range tc.written {
				r := record("MODIFY", articleKeys, sample("published"), with(sample("published"), "title", s("Ново заглавие")))
				r.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: w}
				recs = append(recs, r)
			}
			res, err := n.Handle(t.Context(), events.DynamoDBEvent{Records: recs})
			if err != nil || len(res.BatchItemFailures) != 0 {
				t.Fatalf("Handle = %v, %v", res, err)
			}
			if !slices.Equal(slept, tc.want) {
				t.Errorf("slept %v, want %v", slept, tc.want)
			}
			for i, k := range invalidationsBefore {
				if k != 0 {
					t.Errorf("sleep %d came after %d invalidations, want before", i, k)
				}
			}
			if len(inv.calls) != 1 {
				t.Errorf("%d invalidations, want 1", len(inv.calls))
			}
		})
	}
}
