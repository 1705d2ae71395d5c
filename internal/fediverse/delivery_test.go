package fediverse_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

func TestPolicy(t *testing.T) {
	p := fediverse.DefaultPolicy
	for attempt, want := range map[int]time.Duration{1: 45 * time.Second, 2: 90 * time.Second, 3: 3 * time.Minute, 10: 45 * time.Second << 9, 11: 12 * time.Hour, 40: 12 * time.Hour} {
		if got := p.RetryIn(attempt); got != want {
			t.Errorf("RetryIn(%d) = %v, want %v", attempt, got, want)
		}
	}
	// About a day from the first attempt to the last.
	if w := p.RetryWindow(); w < 20*time.Hour || w > 30*time.Hour {
		t.Errorf("RetryWindow = %v, want about a day", w)
	}
	if !(p.SkipAfter > p.RetryWindow() && p.PruneAfter > p.SkipAfter) {
		t.Errorf("skip after %v, prune after %v: want after the retries (%v) and in that order", p.SkipAfter, p.PruneAfter, p.RetryWindow())
	}
}

// hostPoster answers each host by a schedule: the first fails[host]
// posts fail with answer[host], the later ones succeed.
type hostPoster struct {
	mu     sync.Mutex
	fails  map[string]int
	answer map[string]error
	posts  map[string]int
}

func (p *hostPoster) Post(_ context.Context, inbox string, _ []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := fediverse.InboxHost(inbox)
	p.posts[h]++
	if p.posts[h] <= p.fails[h] {
		return p.answer[h]
	}
	return nil
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func deliverer(t *testing.T) (*fediverse.Deliverer, *bolt.Store, *hostPoster, *clock) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	p := &hostPoster{fails: map[string]int{}, answer: map[string]error{}, posts: map[string]int{}}
	c := &clock{t: now}
	return &fediverse.Deliverer{Post: p, Store: st, Policy: fediverse.DefaultPolicy, Now: c.now}, st, p, c
}

