package adminapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi/wire"
)

// MaxRequestBody bounds a request body. The largest valid article (a
// 128 KiB body plus its other fields) fits with room to spare; anything
// bigger is refused before it is parsed.
const MaxRequestBody = 1 << 20

// articleRequest is the wire form of an article a client writes: the admin
// API's JSON contract for POST and PUT, kept apart from article.Article so
// that the domain can change without changing the contract. Dates are
// strings so that a bad date is a field error rather than a decode failure.
type articleRequest struct {
	ID           string
	Slug         string
	Title        string
	Lead         string
	Body         string
	URL          string
	PublishedAt  string
	Authors      []wire.Author
	Source       string
	Section      string
	Tags         []string
	Image        *wire.Image
	Language     string
	Status       string
	CommentCount int
	Related      []string
}

// serverFields are members of the response a client may send back in a
// write (a GET, edited, PUT back) and that are ignored: the server sets
// them. previousSlugs is the stores' record of the slugs an article left;
// a client changes it only by changing slug. scheduled is computed.
var serverFields = map[string]bool{"createdAt": true, "updatedAt": true, "version": true, "previousSlugs": true, "scheduled": true}

// requestFields lists, in the order their errors are reported, the members
// a write may carry, each with the code that decodes it into req.
var requestFields = []struct {
	name   string
	decode func(req *articleRequest, path string, raw json.RawMessage, fe *article.ValidationError) error
}{
	{"id", scalar(func(r *articleRequest) any { return &r.ID })},
	{"slug", scalar(func(r *articleRequest) any { return &r.Slug })},
	{"title", scalar(func(r *articleRequest) any { return &r.Title })},
	{"lead", scalar(func(r *articleRequest) any { return &r.Lead })},
	{"body", scalar(func(r *articleRequest) any { return &r.Body })},
	{"url", scalar(func(r *articleRequest) any { return &r.URL })},
	{"publishedAt", scalar(func(r *articleRequest) any { return &r.PublishedAt })},
	{"authors", func(r *articleRequest, path string, raw json.RawMessage, fe *article.ValidationError) error {
		return decodeList(path, raw, &r.Authors, fe)
	}},
	{"source", scalar(func(r *articleRequest) any { return &r.Source })},
	{"section", scalar(func(r *articleRequest) any { return &r.Section })},
	{"tags", func(r *articleRequest, path string, raw json.RawMessage, fe *article.ValidationError) error {
		return decodeList(path, raw, &r.Tags, fe)
	}},
	{"image", scalar(func(r *articleRequest) any { return &r.Image })},
	{"language", scalar(func(r *articleRequest) any { return &r.Language })},
	{"status", scalar(func(r *articleRequest) any { return &r.Status })},
	{"commentCount", scalar(func(r *articleRequest) any { return &r.CommentCount })},
	{"related", func(r *articleRequest, path string, raw json.RawMessage, fe *article.ValidationError) error {
		return decodeList(path, raw, &r.Related, fe)
	}},
}

func knownField(name string) bool {
	for _, f := range requestFields {
		if f.name == name {
			return true
		}
	}
	return false
}

func scalar(field func(*articleRequest) any) func(*articleRequest, string, json.RawMessage, *article.ValidationError) error {
	return func(r *articleRequest, path string, raw json.RawMessage, fe *article.ValidationError) error {
		return decodeValue(path, raw, field(r), fe)
	}
}

