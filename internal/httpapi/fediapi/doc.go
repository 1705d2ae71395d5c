// Package fediapi is the HTTP face of the fediverse function: WebFinger,
// host-meta and NodeInfo discovery, the newsroom's actor and collections,
// stories as Notes at their ids, and the inboxes.
//
// Rules: every document is application/activity+json and public to
// cache; only a story live now is served (a draft or a scheduled story
// answers 404 like a missing one, a deleted one 410 with its Tombstone);
// every inbox POST is verified (RFC 9421 HTTP Message Signatures with
// Content-Digest when it carries Signature-Input, else draft-cavage HTTP
// Signatures with Digest) against the public scheme and host before
// anything is read from it, and answered 202 once applied or ignored, 401
// when the signature does not hold.
package fediapi
