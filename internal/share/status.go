package share

import (
	"fmt"
	"io"
	"net/http"

	"github.com/newsdesk/syndicate/internal/article"
)

// WriteStatusPage writes the small HTML page answered for an unknown or
// draft article (404) or a deleted one (410). It says nothing about why
// beyond the status, and carries noindex so search engines drop the share
// URL.
func (s *Site) WriteStatusPage(w io.Writer, status int) error {
	heading := "Статията не е намерена"
	if status == http.StatusGone {
		heading = "Статията е премахната"
	}
	b := make([]byte, 0, 1024)
	b = append(b, "<!DOCTYPE html>\n<html lang=\""...)
	b = appendAttr(b, s.Language)
	b = append(b, "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"robots\" content=\"noindex\">\n<title>"...)
	b = appendText(b, heading)
	b = append(b, " – "...)
	b = appendText(b, article.OneLine(s.Name))
	b = append(b, "</title>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n</head>\n<body>\n<main>\n<h1>"...)
	b = appendText(b, heading)
	b = append(b, "</h1>\n<p><a href=\""...)
	b = appendAttr(b, s.URL+"/")
	b = append(b, "\">Към началната страница на "...)
	b = appendText(b, article.OneLine(s.Name))
	b = append(b, "</a></p>\n</main>\n</body>\n</html>\n"...)
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("share: write %d page: %w", status, err)
	}
	return nil
}
