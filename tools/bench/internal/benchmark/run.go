package benchmark

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Options are the settings of a full run.
type Options struct {
	// Root is the service module's root directory: functions/, cmd/local
	// and events/ are under it, and its go.mod pins the emulator.
	Root string
	// Tools is this module's root directory, where the cold-start
	// baseline is built.
	Tools string
	// GoBench is the `go test -bench` output to summarise; empty skips it.
	GoBench string
	// DynamoDBEndpoint is moto_server's URL; empty skips what needs it.
	DynamoDBEndpoint string
	// LoadDuration is each load target's measured run.
	LoadDuration time.Duration
	// Workers is the requests in flight under load and in the memory run.
	Workers int
	// CompareRounds is the rounds of the hot-path comparison, of which
	// each server's median counts; 0 means 3.
	CompareRounds int
	// MemoryRequests is the memory run's length.
	MemoryRequests int
	// ColdStarts is the starts per function, of which the median counts.
	ColdStarts int
	// Skip names sections not to run: "go", "load", "cold", "cost",
	// "memory", "compare" (the cached RSS path against Node and static
	// bytes, run on the load section's bolt server; with "load" skipped
	// and "compare" not, that server is started for the comparison alone).
	Skip map[string]bool
	// Progress receives one line per step, so a long run shows life.
	Progress io.Writer
	// Now is the clock for the report's date.
	Now func() time.Time
}

// Run measures everything opts asks for and returns the report. A step
// that fails becomes a failed row with its error, so one broken step does
// not hide the others' figures; the error returned is for the setup.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Progress == nil {
		opts.Progress = io.Discard
	}
	tmp, err := os.MkdirTemp("", "syndicate-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	rep := &Report{Header: []string{fmt.Sprintf("Figures from `make bench` on %s, %s/%s, %d CPUs, %s; absolute numbers vary between machines.",
		opts.Now().Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())}}
	step := func(name string) { fmt.Fprintf(opts.Progress, "bench: %s\n", name) }

	if !opts.Skip["go"] && opts.GoBench != "" {
		step("summarising " + opts.GoBench)
		rep.Sections = append(rep.Sections, goSection(opts.GoBench))
	}

	var local string
	if !opts.Skip["load"] || !opts.Skip["compare"] || !opts.Skip["memory"] {
		step("building cmd/local")
		local = filepath.Join(tmp, "local")
		if err := Build(ctx, opts.Root, local, "./cmd/local", nil); err != nil {
			return nil, err
		}
	}
	if !opts.Skip["load"] || !opts.Skip["compare"] {
		rep.Sections = append(rep.Sections, loadSection(ctx, opts, local, tmp, step)...)
	}
	if !opts.Skip["cold"] {
		step("cold starts")
		rep.Sections = append(rep.Sections, ColdStartSection(ctx, ColdStartOptions{
			Root: opts.Root, Tools: opts.Tools, Dir: filepath.Join(tmp, "cold"), DynamoDBEndpoint: opts.DynamoDBEndpoint,
			Starts: opts.ColdStarts, Progress: opts.Progress,
		}))
	}
	if !opts.Skip["cost"] {
		step("DynamoDB cost per request type")
		rep.Sections = append(rep.Sections, CostSection(ctx, opts.DynamoDBEndpoint))
	}
	if !opts.Skip["memory"] {
		step(fmt.Sprintf("memory over %d requests", opts.MemoryRequests))
		rep.Sections = append(rep.Sections, memorySection(ctx, opts, local, tmp))
	}
	return rep, nil
}

func goSection(path string) Section {
	f, err := os.Open(path)
	if err != nil {
		return failed("Go benchmarks (in-process)", "reading the output", err)
	}
	defer f.Close()
	out, err := ParseGoBench(f)
	if err != nil {
		return failed("Go benchmarks (in-process)", "parsing the output", err)
	}
	return GoBenchSection(out)
}

