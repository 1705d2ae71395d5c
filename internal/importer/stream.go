package importer

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"golang.org/x/net/html/charset"
)

// Window selects part of a source's items in document order: Skip of
// them, then at most Limit (0: all the rest). The follow function reads a
// large source a window per run, so that a run's memory and time are
// bounded by the window, not by the source.
type Window struct {
	Skip, Limit int
}

func (w Window) has(i int) bool {
	return i >= w.Skip && (w.Limit <= 0 || i < w.Skip+w.Limit)
}

func (w Window) all() bool { return w.Skip <= 0 && w.Limit <= 0 }

// window applies w to items already read.
func window[T any](w Window, items []T) []T {
	if w.all() {
		return items
	}
	out := items[:0]
	for i, it := range items {
		if w.has(i) {
			out = append(out, it)
		}
	}
	return out
}

// sniffLen is how much of a document is looked at to tell its kind.
const sniffLen = 4096

// windowFeed reads an RSS or Atom document token by token (encoding/xml)
// and returns it with only the items (RSS item, Atom entry) that w
// selects, everything else kept byte for byte, in UTF-8 (a legacy encoding
// the declaration names is converted, and the declaration says UTF-8),
// and the number of items the document holds. Items outside w are
// dropped as they are read: the memory is that of the items kept, not
// of the document.
func windowFeed(r io.Reader, itemName string, w Window) ([]byte, int, error) {
	in, err := utf8Document(r)
	if err != nil {
		return nil, 0, err
	}
	rec := &recorder{r: bufio.NewReaderSize(in, 64<<10)}
	dec := xml.NewDecoder(rec)
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil } // already UTF-8
	var out bytes.Buffer
	total, depth := 0, 0
	item := -1 // the depth of the item being read, -1 outside one
	keep := false
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if item < 0 && t.Name.Local == itemName {
				rec.flush(start, &out) // what came before the item
				item, keep = depth, w.has(total)
				total++
			}
			depth++
		case xml.EndElement:
			depth--
			if item >= 0 && depth == item {
				if keep {
					rec.flush(dec.InputOffset(), &out)
				} else {
					rec.flush(dec.InputOffset(), nil)
				}
				item = -1
			}
		}
		if item >= 0 && !keep {
			rec.flush(dec.InputOffset(), nil) // a dropped item is not held
		}
	}
	rec.flush(dec.InputOffset(), &out)
	return out.Bytes(), total, nil
}

// recorder is the decoder's input (an io.ByteReader, so the decoder reads
// no further ahead than it parses) and keeps what was read since the last
// flush.
type recorder struct {
	r    *bufio.Reader
	buf  []byte
	base int64 // the input offset of buf[0]
}

func (r *recorder) ReadByte() (byte, error) {
	b, err := r.r.ReadByte()
	if err == nil {
		r.buf = append(r.buf, b)
	}
	return b, err
}

func (r *recorder) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf = append(r.buf, p[:n]...)
	return n, err
}

// flush writes the input from the last flush up to offset end to w (nil:
// drops it) and forgets it.
func (r *recorder) flush(end int64, w io.Writer) {
	n := int(end - r.base)
	if n <= 0 {
		return
	}
	if w != nil {
		w.Write(r.buf[:n])
	}
	rest := copy(r.buf, r.buf[n:])
	r.buf = r.buf[:rest]
	if cap(r.buf) > 1<<20 && rest < 4096 {
		r.buf = append([]byte(nil), r.buf...) // let a large item's buffer go
	}
	r.base = end
}

var xmlEncoding = regexp.MustCompile(`(?s)^(\s*<\?xml[^>]*?\sencoding\s*=\s*)(["'])([^"']*)(["'])`)

// errNotASCII means a document is in an encoding the streaming reader
// does not convert (UTF-16, UTF-32): it is read whole instead.
var errNotASCII = errors.New("a document in UTF-16 or UTF-32")

