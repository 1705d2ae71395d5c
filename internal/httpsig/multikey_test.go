package httpsig

import (
	"crypto/ed25519"
	"strings"
	"testing"
)

// TestMultikeyPEM: the key pair of the W3C Data Integrity EdDSA
// specification's examples (publicKeyMultibase and secretKeyMultibase
// z3u2...: multicodec 0x80 0x26 and the 32-byte seed) agree: the public
// key read from the Multikey is the one the seed makes.
func TestMultikeyPEM(t *testing.T) {
	pemText, err := MultikeyPEM("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pemText)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := decodeMultibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
	if err != nil || len(secret) != 34 || secret[0] != 0x80 || secret[1] != 0x26 {
		t.Fatalf("secret key: % x, %v", secret, err)
	}
	want := ed25519.NewKeyFromSeed(secret[2:]).Public()
	if !want.(ed25519.PublicKey).Equal(pub) {
		t.Errorf("Multikey gives %x, the seed %x", pub, want)
	}
	for _, bad := range []string{"", "z", "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "z6Mkr0", "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq",
		"z" + strings.Repeat("2", 200)} {
		if _, err := MultikeyPEM(bad); err == nil {
			t.Errorf("MultikeyPEM(%q) passed", bad)
		}
	}
	if b, _ := decodeMultibase("z112"); len(b) != 3 || b[0] != 0 || b[1] != 0 || b[2] != 1 {
		t.Errorf("leading ones: % x", b)
	}
}
