package secret

import (
	"context"
	"errors"
	"fmt"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/parameter"
)

// ParameterGetter is the one SSM call needed: the decrypted value of a
// parameter. *parameter.Store implements it; tests use a fake.
type ParameterGetter interface {
	GetParameter(ctx context.Context, name string) (string, error)
}

var _ ParameterGetter = (*parameter.Store)(nil)

// ErrMissing means the parameter does not exist or is empty: a deployment
// mistake, not a passing fault (parameter.ErrMissing).
var ErrMissing = parameter.ErrMissing

// Parameter returns a token source (an auth.TokenSource)
// reading the SecureString parameter name, decrypted. A failure to reach
// SSM wraps article.ErrUnavailable, so the API answers 503, and the error
// never carries the value.
func Parameter(client ParameterGetter, name string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		v, err := client.GetParameter(ctx, name)
		switch {
		case errors.Is(err, ErrMissing):
			return "", fmt.Errorf("secret: get %s: %w", name, ErrMissing)
		case err != nil:
			return "", fmt.Errorf("secret: get %s: %w", name, errors.Join(article.ErrUnavailable, err))
		case v == "":
			return "", fmt.Errorf("secret: get %s: %w", name, ErrMissing)
		}
		return v, nil
	}
}
