package httpsig

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Errors of Verify. Every one wraps ErrInvalid except ErrUnsigned, so a
// caller answers 401 to both and tells them apart in logs and metrics.
var (
	// ErrUnsigned means the request carries no Signature header.
	ErrUnsigned = errors.New("httpsig: request is not signed")
	// ErrInvalid means the signature is there but does not hold.
	ErrInvalid = errors.New("httpsig: invalid signature")
)

// DefaultWindow is how far a request's Date may be from the verifier's
// clock, either way: Mastodon allows 12 hours back and 5 minutes ahead for
// its queue's retries; a few minutes each way is what a live peer needs.
const DefaultWindow = 5 * time.Minute

// KeyResolver finds the public key of a keyId (an actor's key URL). With
// refresh false it may answer from a cache; with refresh true it must
// fetch the key again (the peer may have rotated it). Owner is the actor
// the key belongs to.
type KeyResolver interface {
	PublicKey(ctx context.Context, keyID string, refresh bool) (key crypto.PublicKey, owner string, err error)
}

// Signer signs outgoing requests with one RSA key.
type Signer struct {
	// KeyID is the public key's URL: the actor's id + "#main-key".
	KeyID string
	Key   *rsa.PrivateKey
	// Now is the clock for the Date header; time.Now when nil.
	Now func() time.Time
}

