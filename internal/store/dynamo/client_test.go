package dynamo_test

import (
	"errors"
	"net/http"
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
