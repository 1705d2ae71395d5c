package awsenv

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/newsdesk/syndicate/internal/store/dynamo"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfig(t *testing.T) {
	lambda := map[string]string{
		"AWS_REGION":            "eu-central-1",
		"AWS_DEFAULT_REGION":    "eu-central-1",
		"AWS_ACCESS_KEY_ID":     "ASIAEXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "secret",
		"AWS_SESSION_TOKEN":     "session",
	}
	with := func(k, v string) map[string]string {
		m := make(map[string]string, len(lambda))
		for k, v := range lambda {
			m[k] = v
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name       string
		env        map[string]string
		wantRegion string
		wantCreds  aws.Credentials
		wantErr    string // substring; "" means no error
	}{
		{"lambda", lambda, "eu-central-1",
			aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Source: CredentialsSource}, ""},
		{"no session token", with("AWS_SESSION_TOKEN", ""), "eu-central-1",
			aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", Source: CredentialsSource}, ""},
		{"default region fallback", with("AWS_REGION", ""), "eu-central-1",
			aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Source: CredentialsSource}, ""},
		{"AWS_REGION wins", with("AWS_DEFAULT_REGION", "us-west-2"), "eu-central-1",
			aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Source: CredentialsSource}, ""},
		{"sam local's account ID ignored", with("AWS_ACCOUNT_ID", "123456789012"), "eu-central-1",
			aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Source: CredentialsSource}, ""},
		{"no access key", with("AWS_ACCESS_KEY_ID", ""), "", aws.Credentials{}, "AWS_ACCESS_KEY_ID not set"},
		{"no secret key", with("AWS_SECRET_ACCESS_KEY", ""), "", aws.Credentials{}, "AWS_SECRET_ACCESS_KEY not set"},
		{"blank region", map[string]string{"AWS_REGION": " ", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}, "", aws.Credentials{}, "AWS_REGION not set"},
		{"empty environment", map[string]string{}, "", aws.Credentials{},
			"AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Config(env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("err = %v, carries a credential", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if cfg.Region != tt.wantRegion {
				t.Errorf("region = %q, want %q", cfg.Region, tt.wantRegion)
			}
			got, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil {
				t.Fatalf("Retrieve: %v", err)
			}
			if got != tt.wantCreds {
				t.Errorf("credentials = %+v, want %+v", got, tt.wantCreds)
			}
		})
	}
}

// TestConfigSignsDynamoDB checks that the configuration drives a real
// DynamoDB client made by dynamo.NewClient: the request goes to the
// endpoint, signed for the region with the session token, and the retry
// policy is dynamo's.
func TestConfigSignsDynamoDB(t *testing.T) {
	var auth, token, target string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, token, target = r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token"), r.Header.Get("X-Amz-Target")
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.Write([]byte(`{"TableNames":[]}`))
	}))
	defer srv.Close()
	cfg, err := Config(env(map[string]string{
		"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
		"AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "session",
	}))
	if err != nil {
		t.Fatal(err)
	}
	client := dynamo.NewClient(cfg, srv.URL)
	if _, err := client.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if want := "Credential=ASIAEXAMPLE/"; !strings.Contains(auth, want) || !strings.Contains(auth, "/eu-central-1/dynamodb/aws4_request") {
		t.Errorf("Authorization = %q, want %s…/eu-central-1/dynamodb/aws4_request", auth, want)
	}
	if token != "session" {
		t.Errorf("X-Amz-Security-Token = %q, want %q", token, "session")
	}
	if target != "DynamoDB_20120810.ListTables" {
		t.Errorf("X-Amz-Target = %q", target)
	}
	if got := client.Options().Retryer.MaxAttempts(); got != dynamo.RetryMaxAttempts {
		t.Errorf("retry attempts = %d, want %d", got, dynamo.RetryMaxAttempts)
	}
}

// hostRecorder answers every request with an empty ListTables and keeps
// the host it was sent to.
type hostRecorder struct{ host string }

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	h.host = r.URL.Host
	return &http.Response{
		StatusCode: http.StatusOK,
		Header:     http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:       io.NopCloser(strings.NewReader(`{"TableNames":[]}`)),
		Request:    r,
	}, nil
}

// TestConfigRegionalEndpoint checks that without DYNAMODB_ENDPOINT the
// client calls the regional endpoint, even with sam local's fake
// AWS_ACCOUNT_ID in the environment.
func TestConfigRegionalEndpoint(t *testing.T) {
	cfg, err := Config(env(map[string]string{
		"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "defaultkey",
		"AWS_SECRET_ACCESS_KEY": "defaultsecret", "AWS_ACCOUNT_ID": "123456789012",
	}))
	if err != nil {
		t.Fatal(err)
	}
	rec := &hostRecorder{}
	client := dynamo.NewClient(cfg, "", func(o *dynamodb.Options) { o.HTTPClient = rec })
	if _, err := client.ListTables(context.Background(), &dynamodb.ListTablesInput{}); err != nil {
		t.Fatalf("ListTables: %v", err)
	}
	if want := "dynamodb.eu-central-1.amazonaws.com"; rec.host != want {
		t.Errorf("host = %q, want %q", rec.host, want)
	}
}

func TestEndpoints(t *testing.T) {
	keys := map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
	tests := []struct {
		name     string
		env      map[string]string
		wantBase string // "" means nil
		wantSSM  string
	}{
		{"none", nil, "", ""},
		{"global", map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566"}, "http://localhost:4566", "http://localhost:4566"},
		{"service wins", map[string]string{"AWS_ENDPOINT_URL": "http://g", "AWS_ENDPOINT_URL_SSM": "http://ssm"}, "http://g", "http://ssm"},
		{"service only", map[string]string{"AWS_ENDPOINT_URL_SSM": "http://ssm"}, "", "http://ssm"},
		{"ignored", map[string]string{"AWS_ENDPOINT_URL": "http://g", "AWS_ENDPOINT_URL_SSM": "http://ssm", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]string{}
			for k, v := range keys {
				m[k] = v
			}
			for k, v := range tt.env {
				m[k] = v
			}
			cfg, err := Config(env(m))
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(cfg.BaseEndpoint); got != tt.wantBase || (tt.wantBase == "") != (cfg.BaseEndpoint == nil) {
				t.Errorf("BaseEndpoint = %v (%q), want %q", cfg.BaseEndpoint, got, tt.wantBase)
			}
			if got := ServiceEndpoint(env(m), "SSM"); got != tt.wantSSM {
				t.Errorf("ServiceEndpoint(SSM) = %q, want %q", got, tt.wantSSM)
			}
		})
	}
}

// BenchmarkConfig is the per-cold-start cost of reading the environment.
func BenchmarkConfig(b *testing.B) {
	e := env(map[string]string{"AWS_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": "c"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Config(e); err != nil {
			b.Fatal(err)
		}
	}
}
