package fediapi_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/seed"
)

// sign9421 signs req as Fedify does, by RFC 9421 with rsa-v1_5-sha256
// over @method, @target-uri (as given: what the peer addressed) and
// content-digest. The base is written out here, not built by httpsig.
func sign9421(t *testing.T, req *http.Request, body []byte, target, keyID string, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	digest := "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	params := fmt.Sprintf(`("@method" "@target-uri" "content-digest");alg="rsa-v1_5-sha256";keyid="%s";created=%d`, keyID, at.Unix())
	base := "\"@method\": POST\n\"@target-uri\": " + target + "\n\"content-digest\": " + digest + "\n\"@signature-params\": " + params
	h := sha256.Sum256([]byte(base))
	sig, err := rsa.SignPKCS1v15(nil, peerKey, crypto.SHA256, h[:])
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Digest", digest)
	req.Header.Set("Signature-Input", "sig1="+params)
	req.Header.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(sig)+":")
}

// TestInboxRFC9421BehindCDN: the public address is https on the site's
// domain, the origin sees plain HTTP on another host (CloudFront, API
// Gateway). A Like the peer signed for the public @target-uri counts; one
// signed for the address the origin saw is refused, as is an unsigned
// one, with both schemes advertised.
func TestInboxRFC9421BehindCDN(t *testing.T) {
	keys(t)
	p := newPeer(t, &httpsig.Verifier{Keys: ourResolver{"https://news.example.bg" + activitypub.ActorPath}})
	st := seededStore(t)
	ctx := t.Context()
	rt, opts := fediRoutes(t, map[string]string{"BASE_URL": "https://news.example.bg", "SITE_URL": "https://news.example.bg",
		"FEDIVERSE_ALLOW_PRIVATE": "true"}, st)
	origin := httptest.NewServer(rt)
	t.Cleanup(origin.Close)

	like := func(n string) []byte {
		return []byte(`{"id":"` + p.actorID() + `#likes/` + n + `","type":"Like","actor":"` + p.actorID() + `","object":"` +
			opts.Pub.NoteID(seed.IDNATO) + `"}`)
	}
	send := func(body []byte, target string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodPost, origin.URL+activitypub.SharedInboxPath, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", activitypub.ContentType)
		if target != "" {
			sign9421(t, req, body, target, p.actorID()+"#main-key", time.Now())
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, b := send(like("1"), "https://news.example.bg"+activitypub.SharedInboxPath); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("Like signed for the public address: %d %s", resp.StatusCode, b)
	}
	if is, err := st.Interactions(ctx, seed.IDNATO); err != nil || fediverse.Tally(is).Likes != 1 {
		t.Errorf("likes = %+v, %v", is, err)
	}
	resp, b := send(like("2"), origin.URL+activitypub.SharedInboxPath)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(b, "does not match key") {
		t.Errorf("Like signed for the origin's address: %d %s, want 401", resp.StatusCode, b)
	}
	resp, b = send(like("3"), "")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Www-Authenticate") == "" ||
		!strings.Contains(resp.Header.Get("Accept-Signature"), `"@target-uri" "content-digest"`) {
		t.Errorf("unsigned: %d %v %s", resp.StatusCode, resp.Header, b)
	}
}
