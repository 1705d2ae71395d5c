// Package parameter reads and writes SSM Parameter Store parameters: the
// admin token (package secret, a SecureString read decrypted) and the
// follow function's state (importer.ParameterState, a String it
// overwrites).
//
// Rules: a missing or empty parameter is ErrMissing, a deployment mistake
// rather than a passing fault; errors name the SSM error code, never a
// value; every call is bounded by Options.Timeout, within which a
// throttled, 5xx or dropped attempt is tried again (DefaultAttempts, the
// errors the SDK's standard retryer retries). SSM is reached by a call
// signed with the SDK's SigV4 signer, not through the SDK's ssm
// client, because of what that client measurably costs every cold start:
// its ssm/schemas package alone took 17-21 ms of package initialisation
// in the articles and follow bootstraps (GODEBUG=inittrace=1, medians of
// 11 starts at load average 19-21), most of the 25 ms of own init the
// cold-start rule allows these two functions (docs/figures.md). The CloudFront
// client, which has no such package, is the SDK's (package cdn).
package parameter
