package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"slices"
	"testing"
)

// be appends big-endian values: ints of the given byte widths.
type be struct{ b []byte }

func (w *be) u8(v int) *be  { w.b = append(w.b, byte(v)); return w }
func (w *be) u16(v int) *be { w.b = binary.BigEndian.AppendUint16(w.b, uint16(v)); return w }
func (w *be) u32(v int) *be { w.b = binary.BigEndian.AppendUint32(w.b, uint32(v)); return w }
func (w *be) raw(b []byte) *be {
	w.b = append(w.b, b...)
	return w
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReadStrikes builds a CBLC/CBDT pair by the OpenType spec: one strike
// at ppem 109 with glyphs 5-7 in index format 1 (glyph 6 has no bitmap)
// and image format 17, and glyph 9 in index format 4 with image format 18.
func TestReadStrikes(t *testing.T) {
	pngData := tinyPNG(t)
	cbdt := new(be).u16(3).u16(0)
	rec17 := func() int {
		off := len(cbdt.b)
		cbdt.u8(128).u8(136).u8(0).u8(101).u8(136).u32(len(pngData)).raw(pngData)
		return off
	}
	g5, g6 := rec17(), len(cbdt.b)
	g7 := rec17()
	end7 := len(cbdt.b)
	g9 := len(cbdt.b)
	cbdt.u8(30).u8(40).u8(1).u8(25).u8(0).u8(0).u8(0).u8(0).u32(len(pngData)).raw(pngData)
	end9 := len(cbdt.b)

	const arrayOff = 8 + 48
	cblc := new(be).u16(3).u16(0).u32(1)
	// BitmapSize: array offset, tables size, number of subtables, colorRef,
	// two 12-byte line metrics, first/last glyph, ppemX, ppemY, depth, flags.
	cblc.u32(arrayOff).u32(0).u32(2).u32(0).raw(make([]byte, 24)).u16(5).u16(9).u8(109).u8(109).u8(32).u8(1)
	sub1 := 16
	sub2 := sub1 + 8 + 4*4
	cblc.u16(5).u16(7).u32(sub1).u16(9).u16(9).u32(sub2)
	cblc.u16(1).u16(17).u32(0).u32(g5).u32(g6).u32(g7).u32(end7)
	cblc.u16(4).u16(18).u32(g9).u32(1).u16(9).u16(0).u16(0).u16(end9 - g9)

	strikes, err := readStrikes(cblc.b, cbdt.b)
	if err != nil {
		t.Fatal(err)
	}
	if len(strikes) != 1 || strikes[0].ppem != 109 {
		t.Fatalf("strikes = %+v", strikes)
	}
	got := strikes[0].glyphs
	if _, ok := got[6]; ok || len(got) != 3 {
		t.Fatalf("glyphs %v, want 5, 7 and 9", slices.Sorted(func(yield func(uint16) bool) {
			for g := range got {
				if !yield(g) {
					return
				}
			}
		}))
	}
	if g := got[5]; g.width != 136 || g.height != 128 || g.bearingY != 101 || g.advance != 136 || !bytes.Equal(g.png, pngData) {
		t.Errorf("glyph 5 = %+v", g)
	}
	if g := got[9]; g.width != 40 || g.height != 30 || g.bearingX != 1 || g.bearingY != 25 || !bytes.Equal(g.png, pngData) {
		t.Errorf("glyph 9 = %+v", g)
	}
	// Every truncation is an error, never a panic.
	for n := range len(cblc.b) {
		if _, err := readStrikes(cblc.b[:n], cbdt.b); err == nil && n < len(cblc.b)-4 {
			t.Errorf("CBLC cut at %d bytes read without error", n)
		}
	}
	for n := range len(cbdt.b) {
		_, _ = readStrikes(cblc.b, cbdt.b[:n])
	}
}

// TestReadLigatures builds a GSUB with an extension lookup holding a
// ligature substitution (glyphs 10 11 12 -> 40, 10 13 -> 41) and a lookup
// of another type, which is counted as skipped.
func TestReadLigatures(t *testing.T) {
	g := new(be)
	g.u16(1).u16(0).u16(0).u16(0).u16(10) // header: LookupList at 10
	// LookupList: 2 lookups.
	g.u16(2).u16(6).u16(0) // offsets from the LookupList (at 10); lookup 1's is set below
	// Lookup 0 at 16: type 7, flag, 1 subtable at +8.
	g.u16(7).u16(0).u16(1).u16(8)
	// Extension at 24: format 1, type 4, offset +8 to the ligature subst.
	g.u16(1).u16(4).u32(8)
	// LigatureSubst at 32: format 1, coverage at +8, 1 set at +14.
	g.u16(1).u16(8).u16(1).u16(14)
	// Coverage at +8: format 1, 1 glyph: 10.
	g.u16(1).u16(1).u16(10)
	// LigatureSet at +14: 2 ligatures at +6 and +14 (from the set).
	g.u16(2).u16(6).u16(14)
	g.u16(40).u16(3).u16(11).u16(12)
	g.u16(41).u16(2).u16(13)
	// Lookup 1: type 1 (single substitution), one subtable.
	l1 := len(g.b)
	g.u16(1).u16(0).u16(1).u16(8).u16(1).u16(0)
	binary.BigEndian.PutUint16(g.b[14:], uint16(l1-10))
	ligs, skipped, err := readLigatures(g.b)
	if err != nil {
		t.Fatal(err)
	}
	want := []ligature{{[]uint16{10, 11, 12}, 40}, {[]uint16{10, 13}, 41}}
	if len(ligs) != 2 || !slices.Equal(ligs[0].components, want[0].components) || ligs[0].glyph != 40 ||
		!slices.Equal(ligs[1].components, want[1].components) || ligs[1].glyph != 41 {
		t.Errorf("ligatures = %+v, want %+v", ligs, want)
	}
	if len(skipped) != 1 || skipped[1] != 1 {
		t.Errorf("skipped = %v, want lookup 1's subtable of type 1", skipped)
	}
	for n := range len(g.b) {
		_, _, _ = readLigatures(g.b[:n])
	}
}

func TestKeyAndWanted(t *testing.T) {
	if got := key([]rune("🇧🇬")); got != "1f1e7-1f1ec" {
		t.Errorf("key = %q", got)
	}
	tests := []struct {
		seq         string
		common, all bool
	}{
		{"🇧🇬", true, true},
		{"#\u20e3", true, true},
		{"👍🏽", false, true},
		{"👨\u200d👩\u200d👧", false, true},
	}
	for _, tt := range tests {
		if got := wanted([]rune(tt.seq), "common"); got != tt.common {
			t.Errorf("wanted(%q, common) = %v", tt.seq, got)
		}
		if got := wanted([]rune(tt.seq), "all"); got != tt.all {
			t.Errorf("wanted(%q, all) = %v", tt.seq, got)
		}
	}
	for _, r := range []rune{'#', '1', 0x200d, 0xfe0f, 0x20e3, 0xe0067, ' '} {
		if standalone(r) {
			t.Errorf("standalone(%U) = true", r)
		}
	}
	if !standalone(0x26bd) || !standalone(0xa9) {
		t.Errorf("⚽ and © are emoji on their own")
	}
}
