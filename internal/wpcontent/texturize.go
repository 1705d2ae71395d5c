package wpcontent

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// The characters wptexturize writes, as WordPress writes them (numeric
// references).
const (
	openDouble  = "&#8220;"
	closeDouble = "&#8221;"
	openSingle  = "&#8216;"
	apostrophe  = "&#8217;"
	prime       = "&#8242;"
	doublePrime = "&#8243;"
	enDash      = "&#8211;"
	emDash      = "&#8212;"
	ellipsis    = "&#8230;"
)

// noTexturize are the elements whose text wptexturize leaves alone.
var noTexturize = map[string]bool{"pre": true, "code": true, "kbd": true, "style": true, "script": true, "tt": true}

// splitter finds what wptexturize does not touch: comments, tags and the
// tags of registered shortcodes.
var splitter = regexp.MustCompile(`<!--[\s\S]*?-->|<[^>]*>|\[/?(?:caption|wp_caption|gallery|audio|video|playlist|embed)\b[^\[\]]*\]`)

// Texturize is wptexturize: curly quotes and apostrophes, primes, dashes,
// the ellipsis, the multiplication sign and bare ampersands escaped, in
// text only (not in tags, shortcode tags, or pre, code, kbd, style,
// script and tt elements).
func Texturize(s string) string {
	if strings.TrimSpace(s) == "" {
		return s
	}
	var b strings.Builder
	var stack []string
	last := 0
	flush := func(text string) {
		if len(stack) > 0 {
			b.WriteString(text)
			return
		}
		b.WriteString(texturizeText(text))
	}
	for _, m := range splitter.FindAllStringIndex(s, -1) {
		flush(s[last:m[0]])
		tok := s[m[0]:m[1]]
		b.WriteString(tok)
		last = m[1]
		if strings.HasPrefix(tok, "<") && !strings.HasPrefix(tok, "<!--") {
			name, closing := tagName(tok)
			if noTexturize[name] {
				if closing {
					if n := len(stack); n > 0 && stack[n-1] == name {
						stack = stack[:n-1]
					}
				} else if !strings.HasSuffix(tok, "/>") {
					stack = append(stack, name)
				}
			}
		}
	}
	flush(s[last:])
	return b.String()
}

// tagName is the lower-case name of an HTML tag and whether it closes.
func tagName(tok string) (string, bool) {
	t := strings.TrimPrefix(tok, "<")
	closing := strings.HasPrefix(t, "/")
	t = strings.TrimPrefix(t, "/")
	end := strings.IndexFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if end < 0 {
		end = len(t)
	}
	return strings.ToLower(t[:end]), closing
}

var (
	staticText = strings.NewReplacer("...", ellipsis, "``", openDouble, "''", closeDouble, " (tm)", " &#8482;")
	bareAmp    = regexp.MustCompile(`&(#(?:\d+|[xX][a-fA-F0-9]+);|[a-zA-Z1-4]{1,8};)?`)
	times      = regexp.MustCompile(`\b(\d[\d.,]*)x(\d[\d.,]*)\b`)
)

// texturizeText is wptexturize on one text node.
func texturizeText(s string) string {
	s = staticText.Replace(s)
	s = quotes(s)
	s = dashes(s)
	s = bareAmp.ReplaceAllStringFunc(s, func(m string) string {
		if m == "&" {
			return "&#038;"
		}
		return m
	})
	if strings.Contains(s, "x") {
		s = times.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(m, "0") && !strings.ContainsAny(strings.SplitN(m, "x", 2)[0][1:], "0123456789.,") {
				return m // "0x1F": hexadecimal, as WordPress reads it
			}
			return strings.Replace(m, "x", "&#215;", 1)
		})
	}
	return s
}

// spaceBefore reports whether s ends with one of WordPress's spaces
// (wp_spaces_regexp: space, tab, newline, no-break space, &nbsp;).
func spaceBefore(s string) bool {
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case ' ', '\t', '\n', '\r':
		return true
	}
	return strings.HasSuffix(s, "\u00a0") || strings.HasSuffix(s, "&nbsp;")
}

