package card

import (
	_ "embed"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
)

//go:generate go run ./emojipack -out emoji

// The colour emoji a card draws: a subset of Noto Color Emoji (SIL OFL 1.1,
// emoji/LICENSE) made by emojipack from Debian's fonts-noto-color-emoji
// 2.042: every emoji of one code point, the flags and the keycaps, scaled
// to the title's size (emojiPPEM). index.txt has a line per glyph, the
// PNGs follow each other in glyphs.bin in its order.
var (
	//go:embed emoji/index.txt
	emojiIndex string
	//go:embed emoji/glyphs.bin
	emojiPNGs string
)

// emojiPPEM is the size the embedded glyphs were scaled to (emojipack
// -ppem): the title's.
const emojiPPEM = titleSize

// emojiGlyph is one emoji's PNG and its metrics at emojiPPEM, in pixels.
type emojiGlyph struct {
	width, height, bearingX, bearingY, advance int
	png                                        string
}

// emojiSet finds the glyph of an emoji sequence. Keys are the sequence's
// code points without variation selectors (the font's sequences have
// none), as a string.
type emojiSet struct {
	glyphs map[string]emojiGlyph
	// parts holds every code point that is part of some key, so text can
	// be cleaned of what no font draws without losing a sequence's parts.
	parts map[rune]bool
	// longest is the most code points in one key.
	longest int
}

// parseEmoji reads the embedded index.
func parseEmoji(index, pngs string) (*emojiSet, error) {
	set := &emojiSet{glyphs: map[string]emojiGlyph{}, parts: map[rune]bool{}}
	off := 0
	for n, line := range strings.Split(strings.TrimSpace(index), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 7 {
			return nil, fmt.Errorf("card: emoji index line %d: %d fields, want 7", n+1, len(f))
		}
		var nums [6]int
		for i := range nums {
			v, err := strconv.Atoi(f[i+1])
			if err != nil || v < -1000 || v > 1<<20 {
				return nil, fmt.Errorf("card: emoji index line %d: bad number %q", n+1, f[i+1])
			}
			nums[i] = v
		}
		var key []rune
		for _, h := range strings.Split(f[0], "-") {
			r, err := strconv.ParseInt(h, 16, 32)
			if err != nil {
				return nil, fmt.Errorf("card: emoji index line %d: bad code point %q", n+1, h)
			}
			key = append(key, rune(r))
			set.parts[rune(r)] = true
		}
		size := nums[5]
		if size < 0 || off+size > len(pngs) {
			return nil, fmt.Errorf("card: emoji index line %d: PNG past the end of glyphs.bin", n+1)
		}
		set.glyphs[string(key)] = emojiGlyph{width: nums[0], height: nums[1], bearingX: nums[2], bearingY: nums[3], advance: nums[4], png: pngs[off : off+size]}
		off += size
		set.longest = max(set.longest, len(key))
	}
	if off != len(pngs) {
		return nil, fmt.Errorf("card: emoji index covers %d of %d bytes of glyphs.bin", off, len(pngs))
	}
	return set, nil
}

// decode decodes g's PNG.
func (g emojiGlyph) decode() (image.Image, error) {
	return png.Decode(strings.NewReader(g.png))
}
