package newsroom

import (
	"net/url"
	"strings"

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
	policy *bluemonday.Policy
}

// NewSanitizer builds the HTML policy: bluemonday's user-generated-content
// policy (no script, style, iframe, event handlers or javascript: URLs),
// plus figure and figcaption, which news bodies use for photos.
func NewSanitizer() *Sanitizer {
	p := bluemonday.UGCPolicy()
	p.AllowElements("figure", "figcaption")
	p.AllowAttrs("class").OnElements("figure")
	p.RequireNoReferrerOnLinks(false)
	return &Sanitizer{policy: p}
}

// Sanitize drops characters XML 1.0 forbids from every text field, and
// the bidirectional controls (article.IsBidiControl) from the plain-text
// ones (title, lead, source, section, tags, author names, image alt and
// credit), sanitizes the body and makes its links absolute against the
// article URL (feed readers show bodies out of their page).
func (c *Sanitizer) Sanitize(a *article.Article) {
	a.Title = plainText(a.Title)
	a.Lead = plainText(a.Lead)
	a.Source = plainText(a.Source)
	a.Section = plainText(a.Section)
	for i := range a.Tags {
		a.Tags[i] = plainText(a.Tags[i])
	}
	for i := range a.Authors {
		a.Authors[i].Name = plainText(a.Authors[i].Name)
	}
	if a.Image != nil {
		a.Image.Alt = plainText(a.Image.Alt)
		a.Image.Credit = plainText(a.Image.Credit)
	}
	a.Body = c.HTML(article.DropXMLForbidden(a.Body), a.URL)
}

// plainText is a plain-text field as stored: legal in XML, without
// bidirectional controls.
func plainText(s string) string { return article.DropBidi(article.DropXMLForbidden(s)) }

// HTML sanitizes an HTML body and resolves its relative links against base.
func (c *Sanitizer) HTML(body, base string) string {
	if strings.TrimSpace(body) == "" {
		return ""
	}
	clean := c.policy.Sanitize(body)
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
