package importer

import (
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// Options says how a source is mapped.
type Options struct {
	// Language is the publisher's language (cmd/import's -language, the
	// follow function's SITE_LANGUAGE): a new article's language when its
	// item names none. A channel's language (RSS, WXR, Atom, JSON Feed) is
	// only a hint, used when this is empty; "bg" when neither says.
	// An article already stored keeps its language unless its item names
	// another (a JSON Feed item's own language).
	Language string
	// Source fills article.Source when the item names none (RSS <source>).
	Source string
	// AllPages follows a feed's archive: RFC 5005 next-archive/prev-archive
	// and next links, JSON Feed's next_url, else WordPress's ?paged=N.
	AllPages bool
	// MaxPages bounds the pages read from a paged source; 1000 if zero.
	MaxPages int
	// Window selects the items of the first document that a load keeps
	// (the follow function's run reads a window of a large feed); zero
	// keeps them all. RSS, Atom and WXR are read as a stream, so the items
	// outside it are never held.
	Window Window
}

// language is a new article's language: the publisher's, else the
// channel's hint doc, else "bg".
func (o Options) language(doc string) string {
	if l := strings.TrimSpace(o.Language); l != "" && validLanguage(l) {
		return l
	}
	if doc = strings.TrimSpace(doc); doc != "" && validLanguage(doc) {
		return doc
	}
	return "bg"
}

func (o Options) maxPages() int {
	if o.MaxPages > 0 {
		return o.MaxPages
	}
	return 1000
}

// charsetReader lets encoding/xml read the legacy encodings old exports
// declare (windows-1251, ISO-8859-1, ...).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	return charset.NewReaderLabel(label, in)
}
