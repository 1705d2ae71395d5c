package dynamotest_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// TestWithoutRetries: moto applies an ADD whose answer is then lost. The
// store's own retries count that share twice; under WithoutRetries the
// increment answers an error and the share is counted once, which is what
// storetest's exact share counts rely on.
func TestWithoutRetries(t *testing.T) {
	base := dynamotest.Client(t)
	p, err := faultproxy.Start(os.Getenv(dynamotest.EndpointVar))
	if err != nil {
		t.Fatalf("fault proxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	for _, tc := range []struct {
		name    string
		opts    []func(*dynamodb.Options)
		wantErr bool
		want    int64
	}{
		{"store retries", nil, false, 2},
		{"without retries", []func(*dynamodb.Options){dynamotest.WithoutRetries("UpdateItem")}, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]func(*dynamodb.Options){func(o *dynamodb.Options) { o.HTTPClient = base.Options().HTTPClient }}, tc.opts...)
			s := dynamo.New(dynamo.NewClient(dynamo.LocalConfig(), p.URL(), opts...), dynamotest.Table(t, base))
			if err := p.Set(faultproxy.Fault{Mode: faultproxy.LoseResponse, Op: "UpdateItem", Times: 1}); err != nil {
				t.Fatal(err)
			}
			err := s.IncrementShare(t.Context(), "a", "x")
			if (err != nil) != tc.wantErr {
				t.Errorf("IncrementShare with its answer lost = %v; want an error: %t", err, tc.wantErr)
			}
			got, err := s.ShareCounts(t.Context(), "a")
			if err != nil || got["x"] != tc.want {
				t.Errorf("ShareCounts = %v, %v; want x %d", got, err, tc.want)
			}
		})
	}
}

// TestNotRetriedSQS: moto puts a message on a standard queue and its
// answer is lost. The SDK's retry puts a second copy; under NotRetried
// the send answers an error and the queue holds one, which the replay
// tests' exact counts rely on.
func TestNotRetriedSQS(t *testing.T) {
	p, err := faultproxy.Start(os.Getenv(dynamotest.EndpointVar))
	if err != nil {
		t.Fatalf("fault proxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	base := dynamotest.SQS(t)
	for _, tc := range []struct {
		name    string
		retryer func() aws.Retryer
		wantErr bool
		want    string
	}{
		{"standard retries", nil, false, "2"},
		{"not retried", func() aws.Retryer { return dynamotest.NotRetried("SendMessage") }, true, "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := base.CreateQueue(t.Context(), &sqs.CreateQueueInput{QueueName: aws.String("not-retried-" + strconv.FormatInt(time.Now().UnixNano(), 36))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _, _ = base.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: q.QueueUrl}) })
			c := dynamotest.SQS(t, func(o *sqs.Options) {
				o.BaseEndpoint = aws.String(p.URL())
				if tc.retryer != nil {
					o.Retryer = tc.retryer()
				}
			})
			if err := p.Set(faultproxy.Fault{Mode: faultproxy.LoseResponse, Op: "SendMessage", Times: 1}); err != nil {
				t.Fatal(err)
			}
			_, err = c.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("x")})
			if (err != nil) != tc.wantErr {
				t.Errorf("SendMessage with its answer lost = %v; want an error: %t", err, tc.wantErr)
			}
			out, err := base.GetQueueAttributes(t.Context(), &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
				AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages}})
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)]; got != tc.want {
				t.Errorf("%s messages on the queue, want %s", got, tc.want)
			}
		})
	}
}
