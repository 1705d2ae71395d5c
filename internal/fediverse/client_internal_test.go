package fediverse

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryAfterValue(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{"0", 0},
		{"-5", 0},
		{"99999999", 24 * time.Hour},
		{now.Add(90 * time.Minute).Format(http.TimeFormat), 90 * time.Minute},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"Mon, 07 Dec 2026 12:00:00 GMT", 2 * time.Hour},
		{"tomorrow", 0},
	} {
		if got := retryAfter(tc.v, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
