package httpsig

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzVerifyMessage: whatever a peer puts in Signature-Input, Signature
// and Content-Digest, Verify answers an error of its vocabulary (a random
// signature never verifies), never a panic.
func FuzzVerifyMessage(f *testing.F) {
	f.Add(`sig1=("@method" "@target-uri" "content-digest");created=1796630400;keyid="https://a.example/u#k";alg="rsa-v1_5-sha256"`,
		`sig1=:AAAA:`, `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`)
	f.Add(`sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
		`sig-b22=:LjbtqUbfmvjj:`, `sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:`)
	f.Add(`a=(), b=?1;x, c=tok/en:x;y="\""`, `a=:AQI:`, `md5=1`)
	k := signerKeys(f)
	v := Verifier{Keys: &msgResolver{cached: k["rsa"].Public(), fresh: k["rsa"].Public()},
		Now: func() time.Time { return time.Unix(1796630400, 0) }}
	f.Fuzz(func(t *testing.T, input, sig, digest string) {
		r := msgPost(msgBody)
		r.Header.Set("Signature-Input", input)
		r.Header.Set("Signature", sig)
		r.Header.Set("Content-Digest", digest)
		if _, err := v.Verify(context.Background(), r, msgBody); err == nil {
			t.Fatalf("a fuzzed signature verified: %q %q", input, sig)
		} else if !errors.Is(err, ErrInvalid) {
			t.Fatalf("error outside the vocabulary: %v", err)
		}
	})
}
