package dynamotest_test

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
