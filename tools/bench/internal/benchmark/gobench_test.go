package benchmark

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestParseGoBench(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := ParseGoBench(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(out.Benchmarks), 3; got != want {
		t.Fatalf("got %d benchmarks, want %d", got, want)
	}
	if got, want := out.Config["cpu"], "AMD EPYC 7B13"; got != want {
		t.Errorf("cpu = %q, want %q", got, want)
	}
	tests := []struct {
		pkg, name, unit string
		runs            int
		median          float64
	}{
		{"github.com/newsdesk/syndicate/internal/feed", "BenchmarkRender/rss/20", "ns/op", 3, 110000},
		{"github.com/newsdesk/syndicate/internal/feed", "BenchmarkRender/rss/20", "allocs/op", 3, 120},
		{"github.com/newsdesk/syndicate/internal/feed", "BenchmarkGorilla", "B/op", 1, 1048576},
		{"github.com/newsdesk/syndicate/internal/store/dynamo", "BenchmarkFeedHead", "ns/op", 2, 2600000},
		{"github.com/newsdesk/syndicate/internal/store/dynamo", "BenchmarkFeedHead", "CU/op", 2, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.unit, func(t *testing.T) {
			var b *GoBench
			for _, c := range out.Benchmarks {
				if c.Pkg == tt.pkg && c.Name == tt.name {
					b = c
				}
			}
			if b == nil {
				t.Fatalf("no %s in %s", tt.name, tt.pkg)
			}
			if got := b.Runs(); got != tt.runs {
				t.Errorf("runs = %d, want %d", got, tt.runs)
			}
			if got, _ := b.Median(tt.unit); got != tt.median {
				t.Errorf("median %s = %v, want %v", tt.unit, got, tt.median)
			}
		})
	}
}

func TestParseGoBenchRejectsBadValue(t *testing.T) {
	_, err := ParseGoBench(strings.NewReader("BenchmarkX-2 10 abc ns/op\n"))
	if err == nil {
		t.Fatal("got no error for a non-numeric value, want one")
	}
}

func TestTrimProcs(t *testing.T) {
	tests := map[string]string{
		"BenchmarkA-2":           "BenchmarkA",
		"BenchmarkA/sub-case-16": "BenchmarkA/sub-case",
		"BenchmarkA/x-y":         "BenchmarkA/x-y",
		"BenchmarkA":             "BenchmarkA",
	}
	for in, want := range tests {
		if got := trimProcs(in); got != want {
			t.Errorf("trimProcs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ got, want string }{
		{FormatNs(850), "850 ns"},
		{FormatNs(12345), "12.3 µs"},
		{FormatNs(4_560_000), "4.56 ms"},
		{FormatNs(1.2e9), "1.20 s"},
		{FormatBytes(512), "512 B"},
		{FormatBytes(4608), "4.50 KiB"},
		{FormatBytes(7.25 * (1 << 20)), "7.25 MiB"},
		{formatUnit(120, "allocs/op"), "120 allocs/op"},
		{formatUnit(0.5, "CU/op"), "0.50 CU/op"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// TestReportGolden checks the whole table layout: one table, a section
// title on its first row only, verdicts, escaped cells, notes below.
func TestReportGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := ParseGoBench(f)
	if err != nil {
		t.Fatal(err)
	}
	r := Report{
		Header: []string{"Machine: test"},
		Sections: []Section{
			GoBenchSection(out),
			{
				Title: "Load",
				Rows: []Row{
					{Case: "RSS | full", Result: "1000 req/s", Target: "0 errors", Verdict: Pass},
					{Case: "share page", Result: "3 errors", Target: "0 errors", Verdict: Fail},
				},
				Notes: []string{"a note"},
			},
		},
	}
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "report.md.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("report differs from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
	if got := r.Failed(); len(got) != 1 || got[0] != "Load: share page" {
		t.Errorf("Failed() = %q, want [Load: share page]", got)
	}
}
