// Package logging builds the one logger every function uses: JSON lines
// (slog's JSONHandler, whose "level" and "msg" keys are what Lambda's JSON
// log filtering reads) at the level Lambda passes in AWS_LAMBDA_LOG_LEVEL
// (the template's ApplicationLogLevel), INFO when unset.
package logging
