// Package httpapi is what the HTTP faces of every function share: the
// Router (404 and 405 as problems), RFC 9457 problem+json, the one mapping
// from errors to statuses (Error), conditional requests and gzip, the one
// ending of every answer with a body (WriteBody, WriteJSON: length,
// nosniff, HEAD), and the Observe middleware (request IDs, structured logs,
// panic recovery).
//
// The routes themselves live in one package per function (adminapi,
// feedapi, shareapi, previewapi), so that each Lambda links only what it
// serves; who may use the admin ones is package auth.
// Handlers are plain net/http handlers: Lambda adapts to them (package
// lambdahttp), `make run` serves them all, tests use httptest.
package httpapi
