// Package lambdahttp adapts API Gateway HTTP API (payload format 2.0)
// events to a net/http.Handler and back, so every function serves the same
// http.Handler on Lambda that `make run` and the tests serve.
//
// It is deliberately small: one request conversion, one response recorder.
// Binary bodies (share-card PNGs) are base64-encoded; text bodies are not.
package lambdahttp
