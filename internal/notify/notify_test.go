package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

const base = "https://syndication.news.example.bg"

// hub is a WebSub hub on httptest that records every publish ping and
// answers with status(topic, attempt).
type hub struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	pings  map[string]int // topic → attempts
	status func(topic string, attempt int) int
	// hold, if set, keeps every ping unanswered until it is closed.
	hold chan struct{}
}

func newHub(t *testing.T, status func(topic string, attempt int) int) *hub {
	h := &hub{t: t, pings: map[string]int{}, status: status}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.t.Errorf("hub: method %s, want POST", r.Method)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		h.t.Errorf("hub: Content-Type %q, want application/x-www-form-urlencoded", ct)
	}
	if err := r.ParseForm(); err != nil {
		h.t.Errorf("hub: parse form: %v", err)
	}
	if got := r.PostForm.Get("hub.mode"); got != "publish" {
		h.t.Errorf("hub: hub.mode %q, want publish", got)
	}
	if got := len(r.PostForm["hub.url"]); got != 1 {
		h.t.Errorf("hub: %d hub.url values, want 1", got)
	}
	topic := r.PostForm.Get("hub.url")
	h.mu.Lock()
	h.pings[topic]++
	n := h.pings[topic]
	h.mu.Unlock()
	if h.hold != nil {
		select {
		case <-h.hold:
		case <-r.Context().Done():
			return
		}
	}
	status := http.StatusNoContent
	if h.status != nil {
		status = h.status(topic, n)
	}
	w.WriteHeader(status)
}

func (h *hub) topics() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.pings))
	for t := range h.pings {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

func (h *hub) attempts(topic string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pings[topic]
}

func (h *hub) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, c := range h.pings {
		n += c
	}
	return n
}

func testNotifier(hubURL string, opts ...func(*Options)) *Notifier {
	o := Options{
		HubURL:         hubURL,
		Site:           &feed.Channel{BaseURL: base, URL: "https://news.example.bg"},
		Articles:       dynamo.StreamArticles,
		BaseDelay:      time.Millisecond,
		MaxDelay:       4 * time.Millisecond,
		AttemptTimeout: time.Minute, // never met by a loopback hub that answers
	}
	for _, f := range opts {
		f(&o)
	}
	return New(o)
}

// Images in the store's item format (package dynamo's dynamodbav names).
type img = map[string]events.DynamoDBAttributeValue

func s(v string) events.DynamoDBAttributeValue { return events.NewStringAttribute(v) }

func strs(vs ...string) events.DynamoDBAttributeValue {
	l := make([]events.DynamoDBAttributeValue, len(vs))
	for i, v := range vs {
		l[i] = s(v)
	}
	return events.NewListAttribute(l)
}

func authors(names ...string) events.DynamoDBAttributeValue {
	l := make([]events.DynamoDBAttributeValue, len(names))
	for i, n := range names {
		l[i] = events.NewMapAttribute(img{"name": s(n), "url": s("https://news.example.bg/a/" + n)})
	}
	return events.NewListAttribute(l)
}

// sample is the sample article: section Свят, tags НАТО and Южна Корея,
// agency author БТА.
func sample(status string) img {
	return img{
		"pk": s("ARTICLE#01"), "sk": s("ARTICLE"), "id": s("01"),
		"slug":    s("yuzhna-koreya-i-nato"),
		"title":   s("Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"),
		"status":  s(status),
		"section": s("Свят"),
		"tags":    strs("НАТО", "Южна Корея", "нато"),
		"authors": authors("БТА"),
		"related": events.NewNullAttribute(),
		"version": events.NewNumberAttribute("3"),
	}
}

