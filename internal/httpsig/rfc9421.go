package httpsig

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RFC 9421 HTTP Message Signatures, verification only: the headers
// Signature-Input and Signature, and RFC 9530's Content-Digest.

// Algorithms names the alg values Verify accepts for RFC 9421.
const Algorithms = "rsa-v1_5-sha256, rsa-pss-sha512, ecdsa-p256-sha256, ecdsa-p384-sha384, ed25519"

// messageSig is one signature of a message: its label, what it covers
// and its parameters as Signature-Input gave them, and the signature.
type messageSig struct {
	label      string
	components []sfInner
	params     sfParams
	signature  []byte
	keyID, alg string
	created    int64
	expires    int64
	hasCreated bool
	hasExpires bool
}

// covers reports whether the signature covers the component name (a
// derived component or a lower-case field name) without parameters.
func (m messageSig) covers(name string) bool {
	for _, c := range m.components {
		if s, _ := c.item.value.(string); s == name && len(c.params) == 0 {
			return true
		}
	}
	return false
}

// parseMessageSigs reads Signature-Input and Signature: every label
// Signature-Input names, in its order, with its signature.
func parseMessageSigs(r *http.Request) ([]messageSig, error) {
	inputs, err := parseDictionary(strings.Join(r.Header.Values("Signature-Input"), ", "))
	if err != nil {
		return nil, fmt.Errorf("%w: Signature-Input: %s", ErrInvalid, err.Error())
	}
	sigs, err := parseDictionary(strings.Join(r.Header.Values("Signature"), ", "))
	if err != nil {
		return nil, fmt.Errorf("%w: Signature: %s", ErrInvalid, err.Error())
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%w: Signature-Input names no signature", ErrInvalid)
	}
	var out []messageSig
	for _, in := range inputs {
		m := messageSig{label: in.name, components: in.list, params: in.params}
		if !in.inner {
			return nil, fmt.Errorf("%w: Signature-Input %s is not a list of components", ErrInvalid, in.name)
		}
		for _, c := range in.list {
			if s, ok := c.item.value.(string); !ok || c.item.token {
				return nil, fmt.Errorf("%w: Signature-Input %s: a component must be a string", ErrInvalid, in.name)
			} else if s != strings.ToLower(s) {
				return nil, fmt.Errorf("%w: Signature-Input %s: component %q must be lower case", ErrInvalid, in.name, s)
			}
		}
		for _, sig := range sigs {
			if sig.name == in.name {
				b, ok := sig.item.value.([]byte)
				if !ok || sig.inner {
					return nil, fmt.Errorf("%w: Signature %s is not a byte sequence", ErrInvalid, in.name)
				}
				m.signature = b
			}
		}
		for _, p := range in.params {
			var ok bool
			switch p.name {
			case "keyid":
				m.keyID, ok = p.item.value.(string)
			case "alg":
				m.alg, ok = p.item.value.(string)
			case "created":
				m.created, ok = p.item.value.(int64)
				m.hasCreated = true
			case "expires":
				m.expires, ok = p.item.value.(int64)
				m.hasExpires = true
			default:
				ok = true // nonce, tag and others: signed, not checked.
			}
			if !ok || p.item.token && (p.name == "keyid" || p.name == "alg") {
				return nil, fmt.Errorf("%w: Signature-Input %s: parameter %s has the wrong type", ErrInvalid, in.name, p.name)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// policy checks what the fediverse asks of a signature before its key is
// fetched: the keyid, the covered components and the times.
func (v *Verifier) policy(r *http.Request, m messageSig, body []byte) error {
	if m.signature == nil {
		return fmt.Errorf("%w: Signature-Input %s has no Signature", ErrInvalid, m.label)
	}
	if m.keyID == "" {
		return fmt.Errorf("%w: signature %s has no keyid", ErrInvalid, m.label)
	}
	if !m.covers("@method") {
		return fmt.Errorf("%w: signature %s must cover @method", ErrInvalid, m.label)
	}
	if !m.covers("@target-uri") && !(m.covers("@authority") && (m.covers("@path") || m.covers("@request-target"))) {
		return fmt.Errorf("%w: signature %s must cover @target-uri (or @authority and @path or @request-target)", ErrInvalid, m.label)
	}
	needDigest := r.Method == http.MethodPost || len(body) > 0
	if needDigest && !m.covers("content-digest") {
		return fmt.Errorf("%w: signature %s must cover content-digest for a request with a body", ErrInvalid, m.label)
	}
	now, window := v.clock()
	if !m.hasCreated && !m.covers("date") {
		return fmt.Errorf("%w: signature %s has no created parameter", ErrInvalid, m.label)
	}
	if m.hasCreated {
		c := time.Unix(m.created, 0)
		if c.Before(now.Add(-window)) || c.After(now.Add(window)) {
			return fmt.Errorf("%w: signature %s was created more than %s from now", ErrInvalid, m.label, window)
		}
	}
	if m.covers("date") {
		if err := checkDate(r, now, window); err != nil {
			return err
		}
	}
	if m.hasExpires && !now.Before(time.Unix(m.expires, 0)) {
		return fmt.Errorf("%w: signature %s has expired", ErrInvalid, m.label)
	}
	if m.alg != "" && !supportedAlg(m.alg) {
		return fmt.Errorf("%w: alg %q is not supported (%s)", ErrInvalid, m.alg, Algorithms)
	}
	if needDigest || r.Header.Get("Content-Digest") != "" {
		if err := checkContentDigest(r.Header.Values("Content-Digest"), body); err != nil {
			return err
		}
	}
	return nil
}

func supportedAlg(alg string) bool {
	for a := range strings.SplitSeq(Algorithms, ", ") {
		if a == alg {
			return true
		}
	}
	return false
}

// verifyMessage checks an RFC 9421 signed request: the first signature
// whose components and times meet the policy is the one verified (a
// request may carry others, for other verifiers); none meeting it is the
// first one's failure.
func (v *Verifier) verifyMessage(ctx context.Context, r *http.Request, body []byte) (Verified, error) {
	sigs, err := parseMessageSigs(r)
	if err != nil {
		return Verified{}, err
	}
	var first error
	for _, m := range sigs {
		if err := v.policy(r, m, body); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		base, err := signatureBase(r, m)
		if err != nil {
			return Verified{}, err
		}
		for _, refresh := range []bool{false, true} {
			key, owner, err := v.Keys.PublicKey(ctx, m.keyID, refresh)
			if err != nil {
				return Verified{}, fmt.Errorf("%w: key %s: %w", ErrInvalid, m.keyID, err)
			}
			err = verifyAlg(key, m.alg, []byte(base), m.signature)
			if err == nil {
				return Verified{KeyID: m.keyID, Owner: owner}, nil
			}
			if errors.Is(err, errKeyType) && refresh {
				return Verified{}, fmt.Errorf("%w: key %s: %s", ErrInvalid, m.keyID, err.Error())
			}
		}
		return Verified{}, fmt.Errorf("%w: signature %s does not match key %s", ErrInvalid, m.label, m.keyID)
	}
	return Verified{}, first
}

// signatureBase builds the signed text (RFC 9421 section 2.5): a line per
// covered component, then @signature-params.
func signatureBase(r *http.Request, m messageSig) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, c := range m.components {
		name := c.item.value.(string)
		var id strings.Builder
		c.item.serialize(&id)
		c.params.serialize(&id)
		if seen[id.String()] {
			return "", fmt.Errorf("%w: signature %s covers %s twice", ErrInvalid, m.label, id.String())
		}
		seen[id.String()] = true
		val, err := componentValue(r, name, c.params)
		if err != nil {
			return "", fmt.Errorf("%w: signature %s: %s", ErrInvalid, m.label, err.Error())
		}
		b.WriteString(id.String())
		b.WriteString(": ")
		b.WriteString(val)
		b.WriteByte('\n')
	}
	b.WriteString(`"@signature-params": `)
	serializeInner(&b, m.components)
	m.params.serialize(&b)
	return b.String(), nil
}

// componentValue is one covered component's value in the base: a derived
// component of the request (section 2.2) or a header field (2.1).
func componentValue(r *http.Request, name string, params sfParams) (string, error) {
	for _, p := range params {
		if !(name == "@query-param" && p.name == "name") {
			return "", fmt.Errorf("component parameter %s of %q is not supported", p.name, name)
		}
	}
	switch name {
	case "@method":
		return r.Method, nil
	case "@target-uri":
		return scheme(r) + "://" + authority(r) + requestTarget(r), nil
	case "@authority":
		return authority(r), nil
	case "@scheme":
		return scheme(r), nil
	case "@request-target":
		return requestTarget(r), nil
	case "@path":
		if p := r.URL.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	case "@query":
		return "?" + r.URL.RawQuery, nil
	case "@query-param":
		want, ok := params.get("name")
		wantName, isString := want.value.(string)
		if !ok || !isString || want.token {
			return "", errors.New(`@query-param needs a name parameter`)
		}
		var found []string
		for _, pair := range strings.Split(r.URL.RawQuery, "&") {
			k, val, _ := strings.Cut(pair, "=")
			dk, err1 := url.QueryUnescape(k)
			dv, err2 := url.QueryUnescape(val)
			if err1 != nil || err2 != nil {
				continue
			}
			if dk == wantName {
				found = append(found, url.QueryEscape(dv))
			}
		}
		if len(found) != 1 {
			return "", fmt.Errorf("query parameter %q appears %d times, not once", wantName, len(found))
		}
		return strings.ReplaceAll(found[0], "+", "%20"), nil
	case "@status":
		return "", errors.New("@status belongs to responses")
	}
	if strings.HasPrefix(name, "@") {
		return "", fmt.Errorf("derived component %q is not supported", name)
	}
	if name == "host" && r.Header.Get("Host") == "" {
		return authority(r), nil
	}
	vals := r.Header.Values(name)
	if len(vals) == 0 {
		return "", fmt.Errorf("covered header %s is missing", name)
	}
	for i, v := range vals {
		v = strings.ReplaceAll(v, "\r\n", " ")
		vals[i] = strings.Trim(v, " \t")
	}
	return strings.Join(vals, ", "), nil
}

func scheme(r *http.Request) string {
	if r.URL.Scheme != "" {
		return strings.ToLower(r.URL.Scheme)
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// authority is the request's host, lower case, without the scheme's
// default port.
func authority(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	host = strings.ToLower(host)
	switch s := scheme(r); {
	case s == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case s == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return host
}

func requestTarget(r *http.Request) string {
	if r.URL.Opaque != "" {
		return r.URL.Opaque
	}
	return r.URL.RequestURI()
}

var errKeyType = errors.New("key type does not fit the algorithm")

// verifyAlg checks sig over base with key. An empty alg is taken from the
// key: ed25519, ECDSA by its curve, RSA as rsa-v1_5-sha256 (what Mastodon
// and Fedify send) or else rsa-pss-sha512.
func verifyAlg(key crypto.PublicKey, alg string, base, sig []byte) error {
	switch k := key.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "rsa-v1_5-sha256":
			sum := sha256.Sum256(base)
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig)
		case "rsa-pss-sha512":
			sum := sha512.Sum512(base)
			return rsa.VerifyPSS(k, crypto.SHA512, sum[:], sig, &rsa.PSSOptions{SaltLength: 64, Hash: crypto.SHA512})
		case "":
			if verifyAlg(k, "rsa-v1_5-sha256", base, sig) == nil {
				return nil
			}
			return verifyAlg(k, "rsa-pss-sha512", base, sig)
		}
	case *ecdsa.PublicKey:
		var h []byte
		switch {
		case k.Curve == elliptic.P256() && (alg == "" || alg == "ecdsa-p256-sha256"):
			s := sha256.Sum256(base)
			h = s[:]
		case k.Curve == elliptic.P384() && (alg == "" || alg == "ecdsa-p384-sha384"):
			s := sha512.Sum384(base)
			h = s[:]
		default:
			return fmt.Errorf("%w: ECDSA %s key, alg %q", errKeyType, k.Curve.Params().Name, alg)
		}
		// The signature is r and s, each as long as the curve's order.
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return errors.New("ECDSA signature has the wrong length")
		}
		rr, ss := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		if !ecdsa.Verify(k, h, rr, ss) {
			return errors.New("ECDSA signature does not verify")
		}
		return nil
	case ed25519.PublicKey:
		if alg != "" && alg != "ed25519" {
			break
		}
		if !ed25519.Verify(k, base, sig) {
			return errors.New("ed25519 signature does not verify")
		}
		return nil
	default:
		return fmt.Errorf("%w: key type %T is not supported", errKeyType, key)
	}
	return fmt.Errorf("%w: alg %q with a %T", errKeyType, alg, key)
}

// checkContentDigest compares RFC 9530 Content-Digest with body: sha-256
// or sha-512 must be there, and every one of the two that is must match;
// other algorithms are ignored.
func checkContentDigest(values []string, body []byte) error {
	if len(values) == 0 {
		return fmt.Errorf("%w: Content-Digest header is missing", ErrInvalid)
	}
	d, err := parseDictionary(strings.Join(values, ", "))
	if err != nil {
		return fmt.Errorf("%w: Content-Digest: %s", ErrInvalid, err.Error())
	}
	checked := false
	for _, m := range d {
		var want []byte
		switch m.name {
		case "sha-256":
			s := sha256.Sum256(body)
			want = s[:]
		case "sha-512":
			s := sha512.Sum512(body)
			want = s[:]
		default:
			continue
		}
		got, ok := m.item.value.([]byte)
		if !ok || m.inner || subtle.ConstantTimeCompare(got, want) != 1 {
			return fmt.Errorf("%w: Content-Digest %s does not match the body", ErrInvalid, m.name)
		}
		checked = true
	}
	if !checked {
		return fmt.Errorf("%w: Content-Digest has neither sha-256 nor sha-512", ErrInvalid)
	}
	return nil
}

// ContentDigest is the RFC 9530 Content-Digest header value of body with
// SHA-256.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	var b strings.Builder
	b.WriteString("sha-256=")
	sfItem{value: sum[:]}.serialize(&b)
	return b.String()
}
