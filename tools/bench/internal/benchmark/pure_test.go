package benchmark

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMemoryGrowthAndRows(t *testing.T) {
	const mib = 1 << 20
	// Three samples only, as the run took before it took forty.
	sparse := MemoryResult{Samples: []MemorySample{
		{10_000, Memory{RSS: 40 * mib, Peak: 50 * mib}},
		{50_000, Memory{RSS: 44 * mib, Peak: 55 * mib}},
		{100_000, Memory{RSS: 45 * mib, Peak: 55 * mib}},
	}}

	// run is 40 samples, every 2,500 requests, as memorySection takes
	// them: rss gives each one's RSS; the peak only ever rises.
	run := func(rss func(n int) int64, peakStep int64) MemoryResult {
		var r MemoryResult
		var peak int64
		for i := 1; i <= 40; i++ {
			n := i * 2500
			m := Memory{RSS: rss(n)}
			peak = max(peak, m.RSS+10*mib)
			if n == 90_000 {
				peak += peakStep
			}
			m.Peak = peak
			r.Samples = append(r.Samples, MemorySample{n, m})
		}
		return r
	}
	// A collector's sawtooth: RSS between 40 and 46 MiB whatever the count.
	sawtooth := func(n int) int64 { return 40*mib + int64(n/2500%4)*2*mib }
	// A chance peak: one moment late in the run held 8 MiB more.
	chance := run(sawtooth, 8*mib)
	// A leak of 100 bytes a request under the same sawtooth.
	leak := run(func(n int) int64 { return sawtooth(n) + int64(n)*100 }, 0)
	leak.Errors = 1
	tests := []struct {
		name        string
		r           MemoryResult
		wantGrowth  Verdict
		wantErrors  Verdict
		wantPeakRow string
	}{
		{"flat, with a chance peak late", chance, Pass, Pass, "64.0 MiB"},
		{"leaking, with an error", leak, Fail, Fail, "65.3 MiB"},
		{"too few samples", sparse, Fail, Pass, "55.0 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := MemoryRows(tt.r, 100_000)
			find := func(prefix string) Row {
				for _, r := range rows {
					if strings.HasPrefix(r.Case, prefix) {
						return r
					}
				}
				t.Fatalf("no row %q in %+v", prefix, rows)
				return Row{}
			}
			if got := find("RSS growth with request count"); got.Verdict != tt.wantGrowth {
				t.Errorf("growth verdict = %v (%s), want %v", got.Verdict, got.Result, tt.wantGrowth)
			}
			if got := find("peak RSS growth"); got.Verdict != None || got.Target != "" {
				t.Errorf("the peak's growth is judged: %+v", got)
			}
			if got := find("errors").Verdict; got != tt.wantErrors {
				t.Errorf("errors verdict = %v, want %v", got, tt.wantErrors)
			}
			if got := find("peak RSS (VmHWM)").Result; got != tt.wantPeakRow {
				t.Errorf("peak = %q, want %q", got, tt.wantPeakRow)
			}
			shown := 0
			for _, r := range rows {
				if strings.HasPrefix(r.Case, "RSS after ") {
					shown++
				}
			}
			if shown != 3 {
				t.Errorf("%d RSS rows shown, want the 10%%, 50%% and 100%% samples", shown)
			}
		})
	}
}

func TestCostRow(t *testing.T) {
	head := Call{Op: "FeedHead:GetItem", Units: 0.5, Bytes: 215}
	tests := []struct {
		name        string
		c           CostCase
		wantVerdict Verdict
		wantResult  string
	}{
		{"304 reads the head only", CostCase{Name: "304 feed", Cost: Cost{Calls: []Call{head}}}, Pass,
			"1 round trips, moto 0.50 RCU / 0 WCU, ≈ 0.50 RCU by size [FeedHead:GetItem 215 B]"},
		{"304 that lists fails", CostCase{Name: "304 feed", Cost: Cost{Calls: []Call{head, {Op: "ListFeed:Query", Units: 1, Bytes: 9000}}}}, Fail,
			"2 round trips, moto 1.50 RCU / 0 WCU, ≈ 2.00 RCU by size [FeedHead:GetItem 215 B; ListFeed:Query 8.79 KiB]"},
		{"share page of one small read", CostCase{Name: "share page", Cost: Cost{Calls: []Call{{Op: "GetBySlug:GetItem", Units: 0.5, Bytes: 4000}}}}, Pass, ""},
		{"share page of two reads", CostCase{Name: "share page", Cost: Cost{Calls: []Call{
			{Op: "GetBySlug:GetItem", Units: 0.5, Bytes: 200}, {Op: "GetBySlug:GetItem", Units: 0.5, Bytes: 3000}}}}, Fail, ""},
		{"write: units count as WCU, no target", CostCase{Name: "article write", Cost: Cost{Calls: []Call{
			{Op: "Save:GetItem", Units: 0.5, Bytes: 84}, {Op: "Save:TransactWriteItems", Units: 4, Bytes: 53}}}}, None,
			"2 round trips, moto 0.50 RCU / 4.00 WCU, ≈ 0.50 RCU by size [Save:GetItem 84 B; Save:TransactWriteItems 53 B]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CostRow(tt.c)
			if got.Verdict != tt.wantVerdict {
				t.Errorf("verdict = %v, want %v (%s)", got.Verdict, tt.wantVerdict, got.Result)
			}
			if tt.wantResult != "" && got.Result != tt.wantResult {
				t.Errorf("result = %q, want %q", got.Result, tt.wantResult)
			}
		})
	}
}

