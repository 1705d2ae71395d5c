package feed

import "github.com/newsdesk/syndicate/internal/article"

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