func with(m img, k string, v events.DynamoDBAttributeValue) img {
	out := make(img, len(m)+1)
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func tombstone() img {
	return img{
		"pk": s("ARTICLE#01"), "sk": s("ARTICLE"), "id": s("01"), "slug": s("yuzhna-koreya-i-nato"),
		"status": s("published"), "deleted": events.NewBooleanAttribute(true),
		"tags": events.NewNullAttribute(), "authors": events.NewNullAttribute(),
		"version": events.NewNumberAttribute("4"),
	}
}

var seq int

func record(name string, keys, old, cur img) events.DynamoDBEventRecord {
	seq++
	return events.DynamoDBEventRecord{
		EventID:   name,
		EventName: name,
		Change: events.DynamoDBStreamRecord{
			Keys: keys, OldImage: old, NewImage: cur,
			SequenceNumber: strings.Repeat("0", 10) + string(rune('0'+seq%10)) + name,
			StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
}

var articleKeys = img{"pk": s("ARTICLE#01"), "sk": s("ARTICLE")}

// topicsOf lists the three topic URLs of each feed path ("" is the site).
func topicsOf(paths ...string) []string {
	var out []string
	for _, p := range paths {
		for _, f := range []string{"rss.xml", "atom.xml", "feed.json"} {
			if p == "" {
				out = append(out, base+"/feeds/"+f)
			} else {
				out = append(out, base+"/feeds/"+p+"/"+f)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestHandleTopics(t *testing.T) {
	all := []string{"", "section/svyat", "tag/nato", "tag/yuzhna-koreya", "author/bta"}
	tests := []struct {
		name    string
		records []events.DynamoDBEventRecord
		want    []string
	}{
		{"published insert pings site, section, each tag once and author",
			[]events.DynamoDBEventRecord{record("INSERT", articleKeys, nil, sample("published"))},
			topicsOf(all...)},
		{"draft insert pings nothing",
			[]events.DynamoDBEventRecord{record("INSERT", articleKeys, nil, sample("draft"))},
			nil},
		{"draft edit pings nothing",
			[]events.DynamoDBEventRecord{record("MODIFY", articleKeys, sample("draft"), with(sample("draft"), "title", s("x")))},
			nil},
		{"publishing a draft pings its feeds",
			[]events.DynamoDBEventRecord{record("MODIFY", articleKeys, sample("draft"), sample("published"))},
			topicsOf(all...)},
		{"unpublishing pings the feeds it left",
			[]events.DynamoDBEventRecord{record("MODIFY", articleKeys, sample("published"), sample("draft"))},
			topicsOf(all...)},
		{"moving section pings old and new section",
			[]events.DynamoDBEventRecord{record("MODIFY", articleKeys, sample("published"), with(sample("published"), "section", s("България")))},
			topicsOf(append(all, "section/bulgaria")...)},
		{"deleting (tombstone) pings the feeds it left",
			[]events.DynamoDBEventRecord{record("MODIFY", articleKeys, sample("published"), tombstone())},
			topicsOf(all...)},
		{"remove pings the old image's feeds",
			[]events.DynamoDBEventRecord{record("REMOVE", articleKeys, sample("published"), nil)},
			topicsOf(all...)},
		{"items other than the article are ignored",
			[]events.DynamoDBEventRecord{
				record("MODIFY", img{"pk": s("ARTICLE#01"), "sk": s("SHARES")}, img{"facebook": events.NewNumberAttribute("1")}, img{"facebook": events.NewNumberAttribute("2")}),
				record("INSERT", img{"pk": s("ARTICLE#01"), "sk": s("FEED#site")}, nil, with(sample("published"), "sk", s("FEED#site"))),
				record("MODIFY", img{"pk": s("HEAD#site"), "sk": s("HEAD")}, nil, img{"rev": events.NewNumberAttribute("2")}),
				record("INSERT", img{"pk": s("SLUG#x"), "sk": s("SLUG")}, nil, img{"id": s("01")}),
			},
			nil},
		{"a key that is not a string is ignored",
			[]events.DynamoDBEventRecord{record("INSERT", img{"pk": s("ARTICLE#01"), "sk": events.NewNumberAttribute("1")}, nil, sample("published"))},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHub(t, nil)
			res, err := testNotifier(h.srv.URL).Handle(t.Context(), events.DynamoDBEvent{Records: tt.records})
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if len(res.BatchItemFailures) != 0 {
				t.Errorf("failures = %v, want none", res.BatchItemFailures)
			}
			if got := h.topics(); !slices.Equal(got, tt.want) {
				t.Errorf("topics pinged:\n got %q\nwant %q", got, tt.want)
			}
			if h.total() != len(tt.want) {
				t.Errorf("%d pings for %d topics, want one each", h.total(), len(tt.want))
			}
		})
	}
}

func TestHandlePingsEachTopicOncePerBatch(t *testing.T) {
	h := newHub(t, nil)
	recs := []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
		record("MODIFY", articleKeys, sample("published"), with(sample("published"), "title", s("Ново заглавие"))),
		record("MODIFY", articleKeys, sample("published"), with(sample("published"), "title", s("Още по-ново"))),
	}
	if _, err := testNotifier(h.srv.URL).Handle(t.Context(), events.DynamoDBEvent{Records: recs}); err != nil {
		t.Fatal(err)
	}
	if got, want := h.total(), 15; got != want {
		t.Errorf("pings = %d, want %d (5 feeds × 3 formats, once per batch)", got, want)
	}
}

func TestHandleHubDownReportsEveryRecordThatNeededIt(t *testing.T) {
	h := newHub(t, func(string, int) int { return http.StatusServiceUnavailable })
	other := with(sample("draft"), "pk", s("ARTICLE#02"))
	recs := []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
		record("INSERT", img{"pk": s("ARTICLE#02"), "sk": s("ARTICLE")}, nil, other), // draft: nothing to ping
		record("MODIFY", img{"pk": s("ARTICLE#01"), "sk": s("SHARES")}, nil, img{"x": events.NewNumberAttribute("1")}),
		record("MODIFY", articleKeys, sample("published"), tombstone()),
	}
	res, err := testNotifier(h.srv.URL, func(o *Options) { o.Attempts = 3 }).Handle(t.Context(), events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.BatchItemFailures {
		got = append(got, f.ItemIdentifier)
	}
	want := []string{recs[0].Change.SequenceNumber, recs[3].Change.SequenceNumber}
	if !slices.Equal(got, want) {
		t.Errorf("failures = %q, want %q", got, want)
	}
	for _, topic := range topicsOf("") {
		if n := h.attempts(topic); n != 3 {
			t.Errorf("%s tried %d times, want 3", topic, n)
		}
	}
}

func TestHandleRetriesTransientFailures(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusTooManyRequests, http.StatusRequestTimeout} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			h := newHub(t, func(_ string, attempt int) int {
				if attempt <= 2 {
					return status
				}
				return http.StatusAccepted
			})
			res, err := testNotifier(h.srv.URL).Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
				record("INSERT", articleKeys, nil, sample("published")),
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.BatchItemFailures) != 0 {
				t.Errorf("failures = %v, want none after retries", res.BatchItemFailures)
			}
			if got, want := h.total(), 15*3; got != want {
				t.Errorf("pings = %d, want %d", got, want)
			}
		})
	}
}

