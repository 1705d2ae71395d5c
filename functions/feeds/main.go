// Command feeds is the feeds Lambda: RSS, Atom and JSON Feed for the site
// and each section, tag and author, and the Google News sitemap
// (feedapi.Register) on the DynamoDB store. Wiring only.
package main

import (
	"log/slog"
	"os"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("feeds: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
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
	emf := metrics.New(os.Stdout, metrics.Options{Service: "feeds", Level: os.Getenv(logging.LevelVariable)})
	rt := httpapi.NewRouter()
	feedapi.Register(rt, dynamo.New(client, cfg.TableName), feedapi.NewOptions(cfg))
	// Behind the CDN, only requests carrying its origin secret are served.
	lambdahttp.Start(httpapi.Observe(log, httpapi.RequireOrigin(cfg.OriginSecret, rt, cfg.OriginSecretPrevious), httpapi.WithMetrics(emf)))
	return nil
}
