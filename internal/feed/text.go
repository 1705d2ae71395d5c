package feed

import (
	"html"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// dropXMLForbiddenAll cleans every string of ss, copying the slice only when one of
// them changes.
func dropXMLForbiddenAll(ss []string) []string {
	for i, s := range ss {
		// DropXMLForbidden only ever removes bytes: a clean string keeps its length.
		if len(article.DropXMLForbidden(s)) != len(s) {
			out := make([]string, len(ss))
			copy(out, ss[:i])
			for j := i; j < len(ss); j++ {
				out[j] = article.DropXMLForbidden(ss[j])
			}
			return out
		}
	}
	return ss
}

// byline is every author's name in order, joined by ", ": "Иван Петров,
// Мария Иванова". RSS readers (Miniflux, Python feedparser) keep one
// dc:creator per item, the last, so RSS carries the names as one.
func byline(a *article.Article) string {
	var b strings.Builder
	for _, au := range a.Authors {
		name := article.DropXMLForbidden(au.Name)
		if name == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name)
	}
	return b.String()
}

// sourceLabel starts the agency credit under an article's content.
const sourceLabel = "Източник: "

// contentHTML is an article's content in every format: the body, and after
// it the agency credit ("Източник: БТА") as a paragraph, since no feed
// element for a source is shown by common readers (Miniflux shows none,
// feedparser's only in its API) while every reader shows the content. An
// article without a body but with a source gets its lead as the first
// paragraph. A body that already credits the source ("Източник: ... БТА")
// is left as it is. Empty when there is neither body nor source.
func contentHTML(a *article.Article) string {
	body := article.DropXMLForbidden(a.Body)
	src := article.DropXMLForbidden(a.Source)
	if src == "" || credited(body, src) {
		return body
	}
	if body == "" {
		if lead := jsonContentText(a); lead != "" {
			body = "<p>" + html.EscapeString(lead) + "</p>"
		}
	}
	return body + `<p class="source">` + sourceLabel + html.EscapeString(src) + "</p>"
}

// credited reports whether body already has a "Източник: " line that names
// src (as text or inside a link).
func credited(body, src string) bool {
	i := strings.Index(body, sourceLabel)
	if i < 0 {
		return false
	}
	line := body[i:]
	if end := strings.Index(line, "</p>"); end >= 0 {
		line = line[:end]
	}
	return strings.Contains(line, html.EscapeString(src))
}
