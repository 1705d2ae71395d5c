// Package cdnsim is a small caching proxy with CloudFront's semantics, for
// tests and the viral-day simulation (tools/bench/simulate): cache keys by
// path pattern from template.yaml's cache behaviours and policies, only the
// key's query parameters and User-Agent forwarded to the origin plus the
// origin's custom headers, lifetimes from the origin's Cache-Control
// (s-maxage, then max-age; private and no-store are never stored; no header
// is not cached, as DefaultTTL 0), concurrent misses of one key collapsed
// into one origin request, and CloudFront's CreateInvalidation and
// GetInvalidation answered on its own URL, so that the real cdn client can
// drop entries. It is not a CDN: one process, memory only, no Vary.
package cdnsim
