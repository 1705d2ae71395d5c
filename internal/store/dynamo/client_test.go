package dynamo_test

import (
	"context"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func TestNewClient(t *testing.T) {
	tests := []struct {
		name         string
		endpoint     string
		opts         []func(*dynamodb.Options)
		wantEndpoint string
		wantAttempts int
	}{
		{"deployed", "", nil, "", dynamo.RetryMaxAttempts},
		{"local endpoint", "http://127.0.0.1:5555", nil, "http://127.0.0.1:5555", dynamo.RetryMaxAttempts},
		{"options run last", "http://127.0.0.1:5555", []func(*dynamodb.Options){func(o *dynamodb.Options) {
			o.BaseEndpoint = aws.String("http://127.0.0.1:6666")
		}}, "http://127.0.0.1:6666", dynamo.RetryMaxAttempts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := dynamo.NewClient(dynamo.LocalConfig(), tc.endpoint, tc.opts...).Options()
			if got := aws.ToString(o.BaseEndpoint); got != tc.wantEndpoint {
				t.Errorf("endpoint %q, want %q", got, tc.wantEndpoint)
			}
			if o.Retryer == nil {
				t.Fatal("no retryer")
			}
			if got := o.Retryer.MaxAttempts(); got != tc.wantAttempts {
				t.Errorf("max attempts %d, want %d", got, tc.wantAttempts)
			}
			if o.Region != "us-east-1" {
				t.Errorf("region %q, want us-east-1", o.Region)
			}
		})
	}
}

// TestRetryDelaysAreCapped checks the backoff the retryer asks for after
// throttling, whose base the SDK fixes at 1 s, and after a 5xx: never more
// than RetryMaxBackoff.
func TestRetryDelaysAreCapped(t *testing.T) {
	r := dynamo.NewRetryer()
	errs := map[string]error{
		"throttling": &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow down"},
		"5xx": &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 500}},
			Err: errors.New("internal server error")},
	}
	for name, err := range errs {
		for attempt := 1; attempt <= 10; attempt++ {
			for range 50 {
				d, derr := r.RetryDelay(attempt, err)
				if derr != nil || d < 0 || d > dynamo.RetryMaxBackoff {
					t.Fatalf("%s: RetryDelay(%d) = %v, %v; want 0..%v", name, attempt, d, derr, dynamo.RetryMaxBackoff)
				}
			}
		}
		if !r.IsErrorRetryable(err) {
			t.Errorf("%s is not retryable", name)
		}
	}
}

// TestRequestBodyOutlivesTheCall: net/http's write loop may finish with a
// request body after the SDK call has returned: once the bytes are sent it
// copies the rest (nothing) to io.Discard and closes the body, and the
// answer can be back before it gets there. The body NewClient's HTTP
// client hands on must then still read to EOF without error. The SDK's
// own body, which it closes as Do returns, answers io.EOF instead, which
// net/http takes for a failed write: it closes the connection under the
// unread answer and the SDK sends the write again (an ADD counted twice).
// lateTransport plays net/http's part with the late steps made certain.
func TestRequestBodyOutlivesTheCall(t *testing.T) {
	late := &lateTransport{release: make(chan struct{}), done: make(chan error, 1)}
	client := dynamo.NewClient(dynamo.LocalConfig(), "http://127.0.0.1:1", func(o *dynamodb.Options) { o.HTTPClient = late })
	if err := dynamo.New(client, "t").IncrementShare(context.Background(), "a", "facebook"); err != nil {
		t.Fatal(err)
	}
	close(late.release)
	if err := <-late.done; err != nil {
		t.Errorf("finishing the request body after the call: %v; net/http would close the connection under the answer", err)
	}
	if late.calls != 1 {
		t.Errorf("%d requests sent, want 1", late.calls)
	}
}

// lateTransport answers a request once it has read its declared length,
// as DynamoDB can, and finishes with the body (the rest to io.Discard,
// then Close) only once released, as net/http's write loop can.
type lateTransport struct {
	calls   int
	release chan struct{}
	done    chan error
}

func (l *lateTransport) Do(r *http.Request) (*http.Response, error) {
	l.calls++
	if _, err := io.Copy(io.Discard, io.LimitReader(r.Body, r.ContentLength)); err != nil {
		return nil, err
	}
	go func(body io.ReadCloser) {
		<-l.release
		_, err := io.Copy(io.Discard, body)
		if cerr := body.Close(); err == nil {
			err = cerr
		}
		l.done <- err
	}(r.Body)
	const answer = "{}"
	h := http.Header{}
	h.Set("Content-Type", "application/x-amz-json-1.0")
	h.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(answer))), 10))
	return &http.Response{StatusCode: http.StatusOK, Header: h, Body: io.NopCloser(strings.NewReader(answer)),
		ContentLength: int64(len(answer)), Request: r}, nil
}
