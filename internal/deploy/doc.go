// Package deploy keeps the deployment artefacts honest: template.yaml,
// build.mk and events/ are checked here against the code they deploy, so
// that a new route, function, index or environment variable cannot ship
// without its template entry, and a template entry cannot outlive its code.
//
// Why a package: the checks need the template read as data, with
// CloudFormation's short-form intrinsics (!Ref, !Sub, !GetAtt, …), which
// plain YAML decoders reject or drop. Template reads it with gopkg.in/yaml.v3
// and turns each short tag into its long form ({"Ref": …}, {"Fn::Sub": …}),
// the shape CloudFormation itself uses; goformation would add a large
// dependency for the few lookups the tests make.
//
// The tests (run by `make test`):
//
//   - template_test.go: every functions/<dir> has a function resource and a
//     build-<LogicalId> target in build.mk that builds it for arm64, and
//     vice versa; every HTTP API route is one the function's router serves
//     and every router route is in the template; every DynamoDB policy names
//     ArticlesTable, with read-only feeds, counter-only share writes; the
//     table matches package dynamo; every environment variable is one
//     config.Load reads.
//   - events_test.go: every events/*.json decodes strictly into the exact
//     type its function's handler takes, and names a route its function
//     serves; every file is invoked by the emulator test, and every file
//     the emulator test names exists.
//   - operations_test.go: every function logs to its own log group with the
//     retention parameter and has Errors, Throttles and p99 Duration alarms
//     (80% of its timeout) that its gradual deployment rolls back on; both
//     APIs write JSON access logs; the service alarms watch the notifier,
//     its failure queue (retained, 14 days), the public API's 5xx rate and
//     every DynamoDB operation the functions call; every alarm pages the
//     alarm topic; only share reserves concurrency; CURSOR_SECRET is never
//     empty deployed; and no resource of the template goes unchecked.
//   - local_test.go: env.json, samconfig.toml and events/ agree on the local
//     BaseURL; samconfig.toml sets every template parameter; documents the
//     template and samconfig.toml refer to exist.
//   - rie_test.go: each function's bootstrap, built for the host, runs
//     under the AWS Lambda Runtime Interface Emulator (the emulator inside
//     sam local's containers) against moto_server, answers every event
//     file as expected, and writes log lines Lambda's filtering reads and
//     EMF metrics records.
package deploy