// loadSection is the load section and, unless skipped ("compare"), the
// comparison of the cached RSS path with the Node feed server and a
// static-bytes server, run on the bolt server between the load rows and
// its stop. With "load" skipped it is the comparison alone, on a bolt
// server started for it.
func loadSection(ctx context.Context, opts Options, local, tmp string, step func(string)) []Section {
	var cmp Section
	const title = "Load (local server, vegeta)"
	sec := Section{Title: title, Notes: []string{
		fmt.Sprintf("cmd/local as a separate process on 127.0.0.1, %d requests in flight (closed loop, max throughput), %s measured per target after a %s warm-up; the generator shares the 2 cores with the server (and with moto_server on DynamoDB)",
			opts.Workers, opts.LoadDuration, opts.LoadDuration/10),
		"an error is a transport error or any status other than the expected 200/304; the feed store holds 50 public articles, the feed pages 20",
	}}
	stores := []struct{ name, endpoint string }{{"bolt", ""}}
	if opts.Skip["load"] {
		sec.Notes = nil
	} else if opts.DynamoDBEndpoint != "" {
		stores = append(stores, struct{ name, endpoint string }{"moto", opts.DynamoDBEndpoint})
	} else {
		sec.Notes = append(sec.Notes, "DYNAMODB_ENDPOINT unset: the moto rows were skipped")
	}
	for _, st := range stores {
		step("load on " + st.name)
		srv, err := StartLocal(ctx, local, LocalOptions{
			DataDir: filepath.Join(tmp, "load-"+st.name), DynamoDBEndpoint: st.endpoint,
			TableName: "bench-" + randomHex(), Articles: 50,
		})
		if err != nil {
			sec.Rows = append(sec.Rows, errorRow("start on "+st.name, err))
			continue
		}
		if !opts.Skip["load"] {
			targets, err := FeedTargets(ctx, srv.URL, srv.Slugs[0])
			if err != nil {
				sec.Rows = append(sec.Rows, errorRow("targets on "+st.name, err))
				srv.Stop(10 * time.Second)
				continue
			}
			rows, err := LoadRows(ctx, st.name, targets, LoadOptions{Duration: opts.LoadDuration, Workers: opts.Workers})
			sec.Rows = append(sec.Rows, rows...)
			if err != nil {
				sec.Rows = append(sec.Rows, errorRow("load on "+st.name, err))
			}
		}
		if st.name == "bolt" && !opts.Skip["compare"] {
			// In the same run and on the same server as the cached RSS
			// path's row above.
			cmp = compareSection(ctx, opts, srv, tmp, step)
		}
		srv.Stop(10 * time.Second)
	}
	switch {
	case cmp.Title == "":
		return []Section{sec}
	case len(sec.Rows) == 0:
		return []Section{cmp}
	}
	return []Section{sec, cmp}
}

func memorySection(ctx context.Context, opts Options, local, tmp string) Section {
	const title = "Memory (local server, bolt)"
	srv, err := StartLocal(ctx, local, LocalOptions{DataDir: filepath.Join(tmp, "memory"), Articles: 50})
	if err != nil {
		return failed(title, "start", err)
	}
	defer srv.Stop(10 * time.Second)
	targets, err := MixedTargets(ctx, srv)
	if err != nil {
		return failed(title, "targets", err)
	}
	n := opts.MemoryRequests
	// A sample every 2.5% of the run, so that each quarter has ten for
	// MemoryRows' medians; the 10%, 50% and 100% ones are shown.
	var at []int
	for i := 1; i <= 40; i++ {
		at = append(at, n*i/40)
	}
	res, err := MemoryRun(ctx, srv.PID(), targets, n, opts.Workers, at)
	if err != nil {
		return failed(title, "run", err)
	}
	return Section{Title: title, Rows: MemoryRows(res, n), Notes: []string{
		fmt.Sprintf("VmRSS and VmHWM from /proc of cmd/local every %d of %d requests (shown after 10%%, 50%% and 100%%) cycling through %d targets (feeds full and 304 in every format, the news sitemap, share pages of all 50 articles, admin GETs, a card in ~20), %d in flight",
			n/40, n, len(targets), opts.Workers),
		"the verdict is on the median RSS of the samples in the run's last quarter against its second quarter: growth with request count, which a leak shows; the peak (VmHWM) is a maximum, raised by whichever moment held the most at once, and is reported, not judged",
	}}
}

func failed(title, what string, err error) Section {
	return Section{Title: title, Rows: []Row{errorRow(what, err)}}
}

func errorRow(what string, err error) Row {
	msg := err.Error()
	// The head says what failed, the tail (a log's last lines) why.
	if len(msg) > 700 {
		msg = msg[:200] + " … " + msg[len(msg)-500:]
	}
	return Row{Case: what, Result: "failed: " + msg, Verdict: Fail}
}

func randomHex() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b[:])
}
