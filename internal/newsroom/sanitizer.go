package newsroom

import (
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/newsdesk/syndicate/internal/article"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Sanitizer does the expensive cleaning of an article once (sanitized HTML,
// characters XML forbids dropped), when it is
// written, so that feeds and share pages render stored text as it is.
// A Sanitizer is safe for concurrent use.
type Sanitizer struct {
	policy func() *bluemonday.Policy
}

// NewSanitizer returns a Sanitizer whose HTML policy is built on first use:
// bluemonday's user-generated-content policy (no script, style, iframe,
// event handlers or javascript: URLs), plus figure and figcaption, which
// news bodies use for photos. Building it takes 1-2 ms, which the articles
// and follow functions would otherwise pay in every cold start's init,
// whether or not that container ever writes an article.
func NewSanitizer() *Sanitizer {
	return &Sanitizer{policy: sync.OnceValue(func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.AllowElements("figure", "figcaption")
		p.AllowAttrs("class").OnElements("figure")
		p.RequireNoReferrerOnLinks(false)
		return p
	})}
}

// Sanitize makes the plain-text fields plain text (PlainText: title, lead,
// source, section, tags, author names, image alt and credit), drops
// characters XML 1.0 forbids from the body, sanitizes it and makes its
// links absolute against the article URL (feed readers show bodies out of
// their page).
func (c *Sanitizer) Sanitize(a *article.Article) {
	plainFields(a)
	a.Body = c.HTML(article.DropXMLForbidden(a.Body), a.URL)
}

// plainFields applies PlainText to every plain-text field of a.
func plainFields(a *article.Article) {
	a.Title = PlainText(a.Title)
	a.Lead = PlainText(a.Lead)
	a.Source = PlainText(a.Source)
	a.Section = PlainText(a.Section)
	for i := range a.Tags {
		a.Tags[i] = PlainText(a.Tags[i])
	}
	for i := range a.Authors {
		a.Authors[i].Name = PlainText(a.Authors[i].Name)
	}
	if a.Image != nil {
		a.Image.Alt = PlainText(a.Image.Alt)
		a.Image.Credit = PlainText(a.Image.Credit)
	}
}

// PlainText is a plain-text field as stored and as every format shows it:
// tags stripped (the contents of script and style too), character
// references decoded, then article.OneLine (white space collapsed, ends
// trimmed, control, bidirectional and XML-forbidden characters dropped),
// as WordPress does for feed titles. "<b>НАТО</b> &amp; ЕС" is stored as
// "НАТО & ЕС": feeds escape it as text, so no reader can take it for markup,
// and a reader that would decode it once more sees no entity. A '<' that
// opens no tag ("5 < 6", "<3") stays. PlainText(PlainText(s)) is
// PlainText(s) except where decoding made a new tag ("&lt;b&gt;" is "<b>"
// once, "" twice), which only an author typing escaped markup meets.
func PlainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return article.OneLine(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	skip := 0 // inside script or style
	for {
		switch z.Next() {
		case html.ErrorToken:
			return article.OneLine(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if isRawText(string(name)) {
				skip++
			}
			if breaksWords(string(name)) {
				b.WriteByte(' ') // "a<br>b" is two words, "Н<i>АТО</i>" one
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); isRawText(string(name)) && skip > 0 {
				skip--
			}
		case html.SelfClosingTagToken:
			if name, _ := z.TagName(); breaksWords(string(name)) {
				b.WriteByte(' ')
			}
		}
	}
}

func isRawText(tag string) bool { return tag == "script" || tag == "style" }

// breaksWords reports the tags that separate the words around them.
func breaksWords(tag string) bool {
	switch tag {
	case "br", "p", "div", "li", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "blockquote":
		return true
	}
	return false
}

// HTML sanitizes an HTML body and resolves its relative links against base.
func (c *Sanitizer) HTML(body, base string) string {
	if strings.TrimSpace(body) == "" {
		return ""
	}
	clean := c.policy().Sanitize(body)
	b, err := url.Parse(base)
	if err != nil || b.Host == "" {
		return clean
	}
	return absolutize(clean, b)
}

// absolutize rewrites href and src attributes to absolute URLs. The input
// is the sanitizer's output, so it parses; if it somehow does not, it is
// returned unchanged rather than dropped.
func absolutize(body string, base *url.URL) string {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return body
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for i, at := range n.Attr {
				if at.Namespace == "" && (at.Key == "href" || at.Key == "src") {
					if u, err := base.Parse(strings.TrimSpace(at.Val)); err == nil {
						n.Attr[i].Val = u.String()
					}
				}
			}
		}
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			walk(ch)
		}
	}
	var out strings.Builder
	out.Grow(len(body) + len(body)/8)
	for _, n := range nodes {
		walk(n)
		if err := html.Render(&out, n); err != nil {
			return body
		}
	}
	return out.String()
}
