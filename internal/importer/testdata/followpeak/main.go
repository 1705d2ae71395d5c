// Command followpeak runs one follow run (importer.Follower, as the follow
// function wires it, on a bolt store in a temporary directory) against the
// URL in its argument and prints, as JSON, the run's result or error and
// the process's peak resident memory (VmHWM from /proc/self/status).
// TestFollowPeakMemory builds it without -race, as the Lambda is built,
// and runs it against hostile sources.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/importer"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
	"github.com/newsdesk/syndicate/internal/testing/procmem"
)

type report struct {
	Result    importer.FollowResult `json:"result"`
	Error     string                `json:"error,omitempty"`
	PeakBytes int64                 `json:"peakBytes"`
	Seconds   float64               `json:"seconds"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "followpeak:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: followpeak URL")
	}
	dir, err := os.MkdirTemp("", "followpeak")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := bolt.Open(filepath.Join(dir, "articles.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	f := &importer.Follower{
		URL:      os.Args[1],
		Loader:   &importer.Loader{Fetcher: &importer.Fetcher{Attempts: 1}, Options: importer.Options{MaxPages: 1}},
		Importer: &importer.Importer{Sink: importer.ServiceSink{Service: newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})}, Workers: 4},
	}
	start := time.Now()
	res, err := f.Handle(context.Background(), events.CloudWatchEvent{})
	r := report{Result: res, Seconds: time.Since(start).Seconds()}
	if err != nil {
		r.Error = err.Error()
	}
	if r.PeakBytes, err = procmem.PeakRSS(); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}
