package dynamo

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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
// optFns run next; tests use them to swap the HTTP client. Whatever HTTP
// client they leave is wrapped by NewHTTPClient.
func NewClient(cfg aws.Config, endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	fns := make([]func(*dynamodb.Options), 0, 2+len(optFns))
	fns = append(fns, func(o *dynamodb.Options) {
		o.Retryer = NewRetryer()
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	fns = append(fns, optFns...)
	fns = append(fns, func(o *dynamodb.Options) { o.HTTPClient = NewHTTPClient(o.HTTPClient) })
	return dynamodb.NewFromConfig(cfg, fns...)
}

// NewHTTPClient wraps next (the SDK's default client when nil) so that
// net/http sends each request from a copy of its body that nothing else
// holds. Without it, a write DynamoDB applied can be sent again:
// smithy-go closes the body it handed the HTTP client as soon as Do
// returns, but net/http's write loop may still hold it, between sending
// the bytes and copying the (empty) rest to io.Discard. The closed body's
// WriteTo answers io.EOF, net/http takes that for a failed write and
// closes the connection, the answer's body can no longer be read ("use of
// closed network connection", then a checksum mismatch), and the SDK
// retries: an ADD is counted twice, a conditional create fails on its own
// first attempt. The window is the write loop being descheduled for as
// long as the server takes to answer, so CPU load (two test runs on two
// cores, a throttled Lambda) opens it. docs/dynamodb.md has the trace.
func NewHTTPClient(next aws.HTTPClient) aws.HTTPClient {
	switch next.(type) {
	case privateBody:
		return next
	case nil:
		next = awshttp.NewBuildableClient()
	}
	return privateBody{next}
}

// privateBody is NewHTTPClient's client.
type privateBody struct{ next aws.HTTPClient }

func (c privateBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return c.next.Do(r)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close() // The SDK's body is an in-memory stream it rewinds to retry.
	if err != nil {
		return nil, fmt.Errorf("dynamo: read request body: %w", err)
	}
	r = r.Clone(r.Context())
	r.ContentLength = int64(len(b))
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return c.next.Do(r)
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
