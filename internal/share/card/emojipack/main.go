package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font/sfnt"
)

func main() {
	fontPath := flag.String("font", "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf", "Noto Color Emoji (Debian's fonts-noto-color-emoji)")
	out := flag.String("out", "emoji", "directory to write index.txt and glyphs.bin to")
	ppem := flag.Int("ppem", 60, "the size, in pixels per em, the glyphs are scaled to (the card's title size)")
	set := flag.String("set", "common", "which glyphs: common (every emoji of one code point, flags, keycaps) or all (also skin tones and ZWJ sequences)")
	flag.Parse()
	log.SetFlags(0)
	font, err := os.ReadFile(*fontPath)
	if err != nil {
		log.Fatalf("emojipack: %v (apt-get download fonts-noto-color-emoji && dpkg -x fonts-noto-color-emoji_*.deb x)", err)
	}
	glyphs, err := build(font, *ppem, *set)
	if err != nil {
		log.Fatalf("emojipack: %v", err)
	}
	index, blob := encode(glyphs)
	if err := os.WriteFile(filepath.Join(*out, "index.txt"), index, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "glyphs.bin"), blob, 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("emojipack: %d glyphs, index %d bytes, PNGs %d bytes", len(glyphs), len(index), len(blob))
}

// glyph is one emoji sequence and its bitmap scaled to the target ppem.
type glyph struct {
	seq []rune
	bitmap
}

// key is how index.txt names a sequence: its code points in hex, joined
// by "-" (as Noto's own file names do), "1f1e7-1f1ec" for 🇧🇬.
func key(seq []rune) string {
	parts := make([]string, len(seq))
	for i, r := range seq {
		parts[i] = strconv.FormatInt(int64(r), 16)
	}
	return strings.Join(parts, "-")
}

// build reads font's cmap, GSUB ligatures and largest CBDT strike and
// returns the glyphs of set, scaled to ppem, sorted by key.
func build(font []byte, ppem int, set string) ([]glyph, error) {
	tabs, err := tables(font)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"CBLC", "CBDT", "GSUB"} {
		if tabs[t] == nil {
			return nil, fmt.Errorf("the font has no %s table", t)
		}
	}
	strikes, err := readStrikes(tabs["CBLC"], tabs["CBDT"])
	if err != nil {
		return nil, err
	}
	if len(strikes) == 0 {
		return nil, fmt.Errorf("the font has no bitmap strike")
	}
	best := slices.MaxFunc(strikes, func(a, b strike) int { return a.ppem - b.ppem })
	ligs, skipped, err := readLigatures(tabs["GSUB"])
	if err != nil {
		return nil, err
	}
	if len(skipped) > 0 {
		log.Printf("emojipack: GSUB lookups of other types skipped (type: subtables): %v", skipped)
	}
	f, err := sfnt.Parse(font)
	if err != nil {
		return nil, err
	}
	// The cmap, both ways. sfnt looks code points up but does not list
	// them, so every code point is asked.
	var buf sfnt.Buffer
	byRune := map[rune]uint16{}
	runeOf := map[uint16]rune{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		g, err := f.GlyphIndex(&buf, r)
		if err != nil || g == 0 {
			continue
		}
		byRune[r] = uint16(g)
		if _, ok := runeOf[uint16(g)]; !ok {
			runeOf[uint16(g)] = r
		}
	}
	var seqs []glyph
	for r, g := range byRune {
		if bm, ok := best.glyphs[g]; ok && standalone(r) {
			seqs = append(seqs, glyph{seq: []rune{r}, bitmap: bm})
		}
	}
	for _, l := range ligs {
		bm, ok := best.glyphs[l.glyph]
		if !ok {
			continue
		}
		seq := make([]rune, len(l.components))
		for i, c := range l.components {
			r, ok := runeOf[c]
			if !ok {
				seq = nil
				break
			}
			seq[i] = r
		}
		if seq != nil && wanted(seq, set) {
			seqs = append(seqs, glyph{seq: seq, bitmap: bm})
		}
	}
	slices.SortStableFunc(seqs, func(a, b glyph) int { return slices.Compare(a.seq, b.seq) })
	seqs = slices.CompactFunc(seqs, func(a, b glyph) bool { return slices.Equal(a.seq, b.seq) })
	scale := float64(ppem) / float64(best.ppem)
	for i := range seqs {
		if seqs[i].bitmap, err = rescale(seqs[i].bitmap, scale); err != nil {
			return nil, fmt.Errorf("%s: %w", key(seqs[i].seq), err)
		}
	}
	return seqs, nil
}

// standalone reports whether r alone is an emoji worth a glyph: not ASCII
// (the keycap bases # * 0-9 are text on their own), not a joiner, space,
// variation selector, tag or combining mark.
func standalone(r rune) bool {
	return r >= 0x80 && !unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Zs, unicode.Variation_Selector)
}

// wanted reports whether set keeps a sequence of more than one code point.
// "common": flags (two regional indicators) and keycaps; "all": every one.
func wanted(seq []rune, set string) bool {
	if set == "all" {
		return true
	}
	isRI := func(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }
	switch {
	case len(seq) == 2 && isRI(seq[0]) && isRI(seq[1]):
		return true
	case len(seq) == 2 && seq[1] == 0x20e3:
		return true
	}
	return false
}

// rescale scales bm's PNG and metrics by s and re-encodes it.
func rescale(bm bitmap, s float64) (bitmap, error) {
	src, err := png.Decode(bytes.NewReader(bm.png))
	if err != nil {
		return bm, err
	}
	px := func(v int) int { return int(math.Round(float64(v) * s)) }
	out := bitmap{width: px(bm.width), height: px(bm.height), bearingX: px(bm.bearingX), bearingY: px(bm.bearingY), advance: px(bm.advance)}
	rect := image.Rect(0, 0, out.width, out.height)
	rgba := image.NewRGBA(rect)
	xdraw.CatmullRom.Scale(rgba, rect, src, src.Bounds(), xdraw.Src, nil)
	// Noto's PNGs are paletted; mapping the scaled glyph back onto its own
	// palette (nearest colour) keeps it a third of the truecolour size.
	var dst draw.Image = image.NewNRGBA(rect)
	if p, ok := src.(*image.Paletted); ok {
		dst = image.NewPaletted(rect, p.Palette)
	}
	draw.Draw(dst, rect, rgba, image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, dst); err != nil {
		return bm, err
	}
	out.png = b.Bytes()
	return out, nil
}

// encode writes index.txt (a line per glyph: key, width, height, bearing
// x, bearing y, advance, PNG bytes; the PNGs follow each other in
// glyphs.bin in this order) and glyphs.bin.
func encode(glyphs []glyph) (index, blob []byte) {
	var ix, bl bytes.Buffer
	ix.WriteString("# key width height bearingX bearingY advance pngBytes (generated by emojipack; see LICENSE)\n")
	for _, g := range glyphs {
		fmt.Fprintf(&ix, "%s %d %d %d %d %d %d\n", key(g.seq), g.width, g.height, g.bearingX, g.bearingY, g.advance, len(g.png))
		bl.Write(g.png)
	}
	return ix.Bytes(), bl.Bytes()
}
