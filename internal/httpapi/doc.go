// Package httpapi is what the HTTP faces of every function share: the
// Router (404 and 405 as problems), RFC 9457 problem+json, the one mapping
// from errors to statuses (Error), conditional requests and gzip, and the
// Observe middleware (request IDs, structured logs, panic recovery).
//
// The routes themselves live in one package per function (adminapi,
// feedapi, shareapi), so that each Lambda links only what it serves.
// Handlers are plain net/http handlers: Lambda adapts to them (package
// lambdahttp), `make run` serves them all, tests use httptest.
package httpapi
