package httpsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	msgNow   = time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	msgKeyID = "https://mastodon.example/users/ana#main-key"
	msgActor = "https://mastodon.example/users/ana"
	msgBody  = []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Like"}`)

	msgKeysOnce sync.Once
	msgKeys     map[string]crypto.Signer
)

// signerKeys are one key of each type, and a second RSA key ("other").
func signerKeys(t testing.TB) map[string]crypto.Signer {
	t.Helper()
	msgKeysOnce.Do(func() {
		r1, _ := rsa.GenerateKey(rand.Reader, 2048)
		r2, _ := rsa.GenerateKey(rand.Reader, 2048)
		p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		msgKeys = map[string]crypto.Signer{"rsa": r1, "other": r2, "p256": p256, "p384": p384, "ed25519": ed}
	})
	return msgKeys
}

// msgResolver answers cached until asked to refresh, then fresh.
type msgResolver struct {
	cached, fresh crypto.PublicKey
	err           error
	fetches       int
	keyID         string
}

func (r *msgResolver) PublicKey(_ context.Context, keyID string, refresh bool) (crypto.PublicKey, string, error) {
	r.keyID = keyID
	if r.err != nil {
		return nil, "", r.err
	}
	if refresh {
		r.fetches++
		return r.fresh, msgActor, nil
	}
	return r.cached, msgActor, nil
}

