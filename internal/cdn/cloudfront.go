package cdn

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// Endpoint is CloudFront's global API endpoint; its calls are signed for
// us-east-1.
const Endpoint = "https://cloudfront.amazonaws.com"

// maxPaths is CloudFront's limit of paths in one invalidation batch.
const maxPaths = 3000

// Options are the optional settings of New.
type Options struct {
	// Endpoint replaces Endpoint (moto in tests).
	Endpoint string
	// HTTPClient sends the requests; nil means the SDK's.
	HTTPClient cloudfront.HTTPClient
	// PollInterval is the first wait between GetInvalidation calls; it
	// doubles up to 8 times as much. Zero means 1 s.
	PollInterval time.Duration
	// Now is the clock of the caller references; nil means time.Now.
	Now func() time.Time
}

// CloudFront invalidates paths of one distribution, through the SDK's
// cloudfront client (its retries and signing).
type CloudFront struct {
	distribution string
	client       *cloudfront.Client
	poll         time.Duration
	now          func() time.Time
}

// New returns a client for distribution with cfg's credentials. CloudFront
// is global: its calls are signed for us-east-1 whatever cfg's region.
func New(cfg aws.Config, distribution string, opts Options) *CloudFront {
	c := &CloudFront{distribution: distribution, poll: opts.PollInterval, now: opts.Now}
	c.client = cloudfront.NewFromConfig(cfg, func(o *cloudfront.Options) {
		o.Region = "us-east-1"
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(strings.TrimSuffix(opts.Endpoint, "/"))
		}
		if opts.HTTPClient != nil {
			o.HTTPClient = opts.HTTPClient
		}
	})
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

func (c *CloudFront) create(ctx context.Context, paths []string) (id, status string, err error) {
	out, err := c.client.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(c.distribution),
		InvalidationBatch: &types.InvalidationBatch{
			CallerReference: aws.String(callerReference(c.now())),
			Paths:           &types.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	if err != nil {
		return "", "", fmt.Errorf("cdn: %w", err)
	}
	if out.Invalidation == nil || aws.ToString(out.Invalidation.Id) == "" {
		return "", "", errors.New("cdn: CreateInvalidation: no invalidation ID in the answer")
	}
	return aws.ToString(out.Invalidation.Id), aws.ToString(out.Invalidation.Status), nil
}

func (c *CloudFront) status(ctx context.Context, id string) (string, error) {
	out, err := c.client.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{
		DistributionId: aws.String(c.distribution), Id: aws.String(id)})
	if err != nil {
		return "", fmt.Errorf("cdn: %w", err)
	}
	if out.Invalidation == nil {
		return "", fmt.Errorf("cdn: GetInvalidation %s: no invalidation in the answer", id)
	}
	return aws.ToString(out.Invalidation.Status), nil
}

// callerReference makes each invalidation unique, so that a retried batch
// is a new invalidation rather than a no-op repeat of an old one.
func callerReference(now time.Time) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "syndicate-" + strconv.FormatInt(now.UnixNano(), 36) + "-" + hex.EncodeToString(b[:])
}