func spaceAfter(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case ' ', '\t', '\n', '\r':
		return true
	}
	return strings.HasPrefix(s, "\u00a0") || strings.HasPrefix(s, "&nbsp;")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// closes reports whether s starts where a closing quote may stand: the
// end, closing punctuation, "&gt;" or a space.
func closes(s string) bool {
	return s == "" || strings.IndexByte(".,:;!?)}-]", s[0]) >= 0 || strings.HasPrefix(s, "&gt;") || spaceAfter(s)
}

// number is the length of a leading \d[.,\d]* in s.
func number(s string) int {
	if s == "" || !isDigit(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) && (isDigit(s[n]) || s[n] == '.' || s[n] == ',') {
		n++
	}
	return n
}

// quotes applies wptexturize's rules for ' and ", then its primes: a
// quote after a digit is a prime unless a quote of its kind is open.
func quotes(s string) string {
	if !strings.ContainsAny(s, `'"`) {
		return s
	}
	var b strings.Builder
	openS, openD := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		pre, post := s[:i], s[i+1:]
		out := b.String()
		switch c {
		case '\'':
			switch {
			case len(post) >= 3 && isDigit(post[0]) && isDigit(post[1]) && post[2] == '\'' && closes(post[3:]):
				b.WriteString(apostrophe + post[:2] + apostrophe)
				i += 3
			case len(post) >= 3 && isDigit(post[0]) && isDigit(post[1]) && post[2] == '"' && closes(post[3:]):
				b.WriteString(apostrophe + post[:2] + closeDouble)
				i += 3
			case len(post) >= 2 && isDigit(post[0]) && isDigit(post[1]) &&
				(len(post) == 2 || !(post[2] == '%' || isDigit(post[2]) || (post[2] == '.' || post[2] == ',') && len(post) > 3 && isDigit(post[3]))):
				b.WriteString(apostrophe)
			case (pre == "" || spaceBefore(pre)) && number(post) > 0 && len(post) > number(post) && post[number(post)] == '\'':
				n := number(post)
				b.WriteString(openSingle + post[:n] + apostrophe)
				i += n + 1
			case pre == "" || strings.IndexByte(`([{"-`, pre[len(pre)-1]) >= 0 || strings.HasSuffix(pre, "&lt;") || spaceBefore(pre):
				b.WriteString(openSingle)
				openS++
			case !spaceBefore(pre) && !(post == "" || strings.IndexByte(`.,:;!?"'(){}[]-`, post[0]) >= 0 ||
				strings.HasPrefix(post, "&lt;") || strings.HasPrefix(post, "&gt;") || spaceAfter(post)):
				b.WriteString(apostrophe)
			case isDigit(lastByte(out)) && openS == 0:
				b.WriteString(prime)
			default:
				b.WriteString(apostrophe)
				if openS > 0 {
					openS--
				}
			}
		case '"':
			switch {
			case (pre == "" || strings.IndexByte(`([{-`, pre[len(pre)-1]) >= 0 || strings.HasSuffix(pre, "&lt;") || spaceBefore(pre)) && !spaceAfter(post) && post != "":
				b.WriteString(openDouble)
				openD++
			case isDigit(lastByte(out)) && openD == 0:
				b.WriteString(doublePrime)
			default:
				b.WriteString(closeDouble)
				if openD > 0 {
					openD--
				}
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func lastByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[len(s)-1]
}

// dashes: "---" and a spaced "--" are em dashes, another "--" (not in
// "xn--") and a spaced "-" en dashes.
func dashes(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	s = strings.ReplaceAll(s, "---", emDash)
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '-' {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		pre := s[:i]
		if strings.HasPrefix(s[i:], "--") {
			post := s[i+2:]
			switch {
			case (pre == "" || spaceBefore(pre)) && (post == "" || spaceAfter(post)):
				b.WriteString(emDash)
			case strings.HasSuffix(pre, "xn"):
				b.WriteString("--")
			default:
				b.WriteString(enDash)
			}
			i += 2
			continue
		}
		post := s[i+1:]
		if (pre == "" || spaceBefore(pre)) && (post == "" || spaceAfter(post)) {
			b.WriteString(enDash)
		} else {
			b.WriteByte('-')
		}
		i++
	}
	return b.String()
}
