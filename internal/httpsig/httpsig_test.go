package httpsig_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	gofed "github.com/go-fed/httpsig"

	"github.com/newsdesk/syndicate/internal/httpsig"
)

var (
	keyOnce      sync.Once
	keyA, keyB   *rsa.PrivateKey
	fixedNow     = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	remoteKeyID  = "https://mastodon.example/users/ana#main-key"
	remoteActor  = "https://mastodon.example/users/ana"
	inboxURL     = "https://news.example.bg/ap/inbox"
	activityBody = []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Follow"}`)
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if keyA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if keyB, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

// resolver answers a cached key until asked to refresh, then the fresh
// one, counting both.
type resolver struct {
	cached, fresh crypto.PublicKey
	err           error
	asks, fetches int
}

func (r *resolver) PublicKey(_ context.Context, keyID string, refresh bool) (crypto.PublicKey, string, error) {
	r.asks++
	if r.err != nil {
		return nil, "", r.err
	}
	if refresh {
		r.fetches++
		return r.fresh, remoteActor, nil
	}
	return r.cached, remoteActor, nil
}

func post(t *testing.T, body []byte) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, inboxURL, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/activity+json")
	return r
}

func signed(t *testing.T, k *rsa.PrivateKey, body []byte, at time.Time) *http.Request {
	t.Helper()
	r := post(t, body)
	s := httpsig.Signer{KeyID: remoteKeyID, Key: k, Now: func() time.Time { return at }}
	if err := s.Sign(r, body); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerify(t *testing.T) {
	a, b := keys(t)
	tests := []struct {
		name    string
		req     func() *http.Request
		body    []byte
		res     *resolver
		want    error
		detail  string
		fetches int
	}{
		{name: "signed", req: func() *http.Request { return signed(t, a, activityBody, fixedNow) }, body: activityBody,
			res: &resolver{cached: &a.PublicKey}},
		{name: "unsigned", req: func() *http.Request { return post(t, activityBody) }, body: activityBody,
			res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrUnsigned},
		{name: "body changed after signing", req: func() *http.Request { return signed(t, a, activityBody, fixedNow) },
			body: []byte(`{"type":"Delete"}`), res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "Digest does not match"},
		{name: "date too old", req: func() *http.Request { return signed(t, a, activityBody, fixedNow.Add(-6*time.Minute)) },
			body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "from now"},
		{name: "date in the future", req: func() *http.Request { return signed(t, a, activityBody, fixedNow.Add(6*time.Minute)) },
			body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "from now"},
		{name: "date within window", req: func() *http.Request { return signed(t, a, activityBody, fixedNow.Add(-4*time.Minute)) },
			body: activityBody, res: &resolver{cached: &a.PublicKey}},
		{name: "rotated key refetched once", req: func() *http.Request { return signed(t, a, activityBody, fixedNow) },
			body: activityBody, res: &resolver{cached: &b.PublicKey, fresh: &a.PublicKey}, fetches: 1},
		{name: "wrong key even after refetch", req: func() *http.Request { return signed(t, a, activityBody, fixedNow) },
			body: activityBody, res: &resolver{cached: &b.PublicKey, fresh: &b.PublicKey}, want: httpsig.ErrInvalid,
			detail: "does not match", fetches: 1},
		{name: "key unavailable", req: func() *http.Request { return signed(t, a, activityBody, fixedNow) },
			body: activityBody, res: &resolver{err: errors.New("410 gone")}, want: httpsig.ErrInvalid},
		{name: "digest not signed", req: func() *http.Request {
			r := signed(t, a, activityBody, fixedNow)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " digest", "", 1))
			return r
		}, body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "must sign its Digest"},
		{name: "host not signed", req: func() *http.Request {
			r := signed(t, a, activityBody, fixedNow)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), " host", "", 1))
			return r
		}, body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "cover host"},
		{name: "other path", req: func() *http.Request {
			r := signed(t, a, activityBody, fixedNow)
			r.URL.Path = "/ap/actor/inbox"
			return r
		}, body: activityBody, res: &resolver{cached: &a.PublicKey, fresh: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "does not match",
			fetches: 1},
		{name: "garbage header", req: func() *http.Request {
			r := post(t, activityBody)
			r.Header.Set("Signature", `keyId="x",signature="%%%"`)
			return r
		}, body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid},
		{name: "unknown algorithm", req: func() *http.Request {
			r := signed(t, a, activityBody, fixedNow)
			r.Header.Set("Signature", strings.Replace(r.Header.Get("Signature"), "rsa-sha256", "ed25519", 1))
			return r
		}, body: activityBody, res: &resolver{cached: &a.PublicKey}, want: httpsig.ErrInvalid, detail: "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := httpsig.Verifier{Keys: tt.res, Now: func() time.Time { return fixedNow }}
			got, err := v.Verify(context.Background(), tt.req(), tt.body)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got.KeyID != remoteKeyID || got.Owner != remoteActor {
					t.Errorf("Verified = %+v", got)
				}
			} else if !errors.Is(err, tt.want) {
				t.Fatalf("Verify error = %v, want %v", err, tt.want)
			} else if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("Verify error = %q, want it to say %q", err, tt.detail)
			}
			if tt.res.fetches != tt.fetches {
				t.Errorf("refetches = %d, want %d", tt.res.fetches, tt.fetches)
			}
		})
	}
}

