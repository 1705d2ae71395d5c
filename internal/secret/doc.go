// Package secret fetches the admin API's bearer token from an SSM
// SecureString parameter, so that the token is never in the function's
// environment or template. The caller wraps the token source in
// adminapi.OnceToken so a container reads the parameter once, not per
// request.
//
// SSM is reached by one signed JSON POST (GetParameter with
// decryption) written here on the SDK's SigV4 signer, not through the
// SDK's ssm client: that client registers the schemas of every SSM
// operation at init, which made the articles bootstrap 1.3 MB larger and
// its cold start slower, for one call made once per container. Parameter
// sits behind a one-method interface so that its tests need no AWS.
package secret
