package benchmark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// rieModule is the pinned emulator (the tool line in the service's go.mod).
const rieModule = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// MaxBootstrapBytes is the size target of an arm64 bootstrap: 10 MB.
const MaxBootstrapBytes = 10_000_000

// MaxColdStart is the cold-start target, process start to first response.
const MaxColdStart = 30 * time.Millisecond

// coldEvents names the events/ file each function is invoked with: a
// request that reads the store, as a first request after a deploy would.
var coldEvents = map[string]string{
	"articles": "articles-get.json",
	"feeds":    "feeds-rss.json",
	"share":    "share-crawler.json",
	"notify":   "notify-insert.json",
}

// minimalEvent is used for a function without an entry in coldEvents.
const minimalEvent = `{"version":"2.0","routeKey":"$default","rawPath":"/","headers":{},"requestContext":{"http":{"method":"GET","path":"/"},"requestId":"bench"},"isBase64Encoded":false}`

// ColdStartOptions configure ColdStartSection.
type ColdStartOptions struct {
	Root             string
	Tools            string
	Dir              string
	DynamoDBEndpoint string
	Starts           int
	Progress         io.Writer
}

// ColdStart is one function's measured starts.
type ColdStart struct {
	Name   string
	Starts []time.Duration
	// Status is the HTTP status in the first response (0 for a stream
	// function).
	Status int
}

// ColdStartSection builds every function for linux/arm64 to report its
// size, then for this machine to time its cold start under the emulator
// against moto (skipped without an endpoint).
func ColdStartSection(ctx context.Context, opts ColdStartOptions) Section {
	const title = "Cold start and size (Lambda bootstraps)"
	sec := Section{Title: title}
	fns, err := functions(opts.Root)
	if err != nil {
		return failed(title, "functions", err)
	}
	for _, fn := range fns {
		out := filepath.Join(opts.Dir, "arm64", fn, "bootstrap")
		err := Build(ctx, opts.Root, out, "./functions/"+fn,
			[]string{"GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0"}, LambdaFlags...)
		if err != nil {
			sec.Rows = append(sec.Rows, errorRow("arm64 build of "+fn, err))
			continue
		}
		fi, err := os.Stat(out)
		if err != nil {
			sec.Rows = append(sec.Rows, errorRow("arm64 build of "+fn, err))
			continue
		}
		sec.Rows = append(sec.Rows, Row{Case: fn + ": arm64 bootstrap size",
			Result: fmt.Sprintf("%s (%d bytes)", FormatBytes(float64(fi.Size())), fi.Size()),
			Target: "< 10 MB", Verdict: Check(fi.Size() < MaxBootstrapBytes)})
	}
	sec.Notes = append(sec.Notes, "size: GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags='-s -w', as build.mk builds for provided.al2023")
	if opts.DynamoDBEndpoint == "" {
		sec.Notes = append(sec.Notes, "DYNAMODB_ENDPOINT unset: cold starts were skipped")
		return sec
	}

	runs, baseline, err := coldStarts(ctx, opts, fns)
	if err != nil {
		sec.Rows = append(sec.Rows, errorRow("cold starts", err))
		return sec
	}
	base := MedianDuration(baseline.Starts)
	sec.Rows = append(sec.Rows, Row{Case: "emulator + trivial bootstrap (baseline)",
		Result: fmt.Sprintf("median %s of %d (min %s, max %s)", FormatDuration(base), len(baseline.Starts),
			FormatDuration(slices.Min(baseline.Starts)), FormatDuration(slices.Max(baseline.Starts)))})
	for _, r := range runs {
		med := MedianDuration(r.Starts)
		status := ""
		if r.Status != 0 {
			status = ", answered " + strconv.Itoa(r.Status)
		}
		sec.Rows = append(sec.Rows, Row{Case: r.Name + ": cold start, process start → first response",
			Result: fmt.Sprintf("median %s of %d (min %s, max %s); %s above the baseline%s",
				FormatDuration(med), len(r.Starts), FormatDuration(slices.Min(r.Starts)),
				FormatDuration(slices.Max(r.Starts)), FormatDuration(med-base), status),
			Target: "< 30 ms", Verdict: Check(med < MaxColdStart)})
	}
	sec.Notes = append(sec.Notes,
		"cold start: each function built for this machine with build.mk's flags, run under the pinned aws-lambda-rie against moto_server (a fresh seeded table); the clock starts just before the emulator's process starts and stops when the first invocation (an events/ sample that reads the store) is answered; a new process every start",
		"the emulator's own start-up and the Go runtime's are inside every figure: the baseline row is the same measurement with a bootstrap that answers at once, so 'above the baseline' is the function's own init and first request; the target is judged on the whole figure",
		"on AWS the first request also pays the sandbox and the download of the code, which no local figure includes")
	return sec
}

