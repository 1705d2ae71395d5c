package share

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTrim(t *testing.T) {
	title := "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "кратко", 70, "кратко"},
		{"exact", title, utf8.RuneCountInString(title), title},
		{"word boundary", title, 40, "Южна Корея и НАТО се споразумяха за…"},
		{"before a space", "една две три", 9, "една две…"},
		{"trailing comma", "едно, две три", 8, "едно…"},
		{"one long word", strings.Repeat("я", 20), 10, strings.Repeat("я", 9) + "…"},
		{"zero", "abc", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Trim(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Trim(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.max {
				t.Errorf("Trim(%q, %d) has %d runes, over the limit", tt.in, tt.max, n)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://news.example.bg/a?b=c", "https://news.example.bg/a?b=c"},
		{"HTTP://news.example.bg/", "http://news.example.bg/"},
		{"javascript:alert(1)", ""},
		{"JaVaScRiPt:alert(1)", ""},
		{"data:text/html,<script>", ""},
		{"//news.example.bg/x", ""},
		{"/relative", ""},
		{"https://x.example/\"><script>", "https://x.example/%22%3E%3Cscript%3E"},
		{"https://x.example/\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := safeURL(tt.in); got != tt.want {
				t.Errorf("safeURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendEscaped(t *testing.T) {
	got := string(appendAttr(nil, "a&b<c>d\"e'f\x00g\u0085h"))
	want := "a&amp;b&lt;c&gt;d&#34;e&#39;fgh"
	if got != want {
		t.Errorf("appendAttr = %q, want %q", got, want)
	}
}
