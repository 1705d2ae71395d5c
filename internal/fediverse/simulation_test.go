package fediverse_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// The delivery target: a story reaches 10,000 followers on 2,000
// instances. simPollers is the deliver function's concurrency cap
// (template.yaml's DeliveryConcurrency default): that many batches of
// ten at once, as Lambda's SQS pollers run them.
const (
	simFollowers = 10000
	simInstances = 2000
	simPollers   = 20
	// simPerHost is the stated bound: one connection (and one request)
	// to an instance at a time, by the queue's per-host message groups.
	simPerHost = 1
)

// The benchmark's delays, what a deployed delivery waits on besides its
// own CPU: a fediverse server's inbox answers in simPeerMin to
// simPeerMin+simPeerSpread (spread over the instances by number, not by
// chance), an SQS call takes simSQSCall, and Lambda's invocation of the
// deliver function adds simInvoke to each batch received. Loopback and
// memFIFO would otherwise answer in microseconds, and a fan-out timed on
// them would say nothing about one on the internet.
const (
	simPeerMin    = 50 * time.Millisecond
	simPeerSpread = 250 * time.Millisecond
	simSQSCall    = 15 * time.Millisecond
	simInvoke     = 25 * time.Millisecond
)

// simPeerDelay is instance i's answer time in the benchmark.
func simPeerDelay(i int) time.Duration {
	return simPeerMin + time.Duration(i*7919%251)*simPeerSpread/250
}

// testPeerDelay is instance i's answer time in make test: the instances
// with many inboxes answer slowly, so two batches of one at once would
// overlap and be counted; the rest at once.
func testPeerDelay(i int) time.Duration {
	if i%10 == 3 {
		return 5 * time.Millisecond
	}
	return 0
}

// simulation is a loopback fediverse of instances, all served by one
// listener that tells them apart by Host: it counts requests, the
// connections and requests in flight per instance, and when each
// instance first answered 2xx. Instances whose number is divisible by 97
// answer 503 to their first delivery, by 199 410 to every one; every
// tenth (number ending in 3) has no shared inbox, so its followers are
// deliveries of their own, in one message group: faults and shapes by
// schedule, not by chance.
type simulation struct {
	srv      *httptest.Server
	start    time.Time
	mu       sync.Mutex
	inFlight map[string]int
	maxHost  int
	conns    map[string]int
	maxConns int
	seen     map[string]int
	reached  map[string]time.Duration
	requests atomic.Int64
	// delay is instance i's answer time.
	delay func(i int) time.Duration
}

