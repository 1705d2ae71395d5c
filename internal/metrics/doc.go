// Package metrics writes CloudWatch Embedded Metric Format (EMF) records:
// one JSON object per line on stdout, which Lambda ships to CloudWatch Logs
// and CloudWatch turns into metrics, with no API call and no agent.
//
// A Recorder collects one unit of work's figures (an HTTP request: store
// calls, cache hits, share clicks; a stream batch: pings sent and failed);
// httpapi.Observe puts one in each request's context and hands it to the
// Emitter when the request ends, which writes one record: the request's
// log line too (package logging's keys), so a request is one line. Every metric is
// listed in docs/operations.md; names and dimensions are few and fixed (a
// route pattern, never a raw path) so the metric count stays small.
package metrics
