// Command follow is the scheduled import Lambda: every few minutes it reads
// the publisher's feed (SOURCE_FEED_URL, conditionally, with the ETag kept
// in the SSM parameter FOLLOW_STATE_PARAMETER) and imports new and changed
// items through the newsroom Service into the table, with the code of
// cmd/import (package importer). Wiring only.
package main

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/importer"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	f, err := build(log)
	if err != nil {
		log.Error("follow: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(f.Handle)
}

func build(log *slog.Logger) (*importer.Follower, error) {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return nil, err
	}
	if err := cfg.NeedSourceFeed(); err != nil {
		return nil, err
	}
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return nil, err
	}
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint, func(o *dynamodb.Options) {
		o.HTTPClient = metrics.StoreClient(awshttp.NewBuildableClient())
	})
	// Strong reads: each write is pinned to the version just read.
	store := dynamo.New(client, cfg.TableName, dynamo.WithConsistentReads(), dynamo.WithLocation(cfg.Location))
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: cfg.SiteURL})
	fetch := &importer.Fetcher{
		Client:    &http.Client{Timeout: 20 * time.Second},
		UserAgent: "syndicate-follow/1 (+" + cfg.BaseURL + ")",
		Attempts:  3,
		MaxWait:   20 * time.Second,
	}
	f := &importer.Follower{
		URL:      cfg.SourceFeedURL,
		Loader:   &importer.Loader{Fetcher: fetch, Options: importer.Options{Language: cfg.Language, MaxPages: 1}},
		Importer: &importer.Importer{Sink: importer.ServiceSink{Service: svc}, Workers: 4},
		Log:      log,
		Metrics:  metrics.New(os.Stdout, metrics.Options{Service: "follow", Level: os.Getenv(logging.LevelVariable)}),
	}
	if cfg.FollowStateParameter != "" {
		f.State = importer.ParameterState{Name: cfg.FollowStateParameter, Client: parameter.New(awsCfg, parameter.Options{
			Endpoint: awsenv.ServiceEndpoint(os.Getenv, "SSM"),
			Timeout:  cfg.StoreTimeout,
		})}
	}
	return f, nil
}
