// Package awsenv builds the AWS configuration of a Lambda function from its
// environment alone. On Lambda (and under sam local and aws-lambda-rie) the
// region and the execution role's credentials are always in AWS_REGION,
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, which is
// what the SDK's default chain would pick first there anyway. Reading them
// directly, instead of calling config.LoadDefaultConfig, keeps the SSO,
// SSO-OIDC, STS, sign-in, IMDS and shared-file code out of the bootstraps:
// about 1.8 MB of each binary and their package initialisation at every
// cold start. A missing variable is an error naming it, at start.
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> keep working as they did
// through the SDK's chain (ServiceEndpoint), for moto and LocalStack.
package awsenv
