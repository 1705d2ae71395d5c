// Package secret is the admin API's bearer token as a token source
// (auth.TokenSource) read from an SSM SecureString parameter (package
// parameter), so that the token is never in the function's environment or
// template. auth.NewToken wraps the source, so a warm container reads it
// at most every minute and on a miss, not per request.
//
// Rule: a missing or empty parameter is ErrMissing (a deployment mistake);
// any other failure wraps article.ErrUnavailable, so the API answers 503;
// no error carries the value.
package secret
