// Command federate is the fediverse announcer Lambda: batches of the
// articles table's stream in (canonical article items only, by the event
// source's filter), a Create, Update or Delete of each changed story out
// to every follower's server, one signed delivery per unique shared inbox
// (fediverse.Federator). Wiring only.
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
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/secret"
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
	if err := cfg.NeedFediverseKey(); err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return nil, err
	}
	ssm := parameter.New(awsCfg, parameter.Options{Endpoint: awsenv.ServiceEndpoint(os.Getenv, "SSM"), Timeout: cfg.StoreTimeout})
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StoreTimeout)
	defer cancel()
	pemText, err := secret.Parameter(ssm, cfg.FediverseKeyParameter)(ctx)
	if err != nil {
		return nil, err
	}
	key, err := httpsig.ParsePrivateKey([]byte(pemText))
	if err != nil {
		return nil, err
	}
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName, dynamo.WithLocation(cfg.Location))
	opts, err := fediapi.NewOptions(cfg, key, store, store)
	if err != nil {
		return nil, err
	}
	f := fediapi.NewFederator(opts, log)
	f.Metrics = metrics.New(os.Stdout, metrics.Options{Service: "federate", Level: os.Getenv(logging.LevelVariable)})
	return f, nil
}
