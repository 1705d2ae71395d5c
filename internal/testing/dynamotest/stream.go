package dynamotest

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// Stream reads a table's stream (NEW_AND_OLD_IMAGES, as template.yaml
// configures it) with the DynamoDB Streams API, in the form Lambda hands
// records to a function, so stream consumers can be tested on the
// records the store really writes. It is not safe for concurrent use.
type Stream struct {
	arn    string
	client *dynamodbstreams.Client
	// last is the sequence number of the last record read, per shard.
	last map[string]string
}

// EnableStream turns the stream of table on and returns its reader, which
// starts at the stream's beginning.
func EnableStream(t testing.TB, client *dynamodb.Client, table string) *Stream {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
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
	return &Stream{
		arn: arn,
		client: dynamodbstreams.New(dynamodbstreams.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(os.Getenv(EndpointVar)),
			Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		}),
		last: map[string]string{},
	}
}

// Next returns every record written since the previous call (since the
// stream began, the first time), shard by shard, as one Lambda batch.
func (s *Stream) Next(t testing.TB) events.DynamoDBEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	desc, err := s.client.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(s.arn)})
	if err != nil {
		t.Fatalf("describe stream: %v", err)
	}
	var e events.DynamoDBEvent
	for _, sh := range desc.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(s.arn), ShardId: sh.ShardId,
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
		if seq := s.last[id]; seq != "" {
			in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
		}
		it, err := s.client.GetShardIterator(ctx, in)
		if err != nil {
			t.Fatalf("shard iterator: %v", err)
		}
		iter := it.ShardIterator
		for range 1000 {
			out, err := s.client.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("get records: %v", err)
			}
			for _, r := range out.Records {
				rec := eventRecord(r, s.arn)
				e.Records = append(e.Records, rec)
				s.last[id] = rec.Change.SequenceNumber
			}
			if len(out.Records) == 0 || out.NextShardIterator == nil {
				break
			}
			iter = out.NextShardIterator
		}
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
