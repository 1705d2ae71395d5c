// Command deliver is the fediverse delivery Lambda: batches of the
// delivery queue in (SQS FIFO, one message group per peer host), each
// activity POSTed to its inbox signed at send time, failures backed off
// on the queue for about a day, hosts failing for days skipped and
// pruned (outbox.Handler, fediverse.Deliverer). The signing key is read
// from SSM by the first batch, not at init: nobody waits on this
// function's cold start, and its init stays within 10 ms of a trivial
// bootstrap's (docs/figures.md). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
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
	build, err := prepare(log)
	if err != nil {
		log.Error("deliver: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	var (
		mu sync.Mutex
		h  *outbox.Handler
	)
	lambda.Start(func(ctx context.Context, e events.SQSEvent) (events.SQSEventResponse, error) {
		mu.Lock()
		if h == nil {
			// A failure is the invocation's: Lambda tries the batch again
			// after the queue's visibility timeout, and this again.
			built, err := build(ctx)
			if err != nil {
				mu.Unlock()
				log.Error("deliver: signing key not read", slog.String("error", err.Error()))
				return events.SQSEventResponse{}, err
			}
			h = built
		}
		mu.Unlock()
		return h.Handle(ctx, e)
	})
}

// prepare checks the configuration and makes the clients; the handler it
// returns reads the key.
func prepare(log *slog.Logger) (func(ctx context.Context) (*outbox.Handler, error), error) {
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
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName, dynamo.WithLocation(cfg.Location))
	queue := &outbox.Queue{Client: outbox.NewClient(awsCfg, awsenv.ServiceEndpoint(os.Getenv, "SQS")), URL: cfg.DeliveryQueueURL}
	emf := metrics.New(os.Stdout, metrics.Options{Service: "deliver", Level: os.Getenv(logging.LevelVariable)})
	return func(ctx context.Context) (*outbox.Handler, error) {
		kctx, cancel := context.WithTimeout(ctx, cfg.StoreTimeout)
		defer cancel()
		key, err := fediverse.KeyFrom(kctx, secret.Parameter(ssm, cfg.FediverseKeyParameter))
		if err != nil {
			return nil, err
		}
		opts, err := fediapi.NewOptions(cfg, key, store, store)
		if err != nil {
			return nil, err
		}
		return &outbox.Handler{Deliverer: fediapi.NewDeliverer(opts, log), Queue: queue, Metrics: emf, Log: log,
			Reserve: fediapi.PeerTimeout + cfg.StoreTimeout}, nil
	}, nil
}
