// Package awsenv builds a Lambda function's AWS configuration from its
// environment alone: AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which Lambda, sam local and
// aws-lambda-rie always set. A missing one is an error naming it, at start.
//
// Rule: no config.LoadDefaultConfig, which would link the SSO, STS, IMDS and
// shared-file code (about 1.8 MB per bootstrap, and its initialisation at
// every cold start). AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> still
// work as in the SDK's chain (ServiceEndpoint), for moto and LocalStack.
package awsenv
