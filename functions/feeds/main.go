// Command feeds is the feeds Lambda: RSS, Atom and JSON Feed for the site
// and each section, tag and author, and the Google News sitemap
// (httpapi.RegisterFeeds) on the DynamoDB store. Wiring only.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
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
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		return fmt.Errorf("aws config: %w", err)
	}
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint)
	rt := httpapi.NewRouter()
	httpapi.RegisterFeeds(rt, dynamo.New(client, cfg.TableName), httpapi.NewFeedOptions(cfg))
	lambdahttp.Start(httpapi.Observe(log, rt))
	return nil
}
