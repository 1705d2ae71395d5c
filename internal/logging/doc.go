// Package logging builds the one logger every function uses: JSON lines
// with the keys Lambda's JSON log format and its log-level filtering read
// ("timestamp", "level", "message"), at the level Lambda passes in
// AWS_LAMBDA_LOG_LEVEL (the template's ApplicationLogLevel), INFO when
// unset. Its key names are the ones package metrics writes in a request's
// line, which is both its log line and its metrics record.
package logging
