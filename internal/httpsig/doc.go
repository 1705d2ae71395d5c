// Package httpsig signs and verifies HTTP requests the way the fediverse
// does. It signs with draft-cavage-http-signatures-12, rsa-sha256 (also
// named hs2019 by Mastodon and GoToSocial) over "(request-target) host date
// digest" and a SHA-256 Digest (RFC 3230) of the body, as every peer
// accepts. It verifies that scheme, and RFC 9421 HTTP Message Signatures
// (Signature-Input and Signature, read as RFC 8941 structured fields) with
// an RFC 9530 Content-Digest (sha-256 or sha-512): rsa-v1_5-sha256 (what
// Mastodon and Fedify send), rsa-pss-sha512, ecdsa-p256-sha256,
// ecdsa-p384-sha384 and ed25519, as the key's type allows. Keys are PEM
// (publicKeyPem) or, through MultikeyPEM, Ed25519 Multikeys.
//
// Rules: a request with Signature-Input is verified as RFC 9421 only (no
// fallback to draft-cavage, which a peer sending both would sign in
// Authorization); Verify refuses an unsigned request (ErrUnsigned), a Date
// or RFC 9421 created outside the window, an expired signature, a body
// whose digest differs, a POST whose signature leaves out the digest, a
// draft-cavage signature that does not cover (request-target), host and
// date, and an RFC 9421 one that does not cover @method and @target-uri (or
// @authority and @path or @request-target). Of several RFC 9421 signatures
// the first that meets these rules is verified. The public key comes from a
// KeyResolver, asked once more with refresh set when the cached key fails
// (the peer rotated it). The package knows no routes, stores or Lambda; its
// output is errors that name what failed, safe to show to the peer.
package httpsig
