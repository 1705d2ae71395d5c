package feed

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
)

// This file is the small JSON writer for JSON Feed items. It produces
// exactly what encoding/json produces for gorilla's JSONItem with
// SetEscapeHTML(false) (the reference renderer in reference_test.go): the
// members in JSONItem's order with its omitempty rules, strings escaped as
// encoding/json escapes them (appendJSONString), times as time.Time's
// MarshalJSON writes them. encoding/json spent most of a JSON render
// decoding every Cyrillic character of the bodies one rune at a time.

// appendJSONItem appends a's JSON Feed item.
func (s *Site) appendJSONItem(b []byte, a *article.Article, prefix string) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = append(b, '"')
	b = appendJSONText(b, prefix)
	b = append(b, "article:"...)
	b = appendJSONText(b, a.ID)
	b = append(b, '"')
	b = appendJSONMember(b, "url", s.link(a))
	b = appendJSONMember(b, "title", article.XMLText(a.Title))
	body := article.XMLText(a.Body)
	b = appendJSONMember(b, "content_html", body)
	if body == "" {
		b = appendJSONMember(b, "content_text", jsonContentText(a))
	}
	b = appendJSONMember(b, "summary", article.XMLText(a.Lead))
	if a.Image != nil {
		b = appendJSONMember(b, "image", a.Image.URL)
	}
	var err error
	if b, err = appendJSONTime(b, "date_published", s.in(published(a))); err != nil {
		return b, err
	}
	if b, err = appendJSONTime(b, "date_modified", s.in(modified(a))); err != nil {
		return b, err
	}
	if len(a.Authors) > 0 {
		b = append(b, `,"authors":[`...)
		for i := range a.Authors {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			n := len(b)
			b = appendJSONMember(b, "name", article.XMLText(a.Authors[i].Name))
			b = appendJSONMember(b, "url", a.Authors[i].URL)
			if len(b) > n {
				b = append(b[:n], b[n+1:]...) // drop the first member's comma
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if tags := categoryNames(a); len(tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, t)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendJSONMember appends `,"name":"value"`, or nothing for an empty
// value (omitempty). name needs no escaping.
func appendJSONMember(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendJSONString(b, value)
}

// appendJSONTime appends `,"name":"RFC 3339 time"` as time.Time's
// MarshalJSON writes it, which refuses years outside 0-9999.
func appendJSONTime(b []byte, name string, t time.Time) ([]byte, error) {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, `":"`...)
	out, err := t.AppendText(b)
	if err != nil {
		return b, fmt.Errorf("%s: %w", name, err)
	}
	return append(out, '"'), nil
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONText(b, s)
	return append(b, '"')
}

// appendJSONText appends s escaped for a JSON string as encoding/json does
// without HTML escaping: '"' and '\\' with a backslash, control bytes as
// \b \f \n \r \t or \u00XX, invalid UTF-8 bytes as \ufffd, and U+2028 and
// U+2029 as \u2028 and \u2029. Runs of bytes that need nothing are copied
// whole; two-byte sequences (Cyrillic) are checked inline, longer ones
// decoded.
func appendJSONText(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[last:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			last = i
			continue
		}
		if c >= 0xc2 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			i += 2
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[last:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[last:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

// jsonContentText is an item's content_text, set only for an article without
// a body: JSON Feed 1.1 requires content_html or content_text in every item,
// so the lead, or else the title, stands in.
func jsonContentText(a *article.Article) string {
	if article.XMLText(a.Body) != "" {
		return ""
	}
	if lead := article.XMLText(a.Lead); lead != "" {
		return lead
	}
	return article.XMLText(a.Title)
}
