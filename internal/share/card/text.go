package card

import (
	"image"
	"image/color"
	"strings"
	"unicode"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// textFace is one size of one of the card's fonts together with the
// emoji: it measures and draws a line of text, each code point from the
// Go font when it has a glyph for it, from the emoji otherwise (or when a
// VS16 asks for the emoji), and not at all when neither has one, so no
// card shows a box (.notdef).
type textFace struct {
	face  font.Face
	size  int
	emoji *emojiSet
}

// segment is a piece of a line: text drawn with the face, or one emoji
// (text is then the code points it was made from).
type segment struct {
	text  string
	emoji *emojiGlyph
}

// Code points that shape an emoji sequence but are not drawn.
const (
	vs15 = '\uFE0E' // text presentation
	vs16 = '\uFE0F' // emoji presentation
)

// isSkinTone reports whether r is one of the five emoji modifiers.
func isSkinTone(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// invisible reports whether r is never drawn on its own: format
// characters (ZWJ, tags, bidi controls) and variation selectors.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector)
}

// has reports whether the face has a glyph for r.
func (t *textFace) has(r rune) bool {
	_, ok := t.face.GlyphAdvance(r)
	return ok
}

// segments splits s into text and emoji. Code points no font draws are
// dropped here.
func (t *textFace) segments(s string) []segment {
	rs := []rune(s)
	var (
		segs []segment
		run  strings.Builder
	)
	flush := func() {
		if run.Len() > 0 {
			segs = append(segs, segment{text: run.String()})
			run.Reset()
		}
	}
	for i := 0; i < len(rs); {
		if g, n := t.emojiAt(rs, i); n > 0 {
			flush()
			segs = append(segs, segment{text: string(rs[i : i+n]), emoji: g})
			i += n
			continue
		}
		r := rs[i]
		i++
		if !invisible(r) && t.has(r) {
			run.WriteRune(r)
		}
	}
	flush()
	return segs
}

// emojiAt finds the longest emoji sequence that starts at rs[i] and
// returns its glyph and how many code points it takes (with its variation
// selectors and a skin tone the glyphs lack: the emoji is then drawn in
// its default colour), or 0 when none starts there. A lone code point the
// text font also has (©, ™, ↔) is text unless a VS16 follows it, as
// Unicode's default presentation for those.
func (t *textFace) emojiAt(rs []rune, i int) (*emojiGlyph, int) {
	if t.emoji == nil || !t.emoji.parts[rs[i]] {
		return nil, 0
	}
	var (
		key  []rune
		ends []int // ends[k]: index after key[k] and its selectors
		vs   bool  // a VS16 follows the first code point
	)
	for j := i; j < len(rs) && len(key) < t.emoji.longest; j++ {
		switch r := rs[j]; {
		case r == vs15 || r == vs16:
			if len(key) == 0 {
				return nil, 0
			}
			ends[len(ends)-1] = j + 1
			vs = vs || (len(key) == 1 && r == vs16)
			continue
		case !t.emoji.parts[r] && !invisible(r):
			j = len(rs) // the sequence cannot go on
			continue
		}
		key = append(key, rs[j])
		ends = append(ends, j+1)
	}
	for n := len(key); n > 0; n-- {
		g, ok := t.emoji.glyphs[string(key[:n])]
		if !ok {
			continue
		}
		if n == 1 && !vs && t.has(key[0]) {
			return nil, 0
		}
		end := ends[n-1]
		for end < len(rs) && (isSkinTone(rs[end]) || rs[end] == vs16) {
			end++
		}
		return &g, end - i
	}
	return nil, 0
}

// clean is s without the code points no font draws and with its spaces
// collapsed, so what is measured is what is drawn.
func (t *textFace) clean(s string) string {
	var b strings.Builder
	for _, seg := range t.segments(s) {
		b.WriteString(seg.text)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// emojiScale is v, in pixels at emojiPPEM, at the face's size.
func (t *textFace) emojiScale(v int) int { return v * t.size / emojiPPEM }

// measure is the width s takes when drawn.
func (t *textFace) measure(s string) fixed.Int26_6 {
	var w fixed.Int26_6
	for _, seg := range t.segments(s) {
		if seg.emoji != nil {
			w += fixed.I(t.emojiScale(seg.emoji.advance))
			continue
		}
		w += font.MeasureString(t.face, seg.text)
	}
	return w
}

// draw draws s in c with its left end at x on baseline, emoji in their
// own colours.
func (t *textFace) draw(dst *image.RGBA, c color.RGBA, x, baseline int, s string) {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: t.face, Dot: fixed.P(x, baseline)}
	for _, seg := range t.segments(s) {
		if seg.emoji == nil {
			d.DrawString(seg.text)
			continue
		}
		g := seg.emoji
		if img, err := g.decode(); err == nil {
			left := d.Dot.X.Round() + t.emojiScale(g.bearingX)
			top := baseline - t.emojiScale(g.bearingY)
			rect := image.Rect(left, top, left+t.emojiScale(g.width), top+t.emojiScale(g.height))
			if rect.Size() == img.Bounds().Size() {
				xdraw.Draw(dst, rect, img, img.Bounds().Min, xdraw.Over)
			} else {
				xdraw.CatmullRom.Scale(dst, rect, img, img.Bounds(), xdraw.Over, nil)
			}
		}
		d.Dot.X += fixed.I(t.emojiScale(g.advance))
	}
}

// drawDot draws a round separator of radius rad centred at (cx, cy): the
// fonts' "·" sits too high in the Go fonts to read as one.
func drawDot(dst *image.RGBA, c color.RGBA, cx, cy, rad float32) {
	box := image.Rect(int(cx-rad)-1, int(cy-rad)-1, int(cx+rad)+2, int(cy+rad)+2)
	z := vector.NewRasterizer(box.Dx(), box.Dy())
	x, y := cx-float32(box.Min.X), cy-float32(box.Min.Y)
	// A circle from four cubic Béziers.
	const k = 0.5523 // (4/3)·tan(π/8)
	z.MoveTo(x+rad, y)
	z.CubeTo(x+rad, y+k*rad, x+k*rad, y+rad, x, y+rad)
	z.CubeTo(x-k*rad, y+rad, x-rad, y+k*rad, x-rad, y)
	z.CubeTo(x-rad, y-k*rad, x-k*rad, y-rad, x, y-rad)
	z.CubeTo(x+k*rad, y-rad, x+rad, y-k*rad, x+rad, y)
	z.ClosePath()
	z.Draw(dst, box, image.NewUniform(c), image.Point{})
}
