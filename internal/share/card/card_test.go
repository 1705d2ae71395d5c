package card

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/opentype"
)

var brand = color.RGBA{0x9b, 0x1c, 0x1c, 0xff}

func seedCard() Card {
	return Card{
		Title:    "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		SiteName: "Новини",
		Section:  "Свят",
		Date:     time.Date(2025, 12, 18, 9, 15, 0, 0, time.UTC),
		ImageURL: "https://img.news.example.bg/2025/12/nato-korea.jpg",
	}
}

// photo is a deterministic photo-like picture: gradients with noise, the
// hard case for PNG.
func photo(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := r.IntN(24)
			img.SetRGBA(x, y, color.RGBA{uint8(x * 200 / w), uint8(y * 200 / h), uint8(80 + n*2), 0xff})
		}
	}
	return img
}

type stubImages struct {
	img image.Image
	err error
}

func (s stubImages) Fetch(context.Context, string) (image.Image, error) { return s.img, s.err }

func newRenderer(t testing.TB, images Images) *Renderer {
	t.Helper()
	r, err := New(Options{Background: brand, Images: images})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func renderPNG(t testing.TB, r *Renderer, c Card) ([]byte, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := r.Render(context.Background(), &buf, c)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return buf.Bytes(), res
}

func TestRender(t *testing.T) {
	tests := []struct {
		name      string
		images    Images
		withImage bool
		imageErr  bool
	}{
		{"text only", nil, false, false},
		{"with photo", stubImages{img: photo(1600, 900)}, true, false},
		{"photo fails", stubImages{err: errors.New("boom")}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRenderer(t, tt.images)
			data, res := renderPNG(t, r, seedCard())
			if res.WithImage != tt.withImage || (res.ImageErr != nil) != tt.imageErr {
				t.Errorf("Result = %+v, want WithImage %v, ImageErr %v", res, tt.withImage, tt.imageErr)
			}
			if res.Bytes != len(data) || len(data) > MaxBytes {
				t.Errorf("card is %d bytes (Result says %d), want at most %d", len(data), res.Bytes, MaxBytes)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if b := img.Bounds(); b.Dx() != Width || b.Dy() != Height {
				t.Fatalf("card is %v, want %dx%d", b, Width, Height)
			}
			// The title area must hold text: pixels that are not the
			// brand colour.
			ink := 0
			for y := titleTop; y < titleBottom; y++ {
				for x := margin; x < Width-photoWidth-margin; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if uint8(r>>8) != brand.R || uint8(g>>8) != brand.G || uint8(b>>8) != brand.B {
						ink++
					}
				}
			}
			if ink < 5000 {
				t.Errorf("title area has %d non-background pixels, want text", ink)
			}
			if tt.withImage {
				r, g, b, _ := img.At(Width-photoWidth/2, Height/2).RGBA()
				if uint8(r>>8) == brand.R && uint8(g>>8) == brand.G && uint8(b>>8) == brand.B {
					t.Errorf("photo panel is the background colour")
				}
			}
		})
	}
}

func TestRenderDeterministic(t *testing.T) {
	r := newRenderer(t, stubImages{img: photo(1200, 800)})
	first, _ := renderPNG(t, r, seedCard())
	for i := 0; i < 3; i++ {
		again, _ := renderPNG(t, newRenderer(t, stubImages{img: photo(1200, 800)}), seedCard())
		if !bytes.Equal(first, again) {
			t.Fatalf("render %d differs from the first", i)
		}
	}
	c := seedCard()
	c.Title = "Обновено: " + c.Title
	changed, _ := renderPNG(t, r, c)
	if bytes.Equal(first, changed) {
		t.Errorf("a changed title renders the same card")
	}
}

// TestRenderHugePhotoFallsBack uses pure noise, which no PNG compresses
// under the cap even at 4 bits: the card must drop the photo.
func TestRenderHugePhotoFallsBack(t *testing.T) {
	noise := image.NewRGBA(image.Rect(0, 0, 800, 800))
	rnd := rand.New(rand.NewPCG(3, 4))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rnd.IntN(256))
	}
	data, res := renderPNG(t, newRenderer(t, stubImages{img: noise}), seedCard())
	if len(data) > MaxBytes {
		t.Errorf("card is %d bytes, want at most %d", len(data), MaxBytes)
	}
	if res.WithImage || res.ImageErr == nil {
		t.Errorf("Result = %+v, want the text-only card with an ImageErr", res)
	}
}

func TestWrap(t *testing.T) {
	r := newRenderer(t, nil)
	face := r.face(r.faces().bold, titleSize)
	width := fixedI(600)
	tests := []struct {
		name     string
		in       string
		maxLines int
		wantN    int
		ellipsis bool
	}{
		{"short", "НАТО", 4, 1, false},
		{"wraps", "Южна Корея и НАТО се споразумяха за общи проекти", 4, 4, false},
		{"ellipsised", "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия и още много думи", 3, 3, true},
		{"long word", "Ааааааааааааааааааааааааааааааааааааааааааааааааааа", 4, 3, false},
		{"empty", "", 4, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, cut := wrap(face, tt.in, width, tt.maxLines)
			if cut != tt.ellipsis {
				t.Errorf("wrap reports cut %v, want %v", cut, tt.ellipsis)
			}
			if len(lines) != tt.wantN {
				t.Fatalf("wrap gave %d lines %q, want %d", len(lines), lines, tt.wantN)
			}
			for _, l := range lines {
				if w := measure(face, l); w > width {
					t.Errorf("line %q is %v wide, over %v", l, w, width)
				}
			}
			if tt.wantN > 0 {
				last := lines[len(lines)-1]
				if got := len(last) >= len(ellipsis) && last[len(last)-len(ellipsis):] == ellipsis; got != tt.ellipsis {
					t.Errorf("last line %q ellipsised = %v, want %v", last, got, tt.ellipsis)
				}
			}
		})
	}
}

