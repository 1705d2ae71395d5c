package studio

import (
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestMatches(t *testing.T) {
	a := &article.Article{ID: "bta-2027-01", Slug: "byudzhet-2027-priet", Title: "Бюджет 2027\u00a0е приет"}
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"", true},
		{"  ", true},
		{"бюджет", true},
		{"БЮДЖЕТ 2027", true},
		{"е приет", true},       // the title's no-break space reads as a space
		{"byudzhet", true},      // the slug, in Latin letters
		{"Byudzhet 2027", true}, // slugified: byudzhet-2027
		{"bta-2027-01", true},   // the id
		{"bta-2027", false},     // part of an id is not an id
		{"бюджет 2028", false},
		{"<script>", false},
	} {
		if got := Matches(a, tc.q); got != tc.want {
			t.Errorf("Matches(%q) = %t, want %t", tc.q, got, tc.want)
		}
	}
}
