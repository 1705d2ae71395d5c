package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/newsdesk/syndicate/internal/article"
)

// Problem is an RFC 9457 problem details object. Errors is an extension
// member listing every invalid field of a rejected input; Owner one naming
// the article that holds a slug a write asked for.
type Problem struct {
	Type     string               `json:"type"`
	Title    string               `json:"title"`
	Status   int                  `json:"status"`
	Detail   string               `json:"detail,omitempty"`
	Instance string               `json:"instance,omitempty"`
	Errors   []article.FieldError `json:"errors,omitempty"`
	Owner    string               `json:"owner,omitempty"`
}

// problemBase prefixes the type URIs of the problems this service defines.
const problemBase = "https://syndicate.example/problems/"

// WriteProblem sends p as application/problem+json. Nothing is cached:
// problems describe one request.
func WriteProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	if p.Title == "" {
		p.Title = http.StatusText(p.Status)
	}
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("ETag")
	h.Del("Last-Modified")
	w.WriteHeader(p.Status)
	if r != nil && r.Method == http.MethodHead {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}