// TestTitleShrinksBeforeCutting: a headline too long for four lines at
// the full size is set smaller, whole, when a smaller size holds it; only
// one too long for the smallest size is cut with "…", at that size.
func TestTitleShrinksBeforeCutting(t *testing.T) {
	r := newRenderer(t, nil)
	maxW := fixedI(Width - 2*margin - photoWidth - margin) // beside a photo
	words := strings.Fields("Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия " +
		"след среща на министрите в Хага, на която присъстваха и представители на Европейската комисия " +
		"и на Европейския парламент, както и делегации от Япония, Австралия и Нова Зеландия")
	tests := []struct {
		name     string
		words    int
		wantSize int
		cut      bool
	}{
		{"short: full size", 5, titleSize, false},
		{"five lines: smaller, whole", 18, 0, false},
		{"too long for any size: smallest, cut", len(words), titleSizes[len(titleSizes)-1], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title := strings.Join(words[:tt.words], " ")
			face, lines := r.titleLines(title, maxW)
			if tt.wantSize != 0 && face.size != tt.wantSize {
				t.Errorf("size %d, want %d", face.size, tt.wantSize)
			}
			if tt.wantSize == 0 && (face.size == titleSize || face.size == titleSizes[len(titleSizes)-1]) {
				t.Errorf("size %d, want one between the largest and the smallest", face.size)
			}
			if full, _ := wrap(r.face(r.faces().bold, titleSize), title, maxW, 4); tt.words == 18 && len(strings.Join(full, " ")) >= len(title) {
				t.Fatalf("the test title fits four lines at full size; make it longer")
			}
			last := lines[len(lines)-1]
			if got := strings.HasSuffix(last, ellipsis); got != tt.cut {
				t.Errorf("cut %v, want %v: %q", got, tt.cut, lines)
			}
			if !tt.cut && strings.Join(lines, " ") != title {
				t.Errorf("lines %q do not hold the whole title", lines)
			}
			if bottom := titleTop + face.size + (len(lines)-1)*lineStep(face.size); bottom > titleBottom {
				t.Errorf("last baseline at %d, below the title block's %d", bottom, titleBottom)
			}
		})
	}
}

// TestFontsCoverCyrillic checks the embedded fonts have a glyph for every
// letter of the Bulgarian alphabet, so no title renders as boxes.
func TestFontsCoverCyrillic(t *testing.T) {
	r := newRenderer(t, nil)
	letters := "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЬЮЯабвгдежзийклмнопрстуфхцчшщъьюяЁёЭэЫы„“–—…·"
	for name, f := range map[string]*opentype.Font{"regular": r.faces().regular, "bold": r.faces().bold} {
		var buf opentypeBuffer
		for _, c := range letters {
			i, err := f.GlyphIndex(&buf, c)
			if err != nil || i == 0 {
				t.Errorf("%s has no glyph for %q", name, c)
			}
		}
	}
}

func TestParseColor(t *testing.T) {
	if c, err := ParseColor("#9b1c1c"); err != nil || c != brand {
		t.Errorf("ParseColor(#9b1c1c) = %v, %v", c, err)
	}
	for _, bad := range []string{"", "9b1c1c", "#9b1c1", "#zzzzzz"} {
		if _, err := ParseColor(bad); err == nil {
			t.Errorf("ParseColor(%q) succeeded", bad)
		}
	}
}

func TestFormatDate(t *testing.T) {
	if got := FormatDate(time.Date(2025, 12, 18, 0, 0, 0, 0, time.UTC)); got != "18 декември 2025" {
		t.Errorf("FormatDate = %q", got)
	}
}

func BenchmarkCard(b *testing.B) {
	emoji := seedCard()
	emoji.Title = "⚽🔥 Левски би ЦСКА 2:1 ❤️ 🇧🇬 — голът на Уелтън 👏👏 в 90-ата минута"
	emoji.Credit = "Снимка: EPA/BGNES"
	for _, bc := range []struct {
		name   string
		images Images
		card   Card
	}{
		{"text", nil, seedCard()},
		{"photo", stubImages{img: photo(1600, 900)}, seedCard()},
		// Six emoji in the title, the photo and its credit.
		{"emoji", nil, emoji},
		{"emoji+photo", stubImages{img: photo(1600, 900)}, emoji},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newRenderer(b, bc.images)
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if _, err := r.Render(context.Background(), &buf, bc.card); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "png-bytes")
		})
	}
}

// TestRenderScaled: a card asked for at one of Widths is that wide and
// ScaledHeight high, with and without its photo; any other Scale is the
// full card.
func TestRenderScaled(t *testing.T) {
	tests := []struct {
		name        string
		images      Images
		scale, w, h int
		withPhoto   bool
	}{
		{"text only 480", nil, 480, 480, 252, false},
		{"photo 160", stubImages{img: photo(1600, 900)}, 160, 160, 84, true},
		{"photo 960", stubImages{img: photo(1600, 900)}, 960, 960, 504, true},
		{"not a width is full size", nil, 500, Width, Height, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := seedCard()
			c.Scale = tt.scale
			data, res := renderPNG(t, newRenderer(t, tt.images), c)
			if res.WithImage != tt.withPhoto {
				t.Errorf("WithImage = %v, want %v", res.WithImage, tt.withPhoto)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
				t.Errorf("card is %v, want %dx%d", b, tt.w, tt.h)
			}
		})
	}
	for _, w := range Widths {
		if ScaledHeight(w)*Width != w*Height {
			t.Errorf("width %d does not scale to whole pixels", w)
		}
	}
}
