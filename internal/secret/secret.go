package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/newsdesk/syndicate/internal/article"
)

// ParameterGetter is the one SSM call needed; *ssm.Client implements it.
type ParameterGetter interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ ParameterGetter = (*ssm.Client)(nil)

// ErrMissing means the parameter does not exist or is empty: a deployment
// mistake, not a passing fault.
var ErrMissing = errors.New("secret: parameter missing or empty")

// Parameter returns a token source (the shape of httpapi.TokenSource)
// reading the SecureString parameter name, decrypted. A failure to reach
// SSM wraps article.ErrUnavailable, so the API answers 503, and the error
// never carries the value.
func Parameter(client ParameterGetter, name string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		out, err := client.GetParameter(ctx, &ssm.GetParameterInput{
			Name:           aws.String(name),
			WithDecryption: aws.Bool(true),
		})
		var nf *types.ParameterNotFound
		switch {
		case errors.As(err, &nf):
			return "", fmt.Errorf("secret: get %s: %w", name, ErrMissing)
		case err != nil:
			return "", fmt.Errorf("secret: get %s: %w", name, errors.Join(article.ErrUnavailable, err))
		case out.Parameter == nil || aws.ToString(out.Parameter.Value) == "":
			return "", fmt.Errorf("secret: get %s: %w", name, ErrMissing)
		}
		return aws.ToString(out.Parameter.Value), nil
	}
}
