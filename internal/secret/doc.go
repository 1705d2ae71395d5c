// Package secret fetches the admin API's bearer token from an SSM
// SecureString parameter, so that the token is never in the function's
// environment or template. The caller wraps the token source in
// adminapi.OnceToken so a container reads the parameter once, not per
// request. Parameter sits behind a one-method interface, so its tests need
// no AWS.
//
// SSM is reached by one GetParameter call signed with the SDK's SigV4
// signer, not through the SDK's ssm client. Measured with the client in its
// place (arm64, -s -w): the articles bootstrap grows from 9,175,202 to
// 10,354,850 bytes, over the 10 MB every bootstrap is held to, and every
// cold start runs ssm/schemas' init, 1.43 MB in 7,882 allocations (2.4 times
// what DynamoDB's schemas cost), for one call made once per container.
package secret
