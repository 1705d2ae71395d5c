package fediapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// peerDir is the Fedify peer: tools/fedipeer, installed from its
// package-lock.json with npm ci.
var peerDir = filepath.Join("..", "..", "..", "tools", "fedipeer")

// needPeer installs the peer's dependencies when they are missing. Without
// node or npm, or when npm ci fails, the test skips with one line, and
// under CI fails with it.
func needPeer(t *testing.T) {
	t.Helper()
	stop := t.Skipf
	if os.Getenv("CI") != "" {
		stop = t.Fatalf
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			stop("fedipeer: %s is not installed (Node 20+ runs the Fedify peer, tools/fedipeer)", tool)
		}
	}
	if _, err := os.Stat(filepath.Join(peerDir, "node_modules", "@fedify", "fedify", "package.json")); err == nil {
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = peerDir
	if out, err := cmd.CombinedOutput(); err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		stop("fedipeer: npm ci in tools/fedipeer failed (%v): %s", err, lines[len(lines)-1])
	}
}

// peerLines reads the peer's FEDIPEER lines into a channel.
func peerLines(r io.Reader, log *strings.Builder) <-chan [2]string {
	ch := make(chan [2]string, 16)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			log.WriteString(line + "\n")
			rest, ok := strings.CutPrefix(line, "FEDIPEER ")
			if !ok {
				continue
			}
			kind, v, _ := strings.Cut(rest, " ")
			ch <- [2]string{kind, v}
		}
	}()
	return ch
}

// TestInteropWithFedify: a peer built with Fedify (npm @fedify/fedify, an
// ActivityPub framework written elsewhere) reads the newsroom's Note,
// follows its actor with a signed Follow that our inbox verifies (fetching
// Fedify's actor and key), receives our Accept and then a story's Create,
// each of which Fedify verifies against our published key before its
// listener runs.
func TestInteropWithFedify(t *testing.T) {
	needPeer(t)
	keys(t)
	// Its address is known before it serves, so the routes are built for
	// it before the first request.
	srv := httptest.NewUnstartedServer(nil)
	srv.URL = "http://" + srv.Listener.Addr().String()
	t.Cleanup(srv.Close)
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := t.Context()
	for _, a := range seed.Articles("https://news.example.bg") {
		a.Version = 1
		if err := st.Save(ctx, a, 0); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"BASE_URL": srv.URL, "SITE_URL": "https://news.example.bg"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	opts, err := fediapi.NewOptions(cfg, ourKey, st, st)
	if err != nil {
		t.Fatal(err)
	}
	rt := httpapi.NewRouter()
	fediapi.Register(rt, opts)
	srv.Config.Handler = rt
	srv.URL = "" // Start sets it again, to the same address.
	srv.Start()

	// The peer's whole run is bounded: it ends with the test, and a peer
	// that never answers fails the test after a minute instead of hanging.
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(pctx, "node", "peer.mjs")
	cmd.Dir = peerDir
	cmd.Env = append(os.Environ(), "OUR_ACTOR="+opts.Pub.ActorID(), "NOTE_URL="+opts.Pub.NoteID(seed.IDNATO))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var log, errs strings.Builder
	cmd.Stderr = &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("peer output:\n%s%s", log.String(), errs.String())
		}
	})
	lines := peerLines(out, &log)
	// Lines may come in any order (our Accept is delivered before our inbox
	// answers the Follow): each kind is kept until asked for.
	seen := map[string][]string{}
	next := func(want string) string {
		t.Helper()
		for {
			if vs := seen[want]; len(vs) > 0 {
				seen[want] = vs[1:]
				return vs[0]
			}
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the peer ended before %q", want)
				}
				if l[0] == "error" {
					t.Fatalf("the peer: %s", l[1])
				}
				seen[l[0]] = append(seen[l[0]], l[1])
			case <-pctx.Done():
				t.Fatalf("no %q from the peer within its minute", want)
			}
		}
	}
	base := next("ready")

	type noteSeen struct {
		ID, AttributedTo, Content, BG, URL string
		Tags, Images, To, Cc               []string
	}
	var note noteSeen
	if err := json.Unmarshal([]byte(next("note")), &note); err != nil {
		t.Fatal(err)
	}
	a, _ := st.Get(ctx, seed.IDNATO)
	if note.ID != opts.Pub.NoteID(a.ID) || note.AttributedTo != opts.Pub.ActorID() || note.URL != a.URL ||
		!strings.Contains(note.Content, a.Title) || note.BG != note.Content || len(note.Tags) != len(a.Tags) ||
		len(note.Images) != 1 || note.Images[0] != a.Image.Alt || note.To[0] != activitypub.Public || note.Cc[0] != opts.Pub.FollowersID() {
		t.Errorf("Fedify read the Note as %+v", note)
	}

	followID := next("followed")
	if got := next("accept"); got != followID {
		t.Errorf("accepted %q, want the follow %q", got, followID)
	}
	fs, err := st.Followers(ctx)
	if err != nil || len(fs) != 1 || fs[0].Actor != base+"/users/ana" || fs[0].SharedInbox != base+"/inbox" {
		t.Fatalf("followers = %+v, %v", fs, err)
	}

	// The deployed path: queued, then sent by the deliver function's
	// deliverer, signed as it is sent.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	queued := &deliverNow{d: fediapi.NewDeliverer(opts, quiet)}
	fed := fediapi.NewFederator(opts, queued, quiet)
	n, err := fed.Announce(ctx, fediverse.Lifecycle{ID: seed.IDNATO, IsLive: true, NewVersion: 1})
	if err != nil || n != 1 || len(queued.results) != 1 || queued.results[0] != fediverse.ResultSent {
		t.Fatalf("announce = %d, %v, delivered %v; want one delivery sent", n, err, queued.results)
	}
	var created noteSeen
	if err := json.Unmarshal([]byte(next("create")), &created); err != nil {
		t.Fatal(err)
	}
	if created.ID != note.ID || created.Content != note.Content {
		t.Errorf("Fedify received the Create of %+v", created)
	}
}

// deliverNow is an outbox that hands each delivery to the deliverer at
// once, as the deliver function would on its first attempt.
type deliverNow struct {
	d       *fediverse.Deliverer
	results []string
}

func (o *deliverNow) Enqueue(ctx context.Context, ds []fediverse.Delivery) error {
	for _, d := range ds {
		out, err := o.d.Attempt(ctx, d, 1)
		if err != nil {
			return err
		}
		o.results = append(o.results, out.Result)
	}
	return nil
}
