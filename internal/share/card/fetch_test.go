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
	"path/filepath"
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
	mux.Handle("/hostile/", http.StripPrefix("/hostile/", http.FileServer(http.Dir(filepath.Join("testdata", "hostile")))))
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
		{"progressive CMYK JPEG", srv.URL + "/hostile/cmyk-progressive.jpg", "decode budget"},
		{"16-bit PNG", srv.URL + "/hostile/rgba16.png", "decode budget"},
		{"interlaced 16-bit PNG", srv.URL + "/hostile/rgba16-interlaced.png", "decode budget"},
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
			if tt.wantErr == "decode budget" && !errors.Is(err, ErrBudget) {
				t.Errorf("Fetch error = %v, want ErrBudget", err)
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

// TestFetcherDecodeSlots: decodes wait for one of MaxDecodes slots, and
// the wait ends with the fetch's deadline. Only the wait meets a deadline,
// one already past, so that the taken slot is the only thing it can have
// waited for; the fetches around it have a minute, so that none depends on
// the machine's speed (200 ms was too little for a 400×300 JPEG under
// -race beside a second test run).
func TestFetcherDecodeSlots(t *testing.T) {
	good := encodeJPEG(t, photo(400, 300))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(good) }))
	defer srv.Close()
	f := &Fetcher{Origins: []string{srv.URL}, Client: srv.Client(), Timeout: time.Minute, MaxDecodes: 1}
	if _, err := f.Fetch(context.Background(), srv.URL+"/a.jpg"); err != nil {
		t.Fatal(err)
	}
	f.slots <- struct{}{} // the one slot is taken
	past, cancel := context.WithDeadline(context.Background(), time.Now())
	defer cancel()
	if _, err := f.decode(past, good); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "slot") {
		t.Errorf("decode with every slot taken = %v, want a deadline waiting for a slot", err)
	}
	<-f.slots
	if _, err := f.Fetch(context.Background(), srv.URL+"/a.jpg"); err != nil {
		t.Errorf("Fetch with the slot free again = %v", err)
	}
}

// TestFetcherDecodeDeadline: the decode runs under the fetch's deadline: a
// decode still running at the deadline is given up at once (a text-only
// card), and its slot stays taken until the decode has stopped.
func TestFetcherDecodeDeadline(t *testing.T) {
	// A 2000×2000 RGBA PNG (16 MB decoded) takes far more than a
	// millisecond to decode on any machine.
	data := writePNG(t, 2000, 2000, 8, 6, false)
	f := &Fetcher{MaxDecodes: 1}
	f.once.Do(func() { f.slots = make(chan struct{}, 1) })
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := f.decode(ctx, data); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("decode past its deadline = %v, want DeadlineExceeded", err)
	}
	// The abandoned decode stops at its next read and frees its slot.
	for deadline := time.Now().Add(30 * time.Second); len(f.slots) != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned decode never freed its slot")
		}
	}
	if _, err := f.decode(context.Background(), data); err != nil {
		t.Fatal(err)
	}
}

func TestFit(t *testing.T) {
	for _, tt := range []struct{ w, h, wantW, wantH int }{
		{400, 300, 400, 300},     // small: as it is
		{1600, 900, 1600, 900},   // under 1260 high: as it is
		{6000, 6666, 1135, 1260}, // tall: height decides
		{2000, 1400, 1800, 1260}, // wide: height decides
		{3000, 4000, 960, 1280},  // narrow: width decides
	} {
		got := fit(image.NewGray(image.Rect(0, 0, tt.w, tt.h))).Bounds()
		if got.Dx() != tt.wantW || got.Dy() != tt.wantH {
			t.Errorf("fit(%d×%d) = %d×%d, want %d×%d", tt.w, tt.h, got.Dx(), got.Dy(), tt.wantW, tt.wantH)
		}
	}
}

func TestProbe(t *testing.T) {
	good := encodeJPEG(t, photo(640, 320))
	mux := http.NewServeMux()
	mux.HandleFunc("/p.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(good)
	})
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngHeader(t, 50000, 50000)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := &Fetcher{Origins: []string{srv.URL}}

	p, err := f.Probe(t.Context(), srv.URL+"/p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Photo{Format: "jpeg", ContentType: "image/jpeg", Width: 640, Height: 320, Bytes: int64(len(good))}); p != want {
		t.Errorf("Probe = %+v, want %+v", p, want)
	}
	if _, err := f.Probe(t.Context(), srv.URL+"/big.png"); err == nil || !strings.Contains(err.Error(), "over the cap") {
		t.Errorf("Probe of a 50000×50000 header = %v, want the pixel cap", err)
	}
	if _, err := f.Probe(t.Context(), "https://elsewhere.example/p.jpg"); !errors.Is(err, ErrOrigin) {
		t.Errorf("Probe of another origin = %v, want ErrOrigin", err)
	}
}
