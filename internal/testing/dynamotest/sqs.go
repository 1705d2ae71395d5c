package dynamotest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQS returns an SQS client for the same moto_server ($DYNAMODB_ENDPOINT),
// skipping or failing as Client does without it, with opts applied (a
// Retryer from NotRetried, say). moto isolates queues, so its requests
// need not wait for each other.
func SQS(t testing.TB, opts ...func(*sqs.Options)) *sqs.Client {
	t.Helper()
	return sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(motoEndpoint(t)),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}, opts...)
}

// FIFOQueue creates a FIFO queue named after prefix, with attrs, and
// deletes it when the test ends; it returns the queue's URL.
func FIFOQueue(t testing.TB, c *sqs.Client, prefix string, attrs map[string]string) string {
	t.Helper()
	a := map[string]string{"FifoQueue": "true"}
	for k, v := range attrs {
		a[k] = v
	}
	name := prefix + "-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ".fifo"
	out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: a})
	if err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	t.Cleanup(func() { _, _ = c.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: out.QueueUrl}) })
	return aws.ToString(out.QueueUrl)
}
