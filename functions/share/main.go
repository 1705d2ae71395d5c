// Command share is the share Lambda: share pages, share cards, share links
// and oEmbed (shareapi.Register) on the DynamoDB store. Wiring only.
package main

import (
	"log/slog"
	"os"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/memlimit"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("share: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	// Share cards decode photos; past the function's memory it would be
	// killed, near it the collector should work harder instead.
	if limit, ok := memlimit.Set(os.Getenv); ok {
		log.Debug("share: memory limit", slog.Int64("bytes", limit))
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	// Lambda puts the region and the role's credentials in the
	// environment; reading them there keeps the SDK's config chain (SSO,
	// STS, IMDS, shared files) out of the binary.
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return err
	}
	// Every DynamoDB call is timed into the request's metrics record.
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint, func(o *dynamodb.Options) {
		o.HTTPClient = metrics.StoreClient(awshttp.NewBuildableClient())
	})
	emf := metrics.New(os.Stdout, metrics.Options{Service: "share", Level: os.Getenv(logging.LevelVariable)})
	opts, err := shareapi.NewOptions(cfg)
	if err != nil {
		return err
	}
	rt := httpapi.NewRouter()
	shareapi.Register(rt, dynamo.New(client, cfg.TableName, dynamo.WithLocation(cfg.Location)), opts)
	// Behind the CDN, only requests carrying its origin secret are served.
	lambdahttp.Start(httpapi.Observe(log, httpapi.RequireOrigin(cfg.OriginSecret, rt, cfg.OriginSecretPrevious), httpapi.WithMetrics(emf)))
	return nil
}
