package httpsig

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// base58btc is the Bitcoin alphabet that multibase's "z" prefix names.
const base58btc = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// MultikeyPEM reads an Ed25519 Multikey's publicKeyMultibase (as Fedify
// publishes keys under an actor's assertionMethod, FEP-521a): "z", then
// base58btc of the multicodec ed25519-pub (0xed 0x01) and the 32-byte
// key. It answers the key as PKIX PEM, as actors' publicKeyPem are kept.
// Other key types are refused: no peer publishes them.
func MultikeyPEM(multibase string) (string, error) {
	b, err := decodeMultibase(multibase)
	if err != nil {
		return "", err
	}
	if len(b) != 2+ed25519.PublicKeySize || b[0] != 0xed || b[1] != 0x01 {
		return "", errors.New("httpsig: Multikey is not an Ed25519 public key")
	}
	der, err := x509.MarshalPKIXPublicKey(ed25519.PublicKey(b[2:]))
	if err != nil {
		return "", fmt.Errorf("httpsig: Multikey: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// decodeMultibase decodes a base58btc multibase string ("z..."), leading
// "1"s being zero bytes. Keys are short: more than 128 characters is
// refused before any arithmetic.
func decodeMultibase(s string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, "z")
	if !ok || rest == "" || len(rest) > 128 {
		return nil, errors.New("httpsig: publicKeyMultibase is not base58btc (z...)")
	}
	n := new(big.Int)
	radix := big.NewInt(58)
	for i := 0; i < len(rest); i++ {
		d := strings.IndexByte(base58btc, rest[i])
		if d < 0 {
			return nil, fmt.Errorf("httpsig: publicKeyMultibase has %q, not base58", rest[i])
		}
		n.Mul(n, radix)
		n.Add(n, big.NewInt(int64(d)))
	}
	zeros := len(rest) - len(strings.TrimLeft(rest, "1"))
	return append(make([]byte, zeros), n.Bytes()...), nil
}
