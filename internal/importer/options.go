package importer

import (
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

// Options says how a source is mapped.
type Options struct {
	// Language is the articles' language when the source names none (or
	// an invalid one); "bg" if empty.
	Language string
	// Source fills article.Source when the item names none (RSS <source>).
	Source string
	// AllPages follows a feed's archive: RFC 5005 next-archive/prev-archive
	// and next links, JSON Feed's next_url, else WordPress's ?paged=N.
	AllPages bool
	// MaxPages bounds the pages read from a paged source; 1000 if zero.
	MaxPages int
}

func (o Options) language(doc string) string {
	if doc = strings.TrimSpace(doc); doc != "" && validLanguage(doc) {
		return doc
	}
	if o.Language != "" {
		return o.Language
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
