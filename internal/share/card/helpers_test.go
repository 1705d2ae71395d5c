package card

import (
	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

type opentypeBuffer = sfnt.Buffer

func fixedI(n int) fixed.Int26_6 { return fixed.I(n) }

func measure(face font.Face, s string) fixed.Int26_6 { return font.MeasureString(face, s) }
