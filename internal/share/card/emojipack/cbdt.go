package main

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// strike is one CBLC bitmap size: its ppem and where each glyph's PNG is
// in CBDT.
type strike struct {
	ppem   int
	glyphs map[uint16]bitmap
}

// bitmap is a glyph's PNG and its metrics at the strike's ppem.
type bitmap struct {
	width, height      int
	bearingX, bearingY int // from the origin to the bitmap's left and top edges
	advance            int
	png                []byte
}

var errShort = errors.New("table too short")

// reader reads big-endian values from an sfnt table, reporting the first
// out-of-range read in err rather than panicking.
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(off, n int) []byte {
	if r.err != nil {
		return nil
	}
	if off < 0 || n < 0 || off+n > len(r.b) {
		r.err = fmt.Errorf("%w: %d+%d of %d bytes", errShort, off, n, len(r.b))
		return nil
	}
	return r.b[off : off+n]
}

func (r *reader) u8(off int) int {
	if b := r.bytes(off, 1); b != nil {
		return int(b[0])
	}
	return 0
}

func (r *reader) i8(off int) int {
	if b := r.bytes(off, 1); b != nil {
		return int(int8(b[0]))
	}
	return 0
}

func (r *reader) u16(off int) int {
	if b := r.bytes(off, 2); b != nil {
		return int(binary.BigEndian.Uint16(b))
	}
	return 0
}

func (r *reader) u32(off int) int {
	if b := r.bytes(off, 4); b != nil {
		return int(binary.BigEndian.Uint32(b))
	}
	return 0
}

// readStrikes reads every strike of the CBLC table cblc whose glyph data is
// in cbdt. It knows index subtable formats 1 to 5 and glyph image formats
// 17 (small metrics + PNG), 18 (big metrics + PNG) and 19 (metrics in the
// index + PNG): those are all the formats the OpenType spec defines for
// colour bitmaps.
func readStrikes(cblc, cbdt []byte) ([]strike, error) {
	loc, data := &reader{b: cblc}, &reader{b: cbdt}
	if major := loc.u16(0); major != 3 || loc.err != nil {
		return nil, fmt.Errorf("CBLC: version %d, want 3 (%v)", major, loc.err)
	}
	n := loc.u32(4)
	if loc.err != nil {
		return nil, fmt.Errorf("CBLC: %w", loc.err)
	}
	var strikes []strike
	for i := range n {
		rec := 8 + 48*i
		arrayOff, numSub := loc.u32(rec), loc.u32(rec+8)
		s := strike{ppem: loc.u8(rec + 45), glyphs: map[uint16]bitmap{}}
		for j := range numSub {
			e := arrayOff + 8*j
			first, last := loc.u16(e), loc.u16(e+2)
			sub := arrayOff + loc.u32(e+4)
			if err := readSubtable(loc, data, sub, first, last, s.glyphs); err != nil {
				return nil, fmt.Errorf("strike %d (ppem %d), glyphs %d-%d: %w", i, s.ppem, first, last, err)
			}
		}
		if loc.err != nil {
			return nil, fmt.Errorf("CBLC: %w", loc.err)
		}
		strikes = append(strikes, s)
	}
	return strikes, nil
}

// readSubtable reads one index subtable at off (glyphs first to last) into
// glyphs.
func readSubtable(loc, data *reader, off, first, last int, glyphs map[uint16]bitmap) error {
	indexFormat, imageFormat, dataOff := loc.u16(off), loc.u16(off+2), loc.u32(off+4)
	body := off + 8
	// Each case gives each glyph's span in CBDT and, for formats 2 and 5,
	// the metrics every glyph shares.
	type span struct {
		glyph      int
		start, end int
	}
	var (
		spans []span
		big   *bitmap
	)
	switch indexFormat {
	case 1, 3: // an offset per glyph, plus one: 32 or 16 bits
		size := 4
		if indexFormat == 3 {
			size = 2
		}
		at := func(k int) int {
			if size == 4 {
				return loc.u32(body + 4*k)
			}
			return loc.u16(body + 2*k)
		}
		for g := first; g <= last; g++ {
			spans = append(spans, span{g, dataOff + at(g-first), dataOff + at(g-first+1)})
		}
	case 2: // one size and metrics for a run of glyphs
		imageSize := loc.u32(body)
		big = bigMetrics(loc, body+4)
		for g := first; g <= last; g++ {
			start := dataOff + (g-first)*imageSize
			spans = append(spans, span{g, start, start + imageSize})
		}
	case 4: // glyph id, offset pairs, sparse
		num := loc.u32(body)
		for k := range num {
			p := body + 4 + 4*k
			spans = append(spans, span{loc.u16(p), dataOff + loc.u16(p+2), dataOff + loc.u16(p+6)})
		}
	case 5: // one size and metrics, sparse glyph ids
		imageSize := loc.u32(body)
		big = bigMetrics(loc, body+4)
		num := loc.u32(body + 12)
		for k := range num {
			start := dataOff + k*imageSize
			spans = append(spans, span{loc.u16(body + 16 + 2*k), start, start + imageSize})
		}
	default:
		return fmt.Errorf("index subtable format %d is not defined", indexFormat)
	}
	if loc.err != nil {
		return loc.err
	}
	for _, sp := range spans {
		if sp.end <= sp.start {
			continue // no bitmap for this glyph
		}
		bm, err := readGlyph(data, imageFormat, sp.start, sp.end, big)
		if err != nil {
			return fmt.Errorf("glyph %d: %w", sp.glyph, err)
		}
		glyphs[uint16(sp.glyph)] = bm
	}
	return nil
}

// bigMetrics reads the 8-byte BigGlyphMetrics at off (horizontal values).
func bigMetrics(r *reader, off int) *bitmap {
	return &bitmap{height: r.u8(off), width: r.u8(off + 1), bearingX: r.i8(off + 2), bearingY: r.i8(off + 3), advance: r.u8(off + 4)}
}

// readGlyph reads the CBDT glyph record in [start, end).
func readGlyph(data *reader, format, start, end int, metrics *bitmap) (bitmap, error) {
	var (
		bm  bitmap
		off int
	)
	switch format {
	case 17: // SmallGlyphMetrics, uint32 length, PNG
		bm = bitmap{height: data.u8(start), width: data.u8(start + 1), bearingX: data.i8(start + 2), bearingY: data.i8(start + 3), advance: data.u8(start + 4)}
		off = start + 5
	case 18: // BigGlyphMetrics, uint32 length, PNG
		bm = *bigMetrics(data, start)
		off = start + 8
	case 19: // metrics in CBLC, uint32 length, PNG
		if metrics == nil {
			return bm, errors.New("image format 19 needs the index's metrics")
		}
		bm = *metrics
		off = start
	default:
		return bm, fmt.Errorf("image format %d is not a PNG format (17, 18, 19)", format)
	}
	n := data.u32(off)
	bm.png = data.bytes(off+4, n)
	if data.err != nil {
		return bm, fmt.Errorf("CBDT: %w", data.err)
	}
	if off+4+n > end {
		return bm, fmt.Errorf("PNG of %d bytes overruns its record", n)
	}
	return bm, nil
}