// TestGoFedSignsWeVerify: a request signed by github.com/go-fed/httpsig
// (the library GoToSocial's signer is a fork of), as a peer would send
// it, passes Verify; with hs2019, as GoToSocial names it, too.
func TestGoFedSignsWeVerify(t *testing.T) {
	a, _ := keys(t)
	for _, algo := range []gofed.Algorithm{gofed.RSA_SHA256} {
		for _, scheme := range []gofed.SignatureScheme{gofed.Signature, gofed.Authorization} {
			t.Run(string(algo)+"/"+string(scheme), func(t *testing.T) {
				signer, _, err := gofed.NewSigner([]gofed.Algorithm{algo}, gofed.DigestSha256,
					[]string{gofed.RequestTarget, "host", "date", "digest"}, scheme, 0)
				if err != nil {
					t.Fatal(err)
				}
				r := post(t, activityBody)
				r.Header.Set("Date", fixedNow.Format(http.TimeFormat))
				r.Header.Set("Host", r.Host)
				if err := signer.SignRequest(a, remoteKeyID, r, activityBody); err != nil {
					t.Fatal(err)
				}
				v := httpsig.Verifier{Keys: &resolver{cached: &a.PublicKey}, Now: func() time.Time { return fixedNow }}
				if _, err := v.Verify(context.Background(), r, activityBody); err != nil {
					t.Fatalf("Verify of go-fed's signature: %v\nSignature: %s", err, r.Header.Get("Signature"))
				}
				if _, err := v.Verify(context.Background(), r, []byte(`{}`)); !errors.Is(err, httpsig.ErrInvalid) {
					t.Errorf("Verify with another body: %v, want ErrInvalid", err)
				}
			})
		}
	}
}

// TestWeSignGoFedVerifies: what Sign makes, go-fed/httpsig's verifier
// accepts with our public key, GET (authorized fetch) and POST alike.
func TestWeSignGoFedVerifies(t *testing.T) {
	a, b := keys(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			var body []byte
			r := httptest.NewRequest(method, "https://mastodon.example/users/ana?page=1", nil)
			if method == http.MethodPost {
				body = activityBody
				r = post(t, body)
			} else {
				r.Header.Set("Accept", "application/activity+json")
			}
			s := httpsig.Signer{KeyID: "https://news.example.bg/ap/actor#main-key", Key: a}
			if err := s.Sign(r, body); err != nil {
				t.Fatal(err)
			}
			v, err := gofed.NewVerifier(r)
			if err != nil {
				t.Fatalf("go-fed NewVerifier: %v (Signature %q)", err, r.Header.Get("Signature"))
			}
			if v.KeyId() != s.KeyID {
				t.Errorf("keyId = %q", v.KeyId())
			}
			if err := v.Verify(&a.PublicKey, gofed.RSA_SHA256); err != nil {
				t.Errorf("go-fed Verify: %v", err)
			}
			if err := v.Verify(&b.PublicKey, gofed.RSA_SHA256); err == nil {
				t.Errorf("go-fed Verify with another key passed")
			}
		})
	}
}

func TestKeysPEMRoundTrip(t *testing.T) {
	a, _ := keys(t)
	pub, err := httpsig.PublicKeyPEM(&a.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	got, err := httpsig.ParsePublicKey(pub)
	if err != nil || !a.PublicKey.Equal(got) {
		t.Fatalf("ParsePublicKey = %v, %v", got, err)
	}
	priv, err := httpsig.PrivateKeyPEM(a)
	if err != nil {
		t.Fatal(err)
	}
	k, err := httpsig.ParsePrivateKey(priv)
	if err != nil || !k.Equal(a) {
		t.Fatalf("ParsePrivateKey: %v", err)
	}
	if _, err := httpsig.ParsePublicKey("not pem"); err == nil {
		t.Error("ParsePublicKey of junk passed")
	}
}
