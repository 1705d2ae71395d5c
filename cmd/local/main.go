// Command local is `make run`: every HTTP route of every function on
// 127.0.0.1:$PORT (default 3000), on the embedded store in $DATA_DIR (or
// DynamoDB at $DYNAMODB_ENDPOINT), seeded on first start. Without
// ADMIN_TOKEN it makes up a token and prints it; without SITE_URL it is
// the site too, serving a plain page at each article's canonical URL. SIGINT or SIGTERM stops it
// gracefully. It logs and writes metrics as the functions do: one JSON
// line per request that is its log line and its EMF record (package
// metrics, on stdout, service "local"), and its other log lines (package
// logging) on stderr. Wiring only: see package server.
package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/logging"
	"github.com/newsdesk/syndicate/internal/metrics"
	"github.com/newsdesk/syndicate/internal/server"
)

func main() {
	log := logging.New(os.Stderr, os.Getenv)
	slog.SetDefault(log)
	if err := run(log); err != nil {
		log.Error("local: stopped", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	cfg, err := server.LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	emf := metrics.New(os.Stdout, metrics.Options{Service: "local", Level: os.Getenv(logging.LevelVariable)})
	srv, err := server.New(ctx, cfg, log, httpapi.WithMetrics(emf))
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	return srv.Serve(ctx, ln, os.Stdout)
}
