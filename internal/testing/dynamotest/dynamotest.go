// Package dynamotest connects tests to a DynamoDB-compatible server
// (moto_server under `make test`) and gives each test a fresh table with
// the store's layout. Every package whose tests touch DynamoDB uses it, so
// that they all skip or fail the same way when no server is configured.
//
// moto does not isolate concurrent requests on one table: a
// TransactWriteItems deep-copies the table to roll back with, so a
// concurrent write can crash it ("dictionary changed size during
// iteration", HTTP 500) or be undone by another transaction's rollback.
// DynamoDB serialises transactions and single-item writes, so each client
// from Client sends one request at a time. Give all code under test that
// shares a table the same client. Proxied puts a fault proxy between a
// store client and moto. WithoutRetries sends named operations once, for
// tests that count writes exactly.
package dynamotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/smithy-go/logging"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

// EndpointVar names the environment variable holding the server's URL,
// such as http://127.0.0.1:5555.
const EndpointVar = "DYNAMODB_ENDPOINT"

// Timeout is the deadline of a store call that a test does not expect to
// time out, queue included: requests wait for each other in Client's
// client, and the last of 50 racing writes waits for all the others. moto
// under -race on a busy 2-core machine never meets it, so no outcome
// depends on moto's speed; a test that hangs meets go test's -timeout.
const Timeout = 5 * time.Minute

const missing = EndpointVar + " is not set: run `make test`, which starts moto_server"

// motoEndpoint is $DYNAMODB_ENDPOINT, the test's moto_server. Without it
// the test is skipped, or fails when $CI is set, so CI cannot pass by
// skipping.
func motoEndpoint(t testing.TB) string {
	t.Helper()
	endpoint := os.Getenv(EndpointVar)
	if endpoint == "" {
		if os.Getenv("CI") != "" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	return endpoint
}

// Client returns a client for the server at $DYNAMODB_ENDPOINT, with dummy
// static credentials in us-east-1, changed by opts (WithoutRetries).
// Without the variable the test is skipped, or fails when $CI is set, so CI
// cannot pass by skipping.
func Client(t testing.TB, opts ...func(*dynamodb.Options)) *dynamodb.Client {
	t.Helper()
	endpoint := motoEndpoint(t)
	name := t.Name()
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		// The store's HTTP client: see dynamo.NewHTTPClient for why.
		HTTPClient: dynamo.NewHTTPClient(&serial{next: awshttp.NewBuildableClient()}),
		// Every retry is logged with the test's name.
		ClientLogMode: aws.LogRetries,
		// (To stderr: a retry may come after its test ended, where t.Log
		// would panic.)
		Logger: logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
			fmt.Fprintf(os.Stderr, "%s: dynamodb SDK %s: %s\n", name, c, fmt.Sprintf(format, v...))
		}),
	}, opts...)
}

// serial sends one request at a time; see the package comment for why.
// moto answers only once it has applied a request, so holding the lock
// until the response headers arrive is enough.
type serial struct {
	mu   sync.Mutex
	next *awshttp.BuildableClient
}

func (c *serial) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.next.Do(r)
}

// Table creates a table with a unique name and the store's layout, and
// deletes it when the test ends.
func Table(t testing.TB, client *dynamodb.Client) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	name := "test-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	if err := dynamo.CreateTable(ctx, client, name); err != nil {
		t.Fatalf("create table: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), Timeout)
		defer cancel()
		_, err := client.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		// ResourceNotFound means the table is gone, which is the point: it
		// is what the SDK's retry of a delete whose answer was lost sees.
		var gone *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &gone) {
			t.Errorf("delete table %s: %v", name, err)
		}
	})
	return name
}
