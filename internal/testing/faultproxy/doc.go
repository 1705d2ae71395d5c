// Package faultproxy is a fault-injecting HTTP reverse proxy for tests: it
// sits between an AWS SDK client and moto_server and, on command, makes
// DynamoDB look unreachable, failing, throttling, slow, or lossy.
//
// moto only ever answers correctly, and stopping it would take every other
// package's tests down with it, so faults are made here, one client at a
// time. The proxy counts the requests it sees per DynamoDB operation, so
// tests can prove the SDK retried.
//
// Each fault answers the way DynamoDB or the network does:
//
//   - Refuse closes the listener: dials are refused, as when the endpoint
//     is unreachable. Leaving it listens again on the same address.
//   - Hangup reads the request and closes the connection without an
//     answer and without forwarding: nothing was written.
//   - ServerError answers 500 with DynamoDB's InternalServerError body.
//   - Throttle and ThroughputExceeded answer 400 with DynamoDB's
//     ThrottlingException and ProvisionedThroughputExceededException
//     bodies, which the SDK's standard retryer retries with backoff.
//   - Slow holds the request for Fault.Delay before forwarding it, and
//     drops it unforwarded if the client gives up first (as a deadline
//     does), so a slow store never applies a write after the fact here.
//   - LoseResponse forwards the request, then closes the connection
//     without the answer: the write happened and the client cannot know.
//
// A Fault can be limited to one operation (Op: "TransactWriteItems") and
// to the next Times matching requests, after which the proxy passes again.
package faultproxy
