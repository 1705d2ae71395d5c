package card

import (
	"errors"
	"image"
	"image/png"
	"strings"
	"testing"
)

// TestSegments: what each kind of emoji sequence and unknown script
// becomes. "E" is an emoji (its source code points in brackets), other
// text is drawn with the Go font.
func TestSegments(t *testing.T) {
	r := newRenderer(t, nil)
	face := r.face(r.faces().bold, titleSize)
	show := func(s string) string {
		var b strings.Builder
		for _, seg := range face.segments(s) {
			if seg.emoji != nil {
				b.WriteString("E[" + seg.text + "]")
				continue
			}
			b.WriteString(seg.text)
		}
		return b.String()
	}
	tests := []struct{ name, in, want string }{
		{"single emoji", "Гол ⚽🔥", "Гол E[⚽]E[🔥]"},
		{"flag is one glyph", "🇧🇬!", "E[🇧🇬]!"},
		{"keycap", "1️⃣ и 1⃣ но 1", "E[1️⃣] и E[1⃣] но 1"},
		{"text default stays text", "© ™ ↔", "© ™ ↔"},
		{"VS16 asks for the emoji", "©️", "E[©️]"},
		{"VS15 on an emoji the font lacks still draws the emoji", "⚽︎", "E[⚽︎]"},
		{"heart without VS16", "❤", "E[❤]"},
		{"skin tone drawn in the default colour", "👍🏽x", "E[👍🏽]x"},
		{"ZWJ sequence falls back to its parts", "👨\u200d👩\u200d👧", "E[👨]E[👩]E[👧]"},
		{"tag sequence falls back to its base", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "E[🏴]"},
		{"unknown script dropped", "А中文Б ไทย", "АБ "},
		{"format characters dropped", "a\u200db\u202ec\u00ad", "abc"},
		{"Greek and punctuation", "„Ελλάδα“ – — …", "„Ελλάδα“ – — …"},
		{"lone variation selector", "\ufe0fа", "а"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(tt.in); got != tt.want {
				t.Errorf("segments(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := face.clean("Гол 中文 ⚽ !"); got != "Гол ⚽ !" {
		t.Errorf("clean = %q, want the unknown word gone and one space left", got)
	}
}

// TestNoBoxes: whatever the text, every code point drawn from the Go font
// has a glyph there (none is drawn as .notdef).
func TestNoBoxes(t *testing.T) {
	r := newRenderer(t, nil)
	face := r.face(r.faces().regular, footerSize)
	var all strings.Builder
	for c := rune(0x20); c < 0x20000; c += 7 {
		all.WriteRune(c)
	}
	for _, seg := range face.segments(all.String()) {
		if seg.emoji != nil {
			continue
		}
		for _, c := range seg.text {
			if !face.has(c) {
				t.Fatalf("%U is drawn from the Go font, which has no glyph for it", c)
			}
		}
	}
}

// TestEmojiPack: every embedded glyph decodes to the size its index line
// gives, and the pack has what titles use most.
func TestEmojiPack(t *testing.T) {
	set, err := parseEmoji(emojiIndex, emojiPNGs)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.glyphs) < 1500 {
		t.Errorf("%d glyphs, want the emoji of one code point, flags and keycaps (about 1700)", len(set.glyphs))
	}
	for key, g := range set.glyphs {
		img, err := png.Decode(strings.NewReader(g.png))
		if err != nil {
			t.Fatalf("%q: %v", key, err)
		}
		if img.Bounds() != image.Rect(0, 0, g.width, g.height) {
			t.Errorf("%q is %v, index says %dx%d", key, img.Bounds(), g.width, g.height)
		}
	}
	for _, s := range []string{"⚽", "🔥", "😀", "❤", "👍", "🇧🇬", "🇪🇺", "🇺🇦", "#⃣", "🎄", "✅"} {
		if _, ok := set.glyphs[s]; !ok {
			t.Errorf("no glyph for %q", s)
		}
	}
	for _, bad := range []string{"", "x 1 2 3 4 5 6", "1f600 75 70 0 56 75 999999999"} {
		if _, err := parseEmoji(bad, ""); err == nil && bad != "" {
			t.Errorf("parseEmoji(%q) accepted a bad index", bad)
		}
	}
}

// TestCreditOnlyWithPhoto: the credit belongs to the photo, so a card
// without its photo (none, or one that failed) is the same with or without
// a credit, and a card with the photo differs by it.
func TestCreditOnlyWithPhoto(t *testing.T) {
	with := seedCard()
	with.Credit = "Снимка: EPA/BGNES"
	for _, images := range []Images{nil, stubImages{err: errBoom}} {
		a, _ := renderPNG(t, newRenderer(t, images), seedCard())
		b, _ := renderPNG(t, newRenderer(t, images), with)
		if string(a) != string(b) {
			t.Errorf("images %v: the credit changed a card without its photo", images)
		}
	}
	r := newRenderer(t, stubImages{img: smoothPhoto(1600, 900)})
	a, _ := renderPNG(t, r, seedCard())
	b, _ := renderPNG(t, r, with)
	if string(a) == string(b) {
		t.Errorf("the credit is not on the card with its photo")
	}
}

var errBoom = errors.New("boom")

func BenchmarkParseEmoji(b *testing.B) {
	for b.Loop() {
		if _, err := parseEmoji(emojiIndex, emojiPNGs); err != nil {
			b.Fatal(err)
		}
	}
}
