package notify

import (
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// TestRealStreamRecords writes through the real store to moto_server with
// the table's stream on (as template.yaml configures it), reads the stream
// back with the DynamoDB Streams API, and feeds the records, converted to
// the Lambda event type, to the notifier: first with a hub that is down,
// then, replaying the same batch as Lambda would, with a hub that works.
func TestRealStreamRecords(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	ctx := t.Context()
	stream := dynamotest.EnableStream(t, client, table)

	store := dynamo.New(client, table, dynamo.WithConsistentReads())
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: "https://news.example.bg"})
	arts := seed.Articles("https://news.example.bg")
	nato, draft := arts[0], arts[len(arts)-1]
	if draft.Status != article.StatusDraft {
		t.Fatalf("seed's last article is %q, want the draft", draft.Status)
	}
	var absent int64
	nato, _, err := svc.Replace(ctx, nato.ID, nato, &absent)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, _, err := svc.Replace(ctx, draft.ID, draft, &absent); err != nil {
		t.Fatalf("create draft: %v", err)
	}
	if err := store.IncrementShare(ctx, nato.ID, share.Networks[0]); err != nil {
		t.Fatalf("share: %v", err)
	}
	moved := nato
	moved.Section = "България"
	if _, _, err := svc.Replace(ctx, nato.ID, moved, &nato.Version); err != nil {
		t.Fatalf("replace: %v", err)
	}
	if err := svc.Delete(ctx, nato.ID, nil); err != nil {
		t.Fatalf("delete: %v", err)
	}

	e := stream.Next(t)
	if len(e.Records) == 0 {
		t.Fatal("the stream is empty")
	}
	var articleRecords []string
	for i := range e.Records {
		if isArticle(&e.Records[i].Change) {
			articleRecords = append(articleRecords, e.Records[i].EventName+" "+e.Records[i].Change.Keys["pk"].String())
		}
	}
	wantRecords := []string{
		"INSERT ARTICLE#" + nato.ID, "INSERT ARTICLE#" + draft.ID,
		"MODIFY ARTICLE#" + nato.ID, "MODIFY ARTICLE#" + nato.ID,
	}
	if !slices.Equal(articleRecords, wantRecords) {
		t.Fatalf("article records in the stream = %q, want %q (of %d records)", articleRecords, wantRecords, len(e.Records))
	}
	if len(e.Records) <= len(articleRecords) {
		t.Errorf("stream has %d records, want feed entries, heads and counters besides the articles", len(e.Records))
	}

	want := topicsOf("", "section/svyat", "section/bulgaria", "tag/nato", "tag/yuzhna-koreya", "tag/otbrana")

	down := newHub(t, func(string, int) int { return 503 })
	res, err := testNotifier(down.srv.URL, func(o *Options) { o.Attempts = 2 }).Handle(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range res.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	var wantFailed []string
	for _, r := range e.Records {
		if isArticle(&r.Change) && r.Change.Keys["pk"].String() == "ARTICLE#"+nato.ID {
			wantFailed = append(wantFailed, r.Change.SequenceNumber)
		}
	}
	if !slices.Equal(failed, wantFailed) {
		t.Errorf("hub down: failures = %q, want every record of the published article %q", failed, wantFailed)
	}
	if got := down.topics(); !slices.Equal(got, want) {
		t.Errorf("hub down: topics tried:\n got %q\nwant %q", got, want)
	}

	// Lambda retries from the earliest failed record: replay from there.
	first := slices.IndexFunc(e.Records, func(r events.DynamoDBEventRecord) bool {
		return len(wantFailed) > 0 && r.Change.SequenceNumber == wantFailed[0]
	})
	if first < 0 {
		t.Fatal("first failed record not in the batch")
	}
	up := newHub(t, nil)
	res, err = testNotifier(up.srv.URL).Handle(ctx, events.DynamoDBEvent{Records: e.Records[first:]})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.BatchItemFailures) != 0 {
		t.Errorf("hub up: failures = %v, want none", res.BatchItemFailures)
	}
	if got := up.topics(); !slices.Equal(got, want) {
		t.Errorf("hub up: nothing may be lost; topics pinged:\n got %q\nwant %q", got, want)
	}
}

// isArticle reports whether the store's reader takes r for an article's.
func isArticle(r *events.DynamoDBStreamRecord) bool {
	_, _, ok, _ := dynamo.StreamFeeds(r)
	return ok
}
