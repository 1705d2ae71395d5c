// Command emojipack writes the colour emoji the share card draws
// (../emoji: index.txt and glyphs.bin) from Noto Color Emoji, the font of
// Debian's fonts-noto-color-emoji (SIL OFL 1.1):
//
//	go generate ./internal/share/card
//
// That font keeps its glyphs as PNG strikes in the CBLC/CBDT tables, which
// golang.org/x/image/font/sfnt does not read (it reads glyf and CFF
// outlines), so this command has a small reader of its own for those two
// tables (cbdt.go) and for the GSUB ligatures that turn sequences (flags,
// keycaps, skin tones, ZWJ sequences) into one glyph (gsub.go); the cmap is
// read through sfnt. Each glyph is scaled once to the card's title size and
// re-encoded, so the service embeds a few small PNGs instead of the 11 MB
// font and never scales a title's emoji at request time.
package main
