// Package httpsig signs and verifies HTTP requests the way the fediverse
// does: draft-cavage-http-signatures-12 with rsa-sha256 (also named
// hs2019 by Mastodon and GoToSocial) over "(request-target) host date
// digest", and a SHA-256 Digest (RFC 3230) of the body.
//
// Rules: Verify refuses an unsigned request (ErrUnsigned), a Date outside
// the window, a body whose digest differs, a POST whose signature leaves
// out the digest, and a signature that does not cover (request-target),
// host and date; the public key comes from a KeyResolver, asked once more
// with refresh set when the cached key fails (the peer rotated it). The
// package knows no routes, stores or Lambda; its output is errors that
// name what failed, safe to show to the peer.
package httpsig
