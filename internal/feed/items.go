package feed

import (
	"fmt"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// bufPool holds the buffers items are rendered into before they are
// spliced into a document; a feed of 50 items needs about 300 KB.
var bufPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 64<<10)
	return &b
}}

// maxPooledBuf keeps one huge render from pinning its buffer in the pool.
const maxPooledBuf = 4 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// appendItems appends the items of articles in format f, each from the
// item cache when it holds it, else rendered and added. JSON items are
// separated by commas.
func (s *Site) appendItems(b []byte, f Format, articles []article.Article) ([]byte, error) {
	var (
		prefix string
		memo   slugs
	)
	for i := range articles {
		a := &articles[i]
		if f == JSON && i > 0 {
			b = append(b, ',')
		}
		k := itemKey{site: s, format: f, id: a.ID, version: a.Version, updated: a.UpdatedAt.UnixNano()}
		if frag, ok := s.Items.get(&k); ok {
			b = append(b, frag...)
			continue
		}
		if prefix == "" {
			prefix = s.tagPrefix()
		}
		start := len(b)
		switch f {
		case RSS:
			b = s.appendRSSItem(b, a, prefix)
		case Atom:
			if memo == nil {
				memo = make(slugs)
			}
			b = s.appendAtomEntry(b, a, prefix, memo)
		case JSON:
			var err error
			if b, err = s.appendJSONItem(b, a, prefix); err != nil {
				return b, fmt.Errorf("item %s: %w", a.ID, err)
			}
		}
		if s.Items != nil {
			s.Items.add(&k, append([]byte(nil), b[start:]...))
		}
	}
	return b, nil
}

// appendRSSItem appends a's <item>, at depth 2 (rss > channel > item): the
// fields of gorilla's RssItem in its order, then one category per section
// and tag, dc:creator per byline (RSS <author> must be an e-mail address)
// and media:content for the main image. The prefixes content:, dc: and
// media: are declared on the <rss> root (rssDoc).
func (s *Site) appendRSSItem(b []byte, a *article.Article, prefix string) []byte {
	const d = 3 // the item's children
	b = appendIndent(b, d-1)
	b = append(b, "<item>"...)
	b = appendTextElem(b, d, "title", article.XMLText(a.Title))
	b = appendTextElem(b, d, "link", s.link(a))
	b = appendTextElem(b, d, "description", article.XMLText(a.Lead))
	if a.Body != "" {
		b = appendIndent(b, d)
		b = append(b, "<content:encoded>"...)
		b = appendCDATA(b, article.XMLText(a.Body))
		b = append(b, "</content:encoded>"...)
	}
	img := a.Image
	if img != nil && img.URL != "" {
		b = appendIndent(b, d)
		b = append(b, "<enclosure"...)
		b = appendAttr(b, "url", img.URL)
		b = append(b, ` length="0"`...)
		b = appendAttr(b, "type", imageType(img.URL))
		b = append(b, "></enclosure>"...)
	}
	b = appendIndent(b, d)
	b = append(b, `<guid isPermaLink="false">`...)
	b = appendEscaped(b, prefix)
	b = append(b, "article:"...)
	b = appendEscaped(b, a.ID)
	b = append(b, "</guid>"...)
	b = appendIndent(b, d)
	b = append(b, "<pubDate>"...)
	b = s.appendDate(b, published(a), time.RFC1123Z)
	b = append(b, "</pubDate>"...)
	if a.Section != "" {
		b = appendTextElem(b, d, "category", article.XMLText(a.Section))
	}
	for _, t := range a.Tags {
		b = appendTextElem(b, d, "category", article.XMLText(t))
	}
	for i := range a.Authors {
		b = appendTextElem(b, d, "dc:creator", article.XMLText(a.Authors[i].Name))
	}
	if img != nil && img.URL != "" {
		b = appendMedia(b, d, img)
	}
	b = appendIndent(b, d-1)
	return append(b, "</item>"...)
}

