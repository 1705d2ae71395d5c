package fediverse_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// docs answers fetched documents from a map, counting fetches.
type docs struct {
	m       map[string]string
	fetches int
}

func (d *docs) Fetch(_ context.Context, url string) ([]byte, error) {
	d.fetches++
	if b, ok := d.m[url]; ok {
		return []byte(b), nil
	}
	return nil, fmt.Errorf("GET %s: 404", url)
}

// multibase encodes an Ed25519 public key as a Multikey's
// publicKeyMultibase: "z", base58btc of 0xed 0x01 and the key.
func multibase(k ed25519.PublicKey) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	b := append([]byte{0xed, 0x01}, k...)
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod := new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, big.NewInt(58), mod)
		out = append([]byte{alphabet[mod.Int64()]}, out...)
	}
	return "z" + string(out)
}

// TestKeyCacheMultikey: a keyId may name the actor's publicKey or an
// Ed25519 Multikey of its assertionMethod (as Fedify publishes one, an
// object or an array); a Multikey another actor controls, or of another
// type, is refused. An RFC 9421 request signed with the Multikey verifies
// through the cache.
func TestKeyCacheMultikey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaPEM, _ := httpsig.PublicKeyPEM(&rk.PublicKey)
	edPub, edKey, _ := ed25519.GenerateKey(rand.Reader)
	const actor = "https://fedify.example/users/ana"
	doc := func(assertion string) string {
		return fmt.Sprintf(`{"@context":["https://www.w3.org/ns/activitystreams","https://w3id.org/security/multikey/v1"],
"id":%q,"type":"Person","inbox":%q,"endpoints":{"sharedInbox":"https://fedify.example/inbox"},
"publicKey":{"id":%q,"owner":%q,"publicKeyPem":%q},"assertionMethod":%s}`,
			actor, actor+"/inbox", actor+"#main-key", actor, rsaPEM, assertion)
	}
	multikey := func(id, typ, controller string) string {
		return fmt.Sprintf(`{"id":%q,"type":%q,"controller":%q,"publicKeyMultibase":%q}`, id, typ, controller, multibase(edPub))
	}
	tests := []struct {
		name, assertion, keyID string
		want                   any // *rsa.PublicKey, ed25519.PublicKey or an error text
	}{
		{"publicKey", `[]`, actor + "#main-key", &rk.PublicKey},
		{"Multikey in an array", `[` + multikey(actor+"#key-2", "Multikey", actor) + `]`, actor + "#key-2", edPub},
		{"one Multikey object", multikey(actor+"#key-2", "Multikey", actor), actor + "#key-2", edPub},
		{"Multikey without controller", multikey(actor+"#key-2", "Multikey", ""), actor + "#key-2", edPub},
		{"another actor's Multikey", multikey(actor+"#key-2", "Multikey", "https://fedify.example/users/eve"), actor + "#key-2", "owned by"},
		{"not a Multikey", multikey(actor+"#key-2", "JsonWebKey", actor), actor + "#key-2", "not a Multikey"},
		{"unknown key", `[` + multikey(actor+"#key-2", "Multikey", actor) + `]`, actor + "#key-3", "publishes key"},
		{"a link, not a key", `["` + actor + `#key-2"]`, actor + "#key-2", "publishes key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := bolt.Open(filepath.Join(t.TempDir(), "k.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			kc := &fediverse.KeyCache{Store: st, Fetch: &docs{m: map[string]string{actor: doc(tt.assertion)}}, Now: func() time.Time { return now }}
			key, owner, err := kc.PublicKey(context.Background(), tt.keyID, false)
			if text, ok := tt.want.(string); ok {
				if err == nil || !strings.Contains(err.Error(), text) {
					t.Fatalf("PublicKey = %v, want an error saying %q", err, text)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if owner != actor || !tt.want.(interface{ Equal(crypto.PublicKey) bool }).Equal(key) {
				t.Errorf("PublicKey = %T %v of %s", key, key, owner)
			}
		})
	}

	t.Run("RFC 9421 signed with the Multikey", func(t *testing.T) {
		st, err := bolt.Open(filepath.Join(t.TempDir(), "k.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		kc := &fediverse.KeyCache{Store: st, Fetch: &docs{m: map[string]string{actor: doc(`[` + multikey(actor+"#key-2", "Multikey", actor) + `]`)}},
			Now: func() time.Time { return now }}
		body := []byte(`{"type":"Like"}`)
		r := httptest.NewRequest(http.MethodPost, "https://api.news.example.bg/ap/inbox", bytes.NewReader(body))
		sum := sha256.Sum256(body)
		digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
		params := fmt.Sprintf(`("@method" "@target-uri" "content-digest");created=%d;keyid="%s#key-2";alg="ed25519"`, now.Unix(), actor)
		base := "\"@method\": POST\n\"@target-uri\": https://api.news.example.bg/ap/inbox\n\"content-digest\": " + digest +
			"\n\"@signature-params\": " + params
		r.Header.Set("Content-Digest", digest)
		r.Header.Set("Signature-Input", "sig1="+params)
		r.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(ed25519.Sign(edKey, []byte(base)))+":")
		v := httpsig.Verifier{Keys: kc, Now: func() time.Time { return now }}
		got, err := v.Verify(context.Background(), r, body)
		if err != nil || got.KeyID != actor+"#key-2" || got.Owner != actor {
			t.Fatalf("Verify = %+v, %v", got, err)
		}
		// The key is kept: a second request fetches nothing.
		fetched := kc.Fetch.(*docs).fetches
		if _, err := v.Verify(context.Background(), r, body); err != nil || kc.Fetch.(*docs).fetches != fetched {
			t.Errorf("second Verify: %v, fetches %d then %d", err, fetched, kc.Fetch.(*docs).fetches)
		}
	})
}
