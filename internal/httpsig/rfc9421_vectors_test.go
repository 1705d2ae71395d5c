package httpsig

import (
	"bufio"
	"crypto"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// The keys of RFC 9421 Appendix B.1 that its request examples use.
const (
	// B.1.2 test-key-rsa-pss, its public half.
	rfcKeyRSAPSS = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr4tmm3r20Wd/PbqvP1s2
+QEtvpuRaV8Yq40gjUR8y2Rjxa6dpG2GXHbPfvMs8ct+Lh1GH45x28Rw3Ry53mm+
oAXjyQ86OnDkZ5N8lYbggD4O3w6M6pAvLkhk95AndTrifbIFPNU8PPMO7OyrFAHq
gDsznjPFmTOtCEcN2Z1FpWgchwuYLPL+Wokqltd11nqqzi+bJ9cvSKADYdUAAN5W
Utzdpiy6LbTgSxP7ociU4Tn0g5I6aDZJ7A8Lzo0KSyZYoA485mqcO0GVAdVw9lq4
aOT9v6d+nb4bnNkQVklLQ3fVAvJm+xdDOp9LCNCN48V2pnDOkFV6+U9nV5oyc6XI
2wIDAQAB
-----END PUBLIC KEY-----`
	// B.1.3 test-key-ecc-p256, its public half.
	rfcKeyP256 = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`
	// B.1.4 test-key-ed25519, its private half (the public one is derived).
	rfcKeyEd25519 = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`
)

// rfcRequest is B.2's test-request with the given signature headers.
func rfcRequest(t *testing.T, sigInput, sig string) *http.Request {
	t.Helper()
	raw := "POST /foo?param=Value&Pet=dog HTTP/1.1\r\n" +
		"Host: example.com\r\n" +
		"Date: Tue, 20 Apr 2021 02:07:55 GMT\r\n" +
		"Content-Type: application/json\r\n" +
		"Content-Digest: sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:\r\n" +
		"Content-Length: 18\r\n" +
		"Signature-Input: " + sigInput + "\r\n" +
		"Signature: " + sig + "\r\n\r\n" +
		`{"hello": "world"}`
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func rfcPublicKey(t *testing.T, pemText string) crypto.PublicKey {
	t.Helper()
	if strings.Contains(pemText, "PRIVATE") {
		block, _ := pem.Decode([]byte(pemText))
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		return k.(ed25519.PrivateKey).Public()
	}
	k, err := ParsePublicKey(pemText)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRFC9421Vectors verifies the request signatures of RFC 9421's
// Appendix B.2 (B.2.4 signs a response, which an inbox never verifies)
// and B.3, with the RFC's keys, the signature base checked line by line
// where the RFC prints it; a changed component makes each one fail.
func TestRFC9421Vectors(t *testing.T) {
	tests := []struct {
		name, input, sig, key string
		base                  string
		tamper                func(r *http.Request)
	}{
		{
			name:  "B.2.1 minimal, rsa-pss-sha512",
			input: `sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`,
			sig:   `sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:`,
			key:   rfcKeyRSAPSS,
			base:  `"@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`,
			tamper: func(r *http.Request) {
				r.Header.Set("Signature-Input", `sig-b21=();created=1618884474;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"`)
			},
		},
		{
			name:  "B.2.2 selective, rsa-pss-sha512",
			input: `sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
			sig:   `sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:`,
			key:   rfcKeyRSAPSS,
			base: `"@authority": example.com
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"@query-param";name="Pet": dog
"@signature-params": ("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`,
			tamper: func(r *http.Request) { r.URL.RawQuery = "param=Value&Pet=cat" },
		},
		{
			name:  "B.2.3 full coverage, rsa-pss-sha512",
			input: `sig-b23=("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
			sig:   `sig-b23=:bbN8oArOxYoyylQQUU6QYwrTuaxLwjAC9fbY2F6SVWvh0yBiMIRGOnMYwZ/5MR6fb0Kh1rIRASVxFkeGt683+qRpRRU5p2voTp768ZrCUb38K0fUxN0O0iC59DzYx8DFll5GmydPxSmme9v6ULbMFkl+V5B1TP/yPViV7KsLNmvKiLJH1pFkh/aYA2HXXZzNBXmIkoQoLd7YfW91kE9o/CCoC1xMy7JA1ipwvKvfrs65ldmlu9bpG6A9BmzhuzF8Eim5f8ui9eH8LZH896+QIF61ka39VBrohr9iyMUJpvRX2Zbhl5ZJzSRxpJyoEZAFL2FUo5fTIztsDZKEgM4cUA==:`,
			key:   rfcKeyRSAPSS,
			base: `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@query": ?param=Value&Pet=dog
"@authority": example.com
"content-type": application/json
"content-digest": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@query" "@authority" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-rsa-pss"`,
			tamper: func(r *http.Request) { r.Method = http.MethodPut },
		},
		{
			name:  "B.2.6 ed25519",
			input: `sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
			sig:   `sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:`,
			key:   rfcKeyEd25519,
			base: `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`,
			tamper: func(r *http.Request) { r.URL.Path = "/bar" },
		},
		{
			name:  "B.3 TLS-terminating proxy, ecdsa-p256-sha256",
			input: `ttrp=("@path" "@query" "@method" "@authority" "client-cert");created=1618884473;keyid="test-key-ecc-p256"`,
			sig:   `ttrp=:xVMHVpawaAC/0SbHrKRs9i8I3eOs5RtTMGCWXm/9nvZzoHsIg6Mce9315T6xoklyy0yzhD9ah4JHRwMLOgmizw==:`,
			key:   rfcKeyP256,
			tamper: func(r *http.Request) {
				r.Header.Set("Client-Cert", ":AAAA:")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rfcRequest(t, tt.input, tt.sig)
			if strings.HasPrefix(tt.input, "ttrp=") {
				// B.3: the proxy's view of the request.
				r.Host = "service.internal.example"
				r.Header.Set("Client-Cert", ":MIIBqDCCAU6gAwIBAgIBBzAKBggqhkjOPQQDAjA6MRswGQYDVQQKDBJMZXQncyBBdXRoZW50aWNhdGUxGzAZBgNVBAMMEkxBIEludGVybWVkaWF0ZSBDQTAeFw0yMDAxMTQyMjU1MzNaFw0yMTAxMjMyMjU1MzNaMA0xCzAJBgNVBAMMAkJDMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8YnXXfaUgmnMtOXU/IncWalRhebrXmckC8vdgJ1p5Be5F/3YC8OthxM4+k1M6aEAEFcGzkJiNy6J84y7uzo9M6NyMHAwCQYDVR0TBAIwADAfBgNVHSMEGDAWgBRm3WjLa38lbEYCuiCPct0ZaSED2DAOBgNVHQ8BAf8EBAMCBsAwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0RAQH/BBMwEYEPYmRjQGV4YW1wbGUuY29tMAoGCCqGSM49BAMCA0gAMEUCIBHda/r1vaL6G3VliL4/Di6YK0Q6bMjeSkC3dFCOOB8TAiEAx/kHSB4urmiZ0NX5r5XarmPk0wmuydBVoU4hBVZ1yhk=:")
			}
			key := rfcPublicKey(t, tt.key)
			check := func(r *http.Request) error {
				sigs, err := parseMessageSigs(r)
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				base, err := signatureBase(r, sigs[0])
				if err != nil {
					t.Fatalf("signature base: %v", err)
				}
				return verifyAlg(key, sigs[0].alg, []byte(base), sigs[0].signature)
			}
			if tt.base != "" {
				sigs, _ := parseMessageSigs(r)
				if base, err := signatureBase(r, sigs[0]); err != nil || base != tt.base {
					t.Errorf("signature base (%v):\n%s\nwant:\n%s", err, base, tt.base)
				}
			}
			if err := check(r); err != nil {
				t.Fatalf("the RFC's signature does not verify: %v", err)
			}
			if err := checkContentDigest(r.Header.Values("Content-Digest"), []byte(`{"hello": "world"}`)); err != nil {
				t.Errorf("the RFC's Content-Digest: %v", err)
			}
			tt.tamper(r)
			if err := check(r); err == nil {
				t.Error("a changed component still verifies")
			}
		})
	}
}

