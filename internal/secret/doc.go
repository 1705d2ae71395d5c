// Package secret fetches the admin API's bearer token from an SSM
// SecureString parameter, so that the token is never in the function's
// environment or template. It sits behind a one-method interface so that
// tests need no AWS, and the caller wraps it in httpapi.OnceToken so a
// container reads the parameter once, not per request.
package secret
