package article

import (
	"strings"
	"unicode/utf8"
)

// DropXMLForbidden returns s without the characters XML 1.0 forbids: C0 controls
// other than tab, newline and carriage return, U+FFFE, U+FFFF, surrogates and
// bytes that are not UTF-8. It runs once per field at write time and again,
// as defence in depth, on every feed render, where the text is almost always
// clean already: so it returns s itself, without allocating, after one fast
// scan (xmlAllowed), and only dirty input pays for stripping.
func DropXMLForbidden(s string) string {
	if xmlAllowed(s) {
		return s
	}
	return stripXML(s)
}

// xmlAllowed reports whether s has no character XML 1.0 forbids. It is
// one pass, eight bytes at a time where it can: a word of ASCII (markup,
// Latin text) is checked for control bytes with one subtraction, and a word
// of four two-byte sequences (Cyrillic text) for well-formed UTF-8 with two
// masks. Anything else goes rune by rune, and only sequences of three or
// more bytes, rare in Bulgarian text, reach utf8.DecodeRuneInString, which
// refuses surrogates and invalid bytes; U+FFFE and U+FFFF are refused here.
func xmlAllowed(s string) bool {
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
		// Four two-byte sequences: 110xxxxx 10xxxxxx, little-endian.
		pairMask = 0xc0e0c0e0c0e0c0e0
		pairWant = 0x80c080c080c080c0
		// The lead bytes' bits 1-4; all zero means an overlong C0 or C1.
		leadBits  = 0x001e001e001e001e
		leadCarry = 0x00fe00fe00fe00fe
		leadOK    = 0x0100010001000100
	)
	n := len(s)
	for i := 0; i < n; {
		if i+8 <= n {
			w := load64(s, i)
			if w&hi == 0 {
				// Eight ASCII bytes; look closer only when one is below
				// 0x20 (tab, newline and carriage return are allowed).
				if (w-0x20*lo)&^w&hi != 0 && !controlsAllowed(s[i:i+8]) {
					return false
				}
				i += 8
				continue
			}
			if w&pairMask == pairWant && (w&leadBits+leadCarry)&leadOK == leadOK {
				i += 8
				continue
			}
		}
		c := s[i]
		switch {
		case c < 0x20:
			if c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
		case c < 0x80:
			i++
		case c >= 0xc2 && c <= 0xdf:
			if i+1 >= n || s[i+1]&0xc0 != 0x80 {
				return false
			}
			i += 2
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || r == 0xfffe || r == 0xffff {
				return false
			}
			i += size
		}
	}
	return true
}

// load64 reads s[i:i+8] little-endian; the compiler turns it into one load.
func load64(s string, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// controlsAllowed reports whether the control bytes of the ASCII string s
// are all tab, newline or carriage return.
func controlsAllowed(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// stripXML copies s without its forbidden characters. It is also the
// reference xmlAllowed is tested against: s is clean exactly when
// stripXML(s) == s.
func stripXML(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if xmlChar(r, size) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func xmlChar(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}
