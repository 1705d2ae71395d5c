// Command tally is the share-total aggregator Lambda: batches of the
// articles table's stream in (counter shards and canonical article items
// only, by the event source's filter), one recompute of each touched
// article's share total out (package tally), so GET /articles?sort=shares
// is one Query and one BatchGetItem. Failed articles' records are
// reported in BatchItemFailures. Wiring only.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/tally"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		log.Error("tally: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		log.Error("tally: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	// Strong reads: a shard read must include every click whose stream
	// record woke this batch.
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName, dynamo.WithConsistentReads())
	agg := tally.New(tally.Options{Totals: store, Article: dynamo.StreamShareArticle, Log: log})
	lambda.Start(agg.Handle)
}
