package replay

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/notify"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

const base = "https://syndication.news.example.bg"

func TestParseFailure(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "failure.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseFailure(body)
	if err != nil {
		t.Fatal(err)
	}
	want := Batch{
		Condition: "RetryAttemptsExhausted", ShardID: "shardId-00000001573689847184-864758bb",
		StartSequence: "800000000003126276362", EndSequence: "800000000003126276399",
		StreamARN:    "arn:aws:dynamodb:eu-central-1:123456789012:table/syndicate-ArticlesTable-X/stream/2026-11-01T00:04:06.388",
		FirstArrival: time.Date(2026, 11, 30, 10, 30, 19, 0, time.UTC), LastArrival: time.Date(2026, 11, 30, 10, 30, 21, 0, time.UTC),
		Size: 3,
	}
	if b != want {
		t.Errorf("ParseFailure = %+v\nwant %+v", b, want)
	}
	for name, body := range map[string]string{
		"not JSON":            "ping",
		"an SQS message":      `{"Records":[]}`,
		"a Kinesis failure":   `{"KinesisBatchInfo":{"shardId":"s"}}`,
		"bad time":            `{"DDBStreamBatchInfo":{"approximateArrivalOfFirstRecord":"yesterday","approximateArrivalOfLastRecord":"2026-11-30T10:30:21Z"}}`,
		"last before first":   `{"DDBStreamBatchInfo":{"approximateArrivalOfFirstRecord":"2026-11-30T10:30:21Z","approximateArrivalOfLastRecord":"2026-11-30T10:30:19Z"}}`,
		"missing last record": `{"DDBStreamBatchInfo":{"approximateArrivalOfFirstRecord":"2026-11-30T10:30:21Z"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseFailure([]byte(body)); !errors.Is(err, ErrNotAFailure) {
				t.Errorf("ParseFailure(%s) = %v, want ErrNotAFailure", body, err)
			}
		})
	}
}

// recordingHub answers every ping with status and records the topics.
type recordingHub struct {
	mu     sync.Mutex
	topics []string
	status int
	srv    *httptest.Server
}

func newRecordingHub(t *testing.T) *recordingHub {
	h := &recordingHub{status: http.StatusNoContent}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		h.mu.Lock()
		h.topics = append(h.topics, r.PostForm.Get("hub.url"))
		status := h.status
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *recordingHub) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.topics
	h.topics = nil
	slices.Sort(out)
	return out
}

// env is a moto table with articles written at known times, a moto queue
// and a hub.
type env struct {
	store *dynamo.Store
	queue SQS
	hub   *recordingHub
	sqs   *sqs.Client
	// sender puts the test's messages, each sent once (put reads back
	// whether one whose answer was lost arrived); sent counts them, all
	// put before the replayer runs.
	sender *sqs.Client
	sent   int
	site   *feed.Channel
	// early was last written at t0, late an hour later.
	early, late article.Article
	t0          time.Time
}

func newEnv(t *testing.T) *env {
	client := dynamotest.Client(t)
	e := &env{store: dynamo.New(client, dynamotest.Table(t, client)), hub: newRecordingHub(t),
		site: &feed.Channel{BaseURL: base, URL: "https://news.example.bg"}, t0: time.Date(2026, 11, 30, 10, 30, 20, 0, time.UTC)}
	now := e.t0
	svc := newsroom.NewService(e.store, newsroom.Options{SiteURL: "https://news.example.bg", Now: func() time.Time { return now }})
	create := func(title, section string, tags ...string) article.Article {
		a, err := svc.Create(t.Context(), article.Article{
			Title: title, Lead: "Водещ текст", Body: "<p>Тяло</p>", Section: section, Tags: tags,
			Status: article.StatusPublished, Authors: []article.Author{{Name: "Мария Иванова"}},
			PublishedAt: now.Add(-time.Hour),
		})
		if err != nil {
			t.Fatalf("create %s: %v", title, err)
		}
		return a
	}
	e.early = create("Рано", "Свят", "НАТО")
	now = e.t0.Add(time.Hour)
	e.late = create("Късно", "България", "Избори")
	// A draft written in the window is in no feed.
	now = e.t0
	if _, err := svc.Create(t.Context(), article.Article{Title: "Чернова", Lead: "x", Body: "<p>x</p>", Section: "Спорт", Status: article.StatusDraft}); err != nil {
		t.Fatal(err)
	}

	e.sqs = dynamotest.SQS(t)
	e.sender = dynamotest.SQS(t, func(o *sqs.Options) { o.Retryer = dynamotest.NotRetried("SendMessage") })
	q, err := e.sqs.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("notify-failures-" + strconv.FormatInt(time.Now().UnixNano(), 36))})
	if err != nil {
		t.Fatalf("create queue: %v", err)
	}
	t.Cleanup(func() {
		_, _ = e.sqs.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl})
	})
	e.queue = SQS{Client: e.sqs, URL: aws.ToString(q.QueueUrl)}
	return e
}

// send puts a failure record of a batch whose records arrived at first and
// last.
func (e *env) send(t *testing.T, first, last time.Time) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", "failure.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	info := m["DDBStreamBatchInfo"].(map[string]any)
	info["approximateArrivalOfFirstRecord"] = first.UTC().Format(time.RFC3339)
	info["approximateArrivalOfLastRecord"] = last.UTC().Format(time.RFC3339)
	body, _ = json.Marshal(m)
	e.put(t, string(body))
}

// put sends one message with body. moto under load can apply a send and
// lose its answer, and the SDK's retry would then put a second copy on
// this standard queue, so a send is never retried: after an error, the
// queue is counted, and the message sent again only if it is not there.
func (e *env) put(t *testing.T, body string) {
	t.Helper()
	for range 5 {
		_, err := e.sender.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(e.queue.URL), MessageBody: aws.String(body)})
		if err == nil || e.inQueue(t) == e.sent+1 {
			e.sent++
			return
		}
		t.Logf("send: %v; not in the queue, sent again", err)
	}
	t.Fatalf("send: failed 5 times")
}

// inQueue counts the messages left, visible or not.
func (e *env) inQueue(t *testing.T) int {
	t.Helper()
	out, err := e.sqs.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(e.queue.URL),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range out.Attributes {
		k, _ := strconv.Atoi(v)
		n += k
	}
	return n
}

func (e *env) replayer(attempts int) *Replayer {
	return &Replayer{
		Queue: e.queue, Store: e.store,
		Pinger: notify.New(notify.Options{HubURL: e.hub.srv.URL, Site: e.site, Attempts: attempts, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}),
	}
}

// topics lists the topic URLs of the feeds of a, with the site's.
func (e *env) topics(as ...article.Article) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range as {
		for _, k := range a.Feeds() {
			for _, f := range feed.Formats {
				if u := e.site.FeedURL(k, f); !seen[u] {
					seen[u] = true
					out = append(out, u)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestReplayPingsTheFeedsOfTheBatchWindow: a batch that failed around t0
// is replayed after the stream has forgotten it: the feeds of the article
// written then are pinged (not those of the one written an hour later, nor
// the draft, which is in no feed, though it counts as changed), and the
// message leaves the queue.
func TestReplayPingsTheFeedsOfTheBatchWindow(t *testing.T) {
	e := newEnv(t)
	e.send(t, e.t0.Add(-time.Second), e.t0.Add(time.Second))
	rep, err := e.replayer(1).Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.hub.take(), e.topics(e.early); !slices.Equal(got, want) {
		t.Errorf("pinged\n %q\nwant the early article's feeds\n %q", got, want)
	}
	if rep.Messages != 1 || rep.Replayed != 1 || rep.Kept != 0 || rep.Articles != 2 || rep.Topics != len(e.topics(e.early)) {
		t.Errorf("report %+v", rep)
	}
	if n := e.inQueue(t); n != 0 {
		t.Errorf("%d messages left, want the replayed one deleted", n)
	}
}

// TestReplayKeepsWhatItCouldNotPing: with the hub down the message stays
// for the next run; an unreadable message stays too, and is reported.
func TestReplayKeepsWhatItCouldNotPing(t *testing.T) {
	e := newEnv(t)
	e.hub.status = http.StatusServiceUnavailable
	e.send(t, e.t0.Add(time.Hour), e.t0.Add(time.Hour))
	e.put(t, `{"not":"a failure"}`)
	rep, err := e.replayer(1).Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.hub.take(), e.topics(e.late); !slices.Equal(got, want) {
		t.Errorf("pinged\n %q\nwant the late article's feeds\n %q", got, want)
	}
	if rep.Messages != 2 || rep.Kept != 2 || rep.Replayed != 0 {
		t.Errorf("report %+v, want both messages kept", rep)
	}
	if n := e.inQueue(t); n != 2 {
		t.Errorf("%d messages left, want 2", n)
	}
}

// TestReplayDryRun pings nothing and deletes nothing.
func TestReplayDryRun(t *testing.T) {
	e := newEnv(t)
	e.send(t, e.t0, e.t0)
	r := e.replayer(1)
	r.DryRun = true
	rep, err := r.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if got := e.hub.take(); len(got) != 0 {
		t.Errorf("a dry run pinged %q", got)
	}
	if rep.Articles != 2 || rep.Kept != 1 || e.inQueue(t) != 1 {
		t.Errorf("report %+v, %d in queue; want the early article and the draft found (changed in the window) and the message kept", rep, e.inQueue(t))
	}
}

// fakeLister pages a fixed list.
type fakeLister struct{ pages []article.Page }

func (f *fakeLister) List(_ context.Context, opts article.ListOptions) (article.Page, error) {
	i := 0
	if !opts.After.IsZero() {
		i, _ = strconv.Atoi(opts.After.ID)
	}
	return f.pages[i], nil
}

// TestChangedFeedsWalksEveryPage: the admin list is ordered by publication,
// so an old article edited in the window is on a late page.
func TestChangedFeedsWalksEveryPage(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	pub := func(updated time.Time, section string) article.Article {
		return article.Article{ID: section, Status: article.StatusPublished, Section: section, UpdatedAt: updated}
	}
	l := &fakeLister{pages: []article.Page{
		{Articles: []article.Article{pub(t0.Add(-time.Hour), "Спорт")}, Next: article.Position{ID: "1", Time: t0}},
		{Articles: []article.Article{pub(t0, "Свят"), {ID: "gone", Deleted: true, UpdatedAt: t0}}, Next: article.Position{ID: "2", Time: t0}},
		{Articles: []article.Article{pub(t0.Add(time.Minute), "Култура")}},
	}}
	// Scheduled (saved long before their time): one released in the window,
	// one still to come.
	released := pub(t0.Add(-24*time.Hour), "Икономика")
	released.PublishedAt = t0.Add(-2 * time.Minute)
	later := pub(t0.Add(-24*time.Hour), "Спорт")
	later.PublishedAt = t0.Add(time.Hour)
	l.pages[2].Articles = append(l.pages[2].Articles, released, later)
	keys, n, err := ChangedFeeds(t.Context(), l, t0.Add(-time.Second), t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range keys {
		got = append(got, k.String())
	}
	want := []string{article.SiteFeed.String(), article.FeedKey{Kind: article.FeedSection, Slug: article.Slugify("Свят")}.String(),
		article.FeedKey{Kind: article.FeedSection, Slug: article.Slugify("Култура")}.String(),
		article.FeedKey{Kind: article.FeedSection, Slug: article.Slugify("Икономика")}.String()}
	if !slices.Equal(got, want) || n != 4 {
		t.Errorf("feeds %q (%d articles), want %q (4 articles: two public, one tombstone, one released)", got, n, want)
	}
}
