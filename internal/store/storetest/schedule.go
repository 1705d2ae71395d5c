package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// scheduled is inFeeds(id, at) saved at savedAt, before at: a scheduled
// article.
func scheduled(id string, at, savedAt time.Time) article.Article {
	a := inFeeds(id, at)
	a.CreatedAt, a.UpdatedAt = savedAt, savedAt
	return a
}

// feedAt lists every ID in a feed live at asOf, newest first.
func feedAt(t *testing.T, s Store, key article.FeedKey, asOf time.Time) []string {
	t.Helper()
	p, err := s.ListFeed(ctx(t), key, article.ListOptions{Limit: 100, AsOf: asOf})
	if err != nil {
		t.Fatalf("ListFeed(%s, as of %s) = %v, want nil", key, stamp(asOf), err)
	}
	return ids(p)
}

// checkScheduled fails the test unless the head of key holds exactly the
// instants want.
func checkScheduled(t *testing.T, what string, s Store, key article.FeedKey, want ...time.Time) {
	t.Helper()
	h := head(t, s, key)
	if !slices.EqualFunc(h.Scheduled, want, time.Time.Equal) {
		t.Errorf("%s: FeedHead(%s).Scheduled = %v, want %v", what, key, h.Scheduled, want)
	}
}

// release runs Release at now and fails the test unless it released
// exactly want, in that order.
func release(t *testing.T, s Store, now time.Time, want ...string) {
	t.Helper()
	got, err := s.Release(ctx(t), now)
	if err != nil {
		t.Fatalf("Release(%s) = %v, want nil", stamp(now), err)
	}
	gotIDs := make([]string, len(got))
	for i := range got {
		gotIDs[i] = got[i].ID
	}
	if !slices.Equal(gotIDs, want) {
		t.Errorf("Release(%s) released %q, want %q", stamp(now), gotIDs, want)
	}
}

// testScheduling: a published article with a future PublishedAt is listed
// by no feed before that instant and by every feed of it from then on,
// whether or not Release has run; the heads carry the instant until
// Release, which bumps them once and leaves the article as it was.
func testScheduling(t *testing.T, s Store) {
	live := create(t, s, inFeeds("L", t0.Add(-time.Hour)))
	at := t0.Add(time.Hour)
	sch := create(t, s, scheduled("S", at, t0))
	feeds := []article.FeedKey{siteFeed, worldFeed, natoFeed, ivanFeed}

	for _, k := range feeds {
		if got := feedAt(t, s, k, t0); !slices.Equal(got, []string{"L"}) {
			t.Errorf("before its time, %s lists %q, want [L]", k, got)
		}
		if got := feedAt(t, s, k, at.Add(-time.Nanosecond)); !slices.Equal(got, []string{"L"}) {
			t.Errorf("a nanosecond before its time, %s lists %q, want [L]", k, got)
		}
		if got := feedAt(t, s, k, at); !slices.Equal(got, []string{"S", "L"}) {
			t.Errorf("at its time (before Release), %s lists %q, want [S L]", k, got)
		}
		checkScheduled(t, "after the save", s, k, at)
	}
	h := head(t, s, siteFeed)
	if h.Due(t0) != 0 || !h.Next(t0).Equal(at) || h.Due(at) != 1 || !h.Next(at).IsZero() {
		t.Errorf("site head at t0: Due %d, Next %s; at its time: Due %d, Next %s; want 0, %s; 1, zero",
			h.Due(t0), h.Next(t0), h.Due(at), h.Next(at), at)
	}
	if !h.Modified(at).Equal(at) {
		t.Errorf("site head Modified(at) = %s, want %s", h.Modified(at), at)
	}

	// Paging at an instant keeps to that instant's list.
	p, err := s.ListFeed(ctx(t), siteFeed, article.ListOptions{Limit: 1, AsOf: at})
	if err != nil || !slices.Equal(ids(p), []string{"S"}) || p.Next.IsZero() {
		t.Fatalf("first page of 1 at its time = %q, next %v, %v; want [S] and a next page", ids(p), p.Next, err)
	}
	p, err = s.ListFeed(ctx(t), siteFeed, article.ListOptions{Limit: 1, After: p.Next, AsOf: at})
	if err != nil || !slices.Equal(ids(p), []string{"L"}) || !p.Next.IsZero() {
		t.Errorf("second page at its time = %q, next %v, %v; want [L], last", ids(p), p.Next, err)
	}
	// A cursor from a later instant still stops at the earlier one's bound.
	p, err = s.ListFeed(ctx(t), siteFeed, article.ListOptions{Limit: 10,
		After: article.Position{Time: at.Add(time.Hour), ID: "Z"}, AsOf: t0})
	if err != nil || !slices.Equal(ids(p), []string{"L"}) {
		t.Errorf("page after a later cursor at t0 = %q, %v; want [L]", ids(p), err)
	}

	// The admin list and the reads by ID and slug see it all along.
	if got := listIDs(t, s); !slices.Equal(got, []string{"S", "L"}) {
		t.Errorf("List = %q, want [S L]", got)
	}
	checkSame(t, "Get(S)", mustGet(t, s, "S"), sch)
	if got, err := s.GetBySlug(ctx(t), sch.Slug); err != nil || got.ID != "S" {
		t.Errorf("GetBySlug(%q) = %q, %v; want S", sch.Slug, got.ID, err)
	}

	before := revs(t, s, feeds...)
	release(t, s, at.Add(-time.Nanosecond))
	checkRevGrowth(t, "Release before its time", before, revs(t, s, feeds...))

	release(t, s, at.Add(30*time.Second), "S")
	checkRevGrowth(t, "Release after its time", before, revs(t, s, feeds...), feeds...)
	for _, k := range feeds {
		checkScheduled(t, "after Release", s, k)
		if got := head(t, s, k).UpdatedAt; !got.Equal(at.Add(30 * time.Second)) {
			t.Errorf("after Release, %s head UpdatedAt = %s, want the release time", k, got)
		}
		if got := feedAt(t, s, k, at.Add(time.Minute)); !slices.Equal(got, []string{"S", "L"}) {
			t.Errorf("after Release, %s lists %q, want [S L]", k, got)
		}
	}
	checkSame(t, "Get(S) after Release", mustGet(t, s, "S"), sch)
	after := revs(t, s, feeds...)
	release(t, s, at.Add(time.Hour))
	checkRevGrowth(t, "second Release", after, revs(t, s, feeds...))

	// Released, it is an ordinary article: an edit keeps it live.
	update(t, s, sch, func(a *article.Article) { a.Title = "Ново"; a.UpdatedAt = at.Add(time.Hour) })
	checkScheduled(t, "edit after Release", s, siteFeed)
	release(t, s, at.Add(2*time.Hour))
	_ = live
}

