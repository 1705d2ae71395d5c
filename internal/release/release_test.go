package release

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/metrics"
)

type fakeStore struct {
	asked []time.Time
	out   []article.Article
	err   error
}

func (s *fakeStore) Release(_ context.Context, now time.Time) ([]article.Article, error) {
	s.asked = append(s.asked, now)
	return s.out, s.err
}

func TestHandle(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 30, 0, time.UTC)
	at := now.Add(-30 * time.Second)
	st := &fakeStore{out: []article.Article{{ID: "a", Slug: "a", PublishedAt: at}, {ID: "b", Slug: "b", PublishedAt: at}}}
	var log, emf bytes.Buffer
	r := New(st, Options{Now: func() time.Time { return now }, Log: slog.New(slog.NewJSONHandler(&log, nil)),
		Metrics: metrics.New(&emf, metrics.Options{Service: "release"})})
	res, err := r.Handle(t.Context(), Event{ScheduledTime: "2026-12-01T10:00:00Z", ExecutionID: "x1"})
	if err != nil || !slices.Equal(res.Released, []string{"a", "b"}) {
		t.Errorf("Handle = %v, %v; want [a b]", res, err)
	}
	if len(st.asked) != 1 || !st.asked[0].Equal(now) {
		t.Errorf("Release asked at %v, want once at the clock's %s", st.asked, now)
	}
	if !strings.Contains(log.String(), `"executionId":"x1"`) || strings.Count(log.String(), "released\"") < 1 {
		t.Errorf("log lacks the run: %s", log.String())
	}

	if !strings.Contains(emf.String(), `"Released":2`) || !strings.Contains(emf.String(), `"Service":"release"`) {
		t.Errorf("metrics record lacks Released 2: %s", emf.String())
	}

	st.err = errors.New("dynamo: throttled")
	st.out = st.out[:1]
	res, err = r.Handle(t.Context(), Event{})
	if err == nil || !slices.Equal(res.Released, []string{"a"}) {
		t.Errorf("Handle with a failing store = %v, %v; want the error and what was released", res, err)
	}
}