func functions(root string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// coldStarts builds the emulator and the host bootstraps, seeds a table,
// and times opts.Starts starts of each function and of the baseline.
func coldStarts(ctx context.Context, opts ColdStartOptions, fns []string) ([]ColdStart, ColdStart, error) {
	rie := filepath.Join(opts.Dir, "aws-lambda-rie")
	if err := Build(ctx, opts.Root, rie, rieModule, []string{"CGO_ENABLED=0"}); err != nil {
		return nil, ColdStart{}, err
	}
	table := "bench-cold-" + randomHex()
	if err := seedTable(ctx, opts.DynamoDBEndpoint, table); err != nil {
		return nil, ColdStart{}, err
	}
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hub.Close()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + opts.Dir,
		"AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(opts.Dir, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(opts.Dir, "none"),
		"DYNAMODB_ENDPOINT=" + opts.DynamoDBEndpoint,
		"TABLE_NAME=" + table,
		"SITE_URL=" + SiteURL,
		"HUB_URL=" + hub.URL + "/",
		"ADMIN_TOKEN=local-admin-token", // the token in events/
		"STORE_TIMEOUT=3s",
		"AWS_LAMBDA_FUNCTION_TIMEOUT=8",
	}
	time1 := func(name, dir, pkg, event string) (ColdStart, error) {
		bootstrap := filepath.Join(opts.Dir, "host", name, "bootstrap")
		if err := Build(ctx, dir, bootstrap, pkg, []string{"CGO_ENABLED=0"}, LambdaFlags...); err != nil {
			return ColdStart{}, err
		}
		payload := []byte(minimalEvent)
		if event != "" {
			b, err := os.ReadFile(filepath.Join(opts.Root, "events", event))
			if err != nil {
				return ColdStart{}, err
			}
			payload = b
		}
		cs := ColdStart{Name: name}
		for range opts.Starts {
			d, status, err := startOnce(ctx, rie, bootstrap, append(env, "AWS_LAMBDA_FUNCTION_NAME="+name), payload)
			if err != nil {
				return cs, fmt.Errorf("%s: %w", name, err)
			}
			cs.Starts, cs.Status = append(cs.Starts, d), status
		}
		fmt.Fprintf(opts.Progress, "bench: cold start %s: median %s\n", name, FormatDuration(MedianDuration(cs.Starts)))
		return cs, nil
	}
	baseline, err := time1("baseline", opts.Tools, "./internal/benchmark/baseline", "")
	if err != nil {
		return nil, ColdStart{}, err
	}
	var runs []ColdStart
	for _, fn := range fns {
		r, err := time1(fn, opts.Root, "./functions/"+fn, coldEvents[fn])
		if err != nil {
			return runs, baseline, err
		}
		runs = append(runs, r)
	}
	return runs, baseline, nil
}

// startOnce starts the emulator with bootstrap and invokes it with payload
// as soon as it accepts connections; it returns the time from starting the
// process to the response and the HTTP status inside it.
func startOnce(ctx context.Context, rie, bootstrap string, env []string, payload []byte) (time.Duration, int, error) {
	apiPort, err := FreePort()
	if err != nil {
		return 0, 0, err
	}
	rtPort, err := FreePort()
	if err != nil {
		return 0, 0, err
	}
	args := []string{
		"--runtime-interface-emulator-address", "127.0.0.1:" + strconv.Itoa(apiPort),
		"--runtime-api-address", "127.0.0.1:" + strconv.Itoa(rtPort),
		bootstrap,
	}
	url := "http://127.0.0.1:" + strconv.Itoa(apiPort) + "/2015-03-31/functions/function/invocations"
	// Connections are new each try: a kept-alive one would outlive the
	// emulator between starts.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	start := time.Now()
	p, err := Start(rie, args, env)
	if err != nil {
		return 0, 0, err
	}
	defer p.Stop(2 * time.Second)
	deadline := start.Add(20 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
		if err != nil {
			return 0, 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			if !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) || p.Exited() {
				return 0, 0, fmt.Errorf("invoke: %w\n%s", err, p.Logs())
			}
			time.Sleep(time.Millisecond)
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err != nil {
			return 0, 0, fmt.Errorf("invoke: %w", err)
		}
		if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte(`"errorType"`)) {
			return 0, 0, fmt.Errorf("invoke: emulator answered %d: %.300s\n%s", resp.StatusCode, body, p.Logs())
		}
		var res struct {
			StatusCode int `json:"statusCode"`
		}
		_ = json.Unmarshal(body, &res) // A stream function's answer has no status.
		if res.StatusCode >= 500 {
			return 0, 0, fmt.Errorf("invoke: function answered HTTP %d: %.300s", res.StatusCode, body)
		}
		return took, res.StatusCode, nil
	}
}

// seedTable creates table on the endpoint and stores the seed articles.
func seedTable(ctx context.Context, endpoint, table string) error {
	client := dynamo.NewClient(dynamo.LocalConfig(), endpoint)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(cctx, client, table); err != nil {
		return err
	}
	svc := article.NewService(dynamo.New(client, table), article.Options{SiteURL: SiteURL})
	if _, err := seed.Ensure(ctx, svc, SiteURL, 5*time.Second); err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	return nil
}