func newSimulation(t testing.TB, delay func(i int) time.Duration) *simulation {
	s := &simulation{delay: delay, inFlight: map[string]int{}, conns: map[string]int{}, seen: map[string]int{}, reached: map[string]time.Duration{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		s.inFlight[r.Host]++
		s.maxHost = max(s.maxHost, s.inFlight[r.Host])
		s.seen[r.Host]++
		n := s.seen[r.Host]
		s.mu.Unlock()
		defer func() { s.mu.Lock(); s.inFlight[r.Host]--; s.mu.Unlock() }()
		var i int
		fmt.Sscanf(r.Host, "inst%d.example", &i)
		if d := s.delay(i); d > 0 {
			time.Sleep(d)
		}
		switch {
		case i%199 == 0:
			w.WriteHeader(http.StatusGone)
		case i%97 == 0 && n == 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		default:
			s.mu.Lock()
			if _, ok := s.reached[r.Host]; !ok {
				s.reached[r.Host] = time.Since(s.start)
			}
			s.mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

// client signs like the deliver function's and dials every instance's
// host to the one loopback listener, counting open connections per host.
func (s *simulation) client(t testing.TB, key *rsa.PrivateKey) *fediverse.Client {
	addr := s.srv.Listener.Addr().String()
	// The deliver function's client allows 4 connections per host
	// (fediapi.PeerConnsPerHost): the queue is what keeps it to one.
	hc := fediverse.NewHTTPClient(10*time.Second, 4, true)
	tr := hc.Transport.(*http.Transport)
	tr.DialContext = func(ctx context.Context, network, host string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.conns[host]++
		s.maxConns = max(s.maxConns, s.conns[host])
		s.mu.Unlock()
		return &countedConn{Conn: c, done: func() { s.mu.Lock(); s.conns[host]--; s.mu.Unlock() }}, nil
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &fediverse.Client{HTTP: hc, Signer: &httpsig.Signer{KeyID: "https://api.news.example.bg/ap/actor#main-key", Key: key}}
}

type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Close() error { c.once.Do(c.done); return c.Conn.Close() }

func simFollowersList(followers, instances int) []fediverse.Follower {
	fs := make([]fediverse.Follower, 0, followers)
	for i := range followers {
		inst := i % instances
		actor := fmt.Sprintf("http://inst%04d.example/users/%d", inst, i)
		f := fediverse.Follower{Actor: actor, Inbox: actor + "/inbox"}
		if inst%10 != 3 {
			f.SharedInbox = fmt.Sprintf("http://inst%04d.example/inbox", inst)
		}
		fs = append(fs, f)
	}
	return fs
}

var simKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// simStore keeps the followers and hosts in memory (a bolt file would
// spend the run in fsync): what the federator and the deliverer use.
type simStore struct {
	fediverse.Store
	mu        sync.Mutex
	followers []fediverse.Follower
	hosts     map[string]fediverse.HostHealth
}

func (s *simStore) Followers(context.Context) ([]fediverse.Follower, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.followers), nil
}

func (s *simStore) RemoveFollower(_ context.Context, actor string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.followers = slices.DeleteFunc(s.followers, func(f fediverse.Follower) bool { return f.Actor == actor })
	return nil
}

func (s *simStore) RemoveInteraction(context.Context, string, string, string) error { return nil }

func (s *simStore) Host(_ context.Context, host string) (fediverse.HostHealth, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hosts[host]
	h.Host = host
	return h, nil
}

func (s *simStore) HostFailed(_ context.Context, host string, at time.Time) (fediverse.HostHealth, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hosts[host]
	if h.FailingSince.IsZero() {
		h.FailingSince = at
	}
	h.Host, h.LastFailure = host, at
	h.Failures++
	s.hosts[host] = h
	return h, nil
}

func (s *simStore) HostRecovered(_ context.Context, host string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.hosts, host)
	return nil
}

// virtualBackoff forwards to moto and makes a message visible again at
// once, keeping the backoff the handler asked for by receipt handle: the
// simulation adds it to the instance's time instead of waiting it out.
type virtualBackoff struct {
	sqsAPI
	mu    sync.Mutex
	asked map[string]time.Duration
}

func (v *virtualBackoff) ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	v.mu.Lock()
	for i := range in.Entries {
		v.asked[aws.ToString(in.Entries[i].ReceiptHandle)] = time.Duration(in.Entries[i].VisibilityTimeout) * time.Second
		in.Entries[i].VisibilityTimeout = 0
	}
	v.mu.Unlock()
	return v.sqsAPI.ChangeMessageVisibilityBatch(ctx, in, opts...)
}

// sqsAPI is what the simulation calls on the queue: the outbox's calls
// and those of Lambda's event source. *sqs.Client (moto) and memFIFO
// have them.
type sqsAPI interface {
	outbox.API
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// memFIFO is an SQS FIFO queue in memory, for the benchmark: moto's FIFO
// SendMessageBatch slows with the queue's depth (200 messages took 3 s
// into an empty queue, over 30 s with 400 to 800 queued, on this
// machine), so moto carries the small run in make test and this model
// the 2,000 instances. What it keeps of SQS: deduplication ids,
// a group blocked while any of its messages is in flight, messages of a
// group received in order (several in one receive), receive counts,
// visibility timeouts and their changes, deletes by receipt handle; and
// each call's latency (call, and invoke more for a receive: the Lambda
// invocation of the batch), spent outside the queue's lock as the
// network's would be.
type memFIFO struct {
	call, invoke time.Duration
	mu           sync.Mutex
	msgs         []*memMessage
	byDedup      map[string]bool
	receipts     map[string]*memMessage
	next         int
}

type memMessage struct {
	id, body, group string
	received        int
	visibleAt       time.Time
	deleted         bool
}

func newMemFIFO(call, invoke time.Duration) *memFIFO {
	return &memFIFO{call: call, invoke: invoke, byDedup: map[string]bool{}, receipts: map[string]*memMessage{}}
}

func (q *memFIFO) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	time.Sleep(q.call)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		out.Successful = append(out.Successful, types.SendMessageBatchResultEntry{Id: e.Id})
		if q.byDedup[aws.ToString(e.MessageDeduplicationId)] {
			continue
		}
		q.byDedup[aws.ToString(e.MessageDeduplicationId)] = true
		q.next++
		q.msgs = append(q.msgs, &memMessage{id: fmt.Sprint("m", q.next), body: aws.ToString(e.MessageBody), group: aws.ToString(e.MessageGroupId)})
	}
	return out, nil
}

func (q *memFIFO) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	time.Sleep(q.call + q.invoke)
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	blocked := map[string]bool{}
	for _, m := range q.msgs {
		if !m.deleted && m.visibleAt.After(now) {
			blocked[m.group] = true
		}
	}
	out := &sqs.ReceiveMessageOutput{}
	for _, m := range q.msgs {
		if len(out.Messages) >= int(in.MaxNumberOfMessages) {
			break
		}
		if m.deleted || m.visibleAt.After(now) || blocked[m.group] {
			continue
		}
		m.received++
		m.visibleAt = now.Add(720 * time.Second)
		receipt := fmt.Sprint(m.id, "/", m.received)
		q.receipts[receipt] = m
		out.Messages = append(out.Messages, types.Message{MessageId: aws.String(m.id), ReceiptHandle: aws.String(receipt), Body: aws.String(m.body),
			Attributes: map[string]string{"ApproximateReceiveCount": fmt.Sprint(m.received), "MessageGroupId": m.group}})
	}
	return out, nil
}

