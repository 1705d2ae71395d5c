// Command share is the share Lambda: share pages, share cards, share links
// and oEmbed (shareapi.Register) on the DynamoDB store. Wiring only.
package main

import (
	"log/slog"
	"os"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/logging"
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
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint)
	opts, err := shareapi.NewOptions(cfg)
	if err != nil {
		return err
	}
	rt := httpapi.NewRouter()
	shareapi.Register(rt, dynamo.New(client, cfg.TableName), opts)
	// Behind the CDN, only requests carrying its origin secret are served.
	lambdahttp.Start(httpapi.Observe(log, httpapi.RequireOrigin(cfg.OriginSecret, rt)))
	return nil
}