// decodeArticle reads the article a client sent in a POST or PUT. It
// returns a *httpapi.RequestError for a request that is not a JSON object of known
// members (415, 413, 400), and a *article.ValidationError listing every bad
// field at once (422): wrong JSON types, invalid UTF-8, bad dates, and what
// article.Validate finds. Nothing it rejects reaches the store.
func decodeArticle(w http.ResponseWriter, r *http.Request) (article.Article, error) {
	raw, err := readJSON(w, r)
	if err != nil {
		return article.Article{}, err
	}
	members, err := jsonObject(raw)
	if err != nil {
		return article.Article{}, err
	}
	if err := noDuplicates(raw); err != nil {
		return article.Article{}, err
	}
	var unknown []string
	for name := range members {
		if !serverFields[name] && !knownField(name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return article.Article{}, unknownFields(unknown)
	}

	var (
		req articleRequest
		fe  article.ValidationError
	)
	for _, f := range requestFields {
		v, ok := members[f.name]
		if !ok {
			continue
		}
		if err := f.decode(&req, f.name, v, &fe); err != nil {
			return article.Article{}, err
		}
	}
	a := req.toArticle(&fe)
	if err := article.Validate(&a); err != nil {
		var ve *article.ValidationError
		if errors.As(err, &ve) {
			for _, f := range ve.Fields {
				if !covered(fe.Fields, f.Field) {
					fe.Fields = append(fe.Fields, f)
				}
			}
		}
	}
	if err := fe.Err(); err != nil {
		return article.Article{}, err
	}
	return a, nil
}

// readJSON checks the content type and reads the body within
// MaxRequestBody.
func readJSON(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return nil, &httpapi.RequestError{Status: http.StatusUnsupportedMediaType, Type: "media-type",
			Detail: "the body must be application/json", Header: http.Header{"Accept-Post": {"application/json"}}}
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return nil, &httpapi.RequestError{Status: http.StatusUnsupportedMediaType, Type: "media-type",
				Detail: "the body must be application/json in UTF-8 (charset=utf-8 or no parameter)"}
		}
	}
	if r.ContentLength > MaxRequestBody {
		return nil, tooLarge
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge
		}
		return nil, httpapi.NewRequestError(http.StatusBadRequest, "body", "the request body could not be read")
	}
	return raw, nil
}

var tooLarge = httpapi.NewRequestError(http.StatusRequestEntityTooLarge, "too-large",
	fmt.Sprintf("the body is larger than %d bytes", MaxRequestBody))

// jsonObject splits a JSON object into its members, without decoding them,
// and reports malformed JSON with the byte offset where it went wrong.
func jsonObject(raw []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var members map[string]json.RawMessage
	err := dec.Decode(&members)
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		return nil, badJSON("the body is empty; a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, badJSON(fmt.Sprintf("the JSON is truncated: it ends at byte %d inside a value", len(raw)))
	case errors.As(err, &se):
		return nil, badJSON(fmt.Sprintf("invalid JSON at byte %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: ")))
	case errors.As(err, &te):
		return nil, badJSON(fmt.Sprintf("the body must be a JSON object, not %s", te.Value))
	default:
		return nil, badJSON("invalid JSON")
	}
	if members == nil {
		return nil, badJSON("the body must be a JSON object, not null")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, badJSON(fmt.Sprintf("unexpected data after the JSON object at byte %d", dec.InputOffset()))
	}
	return members, nil
}

func badJSON(detail string) *httpapi.RequestError {
	return httpapi.NewRequestError(http.StatusBadRequest, "malformed-json", detail)
}

func unknownFields(names []string) *httpapi.RequestError {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	word := "field"
	if len(q) > 1 {
		word = "fields"
	}
	return httpapi.NewRequestError(http.StatusBadRequest, "unknown-field", "unknown "+word+" "+strings.Join(q, ", "))
}

// decodeValue decodes one member into dst. Invalid UTF-8 and wrong types
// become field errors in fe (Go's decoder would silently turn invalid UTF-8
// into U+FFFD, so the raw bytes are checked first); an unknown nested member
// is a request error, like an unknown top-level one.
func decodeValue(path string, raw json.RawMessage, dst any, fe *article.ValidationError) error {
	if !utf8.Valid(raw) {
		fe.Add(path, "is not valid UTF-8")
		return nil
	}
	// encoding/json matches members to struct fields case-insensitively
	// ("URL" fills url); the contract is exact, as at the top level.
	if unknown := inexactMembers(raw, dst); len(unknown) > 0 {
		for i, n := range unknown {
			unknown[i] = path + "." + n
		}
		return unknownFields(unknown)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		field := path
		if te.Field != "" {
			field += "." + te.Field
		}
		fe.Add(field, "must be %s, not %s", jsonKind(te.Type), te.Value)
		return nil
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return unknownFields([]string{path + "." + strings.Trim(name, `"`)})
	}
	// The object was valid JSON as a whole, so a member cannot fail
	// otherwise; answer a plain field error rather than a 500 if it does.
	fe.Add(path, "could not be decoded")
	return nil
}

// inexactMembers lists, sorted, the members of the JSON object raw whose
// names are not exactly a json tag of the struct dst points to (through
// any pointers). It is nil when dst is no struct or raw no object; the
// decoder then reports the wrong type.
func inexactMembers(raw json.RawMessage, dst any) []string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return nil
	}
	var unknown []string
	for name := range members {
		if !hasTag(t, name) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// hasTag reports whether a field of struct type t is named name, exactly,
// in JSON.
func hasTag(t reflect.Type, name string) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "" {
			tag = f.Name
		}
		if tag == name && tag != "-" {
			return true
		}
	}
	return false
}