func (q *memFIFO) ChangeMessageVisibilityBatch(_ context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	time.Sleep(q.call)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.ChangeMessageVisibilityBatchOutput{}
	for _, e := range in.Entries {
		if m := q.receipts[aws.ToString(e.ReceiptHandle)]; m != nil {
			m.visibleAt = time.Now().Add(time.Duration(e.VisibilityTimeout) * time.Second)
		}
		out.Successful = append(out.Successful, types.ChangeMessageVisibilityBatchResultEntry{Id: e.Id})
	}
	return out, nil
}

func (q *memFIFO) DeleteMessageBatch(_ context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	time.Sleep(q.call)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := &sqs.DeleteMessageBatchOutput{}
	for _, e := range in.Entries {
		if m := q.receipts[aws.ToString(e.ReceiptHandle)]; m != nil {
			m.deleted = true
		}
		out.Successful = append(out.Successful, types.DeleteMessageBatchResultEntry{Id: e.Id})
	}
	return out, nil
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// simResult is one story's way to every instance.
type simResult struct {
	deliveries int
	// reach is each instance's time to its first 2xx from the story's
	// change, with the backoffs it was given added as if waited.
	reach []time.Duration
	polls int
	// queued is the federator's time to queue every delivery.
	queued time.Duration
}

// runSimulation stores the followers, announces a story through the
// federator onto the FIFO queue at url of sq (outbox.Queue, as the
// federate function) and runs simPollers pollers that do what Lambda's SQS event
// source does with the deliver function's handler (receive ten, invoke,
// delete what it did not report), until every instance got the story or
// refused it, within a bounded number of polls.
func runSimulation(t testing.TB, followers, instances int, sqsc sqsAPI, url string, delay func(i int) time.Duration) (*simulation, simResult) {
	st := &simStore{followers: simFollowersList(followers, instances), hosts: map[string]fediverse.HostHealth{}}
	ctx := context.Background()
	api := &virtualBackoff{sqsAPI: sqsc, asked: map[string]time.Duration{}}
	queue := &outbox.Queue{Client: api, URL: url}
	live := seed.Articles("https://news.example.bg")[0]
	live.PublishedAt = time.Now().Add(-time.Hour)
	fed := &fediverse.Federator{Pub: pub(), Store: st, Articles: articles{live.ID: live}, Outbox: queue}
	s := newSimulation(t, delay)
	h := &outbox.Handler{Queue: queue, Deliverer: &fediverse.Deliverer{Post: s.client(t, simKey()), Store: st, Policy: fediverse.DefaultPolicy}}

	s.start = time.Now()
	n, err := fed.Announce(ctx, fediverse.Lifecycle{ID: live.ID, IsLive: true, NewVersion: 1})
	if err != nil {
		t.Fatal(err)
	}
	res := simResult{deliveries: n, queued: time.Since(s.start)}
	var (
		mu      sync.Mutex
		backoff = map[string]time.Duration{}
		deleted = map[string]bool{}
		recvMu  sync.Mutex
		left    atomic.Int64
		polls   atomic.Int64
		wg      sync.WaitGroup
	)
	left.Store(int64(n))
	_, serial := sqsc.(*sqs.Client)
	// Bounded: a poll that finds nothing (every group in flight) counts
	// too, and sleeps 10 ms.
	maxPolls := int64(10*n + 1000)
	for range simPollers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Load() > 0 && polls.Add(1) <= maxPolls {
				// One receive at a time on moto: it does not isolate them
				// (two at once can both take a message); SQS and memFIFO do.
				if serial {
					recvMu.Lock()
				}
				out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
					MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
				if serial {
					recvMu.Unlock()
				}
				if err != nil {
					t.Error(err)
					return
				}
				if len(out.Messages) == 0 {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				var ev events.SQSEvent
				for _, m := range out.Messages {
					ev.Records = append(ev.Records, events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
						Body: aws.ToString(m.Body), Attributes: m.Attributes})
				}
				r, err := h.Handle(ctx, ev)
				if err != nil {
					t.Error(err)
					return
				}
				failed := map[string]bool{}
				for _, f := range r.BatchItemFailures {
					failed[f.ItemIdentifier] = true
				}
				var del []types.DeleteMessageBatchRequestEntry
				// A host's messages held back together wait once.
				waits := map[string]time.Duration{}
				for i, m := range ev.Records {
					if failed[m.MessageId] {
						d, _ := outbox.Decode(m.Body)
						api.mu.Lock()
						waits[d.Host()] = max(waits[d.Host()], api.asked[m.ReceiptHandle])
						api.mu.Unlock()
						continue
					}
					del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: aws.String(m.ReceiptHandle)})
				}
				if len(del) > 0 {
					if _, err := sqsc.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: del}); err != nil {
						t.Error(err)
						return
					}
				}
				mu.Lock()
				for host, w := range waits {
					backoff[host] += w
				}
				for _, e := range del {
					id := ev.Records[atoi(aws.ToString(e.Id))].MessageId
					if deleted[id] {
						t.Errorf("message %s deleted twice", id)
					}
					deleted[id] = true
				}
				mu.Unlock()
				left.Add(-int64(len(del)))
			}
		}()
	}
	wg.Wait()
	res.polls = int(polls.Load())
	t.Logf("%d deliveries queued in %v, delivered in %v, %d polls", n, res.queued, time.Since(s.start), res.polls)
	if left.Load() != 0 {
		t.Fatalf("%d deliveries still queued after %d polls", left.Load(), res.polls)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for host, d := range s.reached {
		res.reach = append(res.reach, d+backoff[host])
	}
	slices.Sort(res.reach)
	return s, res
}

