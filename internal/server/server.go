package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/feed"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/adminapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/httpapi/fediapi"
	"github.com/newsdesk/syndicate/internal/httpapi/feedapi"
	"github.com/newsdesk/syndicate/internal/httpapi/previewapi"
	"github.com/newsdesk/syndicate/internal/httpapi/shareapi"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// Store is everything the routes of all functions read and write; both
// *bolt.Store and *dynamo.Store are one.
type Store interface {
	newsroom.Store
	shareapi.Store
	feedapi.Store
	adminapi.ShareReader
	fediverse.Store
	Release(ctx context.Context, now time.Time) ([]article.Article, error)
}

var (
	_ Store = (*bolt.Store)(nil)
	_ Store = (*dynamo.Store)(nil)
)

// ShutdownTimeout bounds a graceful stop: requests in flight get this long.
const ShutdownTimeout = 10 * time.Second

// ReleaseEvery is how often Serve releases the scheduled articles that are
// due (ReleaseDue), the local stand-in for the deployed one-minute
// schedule of functions/release.
const ReleaseEvery = 5 * time.Second

// Server is the local service, built but not yet listening.
type Server struct {
	// Handler serves every route, wrapped in httpapi.Observe.
	Handler http.Handler
	// Token is the admin bearer token: ADMIN_TOKEN, or a random one.
	Token string
	// TokenGenerated is true when Token was made up at start.
	TokenGenerated bool
	// Seeded is how many sample articles the start stored.
	Seeded int
	// Store is the store the routes use.
	Store Store
	// Routes lists every route served.
	Routes []httpapi.Route
	// Clicks counts the share links' counter writes (counted, failed,
	// late); Wait on it before reading counts.
	Clicks *shareapi.ClickStats
	// Fediverse is the newsroom's fediverse address, news@127.0.0.1:3000.
	Fediverse string

	announcer *announcer

	cfg   config.Config
	log   *slog.Logger
	now   func() time.Time
	close func() error
}

// New opens the store, seeds it if it is empty, and builds the handler;
// observe goes to the handler's httpapi.Observe (cmd/local passes
// WithMetrics, as the functions do).
func New(ctx context.Context, cfg config.Config, log *slog.Logger, observe ...httpapi.ObserveOption) (*Server, error) {
	st, closeStore, keeper, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	s, err := build(ctx, cfg, log, st, time.Now, observe...)
	if err != nil {
		_ = closeStore() // The build error is the one worth reporting.
		return nil, err
	}
	s.close = closeStore
	if keeper != nil {
		keeper.keep(func(ctx context.Context) error { return s.ensureTable(ctx, keeper.client) })
	}
	return s, nil
}

// build wires the routes on st; now is the clock of every route that asks
// whether an article is live yet, and of ReleaseDue.
func build(ctx context.Context, cfg config.Config, log *slog.Logger, st Store, now func() time.Time, observe ...httpapi.ObserveOption) (*Server, error) {
	s := &Server{Token: cfg.AdminToken, Store: st, cfg: cfg, log: log, now: now}
	if s.Token == "" {
		var b [24]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
		s.Token = base64.RawURLEncoding.EncodeToString(b[:])
		s.TokenGenerated = true
	}
	// The fediverse account signs with a key made once in DATA_DIR (the
	// deployed functions' is in SSM); saves and releases are announced to
	// its followers as the federate function does from the stream.
	key, err := fediverse.KeyFile(filepath.Join(cfg.DataDir, "fediverse-key.pem"))
	if err != nil {
		return nil, err
	}
	fediOpts, err := fediapi.NewOptions(cfg, key, st, st)
	if err != nil {
		return nil, err
	}
	fediOpts.Now = now
	feedOpts := feedapi.NewOptions(cfg)
	feedOpts.Now = now
	s.announcer = &announcer{Store: st, heads: feedOpts.Heads, fed: fediapi.NewFederator(fediOpts, fediapi.DirectOutbox(fediOpts, log), log), now: now, log: log}
	s.announcer.fed.Now = now
	svc := newsroom.NewService(s.announcer, newsroom.Options{SiteURL: cfg.SiteURL, Now: now})
	n, err := seed.Ensure(ctx, svc, cfg.SiteURL, cfg.StoreTimeout)
	if err != nil {
		return nil, err
	}
	s.Seeded = n

	rt := httpapi.NewRouter()
	tokens := auth.Static(s.Token)
	adminOpts := adminapi.NewOptions(cfg, st)
	adminOpts.Now = now
	adminOpts.Fediverse = st
	adminapi.Register(rt, svc, tokens, adminOpts)
	previewOpts, err := previewapi.NewOptions(cfg, st)
	if err != nil {
		return nil, err
	}
	previewOpts.Now = now
	previewOpts.Fediverse = st
	previewapi.Register(rt, svc, tokens, previewOpts)
	shareOpts, err := shareapi.NewOptions(cfg)
	if err != nil {
		return nil, err
	}
	s.Clicks = new(shareapi.ClickStats)
	shareOpts.Clicks = s.Clicks
	shareOpts.Now = now
	shareapi.Register(rt, st, shareOpts)
	feedapi.Register(rt, st, feedOpts)
	fediapi.Register(rt, fediOpts)
	s.Fediverse = fediOpts.Pub.Account()

	s.Routes = rt.Routes()
	if servesSite(cfg) {
		s.Handler = httpapi.Observe(log, &localSite{next: rt, store: st, cfg: cfg, now: now}, observe...)
	} else {
		s.Handler = httpapi.Observe(log, rt, observe...)
	}
	return s, nil
}