func TestEstimatedRCU(t *testing.T) {
	tests := []struct {
		call Call
		want float64
	}{
		{Call{Op: "Get:GetItem", Bytes: 10}, 0.5},
		{Call{Op: "Get:GetItem", Bytes: 4096}, 0.5},
		{Call{Op: "Get:GetItem", Bytes: 4097}, 1},
		{Call{Op: "ListFeed:Query", Bytes: 200 << 10}, 25},
		{Call{Op: "IncrementShare:UpdateItem", Bytes: 190}, 0},
	}
	for _, tt := range tests {
		if got := tt.call.EstimatedRCU(); got != tt.want {
			t.Errorf("%s of %d bytes: EstimatedRCU = %v, want %v", tt.call.Op, tt.call.Bytes, got, tt.want)
		}
	}
}

func TestTail(t *testing.T) {
	tl := &tail{max: 5}
	_, _ = tl.Write([]byte("abc"))
	_, _ = tl.Write([]byte("defg"))
	if got := tl.String(); got != "cdefg" {
		t.Errorf("tail = %q, want %q", got, "cdefg")
	}
}

// TestProcessLogs: a child's stdout and stderr land in one file in the
// order written, and Logs returns their last logTail bytes.
func TestProcessLogs(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(sh, []string{"-c", "echo out; echo err >&2; head -c 20000 /dev/zero | tr '\\0' x; echo; echo last"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-p.done
	got := p.Logs()
	if len(got) != logTail || !strings.HasSuffix(got, "x\nlast\n") {
		t.Errorf("Logs = %d bytes ending %q, want %d ending %q", len(got), got[max(len(got)-12, 0):], logTail, "x\nlast\n")
	}

	p, err = Start(sh, []string{"-c", "echo out; echo err >&2"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-p.done
	if got := p.Logs(); got != "out\nerr\n" {
		t.Errorf("Logs = %q, want %q", got, "out\nerr\n")
	}
}

func TestParseEmulatorLog(t *testing.T) {
	// As aws-lambda-rie (the version pinned in the service's go.mod) logs
	// a cold start; the REPORT line's Init Duration is not the init.
	const ok = "30 Nov 2026 15:09:03,272 [INFO] (rapid) exec './baseline' (cwd=/tmp, handler=)\n" +
		"START RequestId: 5ea438f3 Version: $LATEST\n" +
		"30 Nov 2026 15:09:03,557 [INFO] (rapid) INIT START(type: on-demand, phase: init)\n" +
		"30 Nov 2026 15:09:03,649 [INFO] (rapid) INIT RTDONE(status: success)\n" +
		"30 Nov 2026 15:09:03,649 [INFO] (rapid) INIT REPORT(durationMs: 92.110000)\n" +
		"30 Nov 2026 15:09:03,649 [INFO] (rapid) INVOKE START(requestId: 5ea438f3)\n" +
		`{"time":"2026-11-30T15:09:03.66Z","level":"INFO","msg":"request","duration":"INVOKE RTDONE(status: success, duration: 1ms)"}` + "\n" +
		"30 Nov 2026 15:09:03,682 [INFO] (rapid) INVOKE RTDONE(status: success, produced bytes: 0, duration: 33.405000ms)\n" +
		"END RequestId: 5ea438f3\n" +
		"REPORT RequestId: 5ea438f3\tInit Duration: 0.04 ms\tDuration: 131.32 ms\tBilled Duration: 132 ms\t\n"
	tests := []struct {
		name            string
		log             string
		wantInit, first time.Duration
		wantErr         string
	}{
		{"cold start", ok, 92110 * time.Microsecond, 33405 * time.Microsecond, ""},
		{"not yet answered", ok[:strings.Index(ok, "30 Nov 2026 15:09:03,682")], 0, 0, "INVOKE RTDONE"},
		{"no init", "START RequestId: x\n", 0, 0, "INIT REPORT"},
		{"failed invocation", strings.Replace(ok, "RTDONE(status: success, produced", "RTDONE(status: error, produced", 1), 0, 0, "INVOKE RTDONE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			init, first, err := parseEmulatorLog(tt.log)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || init != tt.wantInit || first != tt.first {
				t.Errorf("got %v, %v, %v; want %v, %v", init, first, err, tt.wantInit, tt.first)
			}
		})
	}
}

func TestColdStartRows(t *testing.T) {
	ms := func(ns ...int) []time.Duration {
		out := make([]time.Duration, len(ns))
		for i, n := range ns {
			out[i] = time.Duration(n) * time.Millisecond
		}
		return out
	}
	base := ColdStart{Name: "baseline", Inits: ms(3, 2, 4), Firsts: ms(1, 1, 2), Starts: ms(9, 8, 10)}
	runs := []ColdStart{
		{Name: "feeds", Inits: ms(6, 5, 7), Firsts: ms(30, 28, 40), Starts: ms(45, 44, 50), Status: 200},
		{Name: "notify", Inits: ms(4, 4, 5), Firsts: ms(2, 3, 2), Starts: ms(15, 14, 16)},
		{Name: "noisy", Inits: ms(2, 2, 2), Firsts: ms(1, 1, 1), Starts: ms(7, 8, 9)},
		{Name: "share", Inits: ms(14, 12, 20), Firsts: ms(1, 1, 1), Starts: ms(20, 20, 20)},
		{Name: "follow", Inits: ms(29, 28, 30), Firsts: ms(1, 1, 1), Starts: ms(35, 35, 35)},
	}
	var got []string
	for _, r := range coldStartRows(base, runs) {
		got = append(got, fmt.Sprintf("%s = %s [%s %v]", r.Case, r.Result, r.Target, r.Verdict))
	}
	want := []string{
		"emulator + trivial bootstrap (baseline): init = median 3.00 ms of 3 (min 2.00 ms, max 4.00 ms) [ 0]",
		"emulator + trivial bootstrap (baseline): first request = median 1.00 ms of 3 (min 1.00 ms, max 2.00 ms) [ 0]",
		"emulator + trivial bootstrap (baseline): process start → first response = median 9.00 ms of 3 (min 8.00 ms, max 10.0 ms) [ 0]",
		"feeds: init = median 6.00 ms of 3 (min 5.00 ms, max 7.00 ms); 3.00 ms above the baseline [≤ baseline + 10 ms 1]",
		"feeds: first request = median 30.0 ms of 3 (min 28.0 ms, max 40.0 ms); 29.0 ms above the baseline, answered 200 [ 0]",
		"feeds: cold start, process start → first response = median 45.0 ms of 3 (min 44.0 ms, max 50.0 ms); 36.0 ms above the baseline [ 0]",
		"notify: init = median 4.00 ms of 3 (min 4.00 ms, max 5.00 ms); 1.00 ms above the baseline [≤ baseline + 25 ms 1]",
		"notify: first request = median 2.00 ms of 3 (min 2.00 ms, max 3.00 ms); 1.00 ms above the baseline [ 0]",
		"notify: cold start, process start → first response = median 15.0 ms of 3 (min 14.0 ms, max 16.0 ms); 6.00 ms above the baseline [ 0]",
		"noisy: init = median 2.00 ms of 3 (min 2.00 ms, max 2.00 ms); 1.00 ms below the baseline [≤ baseline + 25 ms 1]",
		"noisy: first request = median 1.00 ms of 3 (min 1.00 ms, max 1.00 ms); 0 ns above the baseline [ 0]",
		"noisy: cold start, process start → first response = median 8.00 ms of 3 (min 7.00 ms, max 9.00 ms); 1.00 ms below the baseline [ 0]",
		"share: init = median 14.0 ms of 3 (min 12.0 ms, max 20.0 ms); 11.0 ms above the baseline [≤ baseline + 10 ms 2]",
		"share: first request = median 1.00 ms of 3 (min 1.00 ms, max 1.00 ms); 0 ns above the baseline [ 0]",
		"share: cold start, process start → first response = median 20.0 ms of 3 (min 20.0 ms, max 20.0 ms); 11.0 ms above the baseline [ 0]",
		"follow: init = median 29.0 ms of 3 (min 28.0 ms, max 30.0 ms); 26.0 ms above the baseline [≤ baseline + 25 ms 2]",
		"follow: first request = median 1.00 ms of 3 (min 1.00 ms, max 1.00 ms); 0 ns above the baseline [ 0]",
		"follow: cold start, process start → first response = median 35.0 ms of 3 (min 35.0 ms, max 35.0 ms); 26.0 ms above the baseline [ 0]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseStat(t *testing.T) {
	// A /proc/PID/stat line whose command name holds a space and a ')'.
	const line = "4242 (local) x) S 1 4242 4242 0 -1 4194560 1510 0 0 0 1234 567 0 0 20 0 9 0 123 456 789\n"
	got, err := parseStat([]byte(line))
	if want := (1234 + 567) * 10 * time.Millisecond; err != nil || got != want {
		t.Errorf("parseStat = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"4242 local S 1", "4242 (local) S 1 2 3", "4242 (local) S 1 4242 4242 0 -1 0 0 0 0 0 x 567 0"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q): no error", bad)
		}
	}
	if _, err := ProcessCPU(os.Getpid()); err != nil {
		t.Errorf("ProcessCPU(self): %v", err)
	}
}
