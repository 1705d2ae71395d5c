package httpapi

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ETag is one entity tag of a conditional header: its opaque value
// without the quotes, and whether it was weak (W/"...").
type ETag struct {
	Opaque string
	Weak   bool
}

// ETags is a parsed If-Match or If-None-Match header (RFC 9110 13.1.1-2):
// "*" (Any) or a list of entity tags.
type ETags struct {
	Any  bool
	List []ETag
}

// ErrBadETag reports a conditional header that is neither "*" nor a list
// of entity tags.
var ErrBadETag = errors.New("malformed entity tag")

// ParseETags parses every line of the header name in h, joined as one
// list the way proxies join repeated headers. present is false when the
// request has no such header.
func ParseETags(h http.Header, name string) (tags ETags, present bool, err error) {
	v, ok := h[http.CanonicalHeaderKey(name)]
	if !ok {
		return ETags{}, false, nil
	}
	tags, err = parseETags(strings.Join(v, ","))
	return tags, true, err
}

func parseETags(s string) (ETags, error) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return ETags{Any: true}, nil
	}
	var l ETags
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		t, ok := parseETag(part)
		if !ok {
			return ETags{}, ErrBadETag
		}
		l.List = append(l.List, t)
	}
	if len(l.List) == 0 {
		return ETags{}, ErrBadETag
	}
	return l, nil
}

// parseETag parses one entity-tag: [W/] DQUOTE *etagc DQUOTE.
func parseETag(s string) (ETag, bool) {
	weak := strings.HasPrefix(s, "W/")
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return ETag{}, false
	}
	opaque := s[1 : len(s)-1]
	for i := 0; i < len(opaque); i++ {
		if c := opaque[i]; c == '"' || c < 0x21 || c == 0x7f {
			return ETag{}, false
		}
	}
	return ETag{Opaque: opaque, Weak: weak}, true
}

// MatchStrong reports whether etag (as sent in an ETag header) is in the
// list by strong comparison, as If-Match compares: both tags strong and
// their opaque values equal.
func (l ETags) MatchStrong(etag string) bool {
	if l.Any {
		return true
	}
	t, ok := parseETag(etag)
	if !ok || t.Weak {
		return false
	}
	for _, c := range l.List {
		if !c.Weak && c.Opaque == t.Opaque {
			return true
		}
	}
	return false
}

// MatchWeak reports whether etag is in the list by weak comparison, as
// If-None-Match compares: opaque values equal, weakness ignored.
func (l ETags) MatchWeak(etag string) bool {
	if l.Any {
		return true
	}
	t, ok := parseETag(etag)
	if !ok {
		return false
	}
	for _, c := range l.List {
		if c.Opaque == t.Opaque {
			return true
		}
	}
	return false
}

// NotModified evaluates a GET's validators against the representation's
// etag and last modification (zero: none): If-None-Match by weak
// comparison or, only without it, If-Modified-Since (RFC 9110 13.2.2). A
// malformed If-None-Match matches nothing, so the client gets the full
// answer.
func NotModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm, present, err := ParseETags(r.Header, "If-None-Match"); present {
		return err == nil && inm.MatchWeak(etag)
	}
	if lastMod.IsZero() {
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !lastMod.After(t)
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			if !strings.EqualFold(name, "gzip") && !strings.EqualFold(name, "x-gzip") {
				continue
			}
			q := strings.TrimSpace(params)
			if qv, ok := strings.CutPrefix(q, "q="); ok {
				if f, err := strconv.ParseFloat(qv, 64); err == nil && f == 0 {
					return false
				}
			}
			return true
		}
	}
	return false
}

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // the level is valid
	return zw
}}

// Gzip compresses b. Writing to a bytes.Buffer cannot fail.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/4 + 64)
	zw := gzipPool.Get().(*gzip.Writer)
	zw.Reset(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzipPool.Put(zw)
	return buf.Bytes()
}
