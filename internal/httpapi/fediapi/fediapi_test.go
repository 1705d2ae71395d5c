package fediapi_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

var (
	keyOnce         sync.Once
	ourKey, peerKey *rsa.PrivateKey
)

func keys(t *testing.T) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if ourKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if peerKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
}

// peer is a remote server with one account, ana: it serves her actor
// and records what its inbox receives, verifying our signatures.
type peer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	received []string
	refused  []string
	ours     *httpsig.Verifier
}

func (p *peer) actorID() string { return p.srv.URL + "/users/ana" }

// seededStore is a bolt store in the test's directory holding every seed
// article, published, at version 1.
func seededStore(t *testing.T) *bolt.Store {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, a := range seed.Articles("https://news.example.bg") {
		a.Version = 1
		if err := st.Save(t.Context(), a, 0); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// fediRoutes are the fediverse routes on st, configured by env (BASE_URL,
// SITE_URL, FEDIVERSE_*), with our key.
func fediRoutes(t *testing.T, env map[string]string, st *bolt.Store) (*httpapi.Router, fediapi.Options) {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	opts, err := fediapi.NewOptions(cfg, ourKey, st, st)
	if err != nil {
		t.Fatal(err)
	}
	rt := httpapi.NewRouter()
	fediapi.Register(rt, opts)
	return rt, opts
}

func newPeer(t *testing.T, ours *httpsig.Verifier) *peer {
	p := &peer{ours: ours}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /users/ana", func(w http.ResponseWriter, r *http.Request) {
		pemText, _ := httpsig.PublicKeyPEM(&peerKey.PublicKey)
		w.Header().Set("Content-Type", activitypub.ContentType)
		json.NewEncoder(w).Encode(map[string]any{
			"@context": []string{activitypub.ActivityStreams, activitypub.SecurityV1},
			"id":       p.actorID(), "type": "Person", "preferredUsername": "ana",
			"inbox": p.actorID() + "/inbox", "endpoints": map[string]string{"sharedInbox": p.srv.URL + "/inbox"},
			"publicKey": map[string]string{"id": p.actorID() + "#main-key", "owner": p.actorID(), "publicKeyPem": pemText},
		})
	})
	mux.HandleFunc("POST /users/ana/inbox", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		defer p.mu.Unlock()
		if _, err := p.ours.Verify(r.Context(), r, body); err != nil {
			p.refused = append(p.refused, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		p.received = append(p.received, string(body))
		w.WriteHeader(http.StatusAccepted)
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

// ourResolver answers our own key, as a peer would after fetching our
// actor.
type ourResolver struct{ actor string }

func (o ourResolver) PublicKey(context.Context, string, bool) (crypto.PublicKey, string, error) {
	return &ourKey.PublicKey, o.actor, nil
}

type env struct {
	srv   *httptest.Server
	store *bolt.Store
	peer  *peer
	now   time.Time
}

// embargoedID is the story setup schedules and deletes before its time;
// unpublishedID the one it unpublished after its followers got it.
const (
	embargoedID   = "embargo-iztrit"
	unpublishedID = "vazvarnata"
)

func setup(t *testing.T) *env {
	t.Helper()
	keys(t)
	e := &env{now: time.Now().UTC().Truncate(time.Second)}
	// Its address is known before it serves, so the routes are built for
	// it before the first request.
	e.srv = httptest.NewUnstartedServer(nil)
	e.srv.URL = "http://" + e.srv.Listener.Addr().String()
	t.Cleanup(e.srv.Close)
	e.peer = newPeer(t, &httpsig.Verifier{Keys: ourResolver{e.srv.URL + activitypub.ActorPath}})

	st := seededStore(t)
	e.store = st
	ctx := context.Background()
	gone := seed.Articles("https://news.example.bg")[1]
	gone.Version = 1
	if err := st.Save(ctx, gone.Tombstone(e.now), 1); err != nil {
		t.Fatal(err)
	}
	// A story scheduled for tomorrow and deleted before its time never
	// was public: its id must answer as a missing one's, not 410.
	embargoed := seed.Articles("https://news.example.bg")[2]
	embargoed.ID, embargoed.Slug, embargoed.Version = embargoedID, "embargo-iztrita", 1
	embargoed.PublishedAt = e.now.Add(24 * time.Hour)
	if err := st.Save(ctx, embargoed, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, embargoed.Tombstone(e.now), 1); err != nil {
		t.Fatal(err)
	}
	// A story unpublished after it was public: a draft now, and its
	// followers were sent the Delete (the federator's mark).
	unpublished := seed.Articles("https://news.example.bg")[3]
	unpublished.ID, unpublished.Slug, unpublished.Version = unpublishedID, "vazvarnata", 1
	unpublished.Status = article.StatusDraft
	if err := st.Save(ctx, unpublished, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveInteraction(ctx, fediverse.Interaction{ArticleID: unpublishedID, Kind: fediverse.KindWithdrawn, At: e.now.Add(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	rt, _ := fediRoutes(t, map[string]string{"BASE_URL": e.srv.URL, "SITE_URL": "https://news.example.bg", "FEDIVERSE_DOMAIN": "news.example.bg"}, st)
	e.srv.Config.Handler = rt
	e.srv.URL = "" // Start sets it again, to the same address.
	e.srv.Start()
	return e
}

func (e *env) get(t *testing.T, path, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// post sends body to our shared inbox signed by ana's key; edit may
// change the request after signing.
func (e *env) post(t *testing.T, body string, at time.Time, edit func(*http.Request)) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+activitypub.SharedInboxPath, strings.NewReader(body))
	req.Header.Set("Content-Type", activitypub.ContentType)
	s := httpsig.Signer{KeyID: e.peer.actorID() + "#main-key", Key: peerKey, Now: func() time.Time { return at }}
	if err := s.Sign(req, []byte(body)); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestDiscovery(t *testing.T) {
	e := setup(t)
	resp, body := e.get(t, "/.well-known/webfinger?resource=acct:news@news.example.bg", "")
	var jrd activitypub.JRD
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != activitypub.JRDContentType || json.Unmarshal(body, &jrd) != nil ||
		jrd.Links[0].Href != e.srv.URL+activitypub.ActorPath || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("webfinger: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for q, want := range map[string]int{"acct:other@news.example.bg": 404, "": 400, "acct:news": 400} {
		if resp, body := e.get(t, "/.well-known/webfinger?resource="+q, ""); resp.StatusCode != want ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("webfinger %q: %d %s, want %d problem", q, resp.StatusCode, body, want)
		}
	}
	if resp, body := e.get(t, "/.well-known/host-meta", ""); resp.StatusCode != 200 || !bytes.Contains(body, []byte(e.srv.URL+"/.well-known/webfinger?resource={uri}")) {
		t.Errorf("host-meta: %d %s", resp.StatusCode, body)
	}
	resp, body = e.get(t, "/.well-known/nodeinfo", "")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(e.srv.URL+"/nodeinfo/2.1")) {
		t.Errorf("nodeinfo index: %s", body)
	}
	resp, body = e.get(t, "/nodeinfo/2.1", "")
	var ni activitypub.NodeInfo
	if resp.StatusCode != 200 || json.Unmarshal(body, &ni) != nil || ni.Version != "2.1" || ni.Protocols[0] != "activitypub" {
		t.Errorf("nodeinfo: %s", body)
	}
	for accept, ct := range map[string]string{
		activitypub.ContentType:   activitypub.ContentType,
		activitypub.LDContentType: activitypub.LDContentType,
	} {
		resp, body = e.get(t, activitypub.ActorPath, accept)
		var actor activitypub.Actor
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ct || json.Unmarshal(body, &actor) != nil ||
			actor.PreferredUsername != "news" || actor.PublicKey.PublicKeyPem == "" {
			t.Errorf("actor (Accept %s): %d %s %s", accept, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+activitypub.ActorPath, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "https://news.example.bg/" {
		t.Errorf("a browser on the actor: %d %s, want 303 to the site", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestNotes(t *testing.T) {
	e := setup(t)
	resp, body := e.get(t, activitypub.NotesPath+seed.IDNATO, activitypub.ContentType)
	var n activitypub.Note
	if resp.StatusCode != 200 || json.Unmarshal(body, &n) != nil || n.ID != e.srv.URL+activitypub.NotesPath+seed.IDNATO ||
		!strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") || resp.Header.Get("ETag") == "" {
		t.Fatalf("note: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, body = e.get(t, activitypub.NotesPath+seed.IDNATO+"/create", activitypub.ContentType)
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"type":"Create"`)) {
		t.Errorf("create: %d %s", resp.StatusCode, body)
	}
	resp, body = e.get(t, activitypub.NotesPath+seed.IDBelbek, activitypub.ContentType)
	if resp.StatusCode != http.StatusGone || !bytes.Contains(body, []byte(`"type":"Tombstone"`)) || !bytes.Contains(body, []byte(`"formerType":"Note"`)) {
		t.Errorf("deleted story: %d %s", resp.StatusCode, body)
	}
	resp, body = e.get(t, activitypub.NotesPath+unpublishedID, activitypub.ContentType)
	deleted := `"deleted":"` + e.now.Add(-time.Minute).UTC().Format(time.RFC3339) + `"`
	if resp.StatusCode != http.StatusGone || !bytes.Contains(body, []byte(`"type":"Tombstone"`)) || !bytes.Contains(body, []byte(deleted)) {
		t.Errorf("unpublished story: %d %s, want 410 and a Tombstone with %s", resp.StatusCode, body, deleted)
	}
	for _, id := range []string{seed.IDDraft, embargoedID, "missing", "..%2f"} {
		if resp, body := e.get(t, activitypub.NotesPath+id, activitypub.ContentType); resp.StatusCode != 404 {
			t.Errorf("note %s: %d %s", id, resp.StatusCode, body)
		}
	}
}

func follow(e *env, id string) string {
	return `{"@context":"https://www.w3.org/ns/activitystreams","id":"` + e.peer.actorID() + `/follows/` + id +
		`","type":"Follow","actor":"` + e.peer.actorID() + `","object":"` + e.srv.URL + activitypub.ActorPath + `"}`
}

func TestInbox(t *testing.T) {
	e := setup(t)
	ctx := context.Background()

	if code, body := e.post(t, follow(e, "1"), time.Now(), nil); code != http.StatusAccepted {
		t.Fatalf("follow: %d %s", code, body)
	}
	fs, _ := e.store.Followers(ctx)
	if len(fs) != 1 || fs[0].Actor != e.peer.actorID() || fs[0].SharedInbox != e.peer.srv.URL+"/inbox" {
		t.Fatalf("followers = %+v", fs)
	}
	if len(e.peer.received) != 1 || !strings.Contains(e.peer.received[0], `"type":"Accept"`) || len(e.peer.refused) != 0 {
		t.Fatalf("peer received %v, refused %v", e.peer.received, e.peer.refused)
	}
	if k, err := e.store.Key(ctx, e.peer.actorID()+"#main-key"); err != nil || k.Owner != e.peer.actorID() {
		t.Errorf("key not cached: %+v %v", k, err)
	}
	if code, _ := e.post(t, follow(e, "1"), time.Now(), nil); code != http.StatusAccepted || len(e.peer.received) != 1 {
		t.Errorf("redelivered follow: %d, %d accepts", code, len(e.peer.received))
	}

	like := `{"id":"` + e.peer.actorID() + `#likes/1","type":"Like","actor":"` + e.peer.actorID() + `","object":"` +
		e.srv.URL + activitypub.NotesPath + seed.IDNATO + `"}`
	if code, body := e.post(t, like, time.Now(), nil); code != http.StatusAccepted {
		t.Fatalf("like: %d %s", code, body)
	}
	is, _ := e.store.Interactions(ctx, seed.IDNATO)
	if fediverse.Tally(is).Likes != 1 {
		t.Errorf("likes = %+v", is)
	}

	refused := []struct {
		name string
		at   time.Time
		edit func(*http.Request)
		want int
	}{
		{"unsigned", time.Now(), func(r *http.Request) { r.Header.Del("Signature") }, 401},
		{"body changed", time.Now(), func(r *http.Request) {
			b := strings.Replace(follow(e, "2"), "follows/2", "follows/3", 1)
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
		}, 401},
		{"date too old", time.Now().Add(-10 * time.Minute), nil, 401},
		{"another host signed", time.Now(), func(r *http.Request) {
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "rsa-sha256", 1))
			r.Host = "evil.example"
		}, 202},
		{"wrong content type", time.Now(), func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 415},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			code, body := e.post(t, follow(e, "2"), tc.at, tc.edit)
			if code != tc.want {
				t.Errorf("%d %s, want %d", code, body, tc.want)
			}
			if code == 401 && !strings.Contains(body, "signature") {
				t.Errorf("401 without a problem naming the signature: %s", body)
			}
		})
	}
	t.Run("bad activity", func(t *testing.T) {
		if code, body := e.post(t, `{"type":"Follow"}`, time.Now(), nil); code != 400 {
			t.Errorf("%d %s", code, body)
		}
	})
	t.Run("actor is not the signer", func(t *testing.T) {
		forged := strings.ReplaceAll(like, e.peer.actorID()+`"`, `https://victim.example/users/v"`)
		forged = strings.Replace(forged, "#likes/1", "#likes/9", 1)
		if code, body := e.post(t, forged, time.Now(), nil); code != 401 {
			t.Errorf("%d %s", code, body)
		}
	})
	t.Run("delete of a stranger's account", func(t *testing.T) {
		del := `{"id":"https://gone.example/users/x#delete","type":"Delete","actor":"https://gone.example/users/x","object":"https://gone.example/users/x"}`
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+activitypub.SharedInboxPath, strings.NewReader(del))
		req.Header.Set("Content-Type", activitypub.ContentType)
		s := httpsig.Signer{KeyID: "https://gone.example/users/x#main-key", Key: peerKey}
		_ = s.Sign(req, []byte(del))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 202 {
			t.Errorf("%d, want 202 without fetching", resp.StatusCode)
		}
	})
	t.Run("delete of a follower's account", func(t *testing.T) {
		del := `{"id":"` + e.peer.actorID() + `#delete","type":"Delete","actor":"` + e.peer.actorID() + `","object":"` + e.peer.actorID() + `"}`
		e.peer.srv.Config.Handler = http.NotFoundHandler() // Her documents are gone.
		if code, body := e.post(t, del, time.Now(), nil); code != 202 {
			t.Fatalf("%d %s", code, body)
		}
		if fs, _ := e.store.Followers(ctx); len(fs) != 0 {
			t.Errorf("followers after the delete = %+v", fs)
		}
	})
}
