package feed

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"ascii", "plain ASCII text, long enough for words\tand\nlines\r\n"},
		{"cyrillic", "Южна Корея и НАТО се споразумяха „бързо“ & ясно"},
		{"emoji", "🇧🇬 🙂 €"},
		{"nul", "a\x00b"},
		{"controls in a word", "abcdefg\x01hijklmnop"},
		{"escape at end", "Заглавие\x1b"},
		{"vertical tab", "12345678\v"},
		{"del is allowed", "a\x7fb"},
		{"fffe", "ab\uFFFEcd"},
		{"ffff", "Новини\uFFFF"},
		{"fffd is allowed", "a\uFFFDb"},
		{"surrogate", "a\xed\xa0\x80b"},
		{"bad utf8", "Ю\xd0"},
		{"lone continuation", "abc\x80defghijkl"},
		{"overlong", "a\xc0\xafb"},
		{"truncated 3-byte", "\xe2\x82"},
		{"4-byte", "𝄞 music"},
		{"efbf prefix valid", "\uFFFC\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := article.XMLText(tt.in)
			if got := cleanText(tt.in); got != want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, want)
			}
			if got, want := textIsClean(tt.in), want == tt.in && utf8.ValidString(tt.in); got != want {
				t.Errorf("textIsClean(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// TestTextIsCleanExhaustive agrees with article.XMLText on every one- and
// two-byte string placed at every offset of an eight-byte window.
func TestTextIsCleanExhaustive(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for pad := 0; pad < 9; pad += 4 {
				s := strings.Repeat("x", pad) + string([]byte{byte(a), byte(b)}) + "yyyyyyyy"
				want := article.XMLText(s) == s
				if got := textIsClean(s); got != want {
					t.Fatalf("textIsClean(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}
