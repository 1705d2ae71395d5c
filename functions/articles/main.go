// Command articles is the admin Lambda: article CRUD (httpapi.RegisterAdmin)
// on the DynamoDB store, behind a bearer token read from ADMIN_TOKEN or,
// deployed, once per container from the SSM SecureString parameter named by
// ADMIN_TOKEN_PARAMETER. Wiring only.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/lambdahttp"
	"github.com/newsdesk/syndicate/internal/secret"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
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
	awsCfg, err := awsconfig.LoadDefaultConfig(context.Background())
	if err != nil {
		return fmt.Errorf("aws config: %w", err)
	}
	client := dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint)
	tokens := httpapi.StaticToken(cfg.AdminToken)
	if cfg.AdminToken == "" {
		tokens = httpapi.OnceToken(secret.Parameter(ssm.NewFromConfig(awsCfg), cfg.AdminTokenParameter))
	}
	// Strong reads: If-Match is compared with what Get returns, and a stale
	// read right after an editor's save would answer a wrong 412.
	store := dynamo.New(client, cfg.TableName, dynamo.WithConsistentReads())
	svc := article.NewService(store, article.Options{SiteURL: cfg.SiteURL})
	rt := httpapi.NewRouter()
	httpapi.RegisterAdmin(rt, svc, tokens, httpapi.NewAdminOptions(cfg))
	lambdahttp.Start(httpapi.Observe(log, rt))
	return nil
}
