// Command bench is the second half of `make bench` (run from its own
// module, tools/bench, with `go -C tools/bench run .`): after the Go
// benchmarks have written bench.txt, it summarises them, loads the local
// server with vegeta, times each Lambda's cold start under the Runtime
// Interface Emulator, measures DynamoDB cost per request type and the local
// server's memory over 100,000 requests, and prints one Markdown table
// (also written to docs/figures.md). Figures that miss their targets are
// marked in the table and listed on stderr; with -strict they also make it
// exit non-zero. Wiring only: see package benchmark.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/newsdesk/syndicate/tools/bench/internal/benchmark"
)

// serviceModule is the module measured; go.mod replaces it with ../..
const serviceModule = "github.com/newsdesk/syndicate"

// fileHeader opens the -out file, which is generated whole.
const fileHeader = "Written by `make bench` (tools/bench), which overwrites this file whole. The viral-day simulation's figures (cache hits per route, origin requests, p50/p99, errors) are in docs/simulation.md, written by `make simulate`."

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		root     = flag.String("root", "", "the service module's directory (default: where this module's replace points)")
		goBench  = flag.String("gobench", "bench.txt", "go test -bench output to summarise, relative to -root (empty: none)")
		out      = flag.String("out", "docs/figures.md", "where to write the table as well as to stdout, relative to -root")
		duration = flag.Duration("duration", 5*time.Second, "measured load per target")
		workers  = flag.Int("workers", 8, "requests in flight under load and in the memory run")
		requests = flag.Int("requests", 100_000, "requests in the memory run")
		starts   = flag.Int("starts", 7, "cold starts per function")
		rounds   = flag.Int("rounds", 3, "rounds of the hot-path comparison (ours, Node, static in turn)")
		skip     = flag.String("skip", "", "comma-separated sections to skip: go,load,compare,cold,cost,memory (-skip go,load,cold,cost,memory runs the hot-path comparison alone)")
		limit    = flag.Duration("timeout", 15*time.Minute, "stop everything after this long")
		strict   = flag.Bool("strict", false, "exit non-zero when a figure misses its target")
	)
	flag.Parse()
	skipped := map[string]bool{}
	for _, s := range strings.Split(*skip, ",") {
		if s = strings.TrimSpace(s); s != "" {
			skipped[s] = true
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *limit)
	defer cancel()
	tools, err := benchmark.ModuleDir(ctx, ".", "")
	if err != nil {
		return err
	}
	if *root == "" {
		if *root, err = benchmark.ModuleDir(ctx, tools, serviceModule); err != nil {
			return err
		}
	}
	under := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(*root, p)
	}

	rep, err := benchmark.Run(ctx, benchmark.Options{
		Root:             *root,
		Tools:            tools,
		GoBench:          under(*goBench),
		DynamoDBEndpoint: os.Getenv("DYNAMODB_ENDPOINT"),
		LoadDuration:     *duration,
		Workers:          *workers,
		CompareRounds:    *rounds,
		MemoryRequests:   *requests,
		ColdStarts:       *starts,
		Skip:             skipped,
		Progress:         os.Stderr,
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(under(*out)), 0o755); err != nil {
		return err
	}
	f, err := os.Create(under(*out))
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%s\n\n", fileHeader); err != nil {
		f.Close()
		return err
	}
	if err := rep.WriteMarkdown(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Println()
	if err := rep.WriteMarkdown(os.Stdout); err != nil {
		return err
	}
	if failed := rep.Failed(); len(failed) > 0 {
		msg := fmt.Sprintf("%d figures missed their targets: %s", len(failed), strings.Join(failed, "; "))
		if *strict {
			return errors.New(msg)
		}
		fmt.Fprintln(os.Stderr, "bench: warning:", msg)
	}
	return nil
}
