package feed

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the small XML writer for feed items (RSS <item>, Atom
// <entry>). It produces exactly the bytes encoding/xml produces for the
// item structs of reference_test.go with Indent("", " "): same element and
// attribute order, same escaping (appendEscaped mirrors encoding/xml's
// EscapeString), same CDATA splitting, same indentation. The tests hold it
// to that, item by item and document by document.

// xmlIndent is what the document encoder indents each level with.
const xmlIndent = " "

// appendIndent starts a line at depth (the newline encoding/xml writes
// before every start tag and every end tag after children).
func appendIndent(b []byte, depth int) []byte {
	b = append(b, '\n')
	for range depth {
		b = append(b, xmlIndent...)
	}
	return b
}

// appendTextElem writes <name>text</name> on its own line at depth.
func appendTextElem(b []byte, depth int, name, text string) []byte {
	b = appendIndent(b, depth)
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	b = appendEscaped(b, text)
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendAttr writes ` name="value"`.
func appendAttr(b []byte, name, value string) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, value)
	return append(b, '"')
}

// appendIntAttr writes ` name="n"`, or nothing for 0 (omitempty).
func appendIntAttr(b []byte, name string, n int) []byte {
	if n == 0 {
		return b
	}
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, `="`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '"')
}

// appendCDATA writes s as a CDATA section, split around every "]]>" so it
// cannot end the section early; an empty s writes nothing, as encoding/xml.
func appendCDATA(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, "<![CDATA["...)
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		b = append(b, before...)
		b = append(b, "]]]]><![CDATA[>"...)
		s = after
	}
	b = append(b, s...)
	return append(b, "]]>"...)
}

// xmlEscapes maps the ASCII bytes encoding/xml escapes to their escapes;
// control bytes other than tab, newline and carriage return become U+FFFD.
var xmlEscapes = func() (t [utf8.RuneSelf]string) {
	for c := range 0x20 {
		t[c] = "\uFFFD"
	}
	t['"'] = "&#34;"
	t['\''] = "&#39;"
	t['&'] = "&amp;"
	t['<'] = "&lt;"
	t['>'] = "&gt;"
	t['\t'] = "&#x9;"
	t['\n'] = "&#xA;"
	t['\r'] = "&#xD;"
	return t
}()

// appendEscaped appends s escaped as encoding/xml's EscapeString does for
// character data and attribute values: the five markup characters and tab,
// newline and carriage return as references, and every character XML 1.0
// forbids (and every invalid UTF-8 byte) as U+FFFD. Runs of bytes that need
// nothing are copied whole; two-byte sequences (Cyrillic) are checked
// inline, longer ones decoded.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		switch {
		case c < utf8.RuneSelf:
			if esc = xmlEscapes[c]; esc == "" {
				i++
				continue
			}
		case c >= 0xc2 && c <= 0xdf && i+1 < len(s) && s[i+1]&0xc0 == 0x80:
			i += 2 // U+0080..U+07FF, all allowed
			continue
		default:
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if !(r == utf8.RuneError && width == 1) && (r >= 0x20 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= utf8.MaxRune) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += width
		last = i
	}
	return append(b, s[last:]...)
}
