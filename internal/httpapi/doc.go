// Package httpapi holds the HTTP face of every function: the routes of the
// admin API, the feeds and the share pages, and what they all share: the one
// mapping from errors to statuses, RFC 9457 problem+json bodies, bearer
// authentication, request limits, structured logging and panic recovery.
//
// Handlers are plain net/http handlers. Each Lambda's main adapts API Gateway
// events to them (package lambdahttp), `make run` serves them all on one
// server, and tests drive them with httptest: one code path everywhere.
package httpapi
