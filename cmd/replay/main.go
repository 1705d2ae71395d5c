// Command replay redoes the WebSub pings of the stream batches the notifier
// gave up on, from the NotifyFailures queue, long after the stream has
// forgotten them: for each message it pings the current feeds of the
// articles updated in the batch's time window (package replay), and deletes
// the message once every ping succeeded. docs/operations.md, "Replaying
// missed pings", says how to run it and what it can and cannot recover.
// Wiring only.
//
//	replay [-queue URL] [-dry-run] [-margin 2m]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/newsdesk/syndicate/internal/awsenv"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/notify"
	"github.com/newsdesk/syndicate/internal/replay"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// QueueVariable names the queue when -queue is not given: the stack's
// NotifyFailuresQueueURL output.
const QueueVariable = "NOTIFY_FAILURES_QUEUE_URL"

func main() {
	log := logging.New(os.Stderr, os.Getenv)
	queue := flag.String("queue", os.Getenv(QueueVariable), "URL of the NotifyFailures queue (default $"+QueueVariable+")")
	dryRun := flag.Bool("dry-run", false, "list the feeds each message would ping; ping and delete nothing")
	margin := flag.Duration("margin", replay.DefaultMargin, "widen each batch's time window by this much on both sides")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := run(ctx, log, *queue, *dryRun, *margin)
	if err != nil {
		log.Error("replay: stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
	fmt.Printf("messages %d, replayed and deleted %d, kept %d; articles in the windows %d, topics pinged %d\n",
		rep.Messages, rep.Replayed, rep.Kept, rep.Articles, rep.Topics)
	if rep.Kept > 0 && !*dryRun {
		os.Exit(2)
	}
}

func run(ctx context.Context, log *slog.Logger, queue string, dryRun bool, margin time.Duration) (replay.Report, error) {
	if queue == "" {
		return replay.Report{}, fmt.Errorf("replay: no queue: give -queue or set %s (the stack's NotifyFailuresQueueURL output)", QueueVariable)
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return replay.Report{}, err
	}
	// The region and credentials come from the environment, as in the
	// functions (export them from a profile with
	// `aws configure export-credentials --format env`).
	awsCfg, err := awsenv.Config(os.Getenv)
	if err != nil {
		return replay.Report{}, err
	}
	store := dynamo.New(dynamo.NewClient(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName)
	q := sqs.New(sqs.Options{Region: awsCfg.Region, Credentials: awsCfg.Credentials}, func(o *sqs.Options) {
		if e := awsenv.ServiceEndpoint(os.Getenv, "SQS"); e != "" {
			o.BaseEndpoint = aws.String(e)
		}
	})
	r := &replay.Replayer{
		Queue: replay.SQS{Client: q, URL: queue},
		Store: store,
		Pinger: notify.New(notify.Options{
			HubURL: cfg.HubURL, Site: feed.NewChannel(cfg), Log: log,
			Client: &http.Client{Timeout: 10 * time.Second},
		}),
		Margin: margin,
		DryRun: dryRun,
		Log:    log,
	}
	return r.Run(ctx)
}
