package notify

import (
	"context"
	"os"
	"slices"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/dynamotest"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/seed"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
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
	streamARN := enableStream(t, client, table)

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

	e := readStream(t, streamARN)
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

// enableStream turns on NEW_AND_OLD_IMAGES, as template.yaml does, and
// returns the stream's ARN.
func enableStream(t *testing.T, client *dynamodb.Client, table string) string {
	t.Helper()
	ctx := t.Context()
	out, err := client.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName: aws.String(table),
		StreamSpecification: &ddbtypes.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: ddbtypes.StreamViewTypeNewAndOldImages,
		},
	})
	if err != nil {
		t.Fatalf("enable stream: %v", err)
	}
	arn := aws.ToString(out.TableDescription.LatestStreamArn)
	if arn == "" {
		t.Fatal("enable stream: no stream ARN")
	}
	return arn
}

// readStream reads every record of the stream from the start, in shard
// order, as the batch Lambda would deliver.
func readStream(t *testing.T, streamARN string) events.DynamoDBEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), dynamotest.Timeout)
	defer cancel()
	sc := dynamodbstreams.New(dynamodbstreams.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(os.Getenv(dynamotest.EndpointVar)),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	desc, err := sc.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(streamARN)})
	if err != nil {
		t.Fatalf("describe stream: %v", err)
	}
	var e events.DynamoDBEvent
	for _, sh := range desc.StreamDescription.Shards {
		it, err := sc.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
			StreamArn: aws.String(streamARN), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
		})
		if err != nil {
			t.Fatalf("shard iterator: %v", err)
		}
		iter := it.ShardIterator
		for range 100 {
			out, err := sc.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("get records: %v", err)
			}
			for _, r := range out.Records {
				e.Records = append(e.Records, eventRecord(r, streamARN))
			}
			if len(out.Records) == 0 || out.NextShardIterator == nil {
				break
			}
			iter = out.NextShardIterator
		}
	}
	if len(e.Records) == 0 {
		t.Fatal("the stream is empty")
	}
	return e
}

// eventRecord converts a DynamoDB Streams API record to the record Lambda
// hands the function.
func eventRecord(r types.Record, arn string) events.DynamoDBEventRecord {
	out := events.DynamoDBEventRecord{
		EventID:        aws.ToString(r.EventID),
		EventName:      string(r.EventName),
		EventSource:    "aws:dynamodb",
		EventVersion:   aws.ToString(r.EventVersion),
		AWSRegion:      aws.ToString(r.AwsRegion),
		EventSourceArn: arn,
	}
	if d := r.Dynamodb; d != nil {
		out.Change = events.DynamoDBStreamRecord{
			Keys:           streamImage(d.Keys),
			NewImage:       streamImage(d.NewImage),
			OldImage:       streamImage(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber),
			SizeBytes:      aws.ToInt64(d.SizeBytes),
			StreamViewType: string(d.StreamViewType),
		}
	}
	return out
}

func streamImage(m map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if m == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(m))
	for k, v := range m {
		out[k] = streamValue(v)
	}
	return out
}

func streamValue(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = streamValue(e)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(streamImage(v.Value))
	}
	return events.NewNullAttribute()
}

// isArticle reports whether the store's reader takes r for an article's.
func isArticle(r *events.DynamoDBStreamRecord) bool {
	_, _, ok, _ := dynamo.StreamFeeds(r)
	return ok
}
