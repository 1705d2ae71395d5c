package dynamotest

import (
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/faultproxy"
)

// Proxied starts a fault proxy in front of $DYNAMODB_ENDPOINT, stopped
// when the test ends, and returns it with a store client (dynamo.NewClient:
// the store's retryer and body handling) that reaches moto through it,
// sharing base's one-request-at-a-time HTTP client. base (from Client)
// reaches the same tables past the proxy, for checking what was written.
//
// A write the proxy forwarded was applied once by moto whatever became of
// its answer, so a test that counts exactly compares what it reads back
// with Proxy.Count of the write's operation, not with the writes it made:
// a retried write is then no failure, and a lost or doubled one still is.
func Proxied(t testing.TB, base *dynamodb.Client) (*faultproxy.Proxy, *dynamodb.Client) {
	t.Helper()
	p, err := faultproxy.Start(os.Getenv(EndpointVar))
	if err != nil {
		t.Fatalf("fault proxy: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	client := dynamo.NewClient(dynamo.LocalConfig(), p.URL(), func(o *dynamodb.Options) {
		o.HTTPClient = base.Options().HTTPClient
	})
	return p, client
}
