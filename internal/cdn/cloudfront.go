package cdn

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Endpoint is CloudFront's global API endpoint; its calls are signed for
// us-east-1.
const Endpoint = "https://cloudfront.amazonaws.com"

const (
	apiVersion  = "2020-05-31"
	xmlns       = "http://cloudfront.amazonaws.com/doc/" + apiVersion + "/"
	maxResponse = 64 << 10
	// maxPaths is CloudFront's limit of paths in one invalidation batch.
	maxPaths = 3000
)

// Options are the optional settings of New.
type Options struct {
	// Endpoint replaces Endpoint (moto in tests).
	Endpoint string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient interface {
		Do(*http.Request) (*http.Response, error)
	}
	// PollInterval is the first wait between GetInvalidation calls; it
	// doubles up to 8 times as much. Zero means 1 s.
	PollInterval time.Duration
	// Now is the signing clock; nil means time.Now.
	Now func() time.Time
}

// CloudFront invalidates paths of one distribution.
type CloudFront struct {
	distribution string
	endpoint     string
	creds        aws.CredentialsProvider
	client       interface {
		Do(*http.Request) (*http.Response, error)
	}
	poll   time.Duration
	now    func() time.Time
	signer *v4.Signer
}

// New returns a client for distribution with cfg's credentials.
func New(cfg aws.Config, distribution string, opts Options) *CloudFront {
	c := &CloudFront{
		distribution: distribution,
		endpoint:     strings.TrimSuffix(opts.Endpoint, "/"),
		creds:        cfg.Credentials,
		client:       opts.HTTPClient,
		poll:         opts.PollInterval,
		now:          opts.Now,
		signer:       v4.NewSigner(),
	}
	if c.endpoint == "" {
		c.endpoint = Endpoint
	}
	if c.client == nil {
		c.client = http.DefaultClient
	}
	if c.poll <= 0 {
		c.poll = time.Second
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// ErrNotCompleted means the invalidation was created but had not completed
// when ctx ended.
var ErrNotCompleted = errors.New("cdn: invalidation not completed in time")

// Invalidate drops paths (URL paths, "/feeds/rss.xml") from every edge
// cache with one CreateInvalidation, then waits for it to complete,
// polling GetInvalidation until ctx ends (ErrNotCompleted, with the
// invalidation's ID in the message).
func (c *CloudFront) Invalidate(ctx context.Context, paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	if len(paths) > maxPaths {
		return fmt.Errorf("cdn: %d paths, CloudFront takes at most %d in one invalidation", len(paths), maxPaths)
	}
	id, status, err := c.create(ctx, paths)
	if err != nil {
		return err
	}
	wait := c.poll
	for !completed(status) {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("cdn: invalidation %s is %s: %w", id, status, ErrNotCompleted)
		case <-t.C:
		}
		if wait < 8*c.poll {
			wait *= 2
		}
		status, err = c.status(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("cdn: invalidation %s: %w", id, ErrNotCompleted)
			}
			return err
		}
	}
	return nil
}

func completed(status string) bool { return strings.EqualFold(status, "Completed") }

type invalidationBatch struct {
	XMLName xml.Name `xml:"InvalidationBatch"`
	Xmlns   string   `xml:"xmlns,attr"`
	Paths   struct {
		Quantity int      `xml:"Quantity"`
		Items    []string `xml:"Items>Path"`
	} `xml:"Paths"`
	CallerReference string `xml:"CallerReference"`
}

type invalidation struct {
	ID     string `xml:"Id"`
	Status string `xml:"Status"`
}

type errorResponse struct {
	Error struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
}

func (c *CloudFront) create(ctx context.Context, paths []string) (id, status string, err error) {
	b := invalidationBatch{Xmlns: xmlns, CallerReference: callerReference(c.now())}
	b.Paths.Quantity = len(paths)
	b.Paths.Items = paths
	body, err := xml.Marshal(b)
	if err != nil {
		return "", "", fmt.Errorf("cdn: encode invalidation: %w", err)
	}
	var out invalidation
	if err := c.call(ctx, "CreateInvalidation", http.MethodPost, "/invalidation", body, http.StatusCreated, &out); err != nil {
		return "", "", err
	}
	if out.ID == "" {
		return "", "", errors.New("cdn: CreateInvalidation: no invalidation ID in the answer")
	}
	return out.ID, out.Status, nil
}

func (c *CloudFront) status(ctx context.Context, id string) (string, error) {
	var out invalidation
	if err := c.call(ctx, "GetInvalidation", http.MethodGet, "/invalidation/"+url.PathEscape(id), nil, http.StatusOK, &out); err != nil {
		return "", err
	}
	return out.Status, nil
}

// call sends one signed request to the distribution's resource path and
// decodes the answer's XML into out.
func (c *CloudFront) call(ctx context.Context, op, method, path string, body []byte, want int, out any) error {
	u := c.endpoint + "/" + apiVersion + "/distribution/" + url.PathEscape(c.distribution) + path
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("cdn: %s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/xml")
	}
	if c.creds == nil {
		return fmt.Errorf("cdn: %s: no credentials", op)
	}
	creds, err := c.creds.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("cdn: %s: credentials: %w", op, err)
	}
	sum := sha256.Sum256(body)
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "cloudfront", "us-east-1", c.now()); err != nil {
		return fmt.Errorf("cdn: %s: sign: %w", op, err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return fmt.Errorf("cdn: %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("cdn: %s: read: %w", op, err)
	}
	if resp.StatusCode != want {
		var e errorResponse
		_ = xml.Unmarshal(data, &e)
		code := e.Error.Code
		if code == "" {
			code = "no error code"
		}
		if e.Error.Message != "" {
			code += ": " + e.Error.Message
		}
		return fmt.Errorf("cdn: %s: HTTP %d: %s", op, resp.StatusCode, code)
	}
	if err := xml.Unmarshal(data, out); err != nil {
		return fmt.Errorf("cdn: %s: decode: %w", op, err)
	}
	return nil
}

// callerReference makes each invalidation unique, so that a retried batch
// is a new invalidation rather than a no-op repeat of an old one.
func callerReference(now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "syndicate-" + strconv.FormatInt(now.UnixNano(), 36) + "-" + hex.EncodeToString(b[:])
}
