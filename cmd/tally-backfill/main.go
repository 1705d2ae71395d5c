// Command tally-backfill recomputes the share total of every live article
// (tally.Aggregator.Backfill): the one-time step after the aggregator's
// first deploy, so that clicks counted before it are in the most-shared
// list, and a repair that is safe to run at any time. docs/operations.md,
// "Backfilling share totals", says how to run it. Wiring only.
//
//	tally-backfill [-concurrency 8]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/tally"
)

func main() {
	log := logging.New(os.Stderr, os.Getenv)
	concurrency := flag.Int("concurrency", 8, "articles recomputed at once (each is "+fmt.Sprint(dynamo.ShareTotalRequests)+" DynamoDB requests)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	n, err := run(ctx, log, *concurrency)
	fmt.Printf("share totals recomputed: %d articles\n", n)
	if err != nil {
		log.Error("tally-backfill: stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(ctx context.Context, log *slog.Logger, concurrency int) (int, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return 0, err
	}
	// The region and credentials come from the environment, as in the
	// functions (export them from a profile with
	// `aws configure export-credentials --format env`).
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return 0, err
	}
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName, dynamo.WithConsistentReads())
	agg := tally.New(tally.Options{Totals: store, Article: dynamo.StreamShareArticle, Log: log, Concurrency: concurrency})
	return agg.Backfill(ctx, store)
}
