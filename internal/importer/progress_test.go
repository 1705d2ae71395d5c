package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	start := time.Date(2025, 12, 19, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		terminal bool
		want     string
	}{
		{"plain", false, "250/1000 (25%) created 200, updated 30, unchanged 10, skipped 5, failed 5 · 25.0/s · ETA 30s"},
		{"terminal", true, "[######------------------] 250/1000 (25%)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Progress{Terminal: tc.terminal}
			p.total, p.start = 1000, start
			p.Set(Summary{Created: 200, Updated: 30, Unchanged: 10, Skipped: map[Kind]int{KindPage: 5},
				Failed: make([]Failure, 5)})
			if got := p.line(start.Add(10 * time.Second)); !strings.Contains(got, tc.want) {
				t.Errorf("line = %q; want it to contain %q", got, tc.want)
			}
		})
	}
}

func TestProgressOutput(t *testing.T) {
	for _, terminal := range []bool{false, true} {
		var out bytes.Buffer
		p := &Progress{Out: &out, Terminal: terminal, Interval: time.Hour}
		p.Start(2)
		p.Set(Summary{Created: 2})
		p.Stop()
		s := out.String()
		if terminal && (!strings.HasPrefix(s, "\r\033[K[") || !strings.HasSuffix(s, "\n")) {
			t.Errorf("terminal output %q: want a redrawn bar ending the line", s)
		}
		if !terminal && s != "import: 2/2 (100%) created 2, updated 0, unchanged 0, skipped 0, failed 0 · "+s[strings.Index(s, "· ")+len("· "):] {
			t.Errorf("plain output %q", s)
		}
		if !strings.Contains(s, "ETA 0s") {
			t.Errorf("output %q: want ETA 0s at the end", s)
		}
	}
}
