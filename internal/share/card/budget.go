package card

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
)

// DecodeCost estimates the bytes Go's decoder for format ("jpeg", "png",
// "webp", as image.DecodeConfig names them) allocates to decode data, a
// cfg.Width×cfg.Height image: what the photo costs in memory, which its
// file size does not tell (a 313 KB progressive CMYK JPEG of 6000×6666
// costs about 960 MB). It reads the few header fields that decide it
// (colour model, bit depth, sampling, progressive or interlaced) and errs
// on the high side; an unknown format or a header it cannot read is an
// error.
//
// The figures follow the standard library and golang.org/x/image decoders:
//
//   - JPEG: one byte per sample of every component, padded to whole MCUs,
//     at the component's own sampling (4:2:0 YCbCr is 1.5 bytes a pixel,
//     4:4:4 is 3, CMYK 4); a progressive JPEG keeps every DCT coefficient
//     until the end, an int32 per sample, four more bytes a sample; CMYK
//     is then converted into a new 4-byte-a-pixel image, and RGB (an Adobe
//     transform 0 or R, G, B component IDs) into a new RGBA one.
//   - PNG: the image it decodes into (gray 1 or 2 bytes a pixel, RGB and
//     gray with alpha widened to 4 or 8, RGBA 4 or 8, paletted 1); an
//     interlaced PNG decodes its seven passes into images of their own and
//     then copies them, twice the bytes.
//   - WebP: lossy is 4:2:0 YCbCr (1.5 bytes a pixel); lossless, and lossy
//     with alpha (whose alpha is a lossless image), keep ARGB words
//     besides the result, counted 8.
func DecodeCost(format string, data []byte, cfg image.Config) (int64, error) {
	w, h := int64(cfg.Width), int64(cfg.Height)
	if w <= 0 || h <= 0 {
		return 0, fmt.Errorf("card: %s of %d×%d pixels", format, w, h)
	}
	switch format {
	case "jpeg":
		return jpegCost(data, w, h)
	case "png":
		return pngCost(data, w, h)
	case "webp":
		return webpCost(data, w, h), nil
	}
	return 0, fmt.Errorf("card: no decode budget for format %q", format)
}

// jpegCost reads the frame header (SOFn) for the components' sampling and
// whether the JPEG is progressive, and the JFIF and Adobe markers for RGB.
func jpegCost(data []byte, w, h int64) (int64, error) {
	type comp struct {
		id   byte
		h, v int64
	}
	var (
		comps       []comp
		progressive bool
		jfif        bool
		adobe       = -1 // Adobe transform, -1 for none
	)
	i := 2 // after SOI
	for comps == nil {
		for i < len(data) && data[i] != 0xff {
			i++
		}
		for i < len(data) && data[i] == 0xff {
			i++ // fill bytes
		}
		if i >= len(data) {
			return 0, fmt.Errorf("card: JPEG without a frame header")
		}
		m := data[i]
		i++
		if m == 0x01 || m >= 0xd0 && m <= 0xd8 {
			continue // no length
		}
		if i+2 > len(data) {
			return 0, fmt.Errorf("card: JPEG truncated in its header")
		}
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 2 || i+n > len(data) {
			return 0, fmt.Errorf("card: JPEG marker length %d out of range", n)
		}
		seg := data[i+2 : i+n]
		i += n
		switch {
		case m == 0xda: // SOS before SOF
			return 0, fmt.Errorf("card: JPEG scan before its frame header")
		case m == 0xe0 && bytes.HasPrefix(seg, []byte("JFIF\x00")):
			jfif = true
		case m == 0xee && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")):
			adobe = int(seg[11])
		case m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc:
			if len(seg) < 6 {
				return 0, fmt.Errorf("card: JPEG frame header too short")
			}
			nc := int(seg[5])
			if nc == 0 || len(seg) < 6+3*nc {
				return 0, fmt.Errorf("card: JPEG frame header with %d components", nc)
			}
			for c := range nc {
				hv := seg[6+3*c+1]
				comps = append(comps, comp{id: seg[6+3*c], h: max(1, int64(hv>>4)), v: max(1, int64(hv&0x0f))})
			}
			progressive = m == 0xc2 || m == 0xc6 || m == 0xca || m == 0xce
		}
	}
	var hmax, vmax int64 = 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	// Whole MCUs, as the decoder allocates them.
	mcusX, mcusY := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
	var samples int64
	for _, c := range comps {
		samples += mcusX * 8 * c.h * mcusY * 8 * c.v
	}
	cost := samples
	if progressive {
		cost += 4 * samples
	}
	switch {
	case len(comps) == 4:
		cost += 4 * w * h // converted to image.CMYK
	case len(comps) == 3 && !jfif && (adobe == 0 || comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B'):
		cost += 4 * w * h // converted to image.RGBA
	}
	return cost, nil
}

// pngCost reads IHDR: bit depth, colour type and interlace method.
func pngCost(data []byte, w, h int64) (int64, error) {
	// Signature (8), IHDR length and type (8), width and height (8), then
	// depth, colour type, compression, filter, interlace.
	if len(data) < 29 || string(data[12:16]) != "IHDR" {
		return 0, fmt.Errorf("card: PNG without IHDR")
	}
	depth, ctype, interlace := data[24], data[25], data[28]
	var perPixel int64
	switch ctype {
	case 0: // gray
		perPixel = 1
		if depth == 16 {
			perPixel = 2
		}
	case 3: // paletted
		perPixel = 1
	case 2, 4, 6: // RGB, gray with alpha, RGBA: 8 bits a channel become 4 bytes, 16 bits 8
		perPixel = 4
		if depth == 16 {
			perPixel = 8
		}
	default:
		return 0, fmt.Errorf("card: PNG colour type %d", ctype)
	}
	cost := perPixel * w * h
	if interlace != 0 {
		cost *= 2
	}
	return cost, nil
}

// webpCost tells lossy from the rest by the first chunk. The extended
// format (VP8X) is counted as lossless: its alpha channel, the reason it
// is used, is itself a lossless image to the decoder.
func webpCost(data []byte, w, h int64) int64 {
	if len(data) >= 16 && string(data[12:16]) == "VP8 " {
		return w * h * 3 / 2
	}
	return w * h * 8
}
