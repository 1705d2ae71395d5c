package main

import "fmt"

// tables reads the sfnt table directory of font: tag to the table's bytes.
func tables(font []byte) (map[string][]byte, error) {
	r := &reader{b: font}
	n := r.u16(4)
	out := make(map[string][]byte, n)
	for i := range n {
		rec := 12 + 16*i
		tag := string(r.bytes(rec, 4))
		off, length := r.u32(rec+8), r.u32(rec+12)
		b := r.bytes(off, length)
		if r.err != nil {
			return nil, fmt.Errorf("table directory: %w", r.err)
		}
		out[tag] = b
	}
	return out, nil
}

// ligature is a GSUB ligature: the glyphs it replaces, in order, and the
// glyph it gives.
type ligature struct {
	components []uint16
	glyph      uint16
}

// readLigatures reads every ligature substitution (lookup type 4, also
// inside extension lookups, type 7) of the GSUB table gsub, in lookup
// order. Emoji fonts use them for sequences: the regional indicators of a
// flag, a keycap, a skin tone, a ZWJ sequence. Other lookup types are
// reported in skipped, by type, so a font that needs them is noticed.
func readLigatures(gsub []byte) (ligs []ligature, skipped map[int]int, err error) {
	r := &reader{b: gsub}
	lookups := r.u16(8)
	skipped = map[int]int{}
	for i := range r.u16(lookups) {
		l := lookups + r.u16(lookups+2+2*i)
		typ, n := r.u16(l), r.u16(l+4)
		for j := range n {
			sub := l + r.u16(l+6+2*j)
			t := typ
			if t == 7 { // extension: the real type and a 32-bit offset
				t = r.u16(sub + 2)
				sub += r.u32(sub + 4)
			}
			if t != 4 {
				skipped[t]++
				continue
			}
			ligs = append(ligs, ligatureSubst(r, sub)...)
		}
	}
	if r.err != nil {
		return nil, nil, fmt.Errorf("GSUB: %w", r.err)
	}
	return ligs, skipped, nil
}

// ligatureSubst reads a LigatureSubstFormat1 subtable at off.
func ligatureSubst(r *reader, off int) []ligature {
	first := coverage(r, off+r.u16(off+2))
	var out []ligature
	for k := range r.u16(off + 4) {
		if k >= len(first) {
			r.err = fmt.Errorf("ligature set %d has no coverage glyph", k)
			return nil
		}
		set := off + r.u16(off+6+2*k)
		for m := range r.u16(set) {
			lig := set + r.u16(set+2+2*m)
			comps := []uint16{first[k]}
			for c := range r.u16(lig+2) - 1 {
				comps = append(comps, uint16(r.u16(lig+4+2*c)))
			}
			out = append(out, ligature{components: comps, glyph: uint16(r.u16(lig))})
		}
	}
	return out
}

// coverage reads a Coverage table: its glyphs in coverage index order.
func coverage(r *reader, off int) []uint16 {
	var out []uint16
	switch r.u16(off) {
	case 1:
		for i := range r.u16(off + 2) {
			out = append(out, uint16(r.u16(off+4+2*i)))
		}
	case 2:
		for i := range r.u16(off + 2) {
			rec := off + 4 + 6*i
			for g := r.u16(rec); g <= r.u16(rec+2); g++ {
				out = append(out, uint16(g))
			}
		}
	default:
		r.err = fmt.Errorf("coverage format %d is not defined", r.u16(off))
	}
	return out
}
