package article

import (
	"testing"
	"time"
)

func TestLiveAtAndScheduledAt(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name            string
		a               Article
		live, scheduled bool
	}{
		{"published earlier", Article{Status: StatusPublished, PublishedAt: now.Add(-time.Second)}, true, false},
		{"published at now", Article{Status: StatusPublished, PublishedAt: now}, true, false},
		{"published a nanosecond later", Article{Status: StatusPublished, PublishedAt: now.Add(1)}, false, true},
		{"published with no time", Article{Status: StatusPublished}, true, false},
		{"draft with a future time", Article{Status: StatusDraft, PublishedAt: now.Add(time.Hour)}, false, false},
		{"draft", Article{Status: StatusDraft}, false, false},
		{"tombstone of a scheduled article", Article{Status: StatusPublished, PublishedAt: now.Add(time.Hour), Deleted: true}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.LiveAt(now); got != tc.live {
				t.Errorf("LiveAt = %t, want %t", got, tc.live)
			}
			if got := tc.a.ScheduledAt(now); got != tc.scheduled {
				t.Errorf("ScheduledAt = %t, want %t", got, tc.scheduled)
			}
			if tc.a.Public() != (tc.live || tc.scheduled) {
				t.Errorf("Public = %t, want LiveAt or ScheduledAt", tc.a.Public())
			}
		})
	}
}

func TestFeedHeadListedAsOf(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		updated time.Time
		want    time.Time
	}{
		{"never written", time.Time{}, t0},
		{"written earlier", t0.Add(-time.Hour), t0.Add(-time.Hour)},
		{"written now", t0, t0},
		{"written by a clock ahead", t0.Add(time.Second), t0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := FeedHead{UpdatedAt: tc.updated}
			if got := h.ListedAsOf(t0); !got.Equal(tc.want) {
				t.Errorf("ListedAsOf = %s, want %s", got, tc.want)
			}
		})
	}
}
