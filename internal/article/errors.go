package article

import (
	"errors"
	"fmt"
	"strings"
)

// The error vocabulary of the service. Stores and services wrap these with
// context (fmt.Errorf("store: get %q: %w", id, ErrNotFound)); the HTTP layer
// maps them to statuses in exactly one place.
var (
	// ErrNotFound means no article (or feed) has the given key.
	ErrNotFound = errors.New("not found")
	// ErrGone means the article existed and was deleted.
	ErrGone = errors.New("gone")
	// ErrConflict means the write would break a uniqueness rule: the ID
	// already exists on create, or the slug belongs to another article.
	ErrConflict = errors.New("conflict")
	// ErrVersionMismatch means a conditional write named a version that is
	// no longer the stored one: somebody else wrote first.
	ErrVersionMismatch = errors.New("version mismatch")
	// ErrUnavailable means a backing service could not be reached or kept
	// refusing (throttling); the caller may retry later.
	ErrUnavailable = errors.New("unavailable")
)

// FieldError is one invalid field. Field is the JSON path of the field as a
// client wrote it ("title", "authors[1].url", "image.width").
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"detail"`
}

// ValidationError lists every invalid field of one input, so a client can
// fix them all at once.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid article: ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", f.Field, f.Message)
	}
	return b.String()
}

// Add records one invalid field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e when it holds at least one field and nil otherwise, so that
// callers never get a non-nil error interface holding an empty list.
func (e *ValidationError) Err() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// SlugTakenError is the ErrConflict of a write asking for a slug that
// another article holds, now or as one of its previous slugs. Owner is
// that article's ID, which the admin API names so an editor can find it.
type SlugTakenError struct {
	Slug  string
	Owner string
}

func (e *SlugTakenError) Error() string {
	return fmt.Sprintf("slug %q belongs to article %q", e.Slug, e.Owner)
}

// Unwrap makes a SlugTakenError an ErrConflict.
func (e *SlugTakenError) Unwrap() error { return ErrConflict }