// noDuplicates walks the JSON document raw (already known to be valid)
// and refuses an object, at any depth, that names a member twice:
// encoding/json would keep the last one silently, so two readers of one
// body could see two different articles. The problem names the member's
// path ("image.url", "authors[1].name").
func noDuplicates(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dup, err := walkDuplicates(dec, "")
	if err != nil {
		// raw was decoded already; a failure here is not the client's
		// JSON, so let the decoding that follows report it.
		return nil
	}
	if dup != "" {
		return httpapi.NewRequestError(http.StatusBadRequest, "duplicate-field",
			fmt.Sprintf("the member %q appears more than once; each member may be given once", dup))
	}
	return nil
}

// walkDuplicates reads one value from dec; path is where it is. It returns
// the path of the first member named twice in an object, or "".
func walkDuplicates(dec *json.Decoder, path string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	switch tok {
	case json.Delim('{'):
		seen := make(map[string]bool)
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return "", err
			}
			name, _ := tok.(string)
			member := name
			if path != "" {
				member = path + "." + name
			}
			if seen[name] {
				return member, nil
			}
			seen[name] = true
			if dup, err := walkDuplicates(dec, member); dup != "" || err != nil {
				return dup, err
			}
		}
		_, err = dec.Token() // '}'
		return "", err
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if dup, err := walkDuplicates(dec, fmt.Sprintf("%s[%d]", path, i)); dup != "" || err != nil {
				return dup, err
			}
		}
		_, err = dec.Token() // ']'
		return "", err
	}
	return "", nil
}

// decodeList decodes a JSON array element by element, so that errors name
// the index ("authors[1].url").
func decodeList[T any](path string, raw json.RawMessage, dst *[]T, fe *article.ValidationError) error {
	// Raw elements keep their bytes, so invalid UTF-8 is found per element.
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			fe.Add(path, "must be an array, not %s", te.Value)
		} else {
			fe.Add(path, "could not be decoded")
		}
		return nil
	}
	if elems == nil {
		return nil // null: the same as absent
	}
	out := make([]T, len(elems))
	for i, e := range elems {
		if err := decodeValue(fmt.Sprintf("%s[%d]", path, i), e, &out[i], fe); err != nil {
			return err
		}
	}
	*dst = out
	return nil
}

// jsonKind names a Go type as the JSON a client should have sent.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "a value of another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	}
	return "a value of another type"
}

// covered reports whether a field (or a parent of it) already has an error
// from decoding, so that Validate's view of the zero value left behind
// ("title is required" after "title must be a string") is not reported too.
func covered(fields []article.FieldError, name string) bool {
	for _, f := range fields {
		if f.Field == name || strings.HasPrefix(name, f.Field+".") || strings.HasPrefix(name, f.Field+"[") {
			return true
		}
	}
	return false
}

// article maps the wire form to the domain, recording a bad date in fe.
func (req *articleRequest) toArticle(fe *article.ValidationError) article.Article {
	a := article.Article{
		ID:           req.ID,
		Slug:         req.Slug,
		Title:        req.Title,
		Lead:         req.Lead,
		Body:         req.Body,
		URL:          req.URL,
		Source:       req.Source,
		Section:      req.Section,
		Tags:         req.Tags,
		Language:     req.Language,
		Status:       article.Status(req.Status),
		CommentCount: req.CommentCount,
		Related:      req.Related,
	}
	if req.PublishedAt != "" && !covered(fe.Fields, "publishedAt") {
		t, err := time.Parse(time.RFC3339, req.PublishedAt)
		if err != nil {
			fe.Add("publishedAt", "must be an RFC 3339 date-time such as 2025-12-18T10:30:00+02:00")
		}
		a.PublishedAt = t
	}
	if req.Authors != nil {
		a.Authors = make([]article.Author, len(req.Authors))
		for i, au := range req.Authors {
			a.Authors[i] = article.Author(au)
		}
	}
	if img := req.Image; img != nil {
		a.Image = &article.Image{URL: img.URL, Width: img.Width, Height: img.Height, Alt: img.Alt, Credit: img.Credit}
	}
	return a
}
