package outbox_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// recordingAPI forwards to moto and records every visibility the handler
// asks for, then makes the message visible at once: the backoff schedule
// is checked as asked, never waited out on the wall clock.
type recordingAPI struct {
	*sqs.Client
	mu     sync.Mutex
	delays []int32
}

func (a *recordingAPI) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	a.mu.Lock()
	for i := range in.Entries {
		a.delays = append(a.delays, in.Entries[i].VisibilityTimeout)
		in.Entries[i].VisibilityTimeout = 0
	}
	a.mu.Unlock()
	return a.Client.ChangeMessageVisibilityBatch(ctx, in, opts...)
}

func (a *recordingAPI) taken() []int32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.delays
	a.delays = nil
	return out
}

// env is a FIFO delivery queue and its FIFO dead-letter queue on moto
// (redrive after attempts receives), a store on moto, a signing client
// and a clock the test moves.
type env struct {
	sqs      *sqs.Client
	api      *recordingAPI
	queue    *outbox.Queue
	dlq      string
	store    *dynamo.Store
	handler  *outbox.Handler
	emf      *strings.Builder
	mu       sync.Mutex
	now      time.Time
	attempts int
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func newEnv(t *testing.T, attempts int) *env {
	t.Helper()
	client := dynamotest.Client(t) // skips, or fails under CI, without moto
	e := &env{store: dynamo.New(client, dynamotest.Table(t, client), dynamo.WithConsistentReads()), now: t0, attempts: attempts, emf: &strings.Builder{}}
	e.sqs = dynamotest.SQS(t)
	e.dlq = dynamotest.FIFOQueue(t, e.sqs, "deliveries-dead", nil)
	dlqARN, err := e.sqs.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(e.dlq), AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	url := dynamotest.FIFOQueue(t, e.sqs, "deliveries", map[string]string{
		"VisibilityTimeout": "60",
		"RedrivePolicy":     fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, dlqARN.Attributes["QueueArn"], attempts),
	})
	e.api = &recordingAPI{Client: e.sqs}
	e.queue = &outbox.Queue{Client: e.api, URL: url}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	poster := &fediverse.Client{Signer: &httpsig.Signer{KeyID: "https://api.news.example.bg/ap/actor#main-key", Key: key, Now: e.clock},
		HTTP: fediverse.NewHTTPClient(5*time.Second, 1, true)}
	policy := fediverse.DefaultPolicy
	policy.Attempts = attempts
	e.handler = &outbox.Handler{
		Deliverer: &fediverse.Deliverer{Post: poster, Store: e.store, Policy: policy, Now: e.clock},
		Queue:     e.queue,
		Metrics:   metrics.New(e.emf, metrics.Options{Service: "deliver", Now: e.clock}),
	}
	return e
}

// poll does what Lambda's event source does once: receives a batch,
// invokes the handler and deletes what it did not report. It returns how
// many messages it received.
func (e *env) poll(t *testing.T) int {
	t.Helper()
	out, err := e.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(e.queue.URL), MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) == 0 {
		return 0
	}
	var ev events.SQSEvent
	for _, m := range out.Messages {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
			Body: aws.ToString(m.Body), Attributes: m.Attributes, EventSource: "aws:sqs"})
	}
	res, err := e.handler.Handle(t.Context(), ev)
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range res.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, m := range ev.Records {
		if failed[m.MessageId] {
			continue
		}
		if _, err := e.sqs.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(e.queue.URL), ReceiptHandle: aws.String(m.ReceiptHandle)}); err != nil {
			t.Fatal(err)
		}
	}
	return len(out.Messages)
}

func (e *env) count(t *testing.T, url string) int {
	t.Helper()
	out, err := e.sqs.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
	b, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return a + b
}

// peer is a fediverse server answering its first fails POSTs with status,
// the later ones 202; it keeps each request's Date and checks it is signed.
type peer struct {
	*httptest.Server
	mu     sync.Mutex
	fails  int
	status int
	posts  int
	dates  []string
	bodies []string
}

func newPeer(t *testing.T, fails, status int) *peer {
	p := &peer{fails: fails, status: status}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.posts++
		if r.Header.Get("Signature") == "" || r.Header.Get("Digest") != httpsig.Digest(body) {
			t.Errorf("unsigned or digest-less delivery: %v", r.Header)
		}
		p.dates = append(p.dates, r.Header.Get("Date"))
		if p.posts <= p.fails {
			w.WriteHeader(p.status)
			return
		}
		p.bodies = append(p.bodies, string(body))
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *peer) got() (posts int, dates []string, bodies []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.posts, append([]string(nil), p.dates...), append([]string(nil), p.bodies...)
}

