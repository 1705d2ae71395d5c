package fediverse_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

var now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func pub() *activitypub.Publication {
	return &activitypub.Publication{BaseURL: "https://api.news.example.bg", Handle: "news", Domain: "news.example.bg",
		Name: "Новини", SiteURL: "https://news.example.bg", Language: "bg", PublicKeyPEM: "x"}
}

// poster records deliveries and fails while fail is set.
type poster struct {
	mu   sync.Mutex
	sent []string // inbox + " " + body
	fail error
}

func (p *poster) Post(_ context.Context, inbox string, body []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.sent = append(p.sent, inbox+" "+string(body))
	return nil
}

type articles map[string]article.Article

func (a articles) Get(_ context.Context, id string) (article.Article, error) {
	if x, ok := a[id]; ok {
		return x, nil
	}
	return article.Article{}, article.ErrNotFound
}

type fetcher map[string]string

func (f fetcher) Fetch(_ context.Context, url string) ([]byte, error) {
	if b, ok := f[url]; ok {
		return []byte(b), nil
	}
	return nil, errors.New("404")
}

// keyOf is the verified key of a sample's actor, as KeyCache would have
// resolved it.
func keyOf(actor string) fediverse.RemoteKey {
	host := actor[:strings.Index(actor[8:], "/")+8]
	return fediverse.RemoteKey{KeyID: actor + "#main-key", Owner: actor, Inbox: actor + "/inbox", SharedInbox: host + "/inbox"}
}

func sample(t *testing.T, name string) activitypub.Incoming {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	in, err := activitypub.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return in
}

func setup(t *testing.T) (*fediverse.Inbox, *bolt.Store, *poster) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	live := seed.Articles("https://news.example.bg")[0]
	live.PublishedAt = now.Add(-time.Hour)
	draft := live
	draft.ID, draft.Status = "draft", article.StatusDraft
	p := &poster{}
	in := &fediverse.Inbox{Pub: pub(), Store: st, Articles: articles{live.ID: live, "draft": draft}, Deliver: p,
		Fetch: fetcher{"https://new.example/users/cy": `{"id":"https://new.example/users/cy","type":"Person","inbox":"https://new.example/users/cy/inbox",
			"endpoints":{"sharedInbox":"https://new.example/inbox"},"alsoKnownAs":"https://misskey.example/users/9a1b2c3d4e",
			"publicKey":{"id":"https://new.example/users/cy#main-key","owner":"https://new.example/users/cy","publicKeyPem":"k"}}`},
		Now: func() time.Time { return now }}
	return in, st, p
}

func handle(t *testing.T, in *fediverse.Inbox, name string) string {
	t.Helper()
	act := sample(t, name)
	out, err := in.Handle(context.Background(), keyOf(string(act.Actor)), act)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

func followers(t *testing.T, st *bolt.Store) []string {
	t.Helper()
	fs, err := st.Followers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Actor+" "+f.DeliveryInbox())
	}
	return out
}

