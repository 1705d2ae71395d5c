package fediverse_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/seed"
)

func TestDecide(t *testing.T) {
	tests := []struct {
		name string
		l    fediverse.Lifecycle
		want string
	}{
		{"published", fediverse.Lifecycle{IsLive: true, NewVersion: 1}, fediverse.SendCreate},
		{"released at its time", fediverse.Lifecycle{WasLive: false, IsLive: true, OldVersion: 1, NewVersion: 1}, fediverse.SendCreate},
		{"scheduled: saved pending", fediverse.Lifecycle{NewVersion: 1}, fediverse.SendNothing},
		{"edited", fediverse.Lifecycle{WasLive: true, IsLive: true, OldVersion: 1, NewVersion: 2}, fediverse.SendUpdate},
		{"renamed", fediverse.Lifecycle{WasLive: true, IsLive: true, OldVersion: 2, NewVersion: 3}, fediverse.SendUpdate},
		{"same version again", fediverse.Lifecycle{WasLive: true, IsLive: true, OldVersion: 2, NewVersion: 2}, fediverse.SendNothing},
		{"unpublished", fediverse.Lifecycle{WasLive: true, OldVersion: 2, NewVersion: 3}, fediverse.SendDelete},
		{"deleted", fediverse.Lifecycle{WasLive: true, OldVersion: 2, NewVersion: 3}, fediverse.SendDelete},
		{"draft saved", fediverse.Lifecycle{OldVersion: 1, NewVersion: 2}, fediverse.SendNothing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fediverse.Decide(tt.l); got != tt.want {
				t.Errorf("Decide(%+v) = %q, want %q", tt.l, got, tt.want)
			}
		})
	}
}

func TestUniqueInboxes(t *testing.T) {
	fs := []fediverse.Follower{
		{Actor: "a", Inbox: "https://m.example/users/a/inbox", SharedInbox: "https://m.example/inbox"},
		{Actor: "b", Inbox: "https://m.example/users/b/inbox", SharedInbox: "https://m.example/inbox"},
		{Actor: "c", Inbox: "https://solo.example/c/inbox"},
		{Actor: "d", Inbox: "https://g.example/users/d/inbox", SharedInbox: "https://g.example/inbox"},
	}
	got := strings.Join(fediverse.UniqueInboxes(fs), " ")
	if want := "https://g.example/inbox https://m.example/inbox https://solo.example/c/inbox"; got != want {
		t.Errorf("UniqueInboxes = %s, want %s", got, want)
	}
}

// schedPoster answers each inbox by a schedule: fails lists the answers of
// its first attempts (an error, or nil for success once they run out), and
// records how many posts were in flight per host and in all.
type schedPoster struct {
	mu                sync.Mutex
	fails             map[string][]error
	attempts          map[string]int
	inFlight          map[string]int
	maxHost, maxTotal int
	total             int
	hold              chan struct{}
}

func (p *schedPoster) Post(ctx context.Context, inbox string, _ []byte) error {
	u, _ := url.Parse(inbox)
	p.mu.Lock()
	p.inFlight[u.Host]++
	p.total++
	p.maxHost = max(p.maxHost, p.inFlight[u.Host])
	p.maxTotal = max(p.maxTotal, p.total)
	n := p.attempts[inbox]
	p.attempts[inbox]++
	p.mu.Unlock()
	if p.hold != nil {
		// Lets the others pile up before this one ends, so the limits
		// are met if they can be.
		select {
		case <-p.hold:
		case <-time.After(time.Millisecond):
		}
	}
	p.mu.Lock()
	p.inFlight[u.Host]--
	p.total--
	p.mu.Unlock()
	if n < len(p.fails[inbox]) {
		return p.fails[inbox][n]
	}
	return nil
}

