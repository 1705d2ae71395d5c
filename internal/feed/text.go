package feed

import "github.com/newsdesk/syndicate/internal/article"

// cleanAll cleans every string of ss, copying the slice only when one of
// them changes.
func cleanAll(ss []string) []string {
	for i, s := range ss {
		// XMLText only ever removes bytes: a clean string keeps its length.
		if len(article.XMLText(s)) != len(s) {
			out := make([]string, len(ss))
			copy(out, ss[:i])
			for j := i; j < len(ss); j++ {
				out[j] = article.XMLText(ss[j])
			}
			return out
		}
	}
	return ss
}
