// Command articles is the admin Lambda: article CRUD (adminapi.Register)
// and the share preview studio (previewapi.Register)
// on the DynamoDB store, behind a bearer token read from ADMIN_TOKEN or,
// deployed, from the SSM SecureString parameter named by
// ADMIN_TOKEN_PARAMETER (package secret), re-read every minute and on a
// miss (package auth). Wiring only.
package main

import (
	"log/slog"
	"os"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/secret"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := logging.New(os.Stdout, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("articles: start", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	if err := cfg.NeedAdminToken(); err != nil {
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
	emf := metrics.New(os.Stdout, metrics.Options{Service: "articles", Level: os.Getenv(logging.LevelVariable)})
	src := auth.StaticToken(cfg.AdminToken)
	if cfg.AdminToken == "" {
		ssm := parameter.New(awsCfg, parameter.Options{
			Endpoint: awsenv.ServiceEndpoint(os.Getenv, "SSM"),
			Timeout:  cfg.StoreTimeout,
		})
		src = secret.Parameter(ssm, cfg.AdminTokenParameter)
	}
	// One token for both route sets, re-read every minute and on a miss.
	tokens := auth.NewToken(src, auth.TokenOptions{})
	// Strong reads: If-Match is compared with what Get returns, and a stale
	// read right after an editor's save would answer a wrong 412.
	store := dynamo.New(client, cfg.TableName, dynamo.WithConsistentReads(), dynamo.WithLocation(cfg.Location))
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: cfg.SiteURL})
	rt := httpapi.NewRouter()
	adminOpts := adminapi.NewOptions(cfg, store)
	adminOpts.Fediverse = store
	adminapi.Register(rt, svc, tokens, adminOpts)
	// The preview studio draws cards too (drafts have no public card), so
	// this function links the card renderer; see docs/preview.md.
	previewOpts, err := previewapi.NewOptions(cfg, store)
	if err != nil {
		return err
	}
	previewOpts.Fediverse = store
	previewapi.Register(rt, svc, tokens, previewOpts)
	lambdahttp.Start(httpapi.Observe(log, rt, httpapi.WithMetrics(emf)))
	return nil
}