func TestFanout(t *testing.T) {
	var inboxes []string
	for h := range 20 {
		for u := range 10 {
			inboxes = append(inboxes, fmt.Sprintf("https://host%d.example/users/%d/inbox", h, u))
		}
	}
	temp := &fediverse.DeliveryError{Status: 503}
	gone := &fediverse.DeliveryError{Status: 410, Permanent: true}
	p := &schedPoster{attempts: map[string]int{}, inFlight: map[string]int{}, hold: make(chan struct{}), fails: map[string][]error{
		inboxes[0]: {temp, temp},             // delivered on the third attempt
		inboxes[1]: {gone},                   // refused for good: no retry
		inboxes[2]: {temp, temp, temp, temp}, // still failing after every attempt
	}}
	var slept []time.Duration
	var mu sync.Mutex
	f := &fediverse.Fanout{Post: p, Concurrency: 16, PerHost: 2, Attempts: 3, Backoff: time.Second,
		Sleep: func(_ context.Context, d time.Duration) bool {
			mu.Lock()
			slept = append(slept, d)
			mu.Unlock()
			return true
		}}
	rep := f.Deliver(context.Background(), inboxes, []byte("{}"))
	if rep.Sent != len(inboxes)-2 || strings.Join(rep.Refused, ",") != inboxes[1] || strings.Join(rep.Failed, ",") != inboxes[2] {
		t.Errorf("report: sent %d refused %v failed %v", rep.Sent, rep.Refused, rep.Failed)
	}
	if p.attempts[inboxes[0]] != 3 || p.attempts[inboxes[1]] != 1 || p.attempts[inboxes[2]] != 3 || p.attempts[inboxes[3]] != 1 {
		t.Errorf("attempts: %d %d %d %d, want 3 1 3 1", p.attempts[inboxes[0]], p.attempts[inboxes[1]], p.attempts[inboxes[2]], p.attempts[inboxes[3]])
	}
	if p.maxHost > 2 || p.maxTotal > 16 {
		t.Errorf("in flight: %d to one host (limit 2), %d in all (limit 16)", p.maxHost, p.maxTotal)
	}
	mu.Lock()
	defer mu.Unlock()
	want := map[time.Duration]int{time.Second: 2, 2 * time.Second: 2}
	got := map[time.Duration]int{}
	for _, d := range slept {
		got[d]++
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("backoffs %v, want %v (1 s then 2 s, for the two retried inboxes)", got, want)
	}
}

func TestFederatorAnnounces(t *testing.T) {
	in, st, p := setup(t)
	ctx := context.Background()
	saveFollowers(t, st, twoInboxesThreeFollowers...)
	fed := &fediverse.Federator{Pub: in.Pub, Store: st, Articles: in.Articles, Now: in.Now,
		Outbox: &fediverse.Direct{Fanout: &fediverse.Fanout{Post: p, Concurrency: 4, PerHost: 1, Attempts: 1}}}
	bodies := func() []string {
		p.mu.Lock()
		defer p.mu.Unlock()
		out := p.sent
		p.sent = nil
		return out
	}
	n, err := fed.Announce(ctx, fediverse.Lifecycle{ID: seed.IDNATO, IsLive: true, NewVersion: 1})
	if err != nil || n != 2 {
		t.Fatalf("create: %d, %v; want 2 deliveries (one per server)", n, err)
	}
	for _, b := range bodies() {
		if !strings.Contains(b, `"type":"Create"`) || !strings.Contains(b, `"id":"https://api.news.example.bg/ap/notes/`+seed.IDNATO+`"`) {
			t.Errorf("create delivered as %s", b)
		}
	}
	if n, _ := fed.Announce(ctx, fediverse.Lifecycle{ID: seed.IDNATO, WasLive: true, IsLive: true, OldVersion: 1, NewVersion: 2}); n != 2 {
		t.Errorf("update: %d", n)
	}
	if b := bodies(); len(b) != 2 || !strings.Contains(b[0], `"type":"Update"`) {
		t.Errorf("update delivered as %v", b)
	}
	if n, _ := fed.Announce(ctx, fediverse.Lifecycle{ID: seed.IDNATO, WasLive: true, OldVersion: 2, NewVersion: 3}); n != 2 {
		t.Errorf("delete: %d", n)
	}
	if b := bodies(); len(b) != 2 || !strings.Contains(b[0], `"type":"Delete"`) || !strings.Contains(b[0], `"type":"Tombstone"`) {
		t.Errorf("delete delivered as %v", b)
	}
	// The Delete marks the story withdrawn (its id answers 410) until it
	// is public again; the mark is in no count.
	withdrawn := func() int {
		t.Helper()
		is, err := st.Interactions(ctx, seed.IDNATO)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, i := range is {
			if i.Kind == fediverse.KindWithdrawn {
				n++
				if !i.At.Equal(in.Now()) {
					t.Errorf("withdrawn at %v, want the Delete's time %v", i.At, in.Now())
				}
			}
		}
		if c := fediverse.Tally(is); c != (fediverse.Counts{}) {
			t.Errorf("the mark counted: %+v", c)
		}
		return n
	}
	if n := withdrawn(); n != 1 {
		t.Errorf("after the Delete: %d withdrawn marks, want 1", n)
	}
	if n, _ := fed.Announce(ctx, fediverse.Lifecycle{ID: seed.IDNATO, IsLive: true, OldVersion: 3, NewVersion: 4}); n != 2 {
		t.Errorf("published again: %d", n)
	}
	if n := withdrawn(); n != 0 {
		t.Errorf("public again: %d withdrawn marks, want none", n)
	}
	bodies()
	// A draft's record, and a Create of a story no longer live, send nothing.
	for _, l := range []fediverse.Lifecycle{{ID: "draft", OldVersion: 1, NewVersion: 2}, {ID: "draft", IsLive: true, NewVersion: 3}} {
		if n, err := fed.Announce(ctx, l); err != nil || n != 0 {
			t.Errorf("%+v: %d %v", l, n, err)
		}
	}
	if b := bodies(); len(b) != 0 {
		t.Errorf("sent %v", b)
	}
}
