package logging

import (
	"io"
	"log/slog"
	"strings"
)

// LevelVariable is where Lambda puts the function's ApplicationLogLevel.
const LevelVariable = "AWS_LAMBDA_LOG_LEVEL"

// The keys of Lambda's JSON log format that its log-level filtering reads,
// which every line here carries (lambdaKeys renames slog's to them), and
// the message of the one line written per HTTP request.
const (
	TimeKey        = "timestamp"
	LevelKey       = "level"
	MessageKey     = "message"
	RequestMessage = "request"
)

// New returns a JSON logger writing to w at the level named by
// getenv(LevelVariable). An unknown level name logs at INFO and says so
// once, naming the variable.
func New(w io.Writer, getenv func(string) string) *slog.Logger {
	name := getenv(LevelVariable)
	level, ok := ParseLevel(name)
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: lambdaKeys}))
	if !ok {
		log.Warn("logging: unknown level, logging at INFO", slog.String("variable", LevelVariable), slog.String("value", name))
	}
	return log
}

// lambdaKeys renames slog's built-in keys to the ones Lambda's JSON log
// format uses and its log-level filtering reads: "timestamp" (RFC 3339
// with nanoseconds, UTC), "level" (kept: DEBUG, INFO, WARN, ERROR) and
// "message". A line whose timestamp Lambda cannot read
// is taken as INFO whatever its level. The time stays a time value, which
// the JSON handler writes without the string Format would allocate on
// every line (BenchmarkCachedRSSPath).
func lambdaKeys(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.TimeKey:
		if a.Value.Kind() == slog.KindTime {
			return slog.Time(TimeKey, a.Value.Time().UTC())
		}
		a.Key = TimeKey
	case slog.MessageKey:
		a.Key = MessageKey
	}
	return a
}

// ParseLevel maps Lambda's level names (TRACE, DEBUG, INFO, WARN, ERROR,
// FATAL, any case) to slog levels; TRACE logs as DEBUG and FATAL as ERROR,
// slog having neither. The empty name is INFO. ok is false for any other
// name, which also gives INFO.
func ParseLevel(name string) (level slog.Level, ok bool) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "TRACE", "DEBUG":
		return slog.LevelDebug, true
	case "", "INFO":
		return slog.LevelInfo, true
	case "WARN", "WARNING":
		return slog.LevelWarn, true
	case "ERROR", "FATAL":
		return slog.LevelError, true
	}
	return slog.LevelInfo, false
}
