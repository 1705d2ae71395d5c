package logging

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		name string
		want slog.Level
		ok   bool
	}{
		{"", slog.LevelInfo, true},
		{"TRACE", slog.LevelDebug, true},
		{"debug", slog.LevelDebug, true},
		{"Info", slog.LevelInfo, true},
		{"WARN", slog.LevelWarn, true},
		{"ERROR", slog.LevelError, true},
		{"FATAL", slog.LevelError, true},
		{"LOUD", slog.LevelInfo, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseLevel(tt.name)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseLevel(%q) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestNewFilters checks the lines Lambda filters on: JSON with Lambda's
// keys "timestamp" (RFC 3339), "level" and "message", and nothing below the
// configured level.
func TestNewFilters(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, func(k string) string { return map[string]string{LevelVariable: "WARN"}[k] })
	log.Info("hidden")
	log.Warn("shown", slog.String("requestId", "r-1"))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1:\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["level"] != "WARN" || rec["message"] != "shown" || rec["requestId"] != "r-1" {
		t.Errorf("record = %v", rec)
	}
	ts, _ := rec["timestamp"].(string)
	if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || !strings.HasSuffix(ts, "Z") {
		t.Errorf("timestamp %q is not an RFC 3339 UTC time: %v", ts, err)
	}
	for _, k := range []string{"msg", "time"} {
		if _, ok := rec[k]; ok {
			t.Errorf("record has slog's %q key; Lambda reads another: %v", k, rec)
		}
	}
}

func TestNewUnknownLevel(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, func(string) string { return "LOUD" })
	log.Info("kept")
	out := buf.String()
	if !strings.Contains(out, LevelVariable) || !strings.Contains(out, `"message":"kept"`) {
		t.Errorf("output = %s, want a warning naming %s and the INFO line", out, LevelVariable)
	}
}

// TestTimestampUTC: the timestamp is written in UTC (RFC 3339 with
// nanoseconds), whatever the clock's zone.
func TestTimestampUTC(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, func(string) string { return "" })
	sofia := time.FixedZone("EET", 2*3600)
	r := slog.NewRecord(time.Date(2026, 12, 7, 19, 4, 5, 123456789, sofia), slog.LevelInfo, "m", 0)
	if err := log.Handler().Handle(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if want := `"timestamp":"2026-12-07T17:04:05.123456789Z"`; !strings.Contains(buf.String(), want) {
		t.Errorf("line %s; want %s", buf.String(), want)
	}
}
