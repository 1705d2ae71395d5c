// Package secret fetches the admin API's bearer token from an SSM
// SecureString parameter, so that the token is never in the function's
// environment or template. auth.NewToken wraps the source, so a warm
// container reads it at most every minute and on a miss, not per request.
//
// Rule: SSM is reached by one GetParameter call signed with the SDK's SigV4
// signer, not through the SDK's ssm client, which would put the articles
// bootstrap over the 10 MB every bootstrap is held to and add its schema
// initialisation to every cold start (measurements in the commit that made
// this choice).
package secret
