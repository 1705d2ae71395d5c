// Command release is the scheduled-publishing Lambda: invoked every minute
// by an EventBridge Scheduler schedule, it releases the scheduled articles
// whose time has come (package release), so that the table stream tells
// the notifier at that time. Wiring only.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/release"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("release: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return err
	}
	// Every DynamoDB call is timed into the invocation's metrics record.
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint, func(o *dynamodb.Options) {
		o.HTTPClient = metrics.StoreClient(awshttp.NewBuildableClient())
	})
	r := release.New(dynamo.New(client, cfg.TableName), release.Options{
		Log:     log,
		Metrics: metrics.New(os.Stdout, metrics.Options{Service: "release", Level: os.Getenv(logging.LevelVariable)}),
	})
	lambda.Start(r.Handle)
	return nil
}