// openStore opens bolt at $DATA_DIR/articles.db, or DynamoDB at
// $DYNAMODB_ENDPOINT, creating its table if missing; then keeper (nil for
// bolt) re-creates the table whenever it goes missing.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (Store, func() error, *tableKeeper, error) {
	if cfg.DynamoDBEndpoint == "" {
		st, err := bolt.Open(filepath.Join(cfg.DataDir, "articles.db"), bolt.WithLocation(cfg.Location))
		if err != nil {
			return nil, nil, nil, err
		}
		return st, st.Close, nil, nil
	}
	// A local endpoint (moto, DynamoDB Local) takes any credentials; real
	// ones from the environment are not needed and are not looked for.
	keeper := &tableKeeper{next: awshttp.NewBuildableClient(), log: log}
	client := dynamo.NewClient(dynamo.LocalConfig(), cfg.DynamoDBEndpoint, func(o *dynamodb.Options) { o.HTTPClient = keeper })
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := dynamo.CreateTable(cctx, client, cfg.TableName); err != nil {
		return nil, nil, nil, err
	}
	// One store serves the admin API here too, so reads are strong: If-Match
	// is compared with what Get returns.
	keeper.client = client
	st := dynamo.New(client, cfg.TableName, dynamo.WithConsistentReads(), dynamo.WithLocation(cfg.Location))
	return st, func() error { return nil }, keeper, nil
}

// ensureTable creates the DynamoDB table if it is missing and seeds it if
// it is empty, as a start does.
func (s *Server) ensureTable(ctx context.Context, client *dynamodb.Client) error {
	if err := dynamo.CreateTable(ctx, client, s.cfg.TableName); err != nil {
		return err
	}
	n, err := seed.Ensure(ctx, newsroom.NewService(s.Store, newsroom.Options{SiteURL: s.cfg.SiteURL}), s.cfg.SiteURL, s.cfg.StoreTimeout)
	if n > 0 {
		s.log.Info("server: re-seeded the table", slog.Int("articles", n))
	}
	return err
}

// Close releases the store, once the share counter writes still running
// (each bounded by the store timeout) have ended.
func (s *Server) Close() error {
	if s.Clicks != nil {
		s.Clicks.Wait()
	}
	if s.announcer != nil {
		s.announcer.Wait()
	}
	if s.close == nil {
		return nil
	}
	return s.close()
}

// Listen opens 127.0.0.1:$PORT; the local server is never reachable from
// other machines.
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.Port)))
	if err != nil {
		return nil, fmt.Errorf("server: listen: %w", err)
	}
	return ln, nil
}

