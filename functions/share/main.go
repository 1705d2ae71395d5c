// Command share is the share Lambda: share pages, share cards, share links
// and oEmbed (httpapi.RegisterShare) on the DynamoDB store. Wiring only.
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
		log.Error("share: start", slog.String("error", err.Error()))
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
	opts, err := httpapi.NewShareOptions(cfg)
	if err != nil {
		return err
	}
	rt := httpapi.NewRouter()
	httpapi.RegisterShare(rt, dynamo.New(client, cfg.TableName), opts)
	lambdahttp.Start(httpapi.Observe(log, rt))
	return nil
}
