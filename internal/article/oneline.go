package article

import (
	"strings"
	"unicode/utf8"
)

// OneLine returns s as one line of displayable text: runs of white space
// (newlines included) become one space, control characters and invalid
// UTF-8 are dropped, and the ends are trimmed. Crawlers show text on one
// line, and a control character is never wanted in a title.
func OneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError, ForbiddenInLine(r):
			continue
		case isSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isOneLine reports whether OneLine would return s unchanged, so the
// common case allocates nothing.
func isOneLine(s string) bool {
	prevSpace := true // a leading space needs cleaning
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			if c == ' ' {
				if prevSpace {
					return false
				}
				prevSpace = true
			} else {
				prevSpace = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || ForbiddenInLine(r) || isSpace(r) {
			return false
		}
		prevSpace = false
		i += size
	}
	return !prevSpace || s == ""
}

// isSpace reports the white space OneLine folds into one space.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\v', '\f', 0x85, 0xA0, 0x2028, 0x2029, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// ForbiddenInLine reports the characters that have no place in a one-line text: C0 and
// C1 controls (other than white space), noncharacters, the byte order
// mark and the bidirectional controls (IsBidiControl).
func ForbiddenInLine(r rune) bool {
	switch {
	case isSpace(r):
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0xFEFF, r == 0xFFFE, r == 0xFFFF, r >= 0xFDD0 && r <= 0xFDEF:
		return true
	}
	return IsBidiControl(r)
}

// IsBidiControl reports the invisible characters that change the display
// order of the text around them: the embeddings and overrides U+202A–U+202E
// (U+202E makes "gpj.exe" read "exe.jpg"), the isolates U+2066–U+2069, and
// the marks U+200E, U+200F and U+061C. Bulgarian text never needs any of
// them, and a title, name or tag quoting Arabic or Hebrew is laid out by
// the letters' own direction; all they can add to a one-line text shown
// out of its page (a feed item, a share preview, a card) is text that
// reads differently from what it is. The marks go too: they do not
// override, but they are invisible and move neutral characters (digits'
// signs, brackets, punctuation) across a name, which is spoofing enough.
func IsBidiControl(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// DropBidi returns s without its bidirectional controls (IsBidiControl),
// and s itself when it has none. The newsroom applies it to the one-line
// fields and the lead when an article is written, so that the feeds, which
// render stored text as it is, never carry them.
func DropBidi(s string) string {
	if strings.IndexFunc(s, IsBidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsBidiControl(r) {
			return -1
		}
		return r
	}, s)
}
