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

func TestFeedHeadSchedule(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	h := FeedHead{UpdatedAt: t0, Scheduled: []time.Time{t0.Add(time.Minute), t0.Add(time.Minute), t0.Add(time.Hour)}}
	tests := []struct {
		at       time.Time
		due      int
		next     time.Time
		modified time.Time
	}{
		{t0, 0, t0.Add(time.Minute), t0},
		{t0.Add(time.Minute - 1), 0, t0.Add(time.Minute), t0},
		{t0.Add(time.Minute), 2, t0.Add(time.Hour), t0.Add(time.Minute)},
		{t0.Add(2 * time.Hour), 3, time.Time{}, t0.Add(time.Hour)},
	}
	for _, tc := range tests {
		if got := h.Due(tc.at); got != tc.due {
			t.Errorf("Due(%s) = %d, want %d", tc.at, got, tc.due)
		}
		if got := h.Next(tc.at); !got.Equal(tc.next) {
			t.Errorf("Next(%s) = %s, want %s", tc.at, got, tc.next)
		}
		if got := h.Modified(tc.at); !got.Equal(tc.modified) {
			t.Errorf("Modified(%s) = %s, want %s", tc.at, got, tc.modified)
		}
	}
	// A head updated after a due instant keeps its own time.
	late := FeedHead{UpdatedAt: t0.Add(2 * time.Minute), Scheduled: []time.Time{t0.Add(time.Minute)}}
	if got := late.Modified(t0.Add(time.Hour)); !got.Equal(late.UpdatedAt) {
		t.Errorf("Modified = %s, want UpdatedAt %s", got, late.UpdatedAt)
	}
}
