// Package cdn drops copies of changed URLs from the CloudFront
// distribution in front of the public API: CreateInvalidation, then
// GetInvalidation until it has completed, through the SDK's cloudfront
// client (its retries and maintained signing).
//
// Rule: the SDK's client is used because it costs the notifier's cold
// start next to nothing: its packages' initialisation measured 0.9 ms
// (cloudfront/internal/endpoints; GODEBUG=inittrace=1, median of 11
// starts at load average 19-21), well within the own init the cold-start
// rule allows the notifier (docs/figures.md). SSM is the
// exception (package parameter). The public API (New, Options,
// Invalidate, ErrNotCompleted) is what package notify calls.
package cdn
