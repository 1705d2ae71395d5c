package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// nosniff is the X-Content-Type-Options value of every answer: browsers
// take the Content-Type given, never a guess from the bytes.
var nosniff = []string{"nosniff"}

// WriteBody ends every answer with a body, on every route: it adds the
// body's Content-Length and X-Content-Type-Options: nosniff to the headers
// already set (Content-Type among them), writes status, and the body
// unless the request is HEAD, which gets the same headers and no body.
func WriteBody(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["X-Content-Type-Options"] = nosniff
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// WriteJSON answers status with v as JSON and a final newline, through
// WriteBody. The Content-Type is application/json unless one is set
// already (oEmbed's names its charset). A value that cannot be encoded is
// a 500 problem.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		Error(w, r, fmt.Errorf("httpapi: encode %T response: %w", v, err))
		return
	}
	h := w.Header()
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	WriteBody(w, r, status, append(body, '\n'))
}
