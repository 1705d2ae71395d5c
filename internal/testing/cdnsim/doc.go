// Package cdnsim is a caching proxy with CloudFront's semantics where the
// service's claims depend on them, for tests and the viral-day simulation
// (tools/bench/simulate):
//
//   - cache keys by path pattern from template.yaml's cache behaviours and
//     policies: the key's query parameters and, where the policy enables
//     it, the viewer's Accept-Encoding normalised to br, gzip or none;
//     only those, User-Agent and the origin's custom headers are forwarded;
//   - several edge locations (Edges; the viewer's edge from EdgeOf or the
//     X-Edge header), each with a cache of its own that starts empty;
//   - lifetimes from the origin's Cache-Control on an injected clock (Now):
//     s-maxage, then max-age; private, no-store and no-cache are never
//     stored and never shared with concurrent requests (only storable
//     answers are collapsed); no header is not cached (DefaultTTL 0);
//     stale-while-revalidate serves the expired copy while one background
//     request refreshes it, and a request past the window while that
//     refresh runs waits for it (the origin's real time is seconds on a
//     clock moved per request, a fraction of one at CloudFront); Settle
//     waits for the refreshes before a clock is moved;
//   - revalidation: an expired copy with an ETag is asked for with
//     If-None-Match, and a 304 keeps it; a viewer's own matching
//     If-None-Match is answered 304 at the edge;
//   - CreateInvalidation and GetInvalidation answered on its own URL, so
//     the real cdn client can drop entries: each edge drops the copies it
//     stored before the invalidation after its InvalidationDelay, and the
//     invalidation is InProgress until every edge has.
//
// It is not a CDN: one process, memory only, no Vary, no regional caches.
package cdnsim