func attempt(t *testing.T, d *fediverse.Deliverer, inbox string, n int, queued time.Time) fediverse.Outcome {
	t.Helper()
	out, err := d.Attempt(context.Background(), fediverse.Delivery{Key: "k", Inbox: inbox, Activity: []byte(`{}`), Queued: queued}, n)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDelivererRetries: a host answering 503 three times is retried
// after 45 s, 90 s and 3 min by the schedule, its failures kept from the
// first; the fourth attempt delivers and clears its record. A 410 is
// refused at once and leaves the host's health alone; a 503 on the last
// attempt is a failure for the dead-letter queue.
func TestDelivererRetries(t *testing.T) {
	d, st, p, c := deliverer(t)
	ctx := context.Background()
	p.fails["flaky.example"], p.answer["flaky.example"] = 3, &fediverse.DeliveryError{Status: 503}
	queued := c.t
	for n, wait := range []time.Duration{45 * time.Second, 90 * time.Second, 3 * time.Minute} {
		out := attempt(t, d, "https://flaky.example/inbox", n+1, queued)
		if out.Result != fediverse.ResultRetry || out.RetryIn != wait {
			t.Fatalf("attempt %d: %+v, want a retry in %v", n+1, out, wait)
		}
		c.t = c.t.Add(wait)
	}
	if h, _ := st.Host(ctx, "flaky.example"); !h.FailingSince.Equal(now) || h.Failures != 3 {
		t.Errorf("after three 503s: %+v", h)
	}
	out := attempt(t, d, "https://flaky.example/inbox", 4, queued)
	if out.Result != fediverse.ResultSent || out.Latency != 45*time.Second+90*time.Second+3*time.Minute {
		t.Errorf("fourth attempt: %+v, want sent, 5m15s after it was queued", out)
	}
	if h, _ := st.Host(ctx, "flaky.example"); h.Failing() {
		t.Errorf("after a success: %+v, want no record", h)
	}

	p.fails["gone.example"], p.answer["gone.example"] = 1, &fediverse.DeliveryError{Status: 410, Permanent: true}
	if out := attempt(t, d, "https://gone.example/inbox", 1, queued); out.Result != fediverse.ResultRefused {
		t.Errorf("410: %+v, want refused", out)
	}
	if h, _ := st.Host(ctx, "gone.example"); h.Failing() || p.posts["gone.example"] != 1 {
		t.Errorf("410: host %+v, %d posts; want no record and one post", h, p.posts["gone.example"])
	}

	p.fails["down.example"], p.answer["down.example"] = 100, &fediverse.DeliveryError{Inbox: "https://down.example/inbox", Err: context.DeadlineExceeded}
	out = attempt(t, d, "https://down.example/inbox", fediverse.DefaultPolicy.Attempts, queued)
	if out.Result != fediverse.ResultFailed || !errors.Is(out.Err, context.DeadlineExceeded) {
		t.Errorf("a timeout on the last attempt: %+v, want failed", out)
	}
}

// TestDelivererDeadHost: a host failing for three days is skipped (no
// request) except one probe every six hours; after seven days of failing
// its followers are removed, others' kept; a probe that succeeds ends it.
func TestDelivererDeadHost(t *testing.T) {
	d, st, p, c := deliverer(t)
	ctx := context.Background()
	saveFollowers(t, st,
		fediverse.Follower{Actor: "https://dead.example/users/a", Inbox: "https://dead.example/users/a/inbox", SharedInbox: "https://dead.example/inbox"},
		fediverse.Follower{Actor: "https://dead.example/users/b", Inbox: "https://dead.example/users/b/inbox", SharedInbox: "https://dead.example/inbox"},
		fediverse.Follower{Actor: "https://alive.example/users/c", Inbox: "https://alive.example/users/c/inbox"},
	)
	p.fails["dead.example"], p.answer["dead.example"] = 1000, &fediverse.DeliveryError{Status: 502}
	inbox := "https://dead.example/inbox"
	// Failing every day for three days: still tried.
	for day := range 4 {
		c.t = now.Add(time.Duration(day) * 24 * time.Hour)
		if out := attempt(t, d, inbox, 1, c.t); out.Result != fediverse.ResultRetry {
			t.Fatalf("day %d: %+v, want tried and retried", day, out)
		}
	}
	posts := p.posts["dead.example"]
	// Three days failing, the last failure just now: skipped unsent.
	c.t = c.t.Add(time.Hour)
	if out := attempt(t, d, inbox, 1, c.t); out.Result != fediverse.ResultSkipped || p.posts["dead.example"] != posts {
		t.Errorf("failing 3 days: %+v, %d posts (was %d); want skipped without a request", out, p.posts["dead.example"], posts)
	}
	// Six hours after the last failure, one probe goes out.
	c.t = c.t.Add(5 * time.Hour)
	if out := attempt(t, d, inbox, 1, c.t); out.Result != fediverse.ResultRetry || p.posts["dead.example"] != posts+1 {
		t.Errorf("probe: %+v, %d posts; want one more request", out, p.posts["dead.example"])
	}
	if fs, _ := st.Followers(ctx); len(fs) != 3 {
		t.Errorf("%d followers before a week of failing, want 3", len(fs))
	}
	// A week failing: the probe fails and the host's followers go.
	c.t = now.Add(7*24*time.Hour + time.Minute)
	out := attempt(t, d, inbox, 1, c.t)
	if out.Pruned != 2 {
		t.Errorf("a week failing: %+v, want 2 followers pruned", out)
	}
	if fs, _ := st.Followers(ctx); len(fs) != 1 || fs[0].Actor != "https://alive.example/users/c" {
		t.Errorf("followers after pruning: %+v, want only the other host's", fs)
	}
	// The host answers again: the next probe delivers and ends it.
	p.fails["dead.example"] = 0
	c.t = c.t.Add(6 * time.Hour)
	if out := attempt(t, d, inbox, 1, c.t); out.Result != fediverse.ResultSent {
		t.Errorf("back: %+v, want sent", out)
	}
	if h, _ := st.Host(ctx, "dead.example"); h.Failing() {
		t.Errorf("back: %+v, want no record", h)
	}
}

// recordingOutbox keeps what the federator queued.
type recordingOutbox struct{ ds []fediverse.Delivery }

func (o *recordingOutbox) Enqueue(_ context.Context, ds []fediverse.Delivery) error {
	o.ds = append(o.ds, ds...)
	return nil
}

// twoInboxesThreeFollowers are two followers on one server with a shared
// inbox and one on a server without: two inboxes to deliver to.
var twoInboxesThreeFollowers = []fediverse.Follower{
	{Actor: "https://m.example/users/a", Inbox: "https://m.example/users/a/inbox", SharedInbox: "https://m.example/inbox"},
	{Actor: "https://m.example/users/b", Inbox: "https://m.example/users/b/inbox", SharedInbox: "https://m.example/inbox"},
	{Actor: "https://solo.example/c", Inbox: "https://solo.example/c/inbox"},
}

// saveFollowers saves fs to st.
func saveFollowers(t *testing.T, st *bolt.Store, fs ...fediverse.Follower) {
	t.Helper()
	for _, f := range fs {
		if err := st.SaveFollower(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFederatorQueues: one delivery per unique inbox, each with the
// change's key (the same for the same change announced twice, another
// for the next version) and the announcement's time.
func TestFederatorQueues(t *testing.T) {
	in, st, _ := setup(t)
	ctx := context.Background()
	saveFollowers(t, st, twoInboxesThreeFollowers...)
	o := &recordingOutbox{}
	fed := &fediverse.Federator{Pub: in.Pub, Store: st, Articles: in.Articles, Now: in.Now, Outbox: o}
	l := fediverse.Lifecycle{ID: seed.IDNATO, IsLive: true, NewVersion: 1}
	for range 2 {
		if _, err := fed.Announce(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	l2 := fediverse.Lifecycle{ID: seed.IDNATO, WasLive: true, IsLive: true, OldVersion: 1, NewVersion: 2}
	if _, err := fed.Announce(ctx, l2); err != nil {
		t.Fatal(err)
	}
	if len(o.ds) != 6 {
		t.Fatalf("%d deliveries, want 2 per announcement", len(o.ds))
	}
	if o.ds[0].Inbox != "https://m.example/inbox" || o.ds[1].Inbox != "https://solo.example/c/inbox" || !o.ds[0].Queued.Equal(now) {
		t.Errorf("first announcement: %+v", o.ds[:2])
	}
	if o.ds[0].Key != o.ds[2].Key || o.ds[0].Key == o.ds[4].Key || o.ds[0].Key == "" {
		t.Errorf("keys %q %q %q: want the same for the same change, another for the next", o.ds[0].Key, o.ds[2].Key, o.ds[4].Key)
	}
}

// TestRetryAfter: a 429 or 503 with Retry-After (seconds; dates in
// TestRetryAfterValue) waits
// at least that long, up to the longest backoff; a shorter one leaves the
// schedule's.
func TestRetryAfter(t *testing.T) {
	var header string
	peer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", header)
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	t.Cleanup(peer.Close)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	client := &fediverse.Client{HTTP: fediverse.NewHTTPClient(5*time.Second, 1, true), Signer: &httpsig.Signer{KeyID: "https://a.example/actor#main-key", Key: key}}
	d, _, _, _ := deliverer(t)
	d.Post = client
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"", 45 * time.Second},
		{"10", 45 * time.Second},
		{"600", 10 * time.Minute},
		{"999999", 12 * time.Hour},
		{"soon", 45 * time.Second},
	} {
		header = tc.header
		out := attempt(t, d, peer.URL+"/inbox", 1, now)
		if out.Result != fediverse.ResultRetry || out.RetryIn != tc.want {
			t.Errorf("Retry-After %q: %+v, want a retry in %v", tc.header, out, tc.want)
		}
	}
}
