package replay

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// SQS is the NotifyFailures queue as a Queue.
type SQS struct {
	Client *sqs.Client
	URL    string
	// VisibilityTimeout hides a received message from other readers for
	// that many seconds; a kept message is visible again after it. Zero
	// means 300.
	VisibilityTimeout int32
}

// Receive returns up to ten messages, waiting at most a second for them.
func (q SQS) Receive(ctx context.Context) ([]Message, error) {
	vt := q.VisibilityTimeout
	if vt == 0 {
		vt = 300
	}
	out, err := q.Client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:            aws.String(q.URL),
		MaxNumberOfMessages: 10,
		VisibilityTimeout:   vt,
		WaitTimeSeconds:     1,
	})
	if err != nil {
		return nil, err
	}
	msgs := make([]Message, 0, len(out.Messages))
	for _, m := range out.Messages {
		msgs = append(msgs, Message{ID: aws.ToString(m.MessageId), Body: aws.ToString(m.Body), Receipt: aws.ToString(m.ReceiptHandle)})
	}
	return msgs, nil
}

// Delete removes a replayed message.
func (q SQS) Delete(ctx context.Context, receipt string) error {
	_, err := q.Client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(q.URL), ReceiptHandle: aws.String(receipt)})
	return err
}
