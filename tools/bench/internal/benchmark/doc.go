// Package benchmark is `make bench` apart from its wiring (tools/bench): it
// turns the Go benchmarks' raw output into medians, drives the local server
// with a real load generator (vegeta) on the embedded store and on
// moto_server, times each Lambda's cold start under the Runtime Interface
// Emulator, counts the DynamoDB round trips and capacity of each request
// type, and watches the local server's memory over 100,000 requests. In
// the load run it also sets the cached RSS path beside a Node server
// built on the feed npm package (nodefeed/, installed with npm ci from its
// lock file) and a static-bytes Go server (staticfeed/) answering the same
// bytes, and judges its share of static (at least 90%), reporting its
// ratio to Node beside the static server's own (the most any server can
// show on the machine) and each server's CPU per request.
//
// Everything lands in one Report, printed as one Markdown table with a
// section per kind, because `make bench` writes it to docs/figures.md as is
// and a reader compares figures across sections.
//
// Why these choices:
//   - The harness is a module of its own (tools/bench), so vegeta and what
//     it pulls in stay out of the service's go.mod; it reaches the
//     service's internal packages through a replace of the service module
//     with ../.. (the internal rule is by import path, not by module).
//   - Every run is bounded in time and count and targets 127.0.0.1 only:
//     the machine is shared and the workplace forbids traffic elsewhere.
//   - The load generator is vegeta as a library, closed-loop with a fixed
//     number of workers (max throughput without unbounded queueing); its
//     results are kept per request so the percentiles here are exact, not
//     its sketch estimates.
//   - The server under load and under the memory run is a separate process
//     (the built cmd/local), so the generator's CPU and garbage do not count
//     as the server's and its RSS is its own; its output goes to a file,
//     not a pipe the generator would have to read a log line at a time.
//   - Figures that need moto_server are skipped, with a note, when
//     DYNAMODB_ENDPOINT is unset; `make bench` always sets it.
package benchmark
