package benchmark

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Report is everything `make bench` measured, in sections.
type Report struct {
	// Header lines are printed above the table (machine, date, settings).
	Header   []string
	Sections []Section
}

// Section is one kind of figure: Go benchmarks, load, cold start, cost,
// memory.
type Section struct {
	Title string
	Rows  []Row
	// Notes explain the section's method and caveats; they are printed as
	// a list under the table, numbered by section.
	Notes []string
}

// Verdict says whether a row meets its target.
type Verdict int

// The verdicts; None is for rows without a target.
const (
	None Verdict = iota
	Pass
	Fail
)

// Row is one measured case.
type Row struct {
	Case   string
	Result string
	// Target is the requirement, if any, such as "0 errors" or "< 30 ms".
	Target  string
	Verdict Verdict
}

// Check returns Pass when ok and Fail otherwise.
func Check(ok bool) Verdict {
	if ok {
		return Pass
	}
	return Fail
}

// Failed lists the rows that missed their targets, as "section: case".
func (r *Report) Failed() []string {
	var out []string
	for _, s := range r.Sections {
		for _, row := range s.Rows {
			if row.Verdict == Fail {
				out = append(out, s.Title+": "+row.Case)
			}
		}
	}
	return out
}

// WriteMarkdown writes the report as one Markdown table, the section title
// in bold on each section's first row, then the notes.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	for _, h := range r.Header {
		b.WriteString(h)
		b.WriteString("\n")
	}
	if len(r.Header) > 0 {
		b.WriteString("\n")
	}
	b.WriteString("| Section | Case | Result | Target | Met |\n")
	b.WriteString("| --- | --- | --- | --- | --- |\n")
	for _, s := range r.Sections {
		for i, row := range s.Rows {
			title := ""
			if i == 0 {
				title = "**" + cell(s.Title) + "**"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n",
				title, cell(row.Case), cell(row.Result), cell(row.Target), verdictMark(row.Verdict))
		}
	}
	n := 0
	for _, s := range r.Sections {
		for _, note := range s.Notes {
			if n == 0 {
				b.WriteString("\nNotes:\n")
			}
			n++
			fmt.Fprintf(&b, "- %s: %s\n", s.Title, note)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func verdictMark(v Verdict) string {
	switch v {
	case Pass:
		return "yes"
	case Fail:
		return "**NO**"
	}
	return ""
}

// cell escapes what would break a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}

// FormatNs formats nanoseconds with three significant digits in the unit
// that suits them: 850 ns, 12.3 µs, 4.56 ms, 1.20 s.
func FormatNs(ns float64) string {
	switch a := math.Abs(ns); {
	case a < 1e3:
		return sig3(ns) + " ns"
	case a < 1e6:
		return sig3(ns/1e3) + " µs"
	case a < 1e9:
		return sig3(ns/1e6) + " ms"
	}
	return sig3(ns/1e9) + " s"
}

// FormatDuration is FormatNs for a time.Duration.
func FormatDuration(d time.Duration) string { return FormatNs(float64(d)) }

// FormatBytes formats a byte count in binary units: 512 B, 4.50 KiB,
// 7.25 MiB.
func FormatBytes(n float64) string {
	switch a := math.Abs(n); {
	case a < 1<<10:
		return fmt.Sprintf("%.0f B", n)
	case a < 1<<20:
		return sig3(n/(1<<10)) + " KiB"
	case a < 1<<30:
		return sig3(n/(1<<20)) + " MiB"
	}
	return sig3(n/(1<<30)) + " GiB"
}

// sig3 prints x with three significant digits, without exponent.
func sig3(x float64) string {
	a := math.Abs(x)
	switch {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", x)
	case a >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}