// TestHandlePermanentRefusalIsNotRetried: a hub's 4xx cannot get better,
// so it is not retried and the records are not reported failed; but no
// subscriber heard of the change, so it is counted as refused, never as
// sent (PingsRefused, which HubRefusalsAlarm pages on).
func TestHandlePermanentRefusalIsNotRetried(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusGone} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			h := newHub(t, func(string, int) int { return status })
			var emf bytes.Buffer
			res, err := testNotifier(h.srv.URL, func(o *Options) {
				o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
			}).Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
				record("INSERT", articleKeys, nil, sample("published")),
			}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.BatchItemFailures) != 0 {
				t.Errorf("failures = %v, want none: a %d cannot get better", res.BatchItemFailures, status)
			}
			if got, want := h.total(), 15; got != want {
				t.Errorf("pings = %d, want %d (no retries)", got, want)
			}
			var rec map[string]any
			if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
				t.Fatalf("metrics record: %v: %q", err, emf.String())
			}
			if rec[metrics.PingsRefused] != float64(15) || rec[metrics.PingsSent] != float64(0) || rec[metrics.PingsFailed] != float64(0) {
				t.Errorf("metrics = %v, want 15 refused, none sent or failed", rec)
			}
		})
	}
}

func TestHandleOnlyRecordsOfFailedTopicsAreReported(t *testing.T) {
	h := newHub(t, func(topic string, _ int) int {
		if strings.Contains(topic, "/section/bulgaria/") {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	bg := img{"pk": s("ARTICLE#02"), "sk": s("ARTICLE")}
	recs := []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
		record("INSERT", bg, nil, with(with(sample("published"), "pk", s("ARTICLE#02")), "section", s("България"))),
	}
	var emf bytes.Buffer
	res, err := testNotifier(h.srv.URL, func(o *Options) {
		o.Metrics = metrics.New(&emf, metrics.Options{Service: "notify"})
	}).Handle(t.Context(), events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 1 || res.BatchItemFailures[0].ItemIdentifier != recs[1].Change.SequenceNumber {
		t.Errorf("failures = %v, want only %s", res.BatchItemFailures, recs[1].Change.SequenceNumber)
	}
	// One record per batch: the bulgaria section's three topics failed, the
	// other feeds' topics were sent.
	var rec map[string]any
	if err := json.Unmarshal(emf.Bytes(), &rec); err != nil {
		t.Fatalf("metrics record: %v: %q", err, emf.String())
	}
	if rec["PingsFailed"] != float64(3) || rec["PingsSent"] == nil || rec["PingsSent"].(float64) < 3 || rec["PingsRefused"] != float64(0) {
		t.Errorf("metrics = %v, want 3 pings failed and the rest sent", rec)
	}
}

// TestHandleStopsBeforeTheDeadline runs a batch against a hub that accepts
// and never answers, with a clock that advances one AttemptTimeout per
// reading, as if each attempt had taken all of it, and starts one and a
// half attempts before the deadline. The first topic gets a second attempt
// (it fits), nothing gets a third, the record is reported failed, and the
// outcome depends on no real time.
func TestHandleStopsBeforeTheDeadline(t *testing.T) {
	h := newHub(t, nil)
	h.hold = make(chan struct{})
	t.Cleanup(func() { close(h.hold) }) // Runs before the hub's Close.
	const attempt = 50 * time.Millisecond
	deadline := time.Now().Add(time.Hour)
	var (
		mu    sync.Mutex
		reads int
	)
	n := testNotifier(h.srv.URL, func(o *Options) {
		o.AttemptTimeout = attempt
		o.Attempts = 100
		o.Concurrency = 1 // one clock, read in a known order
		o.Jitter = func(time.Duration) time.Duration { return 0 }
		o.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			reads++
			return deadline.Add(-3*attempt/2 + time.Duration(reads-1)*attempt)
		}
	})
	ctx, cancel := context.WithDeadline(t.Context(), deadline)
	defer cancel()
	// The site feed only: three topics.
	siteOnly := img{"pk": s("ARTICLE#01"), "sk": s("ARTICLE"), "id": s("01"), "slug": s("site-only"),
		"title": s("Само в сайта"), "status": s("published"), "version": events.NewNumberAttribute("1")}
	res, err := n.Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, siteOnly),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 1 {
		t.Errorf("failures = %v, want the record", res.BatchItemFailures)
	}
	// Two attempts at the first topic, one at each of the other two, each
	// failed attempt followed by one reading of the clock. A ping can time
	// out before the hub sees it, so the hub may count fewer.
	if reads != 4 {
		t.Errorf("%d attempts, want 4", reads)
	}
	if got := h.total(); got > 4 {
		t.Errorf("hub saw %d pings, want at most 4", got)
	}
}

func TestHandleUnreachableHub(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	res, err := testNotifier(url, func(o *Options) { o.Attempts = 2 }).Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 1 {
		t.Errorf("failures = %v, want the record", res.BatchItemFailures)
	}
}

func TestHandleWithoutHubDoesNothing(t *testing.T) {
	res, err := testNotifier("").Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
	}})
	if err != nil || len(res.BatchItemFailures) != 0 {
		t.Errorf("Handle = %v, %v; want no failures, no error", res, err)
	}
}

