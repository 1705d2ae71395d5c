// Package auth is who may use the admin routes, for both the admin API
// (adminapi) and the preview studio (previewapi): the admin token and its
// source, the bearer check, the studio's session cookies and the sign-in
// limit.
//
// Rules: tokens are compared in constant time on SHA-256 digests and never
// logged; a warm container re-reads the token at most every MaxAge (60 s)
// and, at most once per MissInterval, when a presented token or cookie does
// not match, so a rotated token takes effect within a minute and ends every
// session signed with the old one; signing out ends that session; a client
// gets MaxFailures wrong sign-ins per Window. Clocks are injected.
package auth