// signMessage signs r as a peer would by RFC 9421: it sets
// Content-Digest for body, Signature-Input for components and params,
// then Signature over the base. The base is built by this package's
// signatureBase, whose output the RFC's vectors check.
func signMessage(t testing.TB, r *http.Request, key crypto.Signer, alg, label string, components []string, params string, body []byte) {
	t.Helper()
	if body != nil && r.Header.Get("Content-Digest") == "" {
		r.Header.Set("Content-Digest", ContentDigest(body))
	}
	quoted := make([]string, len(components))
	for i, c := range components {
		quoted[i] = `"` + c + `"`
	}
	input := fmt.Sprintf("%s=(%s)%s", label, strings.Join(quoted, " "), params)
	r.Header.Add("Signature-Input", input)
	sigs, err := parseMessageSigs(withSig(r, label))
	if err != nil {
		t.Fatal(err)
	}
	var m messageSig
	for _, s := range sigs {
		if s.label == label {
			m = s
		}
	}
	base, err := signatureBase(r, m)
	if err != nil {
		t.Fatal(err)
	}
	var sig []byte
	switch alg {
	case "rsa-v1_5-sha256":
		sum := sha256.Sum256([]byte(base))
		sig, err = rsa.SignPKCS1v15(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA256, sum[:])
	case "rsa-pss-sha512":
		sum := sha512.Sum512([]byte(base))
		sig, err = rsa.SignPSS(rand.Reader, key.(*rsa.PrivateKey), crypto.SHA512, sum[:], &rsa.PSSOptions{SaltLength: 64})
	case "ecdsa-p256-sha256":
		sum := sha256.Sum256([]byte(base))
		rb, sb, e := ecdsa.Sign(rand.Reader, key.(*ecdsa.PrivateKey), sum[:])
		err = e
		sig = make([]byte, 64)
		rb.FillBytes(sig[:32])
		sb.FillBytes(sig[32:])
	case "ecdsa-p384-sha384":
		sum := sha512.Sum384([]byte(base))
		rb, sb, e := ecdsa.Sign(rand.Reader, key.(*ecdsa.PrivateKey), sum[:])
		err = e
		sig = make([]byte, 96)
		rb.FillBytes(sig[:48])
		sb.FillBytes(sig[48:])
	case "ed25519":
		sig = ed25519.Sign(key.(ed25519.PrivateKey), []byte(base))
	default:
		t.Fatalf("no signer for %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(label + "=")
	sfItem{value: sig}.serialize(&b)
	r.Header.Add("Signature", b.String())
}

// withSig lets parseMessageSigs read a Signature-Input whose Signature is
// not made yet.
func withSig(r *http.Request, label string) *http.Request {
	c := r.Clone(context.Background())
	c.Header.Add("Signature", label+"=:AA==:")
	return c
}

func msgPost(body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://news.example.bg/ap/inbox", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/activity+json")
	r.Header.Set("Date", msgNow.Format(http.TimeFormat))
	return r
}

var fediComponents = []string{"@method", "@target-uri", "@authority", "host", "date", "content-digest"}

func created(at time.Time) string {
	return fmt.Sprintf(`;alg="rsa-v1_5-sha256";keyid="%s";created=%d`, msgKeyID, at.Unix())
}

// TestVerifyMessage: RFC 9421 signatures as fediverse peers send them,
// through the same Verify and errors as draft-cavage's.
func TestVerifyMessage(t *testing.T) {
	k := signerKeys(t)
	rsaKey, other := k["rsa"].(*rsa.PrivateKey), k["other"].(*rsa.PrivateKey)
	fedify := func(r *http.Request) {
		signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents, created(msgNow), msgBody)
	}
	tests := []struct {
		name    string
		req     func() *http.Request
		body    []byte
		res     *msgResolver
		want    error
		detail  string
		fetches int
	}{
		{name: "rsa-v1_5-sha256 as Fedify signs", req: func() *http.Request { r := msgPost(msgBody); fedify(r); return r },
			res: &msgResolver{cached: rsaKey.Public()}},
		{name: "rsa-pss-sha512", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-pss-sha512", "sig1", []string{"@method", "@target-uri", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s";alg="rsa-pss-sha512"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "rsa without alg tries both", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-pss-sha512", "sig1", []string{"@method", "@target-uri", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "ecdsa-p256-sha256", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, k["p256"], "ecdsa-p256-sha256", "sig1", []string{"@method", "@authority", "@path", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s";alg="ecdsa-p256-sha256"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: k["p256"].Public()}},
		{name: "ecdsa-p384-sha384, alg from the key", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, k["p384"], "ecdsa-p384-sha384", "sig1", []string{"@method", "@target-uri", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: k["p384"].Public()}},
		{name: "ecdsa-p256-sha256 named for a P-384 key", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, k["p384"], "ecdsa-p384-sha384", "sig1", []string{"@method", "@target-uri", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s";alg="ecdsa-p256-sha256"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: k["p384"].Public(), fresh: k["p384"].Public()}, want: ErrInvalid, detail: "does not fit", fetches: 1},
		{name: "@authority and @request-target", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@authority", "@request-target", "content-digest"},
				created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "@authority without a path", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@authority", "@query", "content-digest"},
				created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "must cover @target-uri"},
		{name: "ed25519", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, k["ed25519"], "ed25519", "sig1", []string{"@method", "@target-uri", "content-digest"},
				fmt.Sprintf(`;created=%d;keyid="%s";alg="ed25519"`, msgNow.Unix(), msgKeyID), msgBody)
			return r
		}, res: &msgResolver{cached: k["ed25519"].Public()}},
		{name: "sha-512 content digest", req: func() *http.Request {
			r := msgPost(msgBody)
			sum := sha512.Sum512(msgBody)
			var b strings.Builder
			b.WriteString("sha-512=")
			sfItem{value: sum[:]}.serialize(&b)
			r.Header.Set("Content-Digest", b.String())
			fedify(r)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "second signature meets the policy", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "proxy", []string{"@authority"}, created(msgNow), msgBody)
			fedify(r)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "a label without a signature is passed over", req: func() *http.Request {
			r := msgPost(msgBody)
			r.Header.Set("Signature-Input", `orphan=("@method");created=1;keyid="x"`)
			fedify(r)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "preferred over draft-cavage", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Set("Authorization", `Signature keyId="x",signature="junk"`)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "no fall back to draft-cavage", req: func() *http.Request {
			r := msgPost(msgBody)
			s := Signer{KeyID: msgKeyID, Key: rsaKey, Now: func() time.Time { return msgNow }}
			if err := s.Sign(r, msgBody); err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Authorization", "Signature "+r.Header.Get("Signature"))
			r.Header.Del("Signature")
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri"}, created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "must cover content-digest"},
		{name: "rotated key refetched once", req: func() *http.Request { r := msgPost(msgBody); fedify(r); return r },
			res: &msgResolver{cached: other.Public(), fresh: rsaKey.Public()}, fetches: 1},

		{name: "tampered body", req: func() *http.Request { r := msgPost(msgBody); fedify(r); return r },
			body: []byte(`{"type":"Delete"}`), res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "Content-Digest sha-256 does not match"},
		{name: "digest changed with the body", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Set("Content-Digest", ContentDigest([]byte(`{"type":"Delete"}`)))
			return r
		}, body: []byte(`{"type":"Delete"}`), res: &msgResolver{cached: rsaKey.Public(), fresh: rsaKey.Public()}, want: ErrInvalid,
			detail: "does not match key", fetches: 1},
		{name: "no content digest", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Del("Content-Digest")
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "Content-Digest header is missing"},
		{name: "content digest not covered", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri", "date"}, created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "must cover content-digest"},
		{name: "method not covered", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@target-uri", "content-digest"}, created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "must cover @method"},
		{name: "target not covered", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@authority", "content-digest"}, created(msgNow), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "must cover @target-uri"},
		{name: "other path", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.URL.Path = "/ap/actor/inbox"
			return r
		}, res: &msgResolver{cached: rsaKey.Public(), fresh: rsaKey.Public()}, want: ErrInvalid, detail: "does not match", fetches: 1},
		{name: "created too old", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri", "content-digest"}, created(msgNow.Add(-6*time.Minute)), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "created more than 5m0s from now"},
		{name: "created in the future", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri", "content-digest"}, created(msgNow.Add(6*time.Minute)), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "created more than"},
		{name: "created within window", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri", "content-digest"}, created(msgNow.Add(-4*time.Minute)), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "no created and no date", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", []string{"@method", "@target-uri", "content-digest"}, `;keyid="`+msgKeyID+`"`, msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "no created parameter"},
		{name: "covered date too old", req: func() *http.Request {
			r := msgPost(msgBody)
			r.Header.Set("Date", msgNow.Add(-time.Hour).Format(http.TimeFormat))
			fedify(r)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "Date"},
		{name: "expired", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents,
				created(msgNow.Add(-2*time.Minute))+fmt.Sprintf(";expires=%d", msgNow.Add(-time.Minute).Unix()), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "expired"},
		{name: "not yet expired", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents,
				created(msgNow)+fmt.Sprintf(";expires=%d", msgNow.Add(time.Minute).Unix()), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}},
		{name: "wrong key even after refetch", req: func() *http.Request { r := msgPost(msgBody); fedify(r); return r },
			res: &msgResolver{cached: other.Public(), fresh: other.Public()}, want: ErrInvalid, detail: "does not match key", fetches: 1},
		{name: "key unavailable", req: func() *http.Request { r := msgPost(msgBody); fedify(r); return r },
			res: &msgResolver{err: errors.New("410 gone")}, want: ErrInvalid, detail: "410 gone"},
		{name: "unsupported alg", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents,
				fmt.Sprintf(`;alg="hmac-sha256";keyid="%s";created=%d`, msgKeyID, msgNow.Unix()), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: `alg "hmac-sha256" is not supported`},
		{name: "alg does not fit the key", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents,
				fmt.Sprintf(`;alg="ed25519";keyid="%s";created=%d`, msgKeyID, msgNow.Unix()), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public(), fresh: rsaKey.Public()}, want: ErrInvalid, detail: "does not fit", fetches: 1},
		{name: "no keyid", req: func() *http.Request {
			r := msgPost(msgBody)
			signMessage(t, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents, fmt.Sprintf(`;created=%d`, msgNow.Unix()), msgBody)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "no keyid"},
		{name: "signature input without signature", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Del("Signature")
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "has no Signature"},
		{name: "malformed signature input", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Set("Signature-Input", `sig1=("@method" "@target-uri"`)
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "Signature-Input"},
		{name: "unsupported component parameter", req: func() *http.Request {
			r := msgPost(msgBody)
			r.Header.Set("Example-Dict", "a=1")
			signMessageRaw(t, r, `sig1=("@method" "@target-uri" "content-digest" "example-dict";sf)`+created(msgNow))
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "component parameter sf"},
		{name: "covered header missing", req: func() *http.Request {
			r := msgPost(msgBody)
			fedify(r)
			r.Header.Del("Date")
			return r
		}, res: &msgResolver{cached: rsaKey.Public()}, want: ErrInvalid, detail: "Date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := tt.body
			if body == nil {
				body = msgBody
			}
			v := Verifier{Keys: tt.res, Now: func() time.Time { return msgNow }}
			got, err := v.Verify(context.Background(), tt.req(), body)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got.KeyID != msgKeyID || got.Owner != msgActor {
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

// signMessageRaw sets a Signature-Input as given and a Signature that
// cannot verify: for inputs Verify must refuse before any key is asked.
func signMessageRaw(t testing.TB, r *http.Request, input string) {
	t.Helper()
	r.Header.Set("Content-Digest", ContentDigest(msgBody))
	r.Header.Set("Signature-Input", input)
	r.Header.Set("Signature", "sig1=:AAAA:")
}

// TestStructuredFields: the parser takes what RFC 8941 allows and
// refuses what it does not; serialize gives back the canonical text.
func TestStructuredFields(t *testing.T) {
	tests := []struct {
		in, out string
		bad     bool
	}{
		{in: `sig1=("@method" "@target-uri");created=1;keyid="a\"b";alg="ed25519"`, out: `sig1=("@method" "@target-uri");created=1;keyid="a\"b";alg="ed25519"`},
		{in: `a=1,   b=?0 , c;x, d=tok/en:x`, out: `a=1, b=?0, c;x, d=tok/en:x`},
		{in: `a=(  "x"  "y";k=1  )`, out: `a=("x" "y";k=1)`},
		{in: `a=:AQID:, a=2`, out: `a=2`},
		{in: `a=:AQI:`, out: `a=:AQI=:`},
		{in: `a=1.5`, bad: true},
		{in: `A=1`, bad: true},
		{in: `a=1,`, bad: true},
		{in: `a=("x"`, bad: true},
		{in: `a="unterminated`, bad: true},
		{in: `a=:%%:`, bad: true},
		{in: `a=1234567890123456`, bad: true},
		{in: `a="\x"`, bad: true},
		{in: `a=1 b=2`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := parseDictionary(tt.in)
			if tt.bad {
				if err == nil {
					t.Fatalf("parsed %q", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, m := range d {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(m.name)
				if m.inner {
					b.WriteByte('=')
					serializeInner(&b, m.list)
				} else if v, ok := m.item.value.(bool); !ok || !v {
					b.WriteByte('=')
					m.item.serialize(&b)
				}
				m.params.serialize(&b)
			}
			if b.String() != tt.out {
				t.Errorf("serialized %q, want %q", b.String(), tt.out)
			}
		})
	}
}

// BenchmarkVerifyMessage is the cost of verifying one inbox POST signed
// by RFC 9421 (rsa-v1_5-sha256, 2048-bit, a cached key), beside the same
// request signed by draft-cavage.
func BenchmarkVerifyMessage(b *testing.B) {
	k := signerKeys(b)
	rsaKey := k["rsa"].(*rsa.PrivateKey)
	res := &msgResolver{cached: rsaKey.Public()}
	v := Verifier{Keys: res, Now: func() time.Time { return msgNow }}
	b.Run("rfc9421", func(b *testing.B) {
		r := msgPost(msgBody)
		signMessage(b, r, rsaKey, "rsa-v1_5-sha256", "sig1", fediComponents, created(msgNow), msgBody)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(context.Background(), r, msgBody); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cavage", func(b *testing.B) {
		r := msgPost(msgBody)
		s := Signer{KeyID: msgKeyID, Key: rsaKey, Now: func() time.Time { return msgNow }}
		if err := s.Sign(r, msgBody); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := v.Verify(context.Background(), r, msgBody); err != nil {
				b.Fatal(err)
			}
		}
	})
}
