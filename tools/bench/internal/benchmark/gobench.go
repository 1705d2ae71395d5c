package benchmark

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// GoBench is one benchmark's runs from `go test -bench` output.
type GoBench struct {
	// Pkg is the package import path from the preceding "pkg:" line.
	Pkg string
	// Name is the benchmark name without the -GOMAXPROCS suffix.
	Name string
	// Values holds every run's value per unit ("ns/op", "B/op",
	// "allocs/op", custom ones such as "CU/op"), in run order.
	Values map[string][]float64
	// Units lists the units in the order they first appeared.
	Units []string
}

// Runs is how many runs were seen.
func (b *GoBench) Runs() int { return len(b.Values["ns/op"]) }

// Median returns the median of unit over the runs, and whether any run
// reported it.
func (b *GoBench) Median(unit string) (float64, bool) {
	v, ok := b.Values[unit]
	if !ok || len(v) == 0 {
		return 0, false
	}
	return Median(v), true
}

// GoBenchOutput is the parsed output of `go test -bench` over several
// packages: the benchmarks in the order first seen and the machine's
// configuration lines (goos, goarch, cpu).
type GoBenchOutput struct {
	Benchmarks []*GoBench
	Config     map[string]string
}

// ParseGoBench reads `go test -bench -benchmem -count N` output in the Go
// benchmark format that benchstat reads: "key: value" configuration lines
// and "BenchmarkName-P  iterations  value unit  value unit..." result lines.
// Everything else (PASS, ok, test logs) is skipped. It does not pull in
// golang.org/x/perf: a format this small does not earn a dependency.
func ParseGoBench(r io.Reader) (*GoBenchOutput, error) {
	out := &GoBenchOutput{Config: map[string]string{}}
	byKey := map[string]*GoBench{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if k, v, ok := configLine(text); ok {
			if k == "pkg" {
				pkg = v
			} else {
				out.Config[k] = v
			}
			continue
		}
		if !strings.HasPrefix(text, "Benchmark") {
			continue
		}
		f := strings.Fields(text)
		// A name alone on a line is a benchmark that printed logs before
		// its result, or failed; either way it has no figures here.
		if len(f) < 4 || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			continue
		}
		name := trimProcs(f[0])
		key := pkg + "\x00" + name
		b := byKey[key]
		if b == nil {
			b = &GoBench{Pkg: pkg, Name: name, Values: map[string][]float64{}}
			byKey[key] = b
			out.Benchmarks = append(out.Benchmarks, b)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark output line %d: value %q: %w", line, f[i], err)
			}
			unit := f[i+1]
			if _, seen := b.Values[unit]; !seen {
				b.Units = append(b.Units, unit)
			}
			b.Values[unit] = append(b.Values[unit], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("benchmark output: %w", err)
	}
	return out, nil
}

// configLine recognises "key: value" lines whose key is a lower-case word,
// as the benchmark format defines them.
func configLine(s string) (key, value string, ok bool) {
	k, v, found := strings.Cut(s, ":")
	if !found || k == "" {
		return "", "", false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "", "", false
		}
	}
	if r := k[0]; r < 'a' || r > 'z' {
		return "", "", false
	}
	return k, strings.TrimSpace(v), true
}

// trimProcs drops the "-P" GOMAXPROCS suffix the testing package adds.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name
	}
	if _, err := strconv.Atoi(name[i+1:]); err != nil {
		return name
	}
	return name[:i]
}

// GoBenchSection summarises out as rows: the median of every unit over the
// runs, ns/op, B/op and allocs/op first, then custom metrics. The case is
// the package's last path element and the benchmark name without its
// "Benchmark" prefix, e.g. "feed Render/rss/20".
func GoBenchSection(out *GoBenchOutput) Section {
	s := Section{Title: "Go benchmarks (in-process)"}
	for _, b := range out.Benchmarks {
		var parts []string
		for _, u := range []string{"ns/op", "B/op", "allocs/op"} {
			if v, ok := b.Median(u); ok {
				parts = append(parts, formatUnit(v, u))
			}
		}
		for _, u := range b.Units {
			switch u {
			case "ns/op", "B/op", "allocs/op":
				continue
			}
			v, _ := b.Median(u)
			parts = append(parts, formatUnit(v, u))
		}
		pkg := b.Pkg
		if i := strings.LastIndexByte(pkg, '/'); i >= 0 {
			pkg = pkg[i+1:]
		}
		name := strings.TrimPrefix(b.Name, "Benchmark")
		s.Rows = append(s.Rows, Row{
			Case:   strings.TrimSpace(pkg + " " + name),
			Result: strings.Join(parts, ", ") + fmt.Sprintf(" (median of %d)", b.Runs()),
		})
	}
	s.Notes = append(s.Notes, "medians over the -count runs; the raw output is bench.txt, which benchstat reads")
	return s
}

// formatUnit prints a benchmark value in its unit readably: times and sizes
// scaled, counts as integers, other units with three significant digits.
func formatUnit(v float64, unit string) string {
	switch unit {
	case "ns/op":
		return FormatNs(v) + "/op"
	case "B/op":
		return FormatBytes(v) + "/op"
	case "allocs/op":
		return strconv.FormatFloat(v, 'f', 0, 64) + " allocs/op"
	}
	return sig3(v) + " " + unit
}
