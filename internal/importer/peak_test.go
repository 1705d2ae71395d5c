package importer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// peakLimit is issue 19's bound for the 256 MB follow function: a hostile
// source is refused or finished under 128 MB of peak resident memory.
const peakLimit = 128 << 20

// followPeakBinary builds testdata/followpeak without -race, as the Lambda
// is built.
func followPeakBinary(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("VmHWM is read from /proc")
	}
	bin := filepath.Join(tb.TempDir(), "followpeak")
	build := exec.Command("go", "build", "-o", bin, "./testdata/followpeak")
	if out, err := build.CombinedOutput(); err != nil {
		tb.Fatalf("go build testdata/followpeak: %v\n%s", err, out)
	}
	return bin
}

// peakReport is what followpeak prints.
type peakReport struct {
	Result    FollowResult
	Error     string
	PeakBytes int64
	Seconds   float64
}

// followPeak runs bin against url.
func followPeak(tb testing.TB, bin, url string) peakReport {
	tb.Helper()
	cmd := exec.Command(bin, url)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("followpeak: %v", err)
	}
	var r peakReport
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("followpeak said %s: %v", out, err)
	}
	return r
}

// hostileSources serves /bomb, /big and /many (TestFollowPeakMemory).
func hostileSources(tb testing.TB) *httptest.Server {
	tb.Helper()
	item := func(w io.Writer, i int) {
		fmt.Fprintf(w, "<item><title>Новина %d: общината реши</title><link>https://feed.example.bg/n-%d</link><guid>n-%d</guid>"+
			"<pubDate>Mon, 01 Dec 2025 08:00:00 +0000</pubDate><description>Лийд на новина %d. Снимка: БТА</description></item>\n", i, i, i, i)
	}
	const head = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Новини</title><link>https://feed.example.bg/</link>` + "\n"
	// gzipped streams what write writes, gzipped, until write is done or
	// the client stops reading (the write fails).
	gzipped := func(write func(io.Writer) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Header().Set("Content-Encoding", "gzip")
			zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			if write(zw) == nil {
				zw.Close()
			}
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/bomb", gzipped(func(w io.Writer) error {
		if _, err := io.WriteString(w, head+"<item><title>"); err != nil {
			return err
		}
		chunk := bytes.Repeat([]byte{'a'}, 1<<20)
		for range 600 {
			if _, err := w.Write(chunk); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "</title></item></channel></rss>")
		return err
	}))
	mux.HandleFunc("/big", gzipped(func(w io.Writer) error {
		cw := &countingWriter{w: w}
		io.WriteString(cw, head)
		for i := 0; cw.n < 250<<20; i++ {
			item(cw, i)
			if cw.err != nil {
				return cw.err
			}
		}
		_, err := io.WriteString(w, "</channel></rss>")
		return err
	}))
	var many bytes.Buffer
	many.WriteString(head)
	for i := range 100_000 {
		fmt.Fprintf(&many, "<item><title>N %d</title><link>https://f.bg/%d</link><guid>%d</guid><pubDate>Mon, 01 Dec 2025 08:00:00 +0000</pubDate></item>\n", i, i, i)
	}
	many.WriteString("</channel></rss>")
	if many.Len() >= DefaultMaxBytes {
		tb.Fatalf("the many-items feed is %d bytes, over DefaultMaxBytes", many.Len())
	}
	mux.HandleFunc("/many", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(many.Bytes())
	})
	src := httptest.NewServer(mux)
	tb.Cleanup(src.Close)
	return src
}

// TestFollowPeakMemory runs one follow run, in a process of its own built
// without -race as the Lambda is (testdata/followpeak), against hostile
// sources, and reads that process's peak resident memory (VmHWM):
//
//   - a gzip bomb: a 600 MiB document of one repeated byte, under 1 MiB on
//     the wire;
//   - a 250 MiB feed of real items, gzipped;
//   - 100,000 small items in a 12 MiB feed, under Fetcher.MaxBytes.
//
// The first two are refused at Fetcher.MaxBytes, naming the limit; the
// third is read a window of DefaultFollowItems, the rest left to the next
// runs. Each stays under peakLimit.
func TestFollowPeakMemory(t *testing.T) {
	bin := followPeakBinary(t)
	src := hostileSources(t)
	for _, c := range []struct {
		path    string
		refused bool
	}{{"/bomb", true}, {"/big", true}, {"/many", false}} {
		t.Run(strings.TrimPrefix(c.path, "/"), func(t *testing.T) {
			r := followPeak(t, bin, src.URL+c.path)
			t.Logf("%s: peak RSS %.1f MiB, %.2f s, %+v %s", c.path, float64(r.PeakBytes)/(1<<20), r.Seconds, r.Result, r.Error)
			if r.PeakBytes >= peakLimit {
				t.Errorf("peak RSS %.1f MiB, over %d MiB", float64(r.PeakBytes)/(1<<20), peakLimit>>20)
			}
			switch {
			case c.refused && !strings.Contains(r.Error, ErrTooLarge.Error()):
				t.Errorf("error %q, want the document refused as larger than the limit", r.Error)
			case !c.refused && (r.Error != "" || r.Result.Items != DefaultFollowItems || r.Result.Total != 100_000 ||
				r.Result.Next != DefaultFollowItems || r.Result.Created != DefaultFollowItems):
				t.Errorf("run = %+v %q, want a window of %d of 100,000 items, all created, the next run at %d",
					r.Result, r.Error, DefaultFollowItems, DefaultFollowItems)
			}
		})
	}
}

// BenchmarkFollowPeak is TestFollowPeakMemory's 100,000-item run as a
// figure: the peak resident memory and the time of one follow run (its
// first window) in a process built without -race.
func BenchmarkFollowPeak(b *testing.B) {
	bin := followPeakBinary(b)
	src := hostileSources(b)
	var r peakReport
	for b.Loop() {
		r = followPeak(b, bin, src.URL+"/many")
	}
	if r.Error != "" || r.Result.Items != DefaultFollowItems {
		b.Fatalf("run = %+v %q", r.Result, r.Error)
	}
	b.ReportMetric(float64(r.PeakBytes)/1e6, "peak-rss-MB")
	b.ReportMetric(r.Seconds, "run-s")
}

// countingWriter counts what it passes on and keeps the first error.
type countingWriter struct {
	w   io.Writer
	n   int
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += n
	c.err = err
	return n, err
}
