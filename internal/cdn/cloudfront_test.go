package cdn

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

func testConfig() aws.Config {
	return aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// motoEndpoint is the moto_server of `make test` (scripts/with-moto.sh
// exports it as DYNAMODB_ENDPOINT; moto serves CloudFront on the same
// port). Without it the test is skipped, or fails under CI.
func motoEndpoint(t *testing.T) string {
	t.Helper()
	e := os.Getenv("DYNAMODB_ENDPOINT")
	if e == "" {
		const msg = "DYNAMODB_ENDPOINT is not set: run `make test`, which starts moto_server"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return e
}

// createMotoDistribution makes a distribution in moto and returns its ID.
func createMotoDistribution(t *testing.T, endpoint string) string {
	t.Helper()
	cf := cloudfront.NewFromConfig(testConfig(), func(o *cloudfront.Options) { o.BaseEndpoint = aws.String(endpoint) })
	out, err := cf.CreateDistribution(context.Background(), &cloudfront.CreateDistributionInput{
		DistributionConfig: &types.DistributionConfig{
			CallerReference: aws.String(callerReference(time.Now())),
			Comment:         aws.String("syndicate test"),
			Enabled:         aws.Bool(true),
			Origins: &types.Origins{Quantity: aws.Int32(1), Items: []types.Origin{{
				Id: aws.String("o"), DomainName: aws.String("example.com"),
				CustomOriginConfig: &types.CustomOriginConfig{HTTPPort: aws.Int32(80), HTTPSPort: aws.Int32(443),
					OriginProtocolPolicy: types.OriginProtocolPolicyHttpsOnly},
			}}},
			DefaultCacheBehavior: &types.DefaultCacheBehavior{TargetOriginId: aws.String("o"),
				ViewerProtocolPolicy: types.ViewerProtocolPolicyAllowAll},
		},
	})
	if err != nil || out.Distribution == nil || aws.ToString(out.Distribution.Id) == "" {
		t.Fatalf("CreateDistribution: %v", err)
	}
	return aws.ToString(out.Distribution.Id)
}

// invalidationBatch is the request body of CreateInvalidation, as the
// fake reads it.
type invalidationBatch struct {
	Paths struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>Path"`
	} `xml:"Paths"`
	CallerReference string `xml:"CallerReference"`
}

func TestInvalidateOnMoto(t *testing.T) {
	endpoint := motoEndpoint(t)
	id := createMotoDistribution(t, endpoint)
	c := New(testConfig(), id, Options{Endpoint: endpoint, PollInterval: 10 * time.Millisecond})
	paths := []string{"/feeds/rss.xml", "/feeds/atom.xml", "/feeds/section/svyat/rss.xml"}
	if err := c.Invalidate(context.Background(), paths); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if err := c.Invalidate(context.Background(), nil); err != nil {
		t.Errorf("Invalidate(nothing) = %v, want nil without a call", err)
	}
	t.Run("unknown distribution", func(t *testing.T) {
		c := New(testConfig(), "ENOSUCHDIST", Options{Endpoint: endpoint})
		err := c.Invalidate(context.Background(), paths)
		if err == nil || !strings.Contains(err.Error(), "NoSuchDistribution") {
			t.Errorf("Invalidate on an unknown distribution = %v, want NoSuchDistribution", err)
		}
	})
}

// fakeCloudFront answers CreateInvalidation with InProgress and
// GetInvalidation with status(n), n counting GetInvalidation calls.
func fakeCloudFront(t *testing.T, status func(n int64) string) (*httptest.Server, *atomic.Int64, *[]invalidationBatch) {
	t.Helper()
	var gets atomic.Int64
	var batches []invalidationBatch
	pathRE := regexp.MustCompile(`^/2020-05-31/distribution/EDIST/invalidation(/I1)?$`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !pathRE.MatchString(r.URL.Path) || !strings.Contains(r.Header.Get("Authorization"), "/us-east-1/cloudfront/aws4_request") {
			http.Error(w, "bad request "+r.URL.Path, http.StatusBadRequest)
			return
		}
		switch r.Method {
		case http.MethodPost:
			var b invalidationBatch
			if err := xml.NewDecoder(r.Body).Decode(&b); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			batches = append(batches, b)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `<Invalidation><Id>I1</Id><Status>InProgress</Status></Invalidation>`)
		case http.MethodGet:
			_, _ = io.WriteString(w, `<Invalidation><Id>I1</Id><Status>`+status(gets.Add(1))+`</Status></Invalidation>`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &gets, &batches
}

func TestInvalidateWaitsForCompletion(t *testing.T) {
	srv, gets, batches := fakeCloudFront(t, func(n int64) string {
		if n < 3 {
			return "InProgress"
		}
		return "Completed"
	})
	c := New(testConfig(), "EDIST", Options{Endpoint: srv.URL, PollInterval: time.Millisecond})
	paths := []string{"/feeds/rss.xml", "/feeds/atom.xml"}
	if err := c.Invalidate(context.Background(), paths); err != nil {
		t.Fatalf("Invalidate: %v", err)
	}
	if gets.Load() != 3 {
		t.Errorf("GetInvalidation called %d times, want 3 (until Completed)", gets.Load())
	}
	if len(*batches) != 1 || (*batches)[0].Paths.Quantity != 2 || strings.Join((*batches)[0].Paths.Items, " ") != strings.Join(paths, " ") {
		t.Errorf("batches = %+v, want one with both paths", *batches)
	}
	if (*batches)[0].CallerReference == "" {
		t.Error("no CallerReference")
	}
}

func TestInvalidateGivesUpWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, _, _ := fakeCloudFront(t, func(n int64) string {
		if n == 2 {
			cancel() // the wait's bound is reached while still in progress
		}
		return "InProgress"
	})
	c := New(testConfig(), "EDIST", Options{Endpoint: srv.URL, PollInterval: time.Millisecond})
	err := c.Invalidate(ctx, []string{"/feeds/rss.xml"})
	if !errors.Is(err, ErrNotCompleted) || !strings.Contains(err.Error(), "I1") {
		t.Errorf("Invalidate = %v, want ErrNotCompleted naming the invalidation", err)
	}
}

// TestInvalidateRetriesThrottling: a throttled CreateInvalidation is
// retried by the SDK's retryer, once, and the invalidation completes.
func TestInvalidateRetriesThrottling(t *testing.T) {
	var posts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && posts.Add(1) == 1 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>`)
			return
		}
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
		}
		_, _ = io.WriteString(w, `<Invalidation><Id>I1</Id><Status>Completed</Status></Invalidation>`)
	}))
	defer srv.Close()
	c := New(testConfig(), "EDIST", Options{Endpoint: srv.URL, PollInterval: time.Millisecond})
	if err := c.Invalidate(context.Background(), []string{"/feeds/rss.xml"}); err != nil || posts.Load() != 2 {
		t.Errorf("Invalidate = %v after %d CreateInvalidation calls, want nil after 2", err, posts.Load())
	}
}
