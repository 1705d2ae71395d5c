// Command federate is the fediverse announcer Lambda: batches of the
// articles table's stream in (canonical article items only, by the event
// source's filter), a Create, Update or Delete of each changed story
// queued for every follower's server, one delivery per unique shared
// inbox (fediverse.Federator), on the delivery queue (package outbox),
// which the deliver function sends. It signs nothing, so it reads no key.
// Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	f, err := build(log)
	if err != nil {
		log.Error("federate: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(func(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		return f.Handle(ctx, dynamo.StreamLifecycle, e)
	})
}

func build(log *slog.Logger) (*fediverse.Federator, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.NeedDeliveryQueue(); err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return nil, err
	}
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName, dynamo.WithLocation(cfg.Location))
	queue := &outbox.Queue{Client: outbox.NewClient(awsCfg, awsenv.ServiceEndpoint(os.Getenv, "SQS")), URL: cfg.DeliveryQueueURL}
	return &fediverse.Federator{
		Pub: fediverse.PublicationOf(cfg), Store: store, Articles: store, Outbox: queue, Log: log,
		Metrics: metrics.New(os.Stdout, metrics.Options{Service: "federate", Level: os.Getenv(logging.LevelVariable)}),
	}, nil
}
