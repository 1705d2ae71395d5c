package awsenv

import (
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The variables Lambda sets for every function. AWS_DEFAULT_REGION is the
// fallback the SDK also accepts; AWS_SESSION_TOKEN is optional because
// long-lived keys (a developer's, sam local's defaults) have none.
const (
	RegionEnv          = "AWS_REGION"
	DefaultRegionEnv   = "AWS_DEFAULT_REGION"
	AccessKeyIDEnv     = "AWS_ACCESS_KEY_ID"
	SecretAccessKeyEnv = "AWS_SECRET_ACCESS_KEY"
	SessionTokenEnv    = "AWS_SESSION_TOKEN"
	// EndpointURLEnv, and EndpointURLEnv + "_" + a service ID such as
	// SSM, redirect calls (moto, LocalStack, a VPC endpoint) as in the
	// SDK's chain, unless IgnoreEndpointURLsEnv is "true".
	EndpointURLEnv        = "AWS_ENDPOINT_URL"
	IgnoreEndpointURLsEnv = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
)

// CredentialsSource is the Source of the credentials Config returns, the
// name the SDK's default chain gives credentials read from the environment.
const CredentialsSource = "EnvConfigCredentials"

// Config returns the region and static credentials found through getenv
// (os.Getenv in a main). The HTTP client, retryer and endpoints are left to
// the service clients' defaults and to dynamo.NewClient. It fails, naming
// every missing variable, when the region or a key is not set.
//
// AWS_ACCOUNT_ID, which the SDK's chain would attach to the credentials, is
// ignored on purpose: Lambda does not set it, and sam local sets a fake
// 123456789012 that would send DynamoDB calls to that account's
// account-based endpoint.
func Config(getenv func(string) string) (aws.Config, error) {
	region := strings.TrimSpace(getenv(RegionEnv))
	if region == "" {
		region = strings.TrimSpace(getenv(DefaultRegionEnv))
	}
	id := getenv(AccessKeyIDEnv)
	secret := getenv(SecretAccessKeyEnv)
	var missing []string
	if region == "" {
		missing = append(missing, RegionEnv)
	}
	if id == "" {
		missing = append(missing, AccessKeyIDEnv)
	}
	if secret == "" {
		missing = append(missing, SecretAccessKeyEnv)
	}
	if len(missing) > 0 {
		return aws.Config{}, errors.New("awsenv: " + strings.Join(missing, ", ") + " not set")
	}
	return aws.Config{
		Region:       region,
		BaseEndpoint: endpoint(getenv, EndpointURLEnv),
		Credentials: credentials.StaticCredentialsProvider{Value: aws.Credentials{
			AccessKeyID:     id,
			SecretAccessKey: secret,
			SessionToken:    getenv(SessionTokenEnv),
			Source:          CredentialsSource,
		}},
	}, nil
}

// ServiceEndpoint is the endpoint configured for one service: the value of
// AWS_ENDPOINT_URL_<serviceID> (serviceID upper case, spaces as
// underscores: "SSM", "DYNAMODB"), else AWS_ENDPOINT_URL, else "" (the
// regional endpoint); "" too when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
// true. It covers the clients made without the SDK's config loader, which
// would have read these variables.
func ServiceEndpoint(getenv func(string) string, serviceID string) string {
	if e := endpoint(getenv, EndpointURLEnv+"_"+serviceID); e != nil {
		return *e
	}
	if e := endpoint(getenv, EndpointURLEnv); e != nil {
		return *e
	}
	return ""
}

// endpoint is the value of the variable name, or nil when it is empty or
// configured endpoints are ignored.
func endpoint(getenv func(string) string, name string) *string {
	if strings.EqualFold(strings.TrimSpace(getenv(IgnoreEndpointURLsEnv)), "true") {
		return nil
	}
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return nil
	}
	return &v
}
