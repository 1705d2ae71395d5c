package card

import (
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

type opentypeBuffer = sfnt.Buffer

func fixedI(n int) fixed.Int26_6 { return fixed.I(n) }

func measure(face *textFace, s string) fixed.Int26_6 { return face.measure(s) }
