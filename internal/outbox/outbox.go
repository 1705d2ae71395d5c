package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/newsdesk/syndicate/internal/fediverse"
)

// MaxBatch is SendMessageBatch's and ChangeMessageVisibilityBatch's limit.
const MaxBatch = 10

// sendersAtOnce is how many SendMessageBatch calls one Enqueue makes at
// once: 2,000 deliveries are 200 calls, about a second at 4.
const sendersAtOnce = 4

// MaxVisibility is SQS's longest visibility timeout: 12 hours.
const MaxVisibility = 12 * time.Hour

// API is the part of the SQS client the queue uses.
type API interface {
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
	ChangeMessageVisibilityBatch(ctx context.Context, in *sqs.ChangeMessageVisibilityBatchInput, opts ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error)
}

// Queue is the delivery queue (DELIVERY_QUEUE_URL), a FIFO queue.
type Queue struct {
	Client API
	URL    string
}

var _ fediverse.Outbox = (*Queue)(nil)

// message is a delivery as a message body.
type message struct {
	Key      string          `json:"key"`
	Inbox    string          `json:"inbox"`
	Activity json.RawMessage `json:"activity"`
	Queued   time.Time       `json:"queued"`
}

// DedupID is a delivery's MessageDeduplicationId: the story change's key
// and the inbox, hashed to SQS's 128 characters.
func DedupID(d *fediverse.Delivery) string {
	sum := sha256.Sum256([]byte(d.Key + "\n" + d.Inbox))
	return hex.EncodeToString(sum[:])
}

// GroupID is a delivery's MessageGroupId: its inbox's host (SQS allows
// 128 characters; a longer host is hashed).
func GroupID(d *fediverse.Delivery) string {
	h := d.Host()
	if len(h) <= 128 {
		return h
	}
	sum := sha256.Sum256([]byte(h))
	return hex.EncodeToString(sum[:])
}

// Encode is a delivery's message body.
func Encode(d *fediverse.Delivery) (string, error) {
	b, err := json.Marshal(message{Key: d.Key, Inbox: d.Inbox, Activity: d.Activity, Queued: d.Queued.UTC()})
	return string(b), err
}

// Decode reads a message body back.
func Decode(body string) (fediverse.Delivery, error) {
	var m message
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return fediverse.Delivery{}, fmt.Errorf("outbox: message: %w", err)
	}
	if m.Inbox == "" || len(m.Activity) == 0 {
		return fediverse.Delivery{}, errors.New("outbox: message without inbox or activity")
	}
	return fediverse.Delivery{Key: m.Key, Inbox: m.Inbox, Activity: m.Activity, Queued: m.Queued}, nil
}

// Enqueue sends ds in batches of MaxBatch, a few batches at once. An
// error means some may not be queued: sending them all again is safe
// within the deduplication window.
func (q *Queue) Enqueue(ctx context.Context, ds []fediverse.Delivery) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		sem  = make(chan struct{}, sendersAtOnce)
	)
	for start := 0; start < len(ds); start += MaxBatch {
		batch := ds[start:min(start+MaxBatch, len(ds))]
		entries := make([]types.SendMessageBatchRequestEntry, len(batch))
		for i := range batch {
			body, err := Encode(&batch[i])
			if err != nil {
				return fmt.Errorf("outbox: enqueue: %w", err)
			}
			entries[i] = types.SendMessageBatchRequestEntry{
				Id:                     aws.String(strconv.Itoa(i)),
				MessageBody:            aws.String(body),
				MessageGroupId:         aws.String(GroupID(&batch[i])),
				MessageDeduplicationId: aws.String(DedupID(&batch[i])),
			}
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := q.send(ctx, entries)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (q *Queue) send(ctx context.Context, entries []types.SendMessageBatchRequestEntry) error {
	out, err := q.Client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(q.URL), Entries: entries})
	if err != nil {
		return fmt.Errorf("outbox: enqueue: %w", err)
	}
	if len(out.Failed) > 0 {
		f := out.Failed[0]
		return fmt.Errorf("outbox: enqueue: %d of %d refused, the first %s: %s", len(out.Failed), len(entries),
			aws.ToString(f.Code), aws.ToString(f.Message))
	}
	return nil
}

// Delay hides received messages (their receipt handles) for d, at most
// MaxVisibility: their next attempt is after it.
func (q *Queue) Delay(ctx context.Context, receipts []string, d time.Duration) error {
	secs := int32(min(d, MaxVisibility) / time.Second)
	var errs []error
	for start := 0; start < len(receipts); start += MaxBatch {
		batch := receipts[start:min(start+MaxBatch, len(receipts))]
		entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(batch))
		for i, r := range batch {
			entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(r), VisibilityTimeout: secs}
		}
		out, err := q.Client.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(q.URL), Entries: entries})
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("outbox: delay: %w", err))
		case len(out.Failed) > 0:
			errs = append(errs, fmt.Errorf("outbox: delay: %d of %d refused, the first %s", len(out.Failed), len(entries), aws.ToString(out.Failed[0].Code)))
		}
	}
	return errors.Join(errs...)
}

// NewClient is the SQS client of the functions: cfg's region and
// credentials, endpoint when not empty (moto in tests,
// AWS_ENDPOINT_URL_SQS).
func NewClient(cfg aws.Config, endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{Region: cfg.Region, Credentials: cfg.Credentials}, func(o *sqs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}