// TestDeliverySimulation: a story to followers on many instances (2,000
// on 100, to keep make test short; the benchmark runs the 10,000
// on 2,000, on memFIFO) goes through moto's FIFO queue: one delivery per unique inbox;
// every instance that answers gets it once (those answering 503 once on
// the retry, after the schedule's first backoff), those answering 410 are
// not retried; never more than simPerHost requests or connections to one
// instance at once. No time is asserted.
func TestDeliverySimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("a thousand loopback deliveries through moto's SQS; not in -short")
	}
	// 20 followers an instance: the instances without a shared inbox
	// have 20 deliveries each, more than a batch, so only the queue's
	// per-host groups keep them to one at a time.
	const followers, instances = simFollowers / 5, simInstances / 20
	sqsc := dynamotest.SQS(t)
	url := dynamotest.FIFOQueue(t, sqsc, "sim-deliveries", map[string]string{"VisibilityTimeout": "720"})
	s, res := runSimulation(t, followers, instances, sqsc, url, testPeerDelay)
	wantDeliveries, gone, flaky := 0, 0, 0
	for i := range instances {
		perInstance := followers / instances
		if i%10 == 3 {
			wantDeliveries += perInstance
		} else {
			wantDeliveries++
		}
		switch {
		case i%199 == 0:
			gone++
		case i%97 == 0:
			flaky++
		}
	}
	if res.deliveries != wantDeliveries {
		t.Errorf("%d deliveries queued, want %d (one per shared inbox, one per follower without)", res.deliveries, wantDeliveries)
	}
	if len(res.reach) != instances-gone {
		t.Errorf("%d instances reached, want %d", len(res.reach), instances-gone)
	}
	if got := s.requests.Load(); got != int64(wantDeliveries+flaky) {
		t.Errorf("%d requests, want one per delivery and one retry for each of the %d flaky instances (%d)", got, flaky, wantDeliveries+flaky)
	}
	if s.maxHost > simPerHost || s.maxConns > simPerHost {
		t.Errorf("at most %d requests and %d connections to one instance at once, want at most %d", s.maxHost, s.maxConns, simPerHost)
	}
}

// BenchmarkFanoutSimulation reports, per story delivered through the
// queue to the 2,000 instances (memFIFO with SQS's and Lambda's latency,
// instances answering in 50 to 300 ms), the median over the iterations of: the
// p95 and the last instance's time from the story's change (the flaky
// instances' scheduled backoff of 45 s added as if waited), the time
// without that backoff for the last one, and the heap growth once
// delivered; and the most connections one instance saw at once.
func BenchmarkFanoutSimulation(b *testing.B) {
	var p95, last, heap []float64
	conns := 0.0
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, res := runSimulation(b, simFollowers, simInstances, newMemFIFO(simSQSCall, simInvoke), "memory", simPeerDelay)
		runtime.GC()
		runtime.ReadMemStats(&after)
		// The instances answering at once: the last flaky ones carry 45 s.
		p95 = append(p95, res.reach[len(res.reach)*95/100].Seconds())
		last = append(last, res.reach[len(res.reach)-1].Seconds())
		conns = max(conns, float64(max(s.maxConns, s.maxHost)))
		heap = append(heap, float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	}
	median := func(v []float64) float64 { slices.Sort(v); return v[len(v)/2] }
	b.ReportMetric(median(p95), "p95-s")
	b.ReportMetric(median(last), "last-s")
	b.ReportMetric(conns, "max-conns/host")
	b.ReportMetric(median(heap), "heap-growth-MiB")
}
