package logging

import (
	"io"
	"log/slog"
	"strings"
)

// LevelVariable is where Lambda puts the function's ApplicationLogLevel.
const LevelVariable = "AWS_LAMBDA_LOG_LEVEL"

// New returns a JSON logger writing to w at the level named by
// getenv(LevelVariable). An unknown level name logs at INFO and says so
// once, naming the variable.
func New(w io.Writer, getenv func(string) string) *slog.Logger {
	name := getenv(LevelVariable)
	level, ok := ParseLevel(name)
	log := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
	if !ok {
		log.Warn("logging: unknown level, logging at INFO", slog.String("variable", LevelVariable), slog.String("value", name))
	}
	return log
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
