package article

import "strings"

// ImageType guesses an image's MIME type from its URL's path (its
// extension), "" when unsure: the share page's og:image:type, the feeds'
// enclosures and the fediverse's attachments all ask it.
func ImageType(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	dot := strings.LastIndexByte(u, '.')
	if dot < 0 || strings.IndexByte(u[dot:], '/') >= 0 {
		return ""
	}
	switch strings.ToLower(u[dot+1:]) {
	case "jpg", "jpeg":
		return "image/jpeg"
	case "png":
		return "image/png"
	case "webp":
		return "image/webp"
	case "gif":
		return "image/gif"
	case "avif":
		return "image/avif"
	case "svg":
		return "image/svg+xml"
	}
	return ""
}
