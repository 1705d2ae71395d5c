package parameter

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	smithytime "github.com/aws/smithy-go/time"
)

// ErrMissing means the parameter does not exist or is empty.
var ErrMissing = errors.New("parameter: missing or empty")

// DefaultTimeout bounds one GetParameter call when Options.Timeout is
// zero: the call runs inside an admin request, under the function timeout.
const DefaultTimeout = 3 * time.Second

// maxResponse caps the response read: a parameter value is at most 8 KB
// (advanced tier), and the rest of the answer is metadata.
const maxResponse = 64 << 10

// Options are the optional settings of New.
type Options struct {
	// Endpoint replaces https://ssm.<region>.amazonaws.com (moto, a VPC
	// endpoint); empty means cfg.BaseEndpoint, else the regional one.
	Endpoint string
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// HTTPClient sends the request; nil means http.DefaultClient.
	HTTPClient interface {
		Do(*http.Request) (*http.Response, error)
	}
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
	// Attempts is how many times a call is tried (Attempts); Backoff the
	// first wait between two, doubled after each (DefaultBackoff). Both
	// stay within Timeout.
	Attempts int
	Backoff  time.Duration
}

// A call is tried again, up to Attempts times within its Timeout, when
// SSM throttles it (ThrottlingException, TooManyUpdates, HTTP 429), fails
// on its side (HTTP 5xx) or the connection fails: the errors the SDK's
// standard retryer retries. Everything else, ParameterNotFound and
// AccessDeniedException included, is answered at once.
const (
	DefaultAttempts = 3
	DefaultBackoff  = 100 * time.Millisecond
)

// Store calls SSM's GetParameter (WithDecryption) and PutParameter over
// its JSON 1.1 protocol, signed with the SDK's SigV4 signer for cfg's
// region and credentials.
type Store struct {
	endpoint string
	region   string
	creds    aws.CredentialsProvider
	timeout  time.Duration
	client   interface {
		Do(*http.Request) (*http.Response, error)
	}
	now      func() time.Time
	signer   *v4.Signer
	attempts int
	backoff  time.Duration
}

// New returns a Store for cfg (region and credentials, usually
// from awsenv.Config).
func New(cfg aws.Config, opts Options) *Store {
	s := &Store{
		endpoint: opts.Endpoint,
		region:   cfg.Region,
		creds:    cfg.Credentials,
		timeout:  opts.Timeout,
		client:   opts.HTTPClient,
		now:      opts.Now,
		signer:   v4.NewSigner(),
		attempts: opts.Attempts,
		backoff:  opts.Backoff,
	}
	if s.attempts <= 0 {
		s.attempts = DefaultAttempts
	}
	if s.backoff <= 0 {
		s.backoff = DefaultBackoff
	}
	if s.endpoint == "" && cfg.BaseEndpoint != nil {
		s.endpoint = *cfg.BaseEndpoint
	}
	if s.endpoint == "" {
		s.endpoint = RegionalEndpoint(cfg.Region)
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.client == nil {
		s.client = http.DefaultClient
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// RegionalEndpoint is SSM's public endpoint in region: amazonaws.com, or
// amazonaws.com.cn in the China regions. Other partitions need
// Options.Endpoint.
func RegionalEndpoint(region string) string {
	suffix := ".amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = ".amazonaws.com.cn"
	}
	return "https://ssm." + region + suffix
}

// getParameterRequest and getParameterResponse are the wire format of
// GetParameter, kept to the fields used.
type getParameterRequest struct {
	Name           string `json:"Name"`
	WithDecryption bool   `json:"WithDecryption"`
}

type getParameterResponse struct {
	Parameter *struct {
		Value string `json:"Value"`
	} `json:"Parameter"`
}

// errorResponse is the body of an SSM error: {"__type": "...", "message": "..."}.
type errorResponse struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// GetParameter returns the decrypted value of the parameter name.
// ParameterNotFound (and an answer without a parameter) is ErrMissing;
// every other failure is returned as is, naming the SSM error code when
// there is one but never the value.
func (s *Store) GetParameter(ctx context.Context, name string) (string, error) {
	data, err := s.call(ctx, "GetParameter", getParameterRequest{Name: name, WithDecryption: true})
	if err != nil {
		return "", err
	}
	var out getParameterResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return "", fmt.Errorf("ssm: GetParameter: decode: %w", err)
	}
	if out.Parameter == nil || out.Parameter.Value == "" {
		return "", fmt.Errorf("ssm: GetParameter: %w", ErrMissing)
	}
	return out.Parameter.Value, nil
}

// putParameterRequest is the wire format of PutParameter, kept to the
// fields used.
type putParameterRequest struct {
	Name      string `json:"Name"`
	Value     string `json:"Value"`
	Type      string `json:"Type"`
	Overwrite bool   `json:"Overwrite"`
}

// PutParameter overwrites the String parameter name with value: small
// state a function keeps between runs (the follow function's ETag), not a
// secret.
func (s *Store) PutParameter(ctx context.Context, name, value string) error {
	_, err := s.call(ctx, "PutParameter", putParameterRequest{Name: name, Value: value, Type: "String", Overwrite: true})
	return err
}

// call sends one SSM action, signed, and returns the answer's body; a
// throttled or failed attempt is tried again (DefaultAttempts).
func (s *Store) call(ctx context.Context, action string, in any) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	body, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("ssm: encode request: %w", err)
	}
	wait := s.backoff
	for attempt := 1; ; attempt++ {
		data, retry, err := s.attempt(ctx, action, body)
		if err == nil || !retry || attempt >= s.attempts {
			return data, err
		}
		if smithytime.SleepWithContext(ctx, wait) != nil {
			return nil, err
		}
		wait *= 2
	}
}

// attempt sends action once and reports whether a failure may be tried
// again.
func (s *Store) attempt(ctx context.Context, action string, body []byte) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(s.endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return nil, false, fmt.Errorf("ssm: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM."+action)
	if s.creds == nil {
		return nil, false, errors.New("ssm: no credentials")
	}
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("ssm: credentials: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := s.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", s.region, s.now()); err != nil {
		return nil, false, fmt.Errorf("ssm: sign: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, ctx.Err() == nil, fmt.Errorf("ssm: %s: %w", action, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, ctx.Err() == nil, fmt.Errorf("ssm: %s: read: %w", action, err)
	}
	if resp.StatusCode != http.StatusOK {
		code, msg := errorCode(resp.Header.Get("X-Amzn-ErrorType"), data)
		if code == "ParameterNotFound" {
			return nil, false, fmt.Errorf("ssm: %s: %s: %w", action, code, ErrMissing)
		}
		retry := resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests ||
			code == "ThrottlingException" || code == "TooManyUpdates"
		if code == "" {
			code = "no error code"
		}
		if msg != "" {
			code += ": " + msg
		}
		return nil, retry, fmt.Errorf("ssm: %s: HTTP %d: %s", action, resp.StatusCode, code)
	}
	return data, false, nil
}

// errorCode is the bare error code of an SSM error answer, from the
// X-Amzn-ErrorType header or else the body's __type, without a namespace
// ("com.amazonaws.ssm#ParameterNotFound") or a suffix after a colon, and
// the body's message (which names the parameter, never its value).
func errorCode(header string, body []byte) (code, message string) {
	var e errorResponse
	if json.Unmarshal(body, &e) == nil {
		code, message = e.Type, e.Message
	}
	if header != "" {
		code = header
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	return strings.TrimSpace(code), message
}
