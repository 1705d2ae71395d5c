// Package httpapitest holds the checks every function's HTTP tests share:
// that an error answer is a well-formed RFC 9457 problem and leaks no
// internal text.
package httpapitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/httpapi"
)

// InternalText is what an internal error carries and a client must never
// see: store, runtime and Go source details.
var InternalText = []string{"bolt:", "bbolt", "dynamo", "mem:", "goroutine", "panic", "runtime error", "nil pointer", ".go:", "context deadline"}

// CheckProblem fails t unless w is a problem+json answer whose body is one
// valid problem object with the response's status, a type and a title,
// and none of InternalText. It returns the problem.
func CheckProblem(t testing.TB, w *httptest.ResponseRecorder) httpapi.Problem {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d with Content-Type %q, want application/problem+json\n%s", w.Code, ct, w.Body)
	}
	var p httpapi.Problem
	if w.Body.Len() == 0 {
		return p
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("problem body is not valid problem JSON: %v\n%s", err, w.Body)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("problem body has data after the object: %s", w.Body)
	}
	if p.Status != w.Code {
		t.Errorf("problem status = %d, response status = %d", p.Status, w.Code)
	}
	if p.Type == "" || p.Title == "" {
		t.Errorf("problem without type or title: %+v", p)
	}
	lower := strings.ToLower(w.Body.String())
	for _, leak := range InternalText {
		if strings.Contains(lower, leak) {
			t.Errorf("problem body leaks %q: %s", leak, w.Body)
		}
	}
	return p
}
