// Command import brings an existing site in: a WordPress WXR export, an
// RSS/Atom/JSON feed or the WordPress REST API, written through the admin
// API of a running service (-api, -token) or straight into a local bolt
// store (-store). Re-running it changes nothing; -dry-run says what would
// change. Wiring only: see package importer and docs/import.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/newsdesk/syndicate/internal/importer"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		api      = fs.String("api", "http://127.0.0.1:3000", "the service's admin API (make run prints it)")
		token    = fs.String("token", getenv("ADMIN_TOKEN"), "admin bearer token (default $ADMIN_TOKEN)")
		store    = fs.String("store", "", "write straight into this bolt file (e.g. .data/articles.db; make run must be stopped) instead of -api")
		siteURL  = fs.String("site-url", getenv("SITE_URL"), "with -store: the service's SITE_URL, for URLs it makes (default $SITE_URL)")
		dryRun   = fs.Bool("dry-run", false, "read and compare, write nothing; report what would change")
		workers  = fs.Int("workers", 8, "writes in flight at once")
		allPages = fs.Bool("all-pages", false, "follow a feed's archive pages (RFC 5005, JSON Feed next_url, WordPress ?paged=)")
		maxPages = fs.Int("max-pages", 1000, "at most this many pages of a paged source")
		language = fs.String("language", "", "the publisher's language, for new articles whose item names none; a feed's channel language is only a hint (default: the channel's, else bg)")
		source   = fs.String("source", "", "the articles' source (agency) when an item names none")
		timeout  = fs.Duration("timeout", 30*time.Second, "per HTTP request")
	)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: import [flags] SOURCE\n\nSOURCE is a file or URL: a WordPress WXR export, an RSS 2.0 / Atom 1.0 / JSON Feed 1.1\ndocument, or a WordPress REST API base (https://site/wp-json). See docs/import.md.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || *workers < 1 || *maxPages < 1 {
		fs.Usage()
		return 2
	}
	fetch := &importer.Fetcher{Client: &http.Client{Timeout: *timeout}, UserAgent: "syndicate-import/1"}
	var sink importer.Sink
	if *store != "" {
		st, err := bolt.Open(*store)
		if err != nil {
			fmt.Fprintln(stderr, "import:", err)
			return 1
		}
		defer st.Close()
		sink = importer.ServiceSink{Service: newsroom.NewService(st, newsroom.Options{SiteURL: *siteURL})}
	} else {
		if *token == "" {
			fmt.Fprintln(stderr, "import: no admin token: pass -token or set ADMIN_TOKEN (make run prints it)")
			return 2
		}
		sink = &importer.APIClient{Base: *api, Token: *token, Fetch: fetch}
	}
	tty := false
	if f, ok := stderr.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	loader := &importer.Loader{Fetcher: fetch, Options: importer.Options{
		Language: *language, Source: *source, AllPages: *allPages, MaxPages: *maxPages}}
	if !tty {
		loader.Log = func(format string, a ...any) { fmt.Fprintf(stderr, "import: "+format+"\n", a...) }
	}
	loaded, err := loader.Load(ctx, fs.Arg(0), importer.Validators{})
	if err != nil {
		fmt.Fprintln(stderr, "import:", err)
		return 1
	}
	im := &importer.Importer{Sink: sink, Workers: *workers, DryRun: *dryRun,
		Progress: &importer.Progress{Out: stderr, Terminal: tty}}
	sum, err := im.Run(ctx, loaded.Items)
	for _, f := range sum.Failed {
		fmt.Fprintln(stdout, "failed:", f)
	}
	for _, w := range sum.Warnings {
		fmt.Fprintln(stdout, "warning:", w)
	}
	for _, m := range loaded.Missing {
		fmt.Fprintln(stdout, "page skipped:", m)
	}
	pages := fmt.Sprintf("%d page(s)", loaded.Pages)
	if len(loaded.Missing) > 0 {
		pages += fmt.Sprintf(", %d page(s) missing and skipped", len(loaded.Missing))
	}
	verb := ""
	if *dryRun {
		verb = " (dry run: nothing written)"
	}
	rate := float64(sum.Done()) / max(sum.Elapsed.Seconds(), 1e-9)
	fmt.Fprintf(stdout, "import: %d items from %s in %s (%.0f/s): %s%s\n",
		len(loaded.Items), pages, sum.Elapsed.Round(time.Millisecond), rate, sum.String(), verb)
	switch {
	case errors.Is(err, importer.ErrUnauthorized):
		fmt.Fprintln(stderr, "import:", err, "- check -token / ADMIN_TOKEN")
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "import: stopped:", err, "- run it again to resume")
		return 1
	case len(sum.Failed) > 0, len(loaded.Missing) > 0:
		return 1
	}
	return 0
}
