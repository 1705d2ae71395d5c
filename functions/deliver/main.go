// Command deliver is the fediverse delivery Lambda: batches of the
// delivery queue in (SQS FIFO, one message group per peer host), each
// activity POSTed to its inbox signed at send time, failures backed off
// on the queue for about a day, hosts failing for days skipped and
// pruned (outbox.Handler, fediverse.Deliverer). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpsig"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/outbox"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/secret"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	h, err := build(log)
	if err != nil {
		log.Error("deliver: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(h.Handle)
}

func build(log *slog.Logger) (*outbox.Handler, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.NeedFediverseKey(); err != nil {
		return nil, err
	}
	if err := cfg.NeedDeliveryQueue(); err != nil {
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
	return &outbox.Handler{
		Deliverer: fediapi.NewDeliverer(opts, log),
		Queue:     &outbox.Queue{Client: outbox.NewClient(awsCfg, awsenv.ServiceEndpoint(os.Getenv, "SQS")), URL: cfg.DeliveryQueueURL},
		Metrics:   metrics.New(os.Stdout, metrics.Options{Service: "deliver", Level: os.Getenv(logging.LevelVariable)}),
		Log:       log,
		Reserve:   fediapi.PeerTimeout + cfg.StoreTimeout,
	}, nil
}
