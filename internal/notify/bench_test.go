package notify

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// okTransport answers every ping at once, so the benchmarks measure the
// notifier, not the loopback network.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, r.Body)
	_ = r.Body.Close()
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Header: http.Header{}, Request: r}, nil
}

// BenchmarkHandle is one full stream batch of 100 article writes: decode,
// feeds, topic de-duplication and 15 distinct pings.
func BenchmarkHandle(b *testing.B) {
	recs := make([]events.DynamoDBEventRecord, 100)
	for i := range recs {
		recs[i] = record("MODIFY", articleKeys, sample("published"), with(sample("published"), "title", s(strings.Repeat("Заглавие ", 8))))
	}
	e := events.DynamoDBEvent{Records: recs}
	n := testNotifier("http://hub.invalid/", func(o *Options) { o.Client = &http.Client{Transport: okTransport{}} })
	b.ReportAllocs()
	for b.Loop() {
		res, err := n.Handle(b.Context(), e)
		if err != nil || len(res.BatchItemFailures) != 0 {
			b.Fatal(err, res)
		}
	}
}

// BenchmarkRecordFeeds is the per-record work: both images decoded, feeds
// united.
func BenchmarkRecordFeeds(b *testing.B) {
	r := record("MODIFY", articleKeys, sample("published"), with(sample("published"), "section", s("България")))
	n := testNotifier("http://hub.invalid/")
	b.ReportAllocs()
	for b.Loop() {
		old, cur, ok, err := n.opts.Articles(&r.Change)
		keys := unionFeeds(old, cur)
		if !ok || err != nil || len(keys) != 6 {
			b.Fatal(ok, err, keys)
		}
	}
}
