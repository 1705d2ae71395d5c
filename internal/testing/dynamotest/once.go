package dynamotest

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// WithoutRetries is an option for Client under which the named operations
// (UpdateItem, say) are sent once and never retried; others keep the
// standard retries. A test that counts writes exactly uses it: a retried
// ADD that moto had applied before its answer was lost counts twice, while
// an error can be read back (see storetest's share tests).
func WithoutRetries(ops ...string) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) { o.Retryer = NotRetried(ops...) }
}

// NotRetried is the standard retryer, except that the named operations
// are sent once and never retried: the Retryer of any SDK client's
// options (SQS's SendMessage, say, whose retry after a lost answer puts a
// second message on a standard queue).
func NotRetried(ops ...string) aws.RetryerV2 {
	once := make(map[string]bool, len(ops))
	for _, op := range ops {
		once[op] = true
	}
	return onceFor{RetryerV2: retry.NewStandard(), ops: once}
}

// errNotRetried joins the error of an operation WithoutRetries names.
var errNotRetried = errors.New("dynamotest: not retried (WithoutRetries)")

type onceFor struct {
	aws.RetryerV2
	ops map[string]bool
}

func (r onceFor) GetRetryToken(ctx context.Context, err error) (func(error) error, error) {
	if op := awsmiddleware.GetOperationName(ctx); r.ops[op] {
		return nil, fmt.Errorf("%s: %w", op, errNotRetried)
	}
	return r.RetryerV2.GetRetryToken(ctx, err)
}
