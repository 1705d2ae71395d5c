package fediverse

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/newsdesk/syndicate/internal/article"
)

// MaxReplyText is how many characters of a reply are kept.
const MaxReplyText = 2000

// PlainText turns a peer's HTML into the plain text kept for editors:
// every tag dropped (scripts and styles with their content), paragraphs
// and line breaks as newlines, control and bidi characters removed, at
// most MaxReplyText characters. Readers escape it for their context.
func PlainText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	newline := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return finish(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "template":
				skip++
			case "br", "p", "div", "li", "blockquote":
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "template":
				if skip > 0 {
					skip--
				}
			case "p", "div", "li", "blockquote":
				newline()
			}
		}
	}
}

func finish(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range article.DropBidi(s) {
		if r == utf8.RuneError || r != '\n' && (r < ' ' || r == 0x7f) {
			continue
		}
		if n == MaxReplyText {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
