// Command notify is the WebSub notifier Lambda: the articles table's stream
// in, hub.mode=publish pings out (package notify), with failed records
// reported in BatchItemFailures. Wiring only.
package main

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/cdn"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/notify"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		log.Error("notify: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
	opts := notify.Options{
		HubURL:   cfg.HubURL,
		Site:     feed.NewChannel(cfg),
		Articles: dynamo.StreamArticles,
		// A hub that accepts the connection and never answers must not hold
		// the batch: each attempt also has notify's own AttemptTimeout.
		Client:  &http.Client{Timeout: 10 * time.Second},
		Log:     log,
		Metrics: metrics.New(os.Stdout, metrics.Options{Service: "notify", Level: os.Getenv(logging.LevelVariable)}),
		// The CDN drops every changed public form first (notify.Paths).
		InvalidationWait: cfg.InvalidationWait,
	}
	if cfg.DistributionID != "" {
		awsCfg, err := awsenv.Config(os.Getenv)
		if err != nil {
			log.Error("notify: start", slog.String("error", err.Error()))
			os.Exit(1)
		}
		opts.Invalidator = cdn.New(awsCfg, cfg.DistributionID, cdn.Options{
			HTTPClient: &http.Client{Timeout: 10 * time.Second},
		})
	}
	lambda.Start(notify.New(opts).Handle)
}
