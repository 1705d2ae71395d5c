package article

import "testing"

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Южна Корея", "Южна Корея"},
		{"  a \n\t b  ", "a b"},
		{"a\x00b\x1bc\u0085d", "abc d"},
		{"a\u2028b", "a b"},
		{"bad \xff utf8", "bad utf8"},
		{"\ufeffBOM", "BOM"},
		{"Снимка\u202Egpj.exe", "Снимкаgpj.exe"},
		{"\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee", "abcde"},
		{"\u2066a\u2067b\u2068c\u2069", "abc"},
		{"\u200Ea\u200Fb\u061Cc", "abc"},
		{"ЗWJ 👩\u200D💻 stays", "ЗWJ 👩\u200D💻 stays"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := OneLine(tt.in); got != tt.want {
				t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDropBidi(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Южна Корея", "Южна Корея"},
		{"a\u202Eb\nc\u2066d", "ab\ncd"},
		{"\u200F\u200E\u061C", ""},
		{"a\u200Db", "a\u200Db"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := DropBidi(tt.in); got != tt.want {
				t.Errorf("DropBidi(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	for r := rune(0); r <= 0x10FFFF; r++ {
		want := r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
		if IsBidiControl(r) != want {
			t.Errorf("IsBidiControl(%U) = %v", r, !want)
		}
	}
}