// TestReplay replays activities as Mastodon, GoToSocial and Misskey send
// them (testdata) and checks what each leaves in the store.
func TestReplay(t *testing.T) {
	in, st, p := setup(t)
	ctx := context.Background()
	id := seed.IDNATO

	for _, name := range []string{"mastodon-follow", "gotosocial-follow", "misskey-follow"} {
		if got := handle(t, in, name); got != fediverse.OutcomeFollowed {
			t.Errorf("%s: %s, want followed", name, got)
		}
	}
	if got := followers(t, st); len(got) != 3 {
		t.Fatalf("followers = %v", got)
	}
	if len(p.sent) != 3 || !strings.HasPrefix(p.sent[0], "https://mastodon.example/users/ana/inbox ") ||
		!strings.Contains(p.sent[0], `"type":"Accept"`) || !strings.Contains(p.sent[0], `"id":"https://mastodon.example/8f2b4c1e-3a0d-4a57-9d7e-2f6c1b0e5a11"`) {
		t.Errorf("accepts = %v", p.sent)
	}

	for _, name := range []string{"mastodon-like", "gotosocial-like", "misskey-like", "mastodon-announce", "misskey-announce"} {
		if got := handle(t, in, name); got != fediverse.OutcomeCounted {
			t.Errorf("%s: %s, want counted", name, got)
		}
	}
	if got := handle(t, in, "mastodon-reply"); got != fediverse.OutcomeReply {
		t.Errorf("reply: %s", got)
	}
	is, _ := st.Interactions(ctx, id)
	if c := fediverse.Tally(is); c != (fediverse.Counts{Likes: 3, Boosts: 2, Replies: 1}) {
		t.Errorf("counts = %+v", c)
	}
	for _, i := range is {
		if i.Kind == fediverse.KindReply {
			if i.Text != "@news Добре написано.\nБлагодаря!" || i.URL != "https://mastodon.example/@ana/113581209876543210" {
				t.Errorf("reply kept as %q at %q", i.Text, i.URL)
			}
		}
	}

	t.Run("redelivery changes nothing", func(t *testing.T) {
		for _, name := range []string{"mastodon-like", "mastodon-follow", "mastodon-reply"} {
			if got := handle(t, in, name); got != fediverse.OutcomeDuplicate {
				t.Errorf("%s again: %s", name, got)
			}
		}
		if len(p.sent) != 3 {
			t.Errorf("a redelivered Follow was accepted again: %d accepts", len(p.sent))
		}
		is, _ := st.Interactions(ctx, id)
		if c := fediverse.Tally(is); c != (fediverse.Counts{Likes: 3, Boosts: 2, Replies: 1}) {
			t.Errorf("counts after redelivery = %+v", c)
		}
	})

	if got := handle(t, in, "mastodon-undo-like"); got != fediverse.OutcomeUncounted {
		t.Errorf("undo like: %s", got)
	}
	if got := handle(t, in, "mastodon-undo-follow"); got != fediverse.OutcomeUnfollowed {
		t.Errorf("undo follow: %s", got)
	}
	is, _ = st.Interactions(ctx, id)
	if c := fediverse.Tally(is); c.Likes != 2 {
		t.Errorf("likes after undo = %d", c.Likes)
	}
	if got := handle(t, in, "misskey-move"); got != fediverse.OutcomeMoved {
		t.Errorf("move: %s", got)
	}
	got := followers(t, st)
	if strings.Join(got, ",") != "https://gts.example/users/bo https://gts.example/inbox,https://new.example/users/cy https://new.example/inbox" &&
		strings.Join(got, ",") != "https://new.example/users/cy https://new.example/inbox,https://gts.example/users/bo https://gts.example/inbox" {
		t.Errorf("followers after undo and move = %v", got)
	}
	// Ana deletes her reply: a Delete of a Tombstone naming the reply
	// only. The same Delete from another account changes nothing.
	forged := sample(t, "mastodon-delete-reply")
	forged.ID, forged.Actor = "https://gts.example/users/bo/delete/1", "https://gts.example/users/bo"
	if got, err := in.Handle(ctx, keyOf(string(forged.Actor)), forged); err != nil || got != fediverse.OutcomeIgnored {
		t.Errorf("another account's Delete of the reply: %s, %v; want ignored", got, err)
	}
	if is, _ := st.Interactions(ctx, id); fediverse.Tally(is).Replies != 1 {
		t.Errorf("replies after another account's Delete = %d, want 1", fediverse.Tally(is).Replies)
	}
	if got := handle(t, in, "mastodon-delete-reply"); got != fediverse.OutcomeUnreplied {
		t.Errorf("delete reply: %s", got)
	}
	if is, _ := st.Interactions(ctx, id); fediverse.Tally(is).Replies != 0 {
		t.Errorf("replies after the author's Delete = %d, want 0", fediverse.Tally(is).Replies)
	}
	if got := handle(t, in, "mastodon-delete-reply"); got != fediverse.OutcomeDuplicate {
		t.Errorf("the Delete again: %s, want duplicate", got)
	}
	// Ana follows again, then her account is deleted.
	again := sample(t, "mastodon-follow")
	again.ID += "-again"
	if _, err := in.Handle(ctx, keyOf(string(again.Actor)), again); err != nil {
		t.Fatal(err)
	}
	if got := handle(t, in, "mastodon-delete-actor"); got != fediverse.OutcomeUnfollowed {
		t.Errorf("delete actor: %s", got)
	}
	for _, f := range followers(t, st) {
		if strings.HasPrefix(f, "https://mastodon.example/") {
			t.Errorf("deleted actor still follows: %v", f)
		}
	}
}

func TestInboxRefuses(t *testing.T) {
	in, st, p := setup(t)
	ctx := context.Background()

	t.Run("actor is not the signer", func(t *testing.T) {
		act := sample(t, "mastodon-follow")
		_, err := in.Handle(ctx, keyOf("https://gts.example/users/bo"), act)
		if !errors.Is(err, fediverse.ErrNotSigner) {
			t.Fatalf("err = %v", err)
		}
		if len(followers(t, st)) != 0 {
			t.Error("a forged follow was stored")
		}
	})
	t.Run("not our story", func(t *testing.T) {
		for _, obj := range []string{"https://elsewhere.example/notes/1", "https://api.news.example.bg/ap/notes/draft",
			"https://api.news.example.bg/ap/notes/missing"} {
			act := sample(t, "mastodon-like")
			act.ID += obj
			act.Object = []byte(`"` + obj + `"`)
			if got, err := in.Handle(ctx, keyOf(string(act.Actor)), act); err != nil || got != fediverse.OutcomeIgnored {
				t.Errorf("like of %s: %s, %v", obj, got, err)
			}
		}
	})
	t.Run("other types are ignored", func(t *testing.T) {
		act := sample(t, "mastodon-like")
		act.ID, act.Type = act.ID+"/flag", "Flag"
		if got, err := in.Handle(ctx, keyOf(string(act.Actor)), act); err != nil || got != fediverse.OutcomeIgnored {
			t.Errorf("Flag: %s, %v", got, err)
		}
	})
	t.Run("accept fails: not followed, and the redelivery is handled", func(t *testing.T) {
		p.fail = errors.New("connection refused")
		act := sample(t, "gotosocial-follow")
		_, err := in.Handle(ctx, keyOf(string(act.Actor)), act)
		if !errors.Is(err, article.ErrUnavailable) {
			t.Fatalf("err = %v, want ErrUnavailable", err)
		}
		if len(followers(t, st)) != 0 {
			t.Error("followed without an Accept")
		}
		p.fail = nil
		if got, err := in.Handle(ctx, keyOf(string(act.Actor)), act); err != nil || got != fediverse.OutcomeFollowed {
			t.Errorf("redelivered follow: %s, %v", got, err)
		}
	})
}

func TestPlainText(t *testing.T) {
	for in, want := range map[string]string{
		`<p>a <b>b</b></p><p>c<br>d</p>`:               "a b\nc\nd",
		`<script>alert(1)</script>x<style>p{}</style>`: "x",
		"\u202eevil\u202c \x07bell":                    "evil bell",
		`&lt;img src=x&gt;`:                            "<img src=x>",
	} {
		if got := fediverse.PlainText(in); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := fediverse.PlainText(strings.Repeat("я", fediverse.MaxReplyText+5)); len([]rune(got)) != fediverse.MaxReplyText+1 {
		t.Errorf("long reply kept %d characters", len([]rune(got)))
	}
}
