package card

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.png")

// smoothPhoto is a photo without noise, so golden cards stay small.
func smoothPhoto(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(40 + x*180/w), uint8(90 + y*120/h), uint8(200 - y*100/h), 0xff})
		}
	}
	return img
}

// TestGolden compares whole cards with testdata/golden (go test -update
// rewrites them; look at them before committing). A card is a pure
// function of its input, so the bytes are compared.
func TestGolden(t *testing.T) {
	light := smoothPhoto(1600, 900)
	// White at the bottom right, where the credit goes: it must read on
	// the brightest photo too.
	for y := 600; y < 900; y++ {
		for x := 1000; x < 1600; x++ {
			light.SetRGBA(x, y, color.RGBA{0xff, 0xff, 0xff, 0xff})
		}
	}
	tests := []struct {
		name  string
		card  Card
		photo image.Image
	}{
		{"text", seedCard(), nil},
		{"photo-credit", func() Card { c := seedCard(); c.Credit = "Снимка: EPA/BGNES"; return c }(), light},
		{"emoji", Card{
			Title:    "⚽🔥 Левски би ЦСКА 2:1 ❤️ 🇧🇬 1️⃣ 👍🏽 👨‍👩‍👧 ©2025 and ©️",
			SiteName: "Новини 📰", Section: "Спорт ⚽", Date: seedCard().Date,
		}, nil},
		{"scripts", Card{
			Title:    "„Кавички“ – тире — многоточие… Ελληνικά ΑΒΓ Ünïcödé 中文 ไทย עברית ☃ ★ ✓",
			SiteName: "Новини", Section: "Свят", Date: seedCard().Date,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			images := Images(nil)
			if tt.photo != nil {
				images = stubImages{img: tt.photo}
				tt.card.ImageURL = "https://img.news.example.bg/a.jpg"
			}
			got, res := renderPNG(t, newRenderer(t, images), tt.card)
			if res.WithImage != (tt.photo != nil) {
				t.Fatalf("WithImage = %v", res.WithImage)
			}
			path := filepath.Join("testdata", "golden", tt.name+".png")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				_ = os.WriteFile(filepath.Join(t.TempDir(), tt.name+".png"), got, 0o644)
				t.Errorf("card %s differs from %s (%d bytes, want %d); look at it with -update and git diff", tt.name, path, len(got), len(want))
			}
		})
	}
}
