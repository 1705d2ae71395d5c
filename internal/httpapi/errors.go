package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/newsdesk/syndicate/internal/article"
)

// RequestError is an error about the request itself (malformed JSON, wrong
// content type, body too large, missing token, ...) that is safe to show to
// the client as it is.
type RequestError struct {
	Status int
	Type   string // short problem type name, appended to problemBase
	Detail string
	// Header holds extra headers for the response, such as Allow or
	// WWW-Authenticate.
	Header http.Header
}

func (e *RequestError) Error() string { return e.Detail }

// NewRequestError is shorthand for a *RequestError.
func NewRequestError(status int, typ, detail string) *RequestError {
	return &RequestError{Status: status, Type: typ, Detail: detail}
}

// Error answers err as problem+json. It is the one place where errors
// become HTTP statuses. Internal errors are logged with the request ID and
// answered without their text.
func Error(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemFor(err)
	if p.Status >= 500 {
		Logger(r.Context()).LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.Int("status", p.Status), slog.String("error", err.Error()))
	}
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	var re *RequestError
	if errors.As(err, &re) {
		for k, vs := range re.Header {
			w.Header()[k] = vs
		}
	}
	WriteProblem(w, r, p)
}

// ProblemFor maps err to the problem a client sees.
func ProblemFor(err error) Problem {
	var (
		re    *RequestError
		ve    *article.ValidationError
		taken *article.SlugTakenError
	)
	switch {
	case errors.As(err, &re):
		return Problem{Type: problemBase + re.Type, Status: re.Status, Detail: re.Detail}
	case errors.As(err, &ve):
		return Problem{Type: problemBase + "validation", Title: "Invalid article", Status: http.StatusUnprocessableEntity,
			Detail: "one or more fields are invalid; see errors", Errors: ve.Fields}
	case errors.Is(err, article.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Status: http.StatusNotFound, Detail: "no such resource"}
	case errors.Is(err, article.ErrGone):
		return Problem{Type: problemBase + "gone", Status: http.StatusGone, Detail: "the article was deleted"}
	case errors.Is(err, article.ErrVersionMismatch):
		return Problem{Type: problemBase + "version-mismatch", Status: http.StatusPreconditionFailed,
			Detail: "the article changed since the version given in If-Match; fetch it again and retry"}
	case errors.As(err, &taken) && taken.Owner != "" && article.ValidSlug(taken.Slug) && article.ValidID(taken.Owner):
		// The slug is the client's own (validated) and the owner an
		// article ID: both safe to show, and what an editor needs.
		return Problem{Type: problemBase + "conflict", Status: http.StatusConflict,
			Detail: fmt.Sprintf("the slug %q belongs to article %q, as its slug now or before; slugs stay with their article for good", taken.Slug, taken.Owner),
			Owner:  taken.Owner}
	case errors.Is(err, article.ErrConflict):
		return Problem{Type: problemBase + "conflict", Status: http.StatusConflict,
			Detail: "the id or slug is already used by another article"}
	case errors.Is(err, article.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return Problem{Type: problemBase + "unavailable", Status: http.StatusServiceUnavailable,
			Detail: "the article store is temporarily unavailable; retry later"}
	case errors.Is(err, context.Canceled):
		// The client went away; 499 is nginx's custom, not HTTP's.
		return Problem{Type: problemBase + "canceled", Title: "Client Closed Request", Status: 499}
	}
	return Problem{Status: http.StatusInternalServerError, Detail: "internal error; it was logged"}
}
