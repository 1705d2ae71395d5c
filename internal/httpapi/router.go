package httpapi

import (
	"net/http"
	"path"
	"slices"
)

// Route is one method and path pattern served by a function, in
// net/http.ServeMux syntax ("/articles/{id}"). The list of routes is what
// template.yaml must declare for that function; a test checks both agree.
type Route struct {
	Method string
	Path   string
}

// Router is a net/http.ServeMux that remembers its routes and answers
// unknown paths (404) and wrong methods (405, with Allow) as problem+json
// instead of the mux's plain text.
type Router struct {
	mux    *http.ServeMux
	routes []Route
}

// NewRouter returns an empty Router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Handle serves method and path with h. A GET route serves HEAD too.
func (rt *Router) Handle(method, path string, h http.Handler) {
	rt.mux.Handle(method+" "+path, h)
	rt.routes = append(rt.routes, Route{Method: method, Path: path})
}

// HandleFunc is Handle for a function.
func (rt *Router) HandleFunc(method, path string, h func(http.ResponseWriter, *http.Request)) {
	rt.Handle(method, path, http.HandlerFunc(h))
}

// Matches reports whether one of the routes serves r's method and path.
func (rt *Router) Matches(r *http.Request) bool {
	_, pattern := rt.mux.Handler(r)
	return pattern != ""
}

// Routes lists the routes in the order they were added.
func (rt *Router) Routes() []Route { return slices.Clone(rt.routes) }

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; p != "" && path.Clean(p) != p {
		// The mux would redirect an unclean path ("/share/../articles",
		// "//evil.example/..") to its cleaned form, for every method. No
		// route of ours is meant to be reached that way, and a redirect
		// would send a PUT or DELETE elsewhere: it is an unknown route.
		WriteProblem(w, r, Problem{Type: problemBase + "no-route", Status: http.StatusNotFound, Detail: "no such route"})
		return
	}
	if _, pattern := rt.mux.Handler(r); pattern == "" {
		// Let the mux decide between 404 and 405 (it computes Allow), but
		// answer in problem+json.
		rt.mux.ServeHTTP(&problemWriter{ResponseWriter: w, r: r}, r)
		return
	}
	rt.mux.ServeHTTP(w, r)
}

// problemWriter replaces the mux's plain-text 404 and 405 bodies by
// problems, keeping the Allow header the mux set.
type problemWriter struct {
	http.ResponseWriter
	r        *http.Request
	replaced bool
}

func (w *problemWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		w.replaced = true
		WriteProblem(w.ResponseWriter, w.r, Problem{Type: problemBase + "no-route", Status: code,
			Detail: "no such route"})
	case http.StatusMethodNotAllowed:
		w.replaced = true
		WriteProblem(w.ResponseWriter, w.r, Problem{Type: problemBase + "method", Status: code,
			Detail: "method " + w.r.Method + " is not allowed here; see the Allow header"})
	default:
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *problemWriter) Write(p []byte) (int, error) {
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}