// testSchedulingChanges: every save of a scheduled article keeps the heads'
// instants and the schedule in step: a new time replaces the old one, a
// feed left drops it, a draft, a tombstone or a save after its time is no
// longer pending, and none of those is released later.
func testSchedulingChanges(t *testing.T, s Store) {
	at := t0.Add(time.Hour)
	a := create(t, s, scheduled("A", at, t0))
	b := create(t, s, scheduled("B", at.Add(time.Minute), t0))
	checkScheduled(t, "two scheduled", s, siteFeed, at, at.Add(time.Minute))

	// A new time replaces the old one; leaving the section drops it there.
	later := at.Add(2 * time.Hour)
	a = update(t, s, a, func(x *article.Article) {
		x.PublishedAt, x.UpdatedAt, x.Section = later, t0.Add(time.Minute), "Спорт"
	})
	checkScheduled(t, "rescheduled", s, siteFeed, at.Add(time.Minute), later)
	checkScheduled(t, "left the section", s, worldFeed, at.Add(time.Minute))
	checkScheduled(t, "joined the section", s, sportFeed, later)
	if got := feedAt(t, s, sportFeed, at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("before its new time, sport lists %q, want none", got)
	}
	release(t, s, at.Add(time.Hour), "B")
	checkScheduled(t, "B released", s, siteFeed, later)

	// Back to a draft: no longer pending, never released.
	c := create(t, s, scheduled("C", at, t0))
	update(t, s, c, func(x *article.Article) { x.Status = article.StatusDraft; x.UpdatedAt = t0.Add(time.Minute) })
	// Deleted while scheduled: the same.
	d := create(t, s, scheduled("D", at, t0))
	if err := s.Save(ctx(t), d.Tombstone(t0.Add(time.Minute)), d.Version); err != nil {
		t.Fatalf("Save(tombstone of D) = %v", err)
	}
	// Saved again after its time, before any Release: live, not pending.
	e := create(t, s, scheduled("E", at, t0))
	update(t, s, e, func(x *article.Article) { x.Title = "Късно"; x.UpdatedAt = at.Add(time.Second) })
	checkScheduled(t, "after draft, delete and late save", s, siteFeed, later)
	checkScheduled(t, "after draft, delete and late save", s, natoFeed, later)
	if got := feedAt(t, s, siteFeed, at.Add(2*time.Minute)); !slices.Equal(got, []string{"B", "E"}) {
		t.Errorf("site after E and B lists %q, want [B E]", got)
	}

	release(t, s, later.Add(time.Second), "A")
	for _, k := range []article.FeedKey{siteFeed, sportFeed, natoFeed, ivanFeed} {
		checkScheduled(t, "all released", s, k)
	}
	release(t, s, later.Add(time.Hour))
	_ = b
}
