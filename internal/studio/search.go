package studio

import (
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// MaxQuery is the longest search the index takes, in characters.
const MaxQuery = 100

// Matches reports whether a is a hit for the index's search q: its title
// contains q ignoring case, or its slug contains q's slug (so "бюджет"
// and "byudzhet" both find "Бюджет 2027" at byudzhet-2027), or q is its
// ID. An empty q matches everything.
func Matches(a *article.Article, q string) bool {
	q = strings.TrimSpace(q)
	if q == "" || a.ID == q {
		return true
	}
	if strings.Contains(strings.ToLower(article.OneLine(a.Title)), strings.ToLower(q)) {
		return true
	}
	s := article.Slugify(q)
	return s != "" && strings.Contains(a.Slug, s)
}
