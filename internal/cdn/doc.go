// Package cdn drops copies of changed URLs from the CloudFront
// distribution in front of the public API: CreateInvalidation, then
// GetInvalidation until it has completed, over CloudFront's REST-XML API
// signed with SigV4 (the SDK's cloudfront client would add megabytes to
// the notifier for two calls).
package cdn