func TestHandleSkipsUndecodableRecords(t *testing.T) {
	h := newHub(t, nil)
	bad := with(sample("published"), "tags", events.NewNumberAttribute("7"))
	res, err := testNotifier(h.srv.URL).Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, bad),
		record("INSERT", img{"pk": s("ARTICLE#02"), "sk": s("ARTICLE")}, nil, with(sample("published"), "section", s("България"))),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("failures = %v, want none: retrying cannot fix a bad record", res.BatchItemFailures)
	}
	if got, want := h.total(), 15; got != want {
		t.Errorf("pings = %d, want %d for the good record", got, want)
	}
}

func TestHandleWithoutStoreReaderDoesNothing(t *testing.T) {
	h := newHub(t, nil)
	res, err := testNotifier(h.srv.URL, func(o *Options) { o.Articles = nil }).Handle(t.Context(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		record("INSERT", articleKeys, nil, sample("published")),
	}})
	if err != nil || len(res.BatchItemFailures) != 0 || h.total() != 0 {
		t.Errorf("Handle = %v, %v with %d pings; want no failures, no error, no pings", res, err, h.total())
	}
}

// TestResponseJSON checks the wire shape Lambda reads: an empty list, not
// null, when nothing failed.
func TestResponseJSON(t *testing.T) {
	res, _ := testNotifier("").Handle(t.Context(), events.DynamoDBEvent{})
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"batchItemFailures":[]}`; got != want {
		t.Errorf("response = %s, want %s", got, want)
	}
}

func TestBackoff(t *testing.T) {
	n := New(Options{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second})
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{1, 100 * time.Millisecond}, {2, 200 * time.Millisecond}, {3, 400 * time.Millisecond}, {4, 800 * time.Millisecond}, {5, time.Second}, {70, time.Second}} {
		if got := n.backoff(tt.attempt); got != tt.want {
			t.Errorf("backoff(%d) = %v, want %v", tt.attempt, got, tt.want)
		}
	}
}