// TestRFC9421HMACRefused: B.2.5's HMAC signature (a shared secret, which
// fediverse peers do not have) is refused as an unsupported alg.
func TestRFC9421HMACRefused(t *testing.T) {
	r := rfcRequest(t, `sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret";alg="hmac-sha256"`,
		`sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:`)
	sigs, err := parseMessageSigs(r)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := signatureBase(r, sigs[0])
	err = verifyAlg(rfcPublicKey(t, rfcKeyP256), sigs[0].alg, []byte(base), sigs[0].signature)
	if !errors.Is(err, errKeyType) {
		t.Errorf("verifyAlg(hmac-sha256) = %v, want a refusal", err)
	}
	if supportedAlg("hmac-sha256") {
		t.Error("hmac-sha256 is listed as supported")
	}
}

// TestContentDigestRFC9530: the RFC's own examples of Content-Digest
// (section 2 and B.2's sha-512), and what is refused.
func TestContentDigestRFC9530(t *testing.T) {
	body := []byte(`{"hello": "world"}`)
	tests := []struct {
		name, header string
		ok           bool
	}{
		{"sha-256 (RFC 9530 B.1)", `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`, true},
		{"sha-512 (RFC 9530 B.1)", `sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:`, true},
		{"both", `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:`, true},
		{"unknown one ignored", `md5=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`, true},
		{"one of two wrong", `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, sha-512=:AAAA:`, false},
		{"wrong", `sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:`, false},
		{"only unknown", `sha-1=:AAAA:`, false},
		{"not a byte sequence", `sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="`, false},
		{"not a dictionary", `SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkContentDigest([]string{tt.header}, body)
			if (err == nil) != tt.ok {
				t.Errorf("checkContentDigest(%s) = %v", tt.header, err)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
	if got := ContentDigest(body); got != tests[0].header {
		t.Errorf("ContentDigest = %s", got)
	}
}
