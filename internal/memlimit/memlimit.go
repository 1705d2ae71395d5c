package memlimit

import (
	"runtime/debug"
	"strconv"
	"strings"
)

// Share is the part of the function's memory the limit allows the Go
// runtime; the rest is for what it does not count (the binary, thread
// stacks, the Lambda runtime's own buffers) and for the time the collector
// needs to catch up.
const Share = 0.9

// FromLambda returns the limit for the function getenv describes: Share of
// AWS_LAMBDA_FUNCTION_MEMORY_SIZE (MiB), in bytes. It returns false when
// GOMEMLIMIT is set, which the runtime already honours and which must win,
// or when the size is missing or not a positive number of MiB.
func FromLambda(getenv func(string) string) (int64, bool) {
	if strings.TrimSpace(getenv("GOMEMLIMIT")) != "" {
		return 0, false
	}
	mb, err := strconv.ParseInt(strings.TrimSpace(getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")), 10, 64)
	if err != nil || mb <= 0 || mb > 1<<20 {
		return 0, false
	}
	return int64(float64(mb<<20) * Share), true
}

// Set applies FromLambda's limit with debug.SetMemoryLimit and returns it,
// or leaves the runtime's limit alone and returns false.
func Set(getenv func(string) string) (int64, bool) {
	limit, ok := FromLambda(getenv)
	if ok {
		debug.SetMemoryLimit(limit)
	}
	return limit, ok
}
