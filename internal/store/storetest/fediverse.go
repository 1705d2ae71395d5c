package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
)

// RunFediverse is the conformance suite of the fediverse state: followers,
// interactions, handled activities and cached keys. open must return an
// empty store that lives until t ends; it is called once per subtest.
func RunFediverse(t *testing.T, open func(t *testing.T) fediverse.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s fediverse.Store)
	}{
		{"Followers", testFollowers},
		{"Interactions", testInteractions},
		{"Activities", testActivities},
		{"Keys", testKeys},
		{"Hosts", testHosts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t))
		})
	}
}

var fediT0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func testFollowers(t *testing.T, s fediverse.Store) {
	ctx := context.Background()
	ana := fediverse.Follower{Actor: "https://m.example/users/ana", FollowID: "https://m.example/f/1",
		Inbox: "https://m.example/users/ana/inbox", SharedInbox: "https://m.example/inbox", Since: fediT0}
	bo := fediverse.Follower{Actor: "https://g.example/users/bo", FollowID: "https://g.example/f/2",
		Inbox: "https://g.example/users/bo/inbox", Since: fediT0.Add(time.Minute)}
	for _, f := range []fediverse.Follower{ana, bo, ana} {
		if err := s.SaveFollower(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Followers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b fediverse.Follower) int { return compare(a.Actor, b.Actor) })
	want := []fediverse.Follower{bo, ana}
	if len(got) != 2 || !sameFollower(got[0], want[0]) || !sameFollower(got[1], want[1]) {
		t.Fatalf("Followers = %+v, want %+v", got, want)
	}
	// A new follow of the same actor replaces the old (a Move, a re-follow).
	ana2 := ana
	ana2.FollowID = "https://m.example/f/3"
	if err := s.SaveFollower(ctx, ana2); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFollower(ctx, bo.Actor); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFollower(ctx, "https://nobody.example/u"); err != nil {
		t.Fatalf("removing a missing follower: %v", err)
	}
	got, err = s.Followers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !sameFollower(got[0], ana2) {
		t.Fatalf("Followers after removal = %+v, want [%+v]", got, ana2)
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func sameFollower(a, b fediverse.Follower) bool {
	return a.Actor == b.Actor && a.FollowID == b.FollowID && a.Inbox == b.Inbox && a.SharedInbox == b.SharedInbox && a.Since.Equal(b.Since)
}

func testInteractions(t *testing.T, s fediverse.Store) {
	ctx := context.Background()
	like := fediverse.Interaction{ArticleID: "a1", Kind: fediverse.KindLike, Key: "https://m.example/users/ana",
		Actor: "https://m.example/users/ana", ActivityID: "https://m.example/l/1", At: fediT0}
	boost := fediverse.Interaction{ArticleID: "a1", Kind: fediverse.KindAnnounce, Key: "https://m.example/users/ana",
		Actor: "https://m.example/users/ana", ActivityID: "https://m.example/b/1", At: fediT0.Add(time.Second)}
	reply := fediverse.Interaction{ArticleID: "a1", Kind: fediverse.KindReply, Key: "https://g.example/n/9",
		Actor: "https://g.example/users/bo", ActivityID: "https://g.example/c/9", At: fediT0.Add(2 * time.Second),
		URL: "https://g.example/@bo/9", Text: "Добре написано.\nБлагодаря!"}
	other := like
	other.ArticleID = "a2"
	for _, i := range []fediverse.Interaction{like, boost, reply, like, other} {
		if err := s.SaveInteraction(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Interactions(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if c := fediverse.Tally(got); c != (fediverse.Counts{Likes: 1, Boosts: 1, Replies: 1}) {
		t.Fatalf("counts of a1 = %+v from %+v", c, got)
	}
	if len(got) != 3 || !sameInteraction(got[2], reply) {
		t.Errorf("Interactions = %+v, want the reply last and whole", got)
	}
	// A reply's id leads to its story, until the reply is removed.
	if id, err := s.ReplyStory(ctx, reply.Key); err != nil || id != "a1" {
		t.Errorf("ReplyStory(reply) = %q, %v; want a1", id, err)
	}
	if _, err := s.ReplyStory(ctx, like.Key); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("ReplyStory(a like's key) = %v, want ErrNotFound", err)
	}
	if _, err := s.ReplyStory(ctx, "https://g.example/n/none"); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("ReplyStory(none) = %v, want ErrNotFound", err)
	}
	if err := s.RemoveInteraction(ctx, "a1", fediverse.KindLike, like.Key); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveInteraction(ctx, "a1", fediverse.KindLike, like.Key); err != nil {
		t.Fatalf("removing twice: %v", err)
	}
	got, _ = s.Interactions(ctx, "a1")
	if c := fediverse.Tally(got); c != (fediverse.Counts{Boosts: 1, Replies: 1}) {
		t.Errorf("counts after the Undo = %+v", c)
	}
	got, _ = s.Interactions(ctx, "a2")
	if len(got) != 1 {
		t.Errorf("a2 has %d interactions, want 1", len(got))
	}
	if err := s.RemoveInteraction(ctx, "a1", fediverse.KindReply, reply.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplyStory(ctx, reply.Key); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("ReplyStory after the reply's removal = %v, want ErrNotFound", err)
	}
	if got, _ = s.Interactions(ctx, "a1"); fediverse.Tally(got) != (fediverse.Counts{Boosts: 1}) {
		t.Errorf("counts after the reply's removal = %+v", fediverse.Tally(got))
	}
	got, err = s.Interactions(ctx, "none")
	if err != nil || len(got) != 0 {
		t.Errorf("Interactions(none) = %v, %v", got, err)
	}
}

func testActivities(t *testing.T, s fediverse.Store) {
	ctx := context.Background()
	id := "https://m.example/activities/1"
	first, err := s.MarkActivity(ctx, id, fediT0)
	if err != nil || !first {
		t.Fatalf("first MarkActivity = %v, %v", first, err)
	}
	first, err = s.MarkActivity(ctx, id, fediT0.Add(time.Minute))
	if err != nil || first {
		t.Fatalf("second MarkActivity = %v, %v; want false", first, err)
	}
	if err := s.ForgetActivity(ctx, id); err != nil {
		t.Fatal(err)
	}
	first, err = s.MarkActivity(ctx, id, fediT0)
	if err != nil || !first {
		t.Fatalf("MarkActivity after Forget = %v, %v", first, err)
	}
}

func testKeys(t *testing.T, s fediverse.Store) {
	ctx := context.Background()
	k := fediverse.RemoteKey{KeyID: "https://m.example/users/ana#main-key", Owner: "https://m.example/users/ana",
		PEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", Inbox: "https://m.example/users/ana/inbox",
		SharedInbox: "https://m.example/inbox", Fetched: fediT0}
	if _, err := s.Key(ctx, k.KeyID); !errors.Is(err, article.ErrNotFound) {
		t.Fatalf("Key before SaveKey: %v, want ErrNotFound", err)
	}
	if err := s.SaveKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	k.Fetched = fediT0.Add(time.Hour)
	k.PEM = "-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----\n"
	if err := s.SaveKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	got, err := s.Key(ctx, k.KeyID)
	if err != nil {
		t.Fatal(err)
	}
	if got.KeyID != k.KeyID || got.Owner != k.Owner || got.PEM != k.PEM || got.Inbox != k.Inbox ||
		got.SharedInbox != k.SharedInbox || !got.Fetched.Equal(k.Fetched) {
		t.Errorf("Key = %+v, want %+v", got, k)
	}
}

func sameInteraction(a, b fediverse.Interaction) bool {
	at := a.At.Equal(b.At)
	a.At, b.At = time.Time{}, time.Time{}
	return at && a == b
}

// testHosts: a host's failures are kept from the first one with no
// success since, counted, and forgotten by a success; hosts are apart.
func testHosts(t *testing.T, s fediverse.Store) {
	ctx := context.Background()
	h, err := s.Host(ctx, "down.example")
	if err != nil || h.Failing() || h.Host != "down.example" || h.Failures != 0 {
		t.Fatalf("a host never failing: %+v, %v; want the zero record", h, err)
	}
	for i, at := range []time.Time{fediT0, fediT0.Add(time.Hour), fediT0.Add(26 * time.Hour)} {
		h, err = s.HostFailed(ctx, "down.example", at)
		if err != nil {
			t.Fatal(err)
		}
		if !h.FailingSince.Equal(fediT0) || !h.LastFailure.Equal(at) || h.Failures != int64(i+1) {
			t.Errorf("failure %d: %+v; want failing since %v, last at %v, %d failures", i+1, h, fediT0, at, i+1)
		}
	}
	if _, err := s.HostFailed(ctx, "other.example:8443", fediT0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Host(ctx, "down.example")
	if err != nil || !got.FailingSince.Equal(fediT0) || !got.LastFailure.Equal(fediT0.Add(26*time.Hour)) || got.Failures != 3 {
		t.Errorf("Host = %+v, %v; want what HostFailed returned last", got, err)
	}
	if err := s.HostRecovered(ctx, "down.example"); err != nil {
		t.Fatal(err)
	}
	if err := s.HostRecovered(ctx, "never.example"); err != nil {
		t.Errorf("recovering a host with no record: %v", err)
	}
	if h, err := s.Host(ctx, "down.example"); err != nil || h.Failing() || h.Failures != 0 {
		t.Errorf("after a success: %+v, %v; want no record", h, err)
	}
	// Failing again starts a new run of failures.
	if h, err := s.HostFailed(ctx, "down.example", fediT0.Add(48*time.Hour)); err != nil || !h.FailingSince.Equal(fediT0.Add(48*time.Hour)) || h.Failures != 1 {
		t.Errorf("failing again: %+v, %v", h, err)
	}
	if h, err := s.Host(ctx, "other.example:8443"); err != nil || !h.FailingSince.Equal(fediT0.Add(time.Minute)) || h.Failures != 1 {
		t.Errorf("the other host: %+v, %v", h, err)
	}
}