// Serve serves on ln until ctx is done, then stops gracefully within
// ShutdownTimeout. It prints what it serves to out first.
func (s *Server) Serve(ctx context.Context, ln net.Listener, out io.Writer) error {
	base := "http://" + ln.Addr().String()
	s.PrintURLs(ctx, out, base)
	hs := &http.Server{
		Handler:           s.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	rctx, stopReleasing := context.WithCancel(ctx)
	released := make(chan struct{})
	go func() { defer close(released); s.releaseLoop(rctx, ReleaseEvery) }()
	defer func() { stopReleasing(); <-released }()
	select {
	case err := <-done:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("server: shutting down", slog.Duration("timeout", ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	s.log.Info("server: stopped")
	return nil
}

// ReleaseDue releases the scheduled articles that are due on the server's
// clock (Store.Release) and logs each: what the deployed release function
// does every minute. It returns how many it released.
func (s *Server) ReleaseDue(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
	defer cancel()
	released, err := s.Store.Release(ctx, s.now())
	if s.announcer != nil {
		s.announcer.heads.Forget()
		s.announcer.released(released)
	}
	for i := range released {
		s.log.Info("server: scheduled article released",
			slog.String("id", released[i].ID), slog.String("slug", released[i].Slug),
			slog.Time("publishedAt", released[i].PublishedAt))
	}
	if err != nil {
		return len(released), fmt.Errorf("server: release: %w", err)
	}
	return len(released), nil
}

// releaseLoop runs ReleaseDue at once and then every period until ctx
// ends; a failure is logged and the next tick tries again.
func (s *Server) releaseLoop(ctx context.Context, period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		if _, err := s.ReleaseDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("server: release failed; retrying on the next tick", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PrintURLs writes the admin token (when made up here) and the URLs worth
// opening: the admin API, the feeds, and the share page of every public
// seeded article.
func (s *Server) PrintURLs(ctx context.Context, out io.Writer, base string) {
	fmt.Fprintf(out, "syndicate: serving on %s (store: %s)\n", base, s.storeName())
	if s.TokenGenerated {
		fmt.Fprintf(out, "admin token (random, set ADMIN_TOKEN to choose one): %s\n", s.Token)
	}
	if s.Seeded > 0 {
		fmt.Fprintf(out, "seeded %d sample articles\n", s.Seeded)
	}
	fmt.Fprintf(out, "\nadmin API:\n  curl -H 'Authorization: Bearer %s' %s/articles\n", s.Token, base)
	fmt.Fprintf(out, "\npreview studio (sign in with the admin token):\n  %s%s\n", base, previewapi.IndexPath)
	fmt.Fprintf(out, "\nfeeds:\n")
	nato := seed.Articles(s.cfg.SiteURL)[0]
	for _, key := range []article.FeedKey{article.SiteFeed, nato.Feeds()[1], nato.Feeds()[2]} {
		for _, f := range feed.Formats {
			fmt.Fprintf(out, "  %s%s\n", base, feed.Path(key, f))
		}
	}
	fmt.Fprintf(out, "  %s/sitemap-news.xml\n", base)
	if s.Fediverse != "" {
		fmt.Fprintf(out, "\nfediverse: follow @%s (docs/fediverse.md)\n  %s/.well-known/webfinger?resource=acct:%s\n", s.Fediverse, base, s.Fediverse)
	}
	fmt.Fprintf(out, "\nroutes:\n")
	for _, r := range s.Routes {
		fmt.Fprintf(out, "  %-6s %s%s\n", r.Method, base, r.Path)
	}
	fmt.Fprintf(out, "\nshare pages:\n")
	for _, a := range seed.Articles(s.cfg.SiteURL) {
		lctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
		stored, err := s.Store.Get(lctx, a.ID)
		cancel()
		if err != nil || !stored.LiveAt(s.now()) {
			continue
		}
		fmt.Fprintf(out, "  %s/share/%s\n", base, stored.Slug)
		if servesSite(s.cfg) && strings.HasPrefix(stored.URL, s.cfg.SiteURL+"/") {
			fmt.Fprintf(out, "    -> %s (local stand-in: SITE_URL is unset)\n", stored.URL)
		}
	}
	fmt.Fprintln(out)
}

func (s *Server) storeName() string {
	if s.cfg.DynamoDBEndpoint != "" {
		return "DynamoDB at " + s.cfg.DynamoDBEndpoint + ", table " + s.cfg.TableName
	}
	return "bolt at " + filepath.Join(s.cfg.DataDir, "articles.db")
}
