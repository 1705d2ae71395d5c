// Command fediverse is the fediverse Lambda: WebFinger, NodeInfo, the
// newsroom's actor, stories as Notes and the inboxes (fediapi.Register)
// on the DynamoDB store, signing with the RSA key in the SSM SecureString
// FEDIVERSE_KEY_PARAMETER. Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/secret"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("fediverse: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	if err := cfg.NeedFediverseKey(); err != nil {
		return err
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return err
	}
	// The key is read once per container; its value is never logged.
	ssm := parameter.New(awsCfg, parameter.Options{Endpoint: awsenv.ServiceEndpoint(os.Getenv, "SSM"), Timeout: cfg.StoreTimeout})
	ctx, cancel := context.WithTimeout(context.Background(), cfg.StoreTimeout)
	defer cancel()
	key, err := fediverse.KeyFrom(ctx, secret.Parameter(ssm, cfg.FediverseKeyParameter))
	if err != nil {
		return err
	}
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint, func(o *dynamodb.Options) {
		o.HTTPClient = metrics.StoreClient(awshttp.NewBuildableClient())
	})
	store := dynamo.New(client, cfg.TableName, dynamo.WithLocation(cfg.Location))
	opts, err := fediapi.NewOptions(cfg, key, store, store)
	if err != nil {
		return err
	}
	emf := metrics.New(os.Stdout, metrics.Options{Service: "fediverse", Level: os.Getenv(logging.LevelVariable)})
	rt := httpapi.NewRouter()
	fediapi.Register(rt, opts)
	lambdahttp.Start(httpapi.Observe(log, httpapi.RequireOrigin(cfg.OriginSecret, rt, cfg.OriginSecretPrevious), httpapi.WithMetrics(emf)))
	return nil
}
