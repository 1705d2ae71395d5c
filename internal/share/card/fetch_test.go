package card

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngHeader is a valid PNG signature and IHDR declaring w×h pixels, with no
// pixel data: enough for DecodeConfig.
func pngHeader(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// IHDR's width and height are bytes 16..24, its CRC (over type and
	// data) bytes 29..33.
	binary.BigEndian.PutUint32(b[16:], uint32(w))
	binary.BigEndian.PutUint32(b[20:], uint32(h))
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

func TestFetcher(t *testing.T) {
	good := encodeJPEG(t, photo(400, 300))
	// release ends the slow photo's wait: it never arrives while the test
	// runs, so it misses the timeout however busy the machine is.
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/good.jpg", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(good) })
	mux.HandleFunc("/slow.jpg", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/huge.jpg", func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: the cap must hold while reading.
		w.(http.Flusher).Flush()
		chunk := bytes.Repeat([]byte{0xff}, 64<<10)
		for i := 0; i < 200; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/declared-huge.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000000")
		_, _ = w.Write(good)
	})
	mux.HandleFunc("/bomb.png", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngHeader(t, 100000, 100000)) })
	mux.HandleFunc("/broken.jpg", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(good[:len(good)/3]) })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) })
	mux.HandleFunc("/missing.jpg", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	other := httptest.NewServer(mux) // same content, origin not allowed
	defer other.Close()
	defer close(release) // before the servers wait for their handlers
	mux.HandleFunc("/away.jpg", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/good.jpg", http.StatusFound)
	})
	mux.HandleFunc("/within.jpg", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/good.jpg", http.StatusFound)
	})

	// f's timeout is one no answer from a loopback server misses; slow's
	// is short, since only a photo that never comes meets it.
	f := &Fetcher{Origins: []string{srv.URL}, Client: srv.Client(), Timeout: time.Minute, MaxBytes: 1 << 20}
	slow := &Fetcher{Origins: f.Origins, Client: f.Client, Timeout: 100 * time.Millisecond, MaxBytes: f.MaxBytes}
	tests := []struct {
		name    string
		url     string
		wantErr string
	}{
		{"good", srv.URL + "/good.jpg", ""},
		{"redirect within origin", srv.URL + "/within.jpg", ""},
		{"slow", srv.URL + "/slow.jpg", "deadline"},
		{"huge body", srv.URL + "/huge.jpg", "cap"},
		{"declared huge", srv.URL + "/declared-huge.jpg", "cap"},
		{"decompression bomb", srv.URL + "/bomb.png", "pixels"},
		{"broken", srv.URL + "/broken.jpg", "fetch"},
		{"not an image", srv.URL + "/html", "unknown format"},
		{"404", srv.URL + "/missing.jpg", "status 404"},
		{"other origin", other.URL + "/good.jpg", "not allowed"},
		{"redirect away", srv.URL + "/away.jpg", "not allowed"},
		{"javascript", "javascript:alert(1)", "not allowed"},
		{"userinfo", strings.Replace(srv.URL, "http://", "http://u:p@", 1) + "/good.jpg", "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := f
			if tt.name == "slow" {
				f = slow
			}
			img, err := f.Fetch(context.Background(), tt.url)
			if tt.wantErr == "" {
				if err != nil || img.Bounds().Dx() != 400 {
					t.Fatalf("Fetch = %v, %v; want the 400×300 image", img, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Fetch error = %v, want one mentioning %q", err, tt.wantErr)
			}
			if strings.Contains(tt.wantErr, "not allowed") && !errors.Is(err, ErrOrigin) {
				t.Errorf("Fetch error = %v, want ErrOrigin", err)
			}
		})
	}

	t.Run("renders text-only card when slow", func(t *testing.T) {
		r := newRenderer(t, slow)
		c := seedCard()
		c.ImageURL = srv.URL + "/slow.jpg"
		_, res := renderPNG(t, r, c)
		if res.WithImage || !errors.Is(res.ImageErr, context.DeadlineExceeded) {
			t.Errorf("Result = %+v, want a text-only card for a photo past the timeout", res)
		}
	})
}