func delivery(inbox string) fediverse.Delivery {
	return fediverse.Delivery{Key: "story/Create/1", Inbox: inbox, Activity: []byte(`{"type":"Create","id":"https://api.news.example.bg/ap/notes/1/create"}`), Queued: t0}
}

// drain polls until the queue is empty, at most max times.
func (e *env) drain(t *testing.T, max int, between func()) {
	t.Helper()
	for range max {
		if e.poll(t) == 0 && e.count(t, e.queue.URL) == 0 {
			return
		}
		if between != nil {
			between()
		}
	}
	t.Fatalf("the queue still holds %d messages after %d polls", e.count(t, e.queue.URL), max)
}

// TestQueueDelivers: deliveries go on the FIFO queue in batches of ten,
// a story change queued twice is there once (deduplication), and each is
// delivered, signed, to its inbox; a 410 is dropped for good (refused),
// a 503 answered twice is retried with the backoff schedule, its Date
// fresh on every attempt.
func TestQueueDelivers(t *testing.T) {
	e := newEnv(t, fediverse.DefaultPolicy.Attempts)
	var peers []*peer
	var ds []fediverse.Delivery
	for range 12 {
		p := newPeer(t, 0, 0)
		peers = append(peers, p)
		ds = append(ds, delivery(p.URL+"/inbox"))
	}
	flaky, gone := newPeer(t, 2, http.StatusServiceUnavailable), newPeer(t, 1, http.StatusGone)
	ds = append(ds, delivery(flaky.URL+"/inbox"), delivery(gone.URL+"/inbox"))
	for range 2 {
		if err := e.queue.Enqueue(t.Context(), ds); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.count(t, e.queue.URL); n != len(ds) {
		t.Fatalf("%d messages queued, want %d: the second Enqueue of the same change must be dropped as a repeat", n, len(ds))
	}
	e.drain(t, 10, func() { e.advance(time.Minute) })
	for i, p := range peers {
		if posts, _, bodies := p.got(); posts != 1 || len(bodies) != 1 || !strings.Contains(bodies[0], `"type":"Create"`) {
			t.Errorf("peer %d: %d posts, bodies %v; want the activity once", i, posts, bodies)
		}
	}
	posts, dates, bodies := flaky.got()
	if posts != 3 || len(bodies) != 1 {
		t.Errorf("503 twice: %d posts, %d delivered; want 3 and 1", posts, len(bodies))
	}
	if len(dates) == 3 && (dates[0] == dates[1] || dates[1] == dates[2]) {
		t.Errorf("Date headers %v: want each attempt signed when sent", dates)
	}
	if got := fmt.Sprint(e.api.taken()); got != "[45 90]" {
		t.Errorf("visibilities asked %s, want [45 90] (seconds: the schedule's first two waits)", got)
	}
	if posts, _, _ := gone.got(); posts != 1 {
		t.Errorf("410: %d posts, want 1 (refused for good)", posts)
	}
	if n := e.count(t, e.dlq); n != 0 {
		t.Errorf("%d in the dead-letter queue, want none", n)
	}
	if h, _ := e.store.Host(t.Context(), strings.TrimPrefix(flaky.URL, "http://")); h.Failing() {
		t.Errorf("the flaky host recovered, its record is %+v", h)
	}
	emf := e.emf.String()
	for _, want := range []string{`"DeliveriesSent":`, `"DeliveriesRefused":1`, `"DeliveriesRetried":1`, `"DeliveryLatency":[`, `"DeliveryBackoff":45`, `"Host":"127.0.0.1:`} {
		if !strings.Contains(emf, want) {
			t.Errorf("metrics lack %s:\n%s", want, emf)
		}
	}
}

// TestDeadLetter: a host failing every attempt has its delivery backed
// off each time and, after the last attempt, moved by the queue's redrive
// to the dead-letter queue; the host's failures are on record.
func TestDeadLetter(t *testing.T) {
	const attempts = 3
	e := newEnv(t, attempts)
	down := newPeer(t, 1000, http.StatusBadGateway)
	if err := e.queue.Enqueue(t.Context(), []fediverse.Delivery{delivery(down.URL + "/inbox")}); err != nil {
		t.Fatal(err)
	}
	for range attempts + 2 {
		e.poll(t)
		e.advance(time.Hour)
	}
	if posts, _, _ := down.got(); posts != attempts {
		t.Errorf("%d attempts, want %d", posts, attempts)
	}
	if got := fmt.Sprint(e.api.taken()); got != "[45 90 1]" {
		t.Errorf("visibilities asked %s, want [45 90 1] (the last: at once, to the dead-letter queue)", got)
	}
	if n := e.count(t, e.queue.URL); n != 0 {
		t.Errorf("%d left in the queue, want 0", n)
	}
	out, err := e.sqs.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(e.dlq), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 {
		t.Fatalf("%d in the dead-letter queue, want the delivery", len(out.Messages))
	}
	if d, err := outbox.Decode(aws.ToString(out.Messages[0].Body)); err != nil || d.Inbox != down.URL+"/inbox" {
		t.Errorf("dead letter %+v, %v", d, err)
	}
	h, err := e.store.Host(t.Context(), strings.TrimPrefix(down.URL, "http://"))
	if err != nil || h.Failures != attempts || !h.FailingSince.Equal(t0) {
		t.Errorf("host record %+v, %v; want %d failures since %v", h, err, attempts, t0)
	}
	if !strings.Contains(e.emf.String(), `"DeliveriesFailed":1`) {
		t.Errorf("no DeliveriesFailed in %s", e.emf.String())
	}
}

// TestDeadHostSkipped: a host failing for over a week is not sent to: its
// delivery is dropped and its followers are removed, other hosts' kept.
func TestDeadHostSkipped(t *testing.T) {
	e := newEnv(t, fediverse.DefaultPolicy.Attempts)
	dead, alive := newPeer(t, 0, 0), newPeer(t, 0, 0)
	deadHost := strings.TrimPrefix(dead.URL, "http://")
	for _, f := range []fediverse.Follower{
		{Actor: dead.URL + "/users/a", Inbox: dead.URL + "/users/a/inbox", SharedInbox: dead.URL + "/inbox"},
		{Actor: alive.URL + "/users/b", Inbox: alive.URL + "/users/b/inbox", SharedInbox: alive.URL + "/inbox"},
	} {
		if err := e.store.SaveFollower(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	// Failing since eight days ago, the last failure an hour ago.
	for _, at := range []time.Time{t0.Add(-8 * 24 * time.Hour), t0.Add(-time.Hour)} {
		if _, err := e.store.HostFailed(t.Context(), deadHost, at); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.queue.Enqueue(t.Context(), []fediverse.Delivery{delivery(dead.URL + "/inbox"), delivery(alive.URL + "/inbox")}); err != nil {
		t.Fatal(err)
	}
	e.drain(t, 5, nil)
	if posts, _, _ := dead.got(); posts != 0 {
		t.Errorf("the dead host got %d requests, want none", posts)
	}
	if posts, _, _ := alive.got(); posts != 1 {
		t.Errorf("the other host got %d requests, want 1", posts)
	}
	fs, err := e.store.Followers(t.Context())
	if err != nil || len(fs) != 1 || fs[0].Actor != alive.URL+"/users/b" {
		t.Errorf("followers %+v, %v; want only the other host's", fs, err)
	}
	emf := e.emf.String()
	if !strings.Contains(emf, `"DeliveriesSkipped":1`) || !strings.Contains(emf, `"FollowersPruned":1`) {
		t.Errorf("metrics lack the skip and the pruning:\n%s", emf)
	}
}

// TestDecode refuses bodies that are no delivery.
func TestDecode(t *testing.T) {
	d := delivery("https://m.example/inbox")
	body, err := outbox.Encode(&d)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := outbox.Decode(body); err != nil || got.Inbox != d.Inbox || string(got.Activity) != string(d.Activity) || !got.Queued.Equal(t0) || got.Key != d.Key {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{``, `{}`, `{"inbox":"https://m.example/inbox"}`, `[1]`} {
		if _, err := outbox.Decode(bad); err == nil {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
	long := fediverse.Delivery{Inbox: "https://" + strings.Repeat("a", 200) + ".example/inbox"}
	if g := outbox.GroupID(&long); len(g) > 128 {
		t.Errorf("GroupID of a long host: %d characters", len(g))
	}
	if a, b := outbox.DedupID(&d), outbox.DedupID(&long); a == b || len(a) > 128 {
		t.Errorf("DedupID %q %q", a, b)
	}
}
