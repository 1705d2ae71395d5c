package parameter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

var testCfg = aws.Config{
	Region:      "eu-central-1",
	Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secretkey", "sessiontoken"),
}

var signingTime = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// TestSSMRequest checks the wire request against what the SDK's signer
// makes of the same request: SigV4 for ssm in the region, with the
// session token, the JSON 1.1 target and body.
func TestSSMRequest(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		body, _ = io.ReadAll(r.Body)
		w.Write([]byte(`{"Parameter":{"Name":"/syndicate/admin-token","Type":"SecureString","Value":"tok","Version":3}}`))
	}))
	defer srv.Close()
	s := New(testCfg, Options{Endpoint: srv.URL, Now: func() time.Time { return signingTime }})
	v, err := s.GetParameter(context.Background(), "/syndicate/admin-token")
	if err != nil || v != "tok" {
		t.Fatalf("GetParameter = %q, %v; want tok, nil", v, err)
	}
	for h, want := range map[string]string{
		"Content-Type":         "application/x-amz-json-1.1",
		"X-Amz-Target":         "AmazonSSM.GetParameter",
		"X-Amz-Security-Token": "sessiontoken",
		"X-Amz-Date":           "20261127T100000Z",
	} {
		if g := got.Header.Get(h); g != want {
			t.Errorf("%s = %q, want %q", h, g, want)
		}
	}
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil || in["Name"] != "/syndicate/admin-token" || in["WithDecryption"] != true {
		t.Errorf("body = %s (%v), want Name and WithDecryption true", body, err)
	}
	auth := got.Header.Get("Authorization")
	if want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/eu-central-1/ssm/aws4_request"; !strings.HasPrefix(auth, want) {
		t.Errorf("Authorization = %q, want prefix %q", auth, want)
	}
	// Re-sign what arrived: the signature must match, so the server
	// would accept it.
	re, _ := http.NewRequest(got.Method, srv.URL+got.URL.Path, strings.NewReader(string(body)))
	for _, h := range []string{"Content-Type", "X-Amz-Target"} {
		re.Header.Set(h, got.Header.Get(h))
	}
	creds, _ := testCfg.Credentials.Retrieve(context.Background())
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, re, hex.EncodeToString(sum[:]), "ssm", "eu-central-1", signingTime); err != nil {
		t.Fatal(err)
	}
	if re.Header.Get("Authorization") != auth {
		t.Errorf("signature does not verify:\n got %s\nwant %s", auth, re.Header.Get("Authorization"))
	}
}

func TestSSMAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     string
		body       string
		want       string
		wantErr    error  // errors.Is target; nil means no error
		wantDetail string // substring of the error
	}{
		{"value", 200, "", `{"Parameter":{"Value":"tok"}}`, "tok", nil, ""},
		{"not found", 400, "", `{"__type":"ParameterNotFound","message":""}`, "", ErrMissing, "ParameterNotFound"},
		{"not found namespaced", 400, "", `{"__type":"com.amazonaws.ssm#ParameterNotFound"}`, "", ErrMissing, "ParameterNotFound"},
		{"not found in header", 400, "ParameterNotFound:http://internal.amazon.com/", `{}`, "", ErrMissing, "ParameterNotFound"},
		{"empty value", 200, "", `{"Parameter":{"Value":""}}`, "", ErrMissing, ""},
		{"no parameter", 200, "", `{}`, "", ErrMissing, ""},
		{"access denied", 400, "", `{"__type":"AccessDeniedException","Message":"not authorized to perform ssm:GetParameter"}`, "", errAny, "AccessDeniedException: not authorized"},
		{"throttled", 400, "", `{"__type":"ThrottlingException"}`, "", errAny, "HTTP 400: ThrottlingException"},
		{"server error", 500, "", `oops`, "", errAny, "HTTP 500: no error code"},
		{"bad JSON", 200, "", `{"Parameter":`, "", errAny, "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("X-Amzn-ErrorType", tt.header)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			got, err := New(testCfg, Options{Endpoint: srv.URL}).GetParameter(context.Background(), "/p")
			if got != tt.want {
				t.Errorf("value = %q, want %q", got, tt.want)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("err = %v, want nil", err)
			case tt.wantErr == errAny && (err == nil || errors.Is(err, ErrMissing)):
				t.Errorf("err = %v, want a failure other than ErrMissing", err)
			case tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantDetail) {
				t.Errorf("err = %v, want it to mention %q", err, tt.wantDetail)
			}
		})
	}
}

// errAny marks a test case expecting some error that is not ErrMissing.
var errAny = errors.New("any")

// TestSSMTimeout calls an SSM that answers only once the test has ended:
// the call must end at its timeout, whatever the machine's speed.
func TestSSMTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	_, err := New(testCfg, Options{Endpoint: srv.URL, Timeout: 50 * time.Millisecond}).GetParameter(context.Background(), "/p")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want a deadline error", err)
	}
}

func TestSSMNoCredentials(t *testing.T) {
	_, err := New(aws.Config{Region: "eu-central-1"}, Options{Endpoint: "http://127.0.0.1:1"}).GetParameter(context.Background(), "/p")
	if err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("err = %v, want no credentials", err)
	}
}

func TestSSMEndpointFromConfig(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit = true
		io.WriteString(w, `{"Parameter":{"Value":"v"}}`)
	}))
	defer srv.Close()
	cfg := testCfg
	cfg.BaseEndpoint = aws.String(srv.URL)
	if v, err := New(cfg, Options{}).GetParameter(context.Background(), "/p"); err != nil || v != "v" || !hit {
		t.Errorf("GetParameter = %q, %v (server hit: %v); want v from cfg.BaseEndpoint", v, err, hit)
	}
}

func TestRegionalEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"eu-central-1":   "https://ssm.eu-central-1.amazonaws.com",
		"us-gov-west-1":  "https://ssm.us-gov-west-1.amazonaws.com",
		"cn-northwest-1": "https://ssm.cn-northwest-1.amazonaws.com.cn",
	} {
		if got := RegionalEndpoint(region); got != want {
			t.Errorf("RegionalEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
}

// TestSSMMoto reads a SecureString written with the SDK's own SSM client
// from moto_server ($DYNAMODB_ENDPOINT, which serves every service), so
// the hand-written call is checked against a real implementation of the
// protocol, found and not found.
func TestSSMMoto(t *testing.T) {
	endpoint := os.Getenv("DYNAMODB_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("DYNAMODB_ENDPOINT is not set: run `make test`, which starts moto_server")
		}
		t.Skip("DYNAMODB_ENDPOINT is not set: run `make test`, which starts moto_server")
	}
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	// A deadline moto never meets, however busy the machine.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "/syndicate-test/" + strings.ReplaceAll(t.Name(), "/", "-") + "/" + time.Now().Format("150405.000000000")
	sdk := ssm.NewFromConfig(cfg, func(o *ssm.Options) { o.BaseEndpoint = aws.String(endpoint) })
	if _, err := sdk.PutParameter(ctx, &ssm.PutParameterInput{
		Name: aws.String(name), Value: aws.String("тайна-token"), Type: ssmtypes.ParameterTypeSecureString,
	}); err != nil {
		t.Fatalf("PutParameter: %v", err)
	}
	s := New(cfg, Options{Endpoint: endpoint, Timeout: time.Minute})
	if got, err := s.GetParameter(ctx, name); err != nil || got != "тайна-token" {
		t.Errorf("GetParameter = %q, %v; want the stored value", got, err)
	}
	if _, err := s.GetParameter(ctx, name+"-absent"); !errors.Is(err, ErrMissing) {
		t.Errorf("absent: err = %v, want ErrMissing", err)
	}
	// PutParameter creates, then overwrites; the SDK reads what it wrote.
	state := name + "-state"
	for _, v := range []string{`{"etag":"\"v1\""}`, `{"etag":"\"v2\""}`} {
		if err := s.PutParameter(ctx, state, v); err != nil {
			t.Fatalf("PutParameter(%s): %v", v, err)
		}
		out, err := sdk.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(state)})
		if err != nil || aws.ToString(out.Parameter.Value) != v || out.Parameter.Type != ssmtypes.ParameterTypeString {
			t.Errorf("after PutParameter(%s): %v, %v", v, out, err)
		}
	}
}

// BenchmarkSSMGetParameter is one signed call to a loopback server: the
// cost the first admin request of a container pays besides SSM itself.
func BenchmarkSSMGetParameter(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, `{"Parameter":{"Name":"/syndicate/admin-token","Type":"SecureString","Value":"tok","Version":1}}`)
	}))
	defer srv.Close()
	s := New(testCfg, Options{Endpoint: srv.URL})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.GetParameter(ctx, "/syndicate/admin-token"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSSMRetries: a throttled or failed attempt is tried again, up to
// Attempts; an answer that cannot change (not found, denied) is not.
func TestSSMRetries(t *testing.T) {
	type answer struct {
		status int
		body   string // "drop": the connection is closed without an answer
	}
	ok := answer{200, `{"Parameter":{"Value":"tok"}}`}
	tests := []struct {
		name     string
		answers  []answer // the last repeats
		want     string
		wantErr  error
		requests int
	}{
		{"server error, then the value", []answer{{503, `{}`}, ok}, "tok", nil, 2},
		{"throttled twice, then the value", []answer{{400, `{"__type":"ThrottlingException"}`}, {400, `{"__type":"ThrottlingException"}`}, ok}, "tok", nil, 3},
		{"too many updates, then the value", []answer{{400, `{"__type":"TooManyUpdates"}`}, ok}, "tok", nil, 2},
		{"429, then the value", []answer{{429, `{}`}, ok}, "tok", nil, 2},
		{"connection dropped, then the value", []answer{{0, "drop"}, ok}, "tok", nil, 2},
		{"server error every time", []answer{{500, `oops`}}, "", errAny, 3},
		{"not found", []answer{{400, `{"__type":"ParameterNotFound"}`}}, "", ErrMissing, 1},
		{"access denied", []answer{{400, `{"__type":"AccessDeniedException"}`}}, "", errAny, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				a := tt.answers[min(i, len(tt.answers)-1)]
				if a.body == "drop" {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
					return
				}
				w.WriteHeader(a.status)
				io.WriteString(w, a.body)
			}))
			defer srv.Close()
			got, err := New(testCfg, Options{Endpoint: srv.URL, Backoff: time.Millisecond, Timeout: time.Minute}).GetParameter(context.Background(), "/p")
			if got != tt.want || int(n.Load()) != tt.requests {
				t.Errorf("value %q after %d requests, want %q after %d (err %v)", got, n.Load(), tt.want, tt.requests, err)
			}
			switch {
			case tt.wantErr == nil && err != nil:
				t.Errorf("err = %v", err)
			case tt.wantErr == errAny && (err == nil || errors.Is(err, ErrMissing)):
				t.Errorf("err = %v, want a failure", err)
			case tt.wantErr == ErrMissing && !errors.Is(err, ErrMissing):
				t.Errorf("err = %v, want ErrMissing", err)
			}
		})
	}
}
