package share

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
)

// The lengths, in characters (runes, not bytes), that the networks show
// before cutting text themselves. Trimming here, on a word boundary, looks
// better than a network's cut in the middle of a word.
const (
	// TitleMax is about what Facebook and LinkedIn show of og:title in a
	// feed card before cutting it; <title> uses it too.
	TitleMax = 95
	// TwitterTitleMax is X's limit for twitter:title.
	TwitterTitleMax = 70
	// DescriptionMax is X's limit for twitter:description and about what
	// Facebook, LinkedIn and Telegram show under a card.
	DescriptionMax = 200
	// MetaDescriptionMax is what search result snippets show.
	MetaDescriptionMax = 160
)

// ellipsis ends a trimmed text.
const ellipsis = "…"

// Trim returns s cut to at most max characters on a word boundary, with
// "…" appended when anything was cut. s should be one line (article.OneLine) first. A single
// word longer than the whole limit is cut inside the word.
func Trim(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if len(s) <= max || utf8.RuneCountInString(s) <= max {
		return s
	}
	// Keep max-1 runes, leaving room for the ellipsis.
	end, n := 0, 0
	for i := range s {
		if n == max-1 {
			end = i
			break
		}
		n++
	}
	cut := s[:end]
	// Back up to the last space if the next character does not start a
	// new word anyway; keep the cut inside a word only when the word is
	// most of the limit.
	if s[end] != ' ' {
		if sp := strings.LastIndexByte(cut, ' '); sp > len(cut)/2 {
			cut = cut[:sp]
		}
	}
	cut = strings.TrimRight(cut, " ,;:-–—")
	return cut + ellipsis
}

// safeURL returns s normalized when it is an absolute http or https URL
// with a host, and "" otherwise: javascript:, data:, relative and
// unparsable URLs are never written into a page.
func safeURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	return u.String()
}

// appendText appends s escaped as HTML element text. Clean has already
// removed what must not appear at all; this escapes what has meaning.
func appendText(b []byte, s string) []byte {
	return appendEscaped(b, s)
}

// appendAttr appends s escaped as a double-quoted attribute value.
func appendAttr(b []byte, s string) []byte {
	return appendEscaped(b, s)
}

// appendEscaped escapes the five characters with meaning in HTML text and
// quoted attributes, and drops control characters and invalid UTF-8 that
// got past Clean (URLs, configuration).
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		size := 1
		if c < utf8.RuneSelf {
			switch c {
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			default:
				if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
					esc = ""
				} else {
					i++
					continue
				}
			}
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			size = n
			if r != utf8.RuneError && !article.ForbiddenInLine(r) && (r < 0x80 || r > 0x9f) {
				i += n
				continue
			}
			esc = ""
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += size
		last = i
	}
	return append(b, s[last:]...)
}