// appendAtomEntry appends a's <entry>, at depth 1 (feed > entry): the
// fields of gorilla's AtomEntry in its order, then the body as CDATA
// (gorilla's AtomContent escapes it character by character), one category
// per section and tag, one author per byline and media:content. Only the
// media: prefix is used, declared on the <feed> root (atomFeed).
func (s *Site) appendAtomEntry(b []byte, a *article.Article, prefix string, memo slugs) []byte {
	const d = 2
	b = appendIndent(b, d-1)
	b = append(b, "<entry>"...)
	b = appendTextElem(b, d, "title", article.XMLText(a.Title))
	b = appendIndent(b, d)
	b = append(b, "<updated>"...)
	b = s.appendDate(b, modified(a), time.RFC3339)
	b = append(b, "</updated>"...)
	b = appendIndent(b, d)
	b = append(b, "<id>"...)
	b = appendEscaped(b, prefix)
	b = append(b, "article:"...)
	b = appendEscaped(b, a.ID)
	b = append(b, "</id>"...)
	b = appendIndent(b, d)
	b = append(b, "<published>"...)
	b = s.appendDate(b, published(a), time.RFC3339)
	b = append(b, "</published>"...)
	b = appendIndent(b, d)
	b = append(b, "<link"...)
	b = appendAttr(b, "href", s.link(a))
	b = append(b, ` rel="alternate" type="text/html"></link>`...)
	img := a.Image
	if img != nil && img.URL != "" {
		b = appendIndent(b, d)
		b = append(b, "<link"...)
		b = appendAttr(b, "href", img.URL)
		b = append(b, ` rel="enclosure"`...)
		b = appendAttr(b, "type", imageType(img.URL))
		b = append(b, ` length="0"></link>`...)
	}
	if a.Lead != "" {
		b = appendIndent(b, d)
		b = append(b, `<summary type="text">`...)
		b = appendEscaped(b, article.XMLText(a.Lead))
		b = append(b, "</summary>"...)
	}
	if a.Body != "" {
		b = appendIndent(b, d)
		b = append(b, `<content type="html">`...)
		b = appendCDATA(b, article.XMLText(a.Body))
		b = append(b, "</content>"...)
	}
	if a.Section != "" {
		b = appendCategory(b, d, memo.of(a.Section), article.XMLText(a.Section), prefix, "section")
	}
	for _, t := range a.Tags {
		b = appendCategory(b, d, memo.of(t), article.XMLText(t), prefix, "tag")
	}
	for i := range a.Authors {
		au := &a.Authors[i]
		b = appendIndent(b, d)
		b = append(b, "<author>"...)
		name := article.XMLText(au.Name)
		if name != "" {
			b = appendTextElem(b, d+1, "name", name)
		}
		if au.URL != "" {
			b = appendTextElem(b, d+1, "uri", au.URL)
		}
		if name != "" || au.URL != "" {
			b = appendIndent(b, d)
		}
		b = append(b, "</author>"...)
	}
	if img != nil && img.URL != "" {
		b = appendMedia(b, d, img)
	}
	b = appendIndent(b, d-1)
	return append(b, "</entry>"...)
}

// appendCategory appends an Atom category: the slug as term, the display
// name as label, and the section or tag scheme.
func appendCategory(b []byte, d int, term, label, prefix, scheme string) []byte {
	b = appendIndent(b, d)
	b = append(b, "<category"...)
	b = appendAttr(b, "term", term)
	if label != "" {
		b = appendAttr(b, "label", label)
	}
	b = append(b, ` scheme="`...)
	b = appendEscaped(b, prefix)
	b = append(b, scheme...)
	return append(b, `"></category>`...)
}

// appendMedia appends Media RSS's media:content for the main image, with
// media:credit and media:description when the image has them.
func appendMedia(b []byte, d int, img *article.Image) []byte {
	b = appendIndent(b, d)
	b = append(b, "<media:content"...)
	b = appendAttr(b, "url", img.URL)
	b = append(b, ` medium="image"`...)
	b = appendAttr(b, "type", imageType(img.URL))
	b = appendIntAttr(b, "width", img.Width)
	b = appendIntAttr(b, "height", img.Height)
	b = append(b, '>')
	if img.Credit == "" && img.Alt == "" {
		return append(b, "</media:content>"...)
	}
	if img.Credit != "" {
		b = appendIndent(b, d+1)
		b = append(b, `<media:credit role="photographer">`...)
		b = appendEscaped(b, article.XMLText(img.Credit))
		b = append(b, "</media:credit>"...)
	}
	if img.Alt != "" {
		b = appendIndent(b, d+1)
		b = append(b, `<media:description type="plain">`...)
		b = appendEscaped(b, article.XMLText(img.Alt))
		b = append(b, "</media:description>"...)
	}
	b = appendIndent(b, d)
	return append(b, "</media:content>"...)
}

// appendDate formats t in the publisher's zone.
func (s *Site) appendDate(b []byte, t time.Time, layout string) []byte {
	if s.Location != nil {
		t = t.In(s.Location)
	}
	return t.AppendFormat(b, layout)
}

// appendWriter lets json.Encoder write into a byte slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}
