package importer

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress shows an import as it runs: on a terminal, one bar redrawn in
// place with counts, rate and ETA; otherwise a plain line every Interval.
type Progress struct {
	Out io.Writer
	// Terminal redraws one line (carriage return) instead of printing
	// lines.
	Terminal bool
	// Interval between plain lines; 5 s if zero (a terminal redraws every
	// 200 ms).
	Interval time.Duration
	// Now is the clock; time.Now if nil.
	Now func() time.Time

	mu    sync.Mutex
	total int
	n     counts
	start time.Time
	last  time.Time
	done  chan struct{}
	wg    sync.WaitGroup
}

// Start begins showing an import of total items.
func (p *Progress) Start(total int) {
	p.mu.Lock()
	p.total, p.start = total, p.now()
	p.n = counts{}
	p.done = make(chan struct{})
	p.mu.Unlock()
	every := p.Interval
	if every <= 0 {
		every = 5 * time.Second
	}
	if p.Terminal {
		every = 200 * time.Millisecond
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.draw(false)
			case <-p.done:
				return
			}
		}
	}()
}

// counts is what the progress line shows of a Summary.
type counts struct{ done, created, updated, unchanged, skipped, failed int }

// Set records the counts so far.
func (p *Progress) Set(s Summary) {
	c := counts{done: s.Done(), created: s.Created, updated: s.Updated, unchanged: s.Unchanged,
		skipped: s.SkippedTotal(), failed: len(s.Failed)}
	p.mu.Lock()
	p.n = c
	p.mu.Unlock()
}

// Stop draws the last state and ends the line.
func (p *Progress) Stop() {
	close(p.done)
	p.wg.Wait()
	p.draw(true)
}

func (p *Progress) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Progress) draw(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := p.line(p.now())
	if p.Terminal {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.Out, "\r\033[K%s%s", line, end)
		return
	}
	fmt.Fprintln(p.Out, "import: "+line)
}

// line is the progress as text: bar (terminal only), done/total, percent,
// counts, rate, ETA.
func (p *Progress) line(now time.Time) string {
	done := p.n.done
	elapsed := now.Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	pct := 100
	if p.total > 0 {
		pct = done * 100 / p.total
	}
	eta := "--"
	if rate > 0 && done < p.total {
		eta = (time.Duration(float64(p.total-done)/rate) * time.Second).Round(time.Second).String()
	} else if done >= p.total {
		eta = "0s"
	}
	var b strings.Builder
	if p.Terminal {
		const width = 24
		fill := width * pct / 100
		b.WriteString("[" + strings.Repeat("#", fill) + strings.Repeat("-", width-fill) + "] ")
	}
	fmt.Fprintf(&b, "%d/%d (%d%%) created %d, updated %d, unchanged %d, skipped %d, failed %d · %.1f/s · ETA %s",
		done, p.total, pct, p.n.created, p.n.updated, p.n.unchanged, p.n.skipped, p.n.failed, rate, eta)
	return b.String()
}
