// Package cursor seals list positions (article.Position) into opaque,
// tamper-checked strings for URLs: ?cursor=... in the admin API and the
// RFC 5005 next links of feeds. A client can hold one but not forge or edit
// one: each is authenticated with HMAC-SHA256 under a configured secret and
// bound to the list it came from.
package cursor