// Sign sets Host, Date and, when body is not nil, Digest on r, then a
// Signature header over "(request-target) host date" plus "digest" for a
// body, and "content-type" or "accept" where set, as Mastodon signs. body
// must be what r will send.
func (s *Signer) Sign(r *http.Request, body []byte) error {
	if s.Key == nil || s.KeyID == "" {
		return errors.New("httpsig: sign: Signer needs KeyID and Key")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.Header.Set("Host", r.Host)
	r.Header.Set("Date", now().UTC().Format(http.TimeFormat))
	headers := []string{"(request-target)", "host", "date"}
	if body != nil {
		r.Header.Set("Digest", Digest(body))
		headers = append(headers, "digest")
	}
	if r.Header.Get("Content-Type") != "" {
		headers = append(headers, "content-type")
	} else if r.Header.Get("Accept") != "" {
		headers = append(headers, "accept")
	}
	str, err := signingString(r, headers)
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	sum := sha256.Sum256([]byte(str))
	sig, err := rsa.SignPKCS1v15(nil, s.Key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("httpsig: sign: %w", err)
	}
	r.Header.Set("Signature", fmt.Sprintf(`keyId="%s",algorithm="rsa-sha256",headers="%s",signature="%s"`,
		s.KeyID, strings.Join(headers, " "), base64.StdEncoding.EncodeToString(sig)))
	return nil
}

// Digest is the RFC 3230 Digest header value of body: SHA-256=<base64>.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

// Verified is what a valid signature proves.
type Verified struct {
	// KeyID is the key that signed, Owner the actor it belongs to (as the
	// resolver said).
	KeyID string
	Owner string
}

// Verifier checks signatures of incoming requests.
type Verifier struct {
	Keys KeyResolver
	// Window bounds the Date header's distance from Now; DefaultWindow
	// when zero.
	Window time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Verify checks r's signature; body is r's body as read. A request with
// Signature-Input is checked as RFC 9421 (even when it also carries a
// draft-cavage signature: the newer scheme wins); any other as
// draft-cavage. Either way a POST must sign its digest (Content-Digest or
// Digest), and the digest must match body.
func (v *Verifier) Verify(ctx context.Context, r *http.Request, body []byte) (Verified, error) {
	if len(r.Header.Values("Signature-Input")) > 0 {
		return v.verifyMessage(ctx, r, body)
	}
	raw := r.Header.Get("Signature")
	if raw == "" {
		if a := r.Header.Get("Authorization"); len(a) > 10 && strings.EqualFold(a[:10], "Signature ") {
			raw = a[10:]
		}
	}
	if raw == "" {
		return Verified{}, ErrUnsigned
	}
	p, err := parseSignature(raw)
	if err != nil {
		return Verified{}, err
	}
	switch strings.ToLower(p.algorithm) {
	case "", "rsa-sha256", "hs2019":
	default:
		return Verified{}, fmt.Errorf("%w: algorithm %q is not supported (rsa-sha256, hs2019)", ErrInvalid, p.algorithm)
	}
	covered := map[string]bool{}
	for _, h := range p.headers {
		covered[h] = true
	}
	for _, need := range []string{"(request-target)", "host"} {
		if !covered[need] {
			return Verified{}, fmt.Errorf("%w: headers must cover %s", ErrInvalid, need)
		}
	}
	if !covered["date"] && !covered["(created)"] {
		return Verified{}, fmt.Errorf("%w: headers must cover date", ErrInvalid)
	}
	now, window := v.clock()
	if covered["date"] {
		if err := checkDate(r, now, window); err != nil {
			return Verified{}, err
		}
	}
	if covered["(created)"] {
		if p.created == 0 {
			return Verified{}, fmt.Errorf("%w: (created) is signed but the signature has no created parameter", ErrInvalid)
		}
		c := time.Unix(p.created, 0)
		if c.Before(now.Add(-window)) || c.After(now.Add(window)) {
			return Verified{}, fmt.Errorf("%w: created is more than %s from now", ErrInvalid, window)
		}
	}
	if r.Method == http.MethodPost || body != nil && len(body) > 0 {
		if !covered["digest"] {
			return Verified{}, fmt.Errorf("%w: a request with a body must sign its Digest", ErrInvalid)
		}
		if err := checkDigest(r.Header.Values("Digest"), body); err != nil {
			return Verified{}, err
		}
	}
	str, err := signingStringWith(r, p.headers, p)
	if err != nil {
		return Verified{}, fmt.Errorf("%w: %s", ErrInvalid, err.Error())
	}
	sum := sha256.Sum256([]byte(str))
	for _, refresh := range []bool{false, true} {
		key, owner, err := v.Keys.PublicKey(ctx, p.keyID, refresh)
		if err != nil {
			return Verified{}, fmt.Errorf("%w: key %s: %w", ErrInvalid, p.keyID, err)
		}
		pub, ok := key.(*rsa.PublicKey)
		if !ok {
			return Verified{}, fmt.Errorf("%w: key %s is not an RSA key", ErrInvalid, p.keyID)
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], p.signature) == nil {
			return Verified{KeyID: p.keyID, Owner: owner}, nil
		}
	}
	return Verified{}, fmt.Errorf("%w: signature does not match key %s", ErrInvalid, p.keyID)
}

// clock is the verifier's time and the window around it.
func (v *Verifier) clock() (time.Time, time.Duration) {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	window := v.Window
	if window <= 0 {
		window = DefaultWindow
	}
	return now(), window
}

// checkDate refuses a Date header that is missing or outside the window.
func checkDate(r *http.Request, now time.Time, window time.Duration) error {
	d, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil {
		return fmt.Errorf("%w: Date header is missing or not an HTTP date", ErrInvalid)
	}
	if d.Before(now.Add(-window)) || d.After(now.Add(window)) {
		return fmt.Errorf("%w: Date %s is more than %s from now", ErrInvalid, d.UTC().Format(http.TimeFormat), window)
	}
	return nil
}

// checkDigest compares the SHA-256 Digest with body; other algorithms in
// the header are ignored, but SHA-256 must be among them.
func checkDigest(values []string, body []byte) error {
	want := sha256.Sum256(body)
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(alg, "SHA-256") {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(val)
			if err != nil || !bytes.Equal(got, want[:]) {
				return fmt.Errorf("%w: Digest does not match the body", ErrInvalid)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: Digest header with SHA-256 is missing", ErrInvalid)
}

type params struct {
	keyID, algorithm   string
	headers            []string
	signature          []byte
	created, expires   int64
	createdS, expiresS string
}

// parseSignature reads a Signature header's parameters.
func parseSignature(s string) (params, error) {
	var p params
	for s = strings.TrimSpace(s); s != ""; {
		name, rest, ok := strings.Cut(s, "=")
		if !ok {
			return p, fmt.Errorf("%w: malformed Signature header", ErrInvalid)
		}
		name = strings.ToLower(strings.TrimSpace(name))
		rest = strings.TrimSpace(rest)
		var val string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return p, fmt.Errorf("%w: malformed Signature header", ErrInvalid)
			}
			val, rest = rest[1:1+end], rest[2+end:]
		} else {
			val, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
		}
		switch name {
		case "keyid":
			p.keyID = val
		case "algorithm":
			p.algorithm = val
		case "headers":
			p.headers = strings.Fields(strings.ToLower(val))
		case "signature":
			sig, err := base64.StdEncoding.DecodeString(val)
			if err != nil {
				return p, fmt.Errorf("%w: signature is not base64", ErrInvalid)
			}
			p.signature = sig
		case "created":
			p.createdS = val
			fmt.Sscan(val, &p.created)
		case "expires":
			p.expiresS = val
			fmt.Sscan(val, &p.expires)
		}
		rest = strings.TrimSpace(rest)
		rest = strings.TrimPrefix(rest, ",")
		s = strings.TrimSpace(rest)
	}
	if p.keyID == "" || p.signature == nil {
		return p, fmt.Errorf("%w: Signature needs keyId and signature", ErrInvalid)
	}
	if len(p.headers) == 0 {
		// The draft's default is (created); no peer signs only that.
		p.headers = []string{"(created)"}
	}
	return p, nil
}

func signingString(r *http.Request, headers []string) (string, error) {
	return signingStringWith(r, headers, params{})
}

// signingStringWith builds the string the draft signs: one "name: value"
// line per covered header, in the order given.
func signingStringWith(r *http.Request, headers []string, p params) (string, error) {
	var b strings.Builder
	for i, h := range headers {
		if i > 0 {
			b.WriteByte('\n')
		}
		switch h {
		case "(request-target)":
			target := r.URL.RequestURI()
			if r.URL.Opaque != "" {
				target = r.URL.Opaque
			}
			fmt.Fprintf(&b, "(request-target): %s %s", strings.ToLower(r.Method), target)
		case "(created)":
			fmt.Fprintf(&b, "(created): %s", p.createdS)
		case "(expires)":
			fmt.Fprintf(&b, "(expires): %s", p.expiresS)
		case "host":
			host := r.Host
			if host == "" {
				host = r.Header.Get("Host")
			}
			if host == "" {
				host = r.URL.Host
			}
			fmt.Fprintf(&b, "host: %s", host)
		default:
			vals := r.Header.Values(h)
			if len(vals) == 0 {
				return "", fmt.Errorf("signed header %s is missing", h)
			}
			for j := range vals {
				vals[j] = strings.TrimSpace(vals[j])
			}
			fmt.Fprintf(&b, "%s: %s", h, strings.Join(vals, ", "))
		}
	}
	return b.String(), nil
}

// ParsePublicKey reads a PEM public key as actors publish it: PKIX
// ("PUBLIC KEY") or PKCS #1 ("RSA PUBLIC KEY").
func ParsePublicKey(pemText string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, errors.New("httpsig: public key is not PEM")
	}
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("httpsig: public key: %w", err)
		}
		return k, nil
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("httpsig: public key: %w", err)
		}
		return k, nil
	}
	return nil, fmt.Errorf("httpsig: public key: PEM block %q is not a public key", block.Type)
}

// PublicKeyPEM encodes k as a PKIX PEM block, as actors publish it.
func PublicKeyPEM(k *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", fmt.Errorf("httpsig: public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePrivateKey reads a PEM RSA private key (PKCS #8 or PKCS #1).
func ParsePrivateKey(pemText []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(pemText)
	if block == nil {
		return nil, errors.New("httpsig: private key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("httpsig: private key is neither PKCS #1 nor PKCS #8")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("httpsig: private key is not RSA")
	}
	return rk, nil
}

// PrivateKeyPEM encodes k as PKCS #8 PEM.
func PrivateKeyPEM(k *rsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("httpsig: private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
