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
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := OneLine(tt.in); got != tt.want {
				t.Errorf("OneLine(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
