package article

import "testing"

func TestImageType(t *testing.T) {
	for u, want := range map[string]string{
		"https://img.example.bg/a.jpg":           "image/jpeg",
		"https://img.example.bg/a.JPEG?w=1200":   "image/jpeg",
		"https://img.example.bg/a.png#x":         "image/png",
		"https://img.example.bg/a.webp":          "image/webp",
		"https://img.example.bg/a.gif":           "image/gif",
		"https://img.example.bg/a.avif":          "image/avif",
		"https://img.example.bg/logo.svg":        "image/svg+xml",
		"https://img.example.bg/photo":           "",
		"https://img.example.bg/a.jpg/variant":   "",
		"https://img.example.bg/file.txt":        "",
		"https://img.example.bg/render?f=a.jpg/": "",
	} {
		if got := ImageType(u); got != want {
			t.Errorf("ImageType(%q) = %q, want %q", u, got, want)
		}
	}
}