// utf8Document is r in UTF-8: a UTF-8 byte order mark dropped, and the
// encoding the XML declaration names (windows-1251, ISO-8859-5, ...)
// converted, the declaration then saying UTF-8.
func utf8Document(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, sniffLen)
	head, err := br.Peek(sniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
		head = head[3:]
	}
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0, 0}) ||
		len(head) > 1 && (head[0] == 0 || head[1] == 0) {
		return nil, errNotASCII
	}
	m := xmlEncoding.FindSubmatchIndex(head)
	if m == nil {
		return br, nil
	}
	label := strings.ToLower(strings.TrimSpace(string(head[m[6]:m[7]])))
	if label == "utf-8" || label == "utf8" || label == "" {
		return br, nil
	}
	decl := append([]byte(nil), head[:m[6]]...)
	decl = append(decl, "UTF-8"...)
	br.Discard(m[7])
	conv, err := charset.NewReaderLabel(label, br)
	if err != nil {
		return nil, fmt.Errorf("the XML declaration's encoding %q: %w", label, err)
	}
	return io.MultiReader(bytes.NewReader(decl), conv), nil
}

// readWXR reads a WordPress export token by token (encoding/xml) and
// keeps the channel with only the items w selects, every attachment of
// the document (so that a post finds its featured image wherever the
// attachment stands), and the number of items. The items outside w are
// dropped as they are read.
func readWXR(r io.Reader, w Window) (*wxrChannel, map[string]*wxrItem, int, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = false
	dec.CharsetReader = charsetReader
	ch := new(wxrChannel)
	attachments := make(map[string]*wxrItem)
	total, depth := 0, 0
	inChannel := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 1 && t.Name.Local == "channel" {
				inChannel = true
				depth++
				continue
			}
			if depth != 2 || !inChannel {
				depth++
				continue
			}
			// A child of the channel: the fields ParseWXR reads, each
			// decoded as encoding/xml decodes the whole channel (a later
			// element of the same name wins; authors and items add up).
			var err error
			switch t.Name.Local {
			case "title":
				err = dec.DecodeElement(&ch.Title, &t)
			case "link":
				err = dec.DecodeElement(&ch.Link, &t)
			case "language":
				err = dec.DecodeElement(&ch.Language, &t)
			case "wxr_version":
				err = dec.DecodeElement(&ch.Version, &t)
			case "base_site_url":
				err = dec.DecodeElement(&ch.BaseSite, &t)
			case "base_blog_url":
				err = dec.DecodeElement(&ch.BaseBlog, &t)
			case "author":
				var a wxrAuthor
				if err = dec.DecodeElement(&a, &t); err == nil {
					ch.Authors = append(ch.Authors, a)
				}
			case "item":
				var it wxrItem
				if err = dec.DecodeElement(&it, &t); err == nil {
					if it.PostType == "attachment" {
						attachments[it.PostID] = &it
					}
					if w.has(total) {
						ch.Items = append(ch.Items, it)
					}
					total++
				}
			default:
				err = dec.Skip()
			}
			if err != nil {
				return nil, nil, 0, err
			}
		case xml.EndElement:
			depth--
			if depth == 1 {
				inChannel = false
			}
		}
	}
	return ch, attachments, total, nil
}

// parseFeedWindow is ParseFeed of the items w selects, and the number of
// items the document holds. RSS and Atom are read as a stream
// (windowFeed), so the items outside w are never held; a JSON Feed, or
// an XML feed in UTF-16, is decoded whole (its size bounded by the
// Fetcher's MaxBytes) and then cut.
func parseFeedWindow(doc []byte, docURL string, opts Options, w Window) (Page, int, error) {
	var name string
	switch gofeed.DetectFeedType(bytes.NewReader(doc)) {
	case gofeed.FeedTypeRSS:
		name = "item"
	case gofeed.FeedTypeAtom:
		name = "entry"
	case gofeed.FeedTypeJSON:
		if w.all() {
			break
		}
		f, err := (&jsonfeed.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			return Page{}, 0, fmt.Errorf("importer: JSON Feed: %w", err)
		}
		total := len(f.Items)
		f.Items = window(w, f.Items)
		return jsonPage(f, docURL, opts), total, nil
	}
	if name != "" && !w.all() {
		cut, total, err := windowFeed(bytes.NewReader(doc), name, w)
		if err == nil {
			p, err := ParseFeed(cut, docURL, opts)
			return p, total, err
		}
		if !errors.Is(err, errNotASCII) {
			return Page{}, 0, fmt.Errorf("importer: %w", err)
		}
	}
	p, err := ParseFeed(doc, docURL, opts)
	if err != nil {
		return Page{}, 0, err
	}
	total := len(p.Items)
	p.Items = window(w, p.Items)
	return p, total, nil
}
