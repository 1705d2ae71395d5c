package dynamo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// The retry policy of every DynamoDB client the service makes. The SDK's
// DynamoDB default is 4 attempts with a 20 s cap and a 1 s base for
// throttling, so one throttled call could sleep past the store deadline
// (STORE_TIMEOUT, 3 s) on its own. Capped at 300 ms, the three retries of
// a call sleep at most 0.9 s in all, leaving the deadline room for the
// several calls one request makes (a write is a Get, a consistent pre-read
// and a transaction). The deadline still bounds everything: the retryer
// stops sleeping when the context is done.
const (
	RetryMaxAttempts = 4
	RetryMaxBackoff  = 300 * time.Millisecond
	// RetryBaseDelay is the first backoff after a 5xx or a network error
	// (doubled per retry, full jitter); throttling starts from the cap.
	RetryBaseDelay = 25 * time.Millisecond
)

// NewRetryer returns the SDK's standard retryer with the policy above:
// throttling, 5xx and connection errors are retried with exponential
// backoff and full jitter, and the client-side retry quota (the token
// bucket that stops retry storms while DynamoDB is down) is kept.
func NewRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = RetryMaxAttempts
		o.MaxBackoff = RetryMaxBackoff
		o.BaseDelay = RetryBaseDelay
	})
}

// NewClient returns a DynamoDB client for cfg (region and credentials:
// awsenv.Config in the Lambdas, LocalConfig locally; the HTTP client is
// the SDK's default unless cfg has one) with the retry policy above,
// sending to endpoint when it is not empty (moto, DynamoDB Local). Every
// main and the local server make their client here, so they retry alike.
// optFns run last; tests use them to swap the HTTP client.
func NewClient(cfg aws.Config, endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	fns := make([]func(*dynamodb.Options), 0, 1+len(optFns))
	fns = append(fns, func(o *dynamodb.Options) {
		o.Retryer = NewRetryer()
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	return dynamodb.NewFromConfig(cfg, append(fns, optFns...)...)
}

// LocalConfig is the AWS configuration for a local endpoint, which takes
// any credentials: us-east-1 and static dummy keys, so that no real
// credentials are looked for.
func LocalConfig() aws.Config {
	return aws.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
	}
}
