// Package server is `make run`: every function's routes on one local HTTP
// server, through the very handlers the Lambdas use, on the embedded bolt
// store (or DynamoDB when DYNAMODB_ENDPOINT is set), seeded on first start.
// It lives here rather than in cmd/local so that tests can start it, stop
// it and drive its handler; cmd/local only loads the configuration, wires
// signals and exits. While it serves, it releases due scheduled articles
// every ReleaseEvery, as the deployed one-minute schedule does
// (docs/scheduling.md).
package server
