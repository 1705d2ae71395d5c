package dynamo

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/newsdesk/syndicate/internal/article"
)

// unavailableCodes are the error codes that mean "DynamoDB is busy, try
// later". The SDK has already retried them with backoff and jitter by the
// time they reach this package.
var unavailableCodes = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"ThrottlingException":                    true,
	"RequestLimitExceeded":                   true,
	"InternalServerError":                    true,
	"ServiceUnavailable":                     true,
	"TransactionInProgressException":         true,
	"LimitExceededException":                 true,
}

// classify marks errors that mean DynamoDB could not be reached or kept
// refusing (throttling, 5xx, network failures) as article.ErrUnavailable,
// keeping the SDK error in the chain for logs and errors.As. Other errors,
// such as a missing table or a validation error, are configuration or
// programming faults and stay as they are.
func classify(err error) error {
	if err == nil || errors.Is(err, article.ErrUnavailable) {
		return err
	}
	var api smithy.APIError
	if errors.As(err, &api) && unavailableCodes[api.ErrorCode()] {
		return fmt.Errorf("%w: %w", article.ErrUnavailable, err)
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() >= 500 {
		return fmt.Errorf("%w: %w", article.ErrUnavailable, err)
	}
	var send *smithyhttp.RequestSendError
	if errors.As(err, &send) {
		return fmt.Errorf("%w: %w", article.ErrUnavailable, err)
	}
	// The SDK's retry quota ran dry: DynamoDB has been failing for a while.
	var quota ratelimit.QuotaExceededError
	if errors.As(err, &quota) {
		return fmt.Errorf("%w: %w", article.ErrUnavailable, err)
	}
	return err
}
