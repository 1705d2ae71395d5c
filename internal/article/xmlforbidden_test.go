package article

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDropXMLForbiddenFastPath(t *testing.T) {
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
			want := stripXML(tt.in)
			if got := DropXMLForbidden(tt.in); got != want {
				t.Errorf("DropXMLForbidden(%q) = %q, want %q", tt.in, got, want)
			}
			if got, want := xmlAllowed(tt.in), want == tt.in && utf8.ValidString(tt.in); got != want {
				t.Errorf("xmlAllowed(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// TestXMLCleanExhaustive: the fast scan agrees with the plain rune-by-rune
// reference (stripXML) on every one- and two-byte string placed at every
// offset of an eight-byte window.
func TestXMLCleanExhaustive(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for pad := 0; pad < 9; pad += 4 {
				s := strings.Repeat("x", pad) + string([]byte{byte(a), byte(b)}) + "yyyyyyyy"
				want := stripXML(s) == s
				if got := xmlAllowed(s); got != want {
					t.Fatalf("xmlAllowed(%q) = %v, want %v", s, got, want)
				}
			}
		}
	}
}

// BenchmarkDropXMLForbidden: a clean 5 KB Bulgarian HTML body, the case of every
// feed render, against the rune-by-rune reference.
func BenchmarkDropXMLForbidden(b *testing.B) {
	body := strings.Repeat("<p>Южна Корея и НАТО се споразумяха да създадат консултантска група, съобщи БТА.</p>\n", 40)
	b.Run("DropXMLForbidden", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = DropXMLForbidden(body)
		}
	})
	b.Run("reference", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			_ = stripXML(body)
		}
	})
}

func TestDropXMLForbidden(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clean", "Южна Корея\tи\nНАТО\r", "Южна Корея\tи\nНАТО\r"},
		{"C0 controls", "a\x00b\x08c\x1fd", "abcd"},
		{"FFFE FFFF", "a\uFFFEb\uFFFFc", "abc"},
		{"invalid UTF-8", "a\xffb\xc3\x28c", "ab(c"},
		{"encoded surrogate", "a\xed\xa0\x80b", "ab"},
		{"CDATA end stays", "a ]]> b", "a ]]> b"},
		{"emoji stays", "🎉", "🎉"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DropXMLForbidden(tt.in); got != tt.want {
				t.Errorf("DropXMLForbidden(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("clean text does not allocate", func(t *testing.T) {
		s := "Южна Корея и НАТО се споразумяха"
		if n := testing.AllocsPerRun(100, func() { _ = DropXMLForbidden(s) }); n != 0 {
			t.Errorf("allocs = %v, want 0", n)
		}
	})
}
