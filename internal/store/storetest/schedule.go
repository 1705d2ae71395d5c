package storetest

import (
	"errors"
	"fmt"
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

// heads reads the heads of several feeds; a feed without one is absent.
func heads(t *testing.T, s Store, keys ...article.FeedKey) map[string]article.FeedHead {
	t.Helper()
	m := make(map[string]article.FeedHead, len(keys))
	for _, k := range keys {
		h, err := s.FeedHead(ctx(t), k)
		switch {
		case errors.Is(err, article.ErrNotFound):
		case err != nil:
			t.Fatalf("FeedHead(%s) = %v", k, err)
		default:
			m[k.String()] = h
		}
	}
	return m
}

// checkHeadsSame fails the test unless every head in before is in after
// exactly as it was (revision, time, display name) and no head appeared:
// what a scheduled save must leave, since a feed's readers see its head
// in every validator, date and name.
func checkHeadsSame(t *testing.T, what string, before, after map[string]article.FeedHead) {
	t.Helper()
	for k, b := range before {
		a, ok := after[k]
		if !ok {
			t.Errorf("%s: feed %s lost its head", what, k)
			continue
		}
		if a.Rev != b.Rev || !a.UpdatedAt.Equal(b.UpdatedAt) || a.Key != b.Key {
			t.Errorf("%s: feed %s head = rev %d at %s named %q, want it unchanged: rev %d at %s named %q",
				what, k, a.Rev, stamp(a.UpdatedAt), a.Key.Name, b.Rev, stamp(b.UpdatedAt), b.Key.Name)
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s: feed %s has a head (rev %d, named %q), want none yet", what, k, a.Rev, a.Key.Name)
		}
	}
}

// checkBumped fails the test unless each feed in keys has a head one
// revision past before's (1 when it had none), stamped at.
func checkBumped(t *testing.T, what string, s Store, before map[string]article.FeedHead, at time.Time, keys ...article.FeedKey) {
	t.Helper()
	for _, k := range keys {
		h := head(t, s, k)
		if want := before[k.String()].Rev + 1; h.Rev != want || !h.UpdatedAt.Equal(at) {
			t.Errorf("%s: feed %s head = rev %d at %s, want rev %d at %s", what, k, h.Rev, stamp(h.UpdatedAt), want, stamp(at))
		}
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
// by no feed before that instant and by every feed of it from then on; its
// save leaves every head as it was (no revision, time or name tells that
// it is coming), and Release bumps each of its feeds' heads once, stamped
// at the release, and leaves the article as it was.
func testScheduling(t *testing.T, s Store) {
	live := create(t, s, inFeeds("L", t0.Add(-time.Hour)))
	feeds := []article.FeedKey{siteFeed, worldFeed, natoFeed, ivanFeed}
	before := heads(t, s, feeds...)
	at := t0.Add(time.Hour)
	sch := create(t, s, scheduled("S", at, t0))
	checkHeadsSame(t, "after the scheduled save", before, heads(t, s, feeds...))

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

	release(t, s, at.Add(-time.Nanosecond))
	checkHeadsSame(t, "Release before its time", before, heads(t, s, feeds...))

	released := at.Add(30 * time.Second)
	release(t, s, released, "S")
	checkBumped(t, "Release after its time", s, before, released, feeds...)
	for _, k := range feeds {
		if got := feedAt(t, s, k, released); !slices.Equal(got, []string{"S", "L"}) {
			t.Errorf("after Release, %s lists %q, want [S L]", k, got)
		}
	}
	checkSame(t, "Get(S) after Release", mustGet(t, s, "S"), sch)
	after := heads(t, s, feeds...)
	release(t, s, at.Add(time.Hour))
	checkHeadsSame(t, "second Release", after, heads(t, s, feeds...))

	// Released, it is an ordinary article: an edit changes its feeds.
	update(t, s, sch, func(a *article.Article) { a.Title = "Ново"; a.UpdatedAt = at.Add(time.Hour) })
	checkBumped(t, "edit after Release", s, after, at.Add(time.Hour), feeds...)
	release(t, s, at.Add(2*time.Hour))
	_ = live
}

// testSchedulingChanges: no save of a scheduled article changes a head,
// however many are pending: a new time or feed, a draft, a tombstone. A
// save after its time (before any Release) makes it live at once, and
// rescheduling a live article into the future takes it out of its feeds:
// both change the heads then. Release bumps the heads of what it releases,
// creating and naming a feed only a scheduled article was in, and releases
// none of those no longer pending.
func testSchedulingChanges(t *testing.T, s Store) {
	live := create(t, s, inFeeds("L", t0.Add(-time.Hour)))
	feeds := []article.FeedKey{siteFeed, worldFeed, sportFeed, natoFeed, ivanFeed}
	before := heads(t, s, feeds...)
	at := t0.Add(time.Hour)
	a := create(t, s, scheduled("A", at, t0))
	b := create(t, s, scheduled("B", at.Add(time.Minute), t0))

	// A new time and another section: still nothing a head shows; the new
	// section's feed does not exist yet.
	later := at.Add(2 * time.Hour)
	a = update(t, s, a, func(x *article.Article) {
		x.PublishedAt, x.UpdatedAt, x.Section = later, t0.Add(time.Minute), "Спорт"
	})
	if got := feedAt(t, s, sportFeed, at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("before its new time, sport lists %q, want none", got)
	}
	// Many pending at once: the heads stay as they were, whatever their
	// number (no per-article record in the item every feed request reads).
	for i := range 12 {
		create(t, s, scheduled(fmt.Sprintf("P%02d", i), later.Add(time.Duration(i+1)*time.Hour), t0))
	}
	// Back to a draft, and deleted while scheduled: never released.
	c := create(t, s, scheduled("C", at, t0))
	update(t, s, c, func(x *article.Article) { x.Status = article.StatusDraft; x.UpdatedAt = t0.Add(time.Minute) })
	d := create(t, s, scheduled("D", at, t0))
	if err := s.Save(ctx(t), d.Tombstone(t0.Add(time.Minute)), d.Version); err != nil {
		t.Fatalf("Save(tombstone of D) = %v", err)
	}
	checkHeadsSame(t, "after every scheduled save", before, heads(t, s, feeds...))

	// Saved again after its time, before any Release: live, not pending,
	// and its feeds change with that save.
	e := create(t, s, scheduled("E", at, t0))
	update(t, s, e, func(x *article.Article) { x.Title = "Късно"; x.UpdatedAt = at.Add(time.Second) })
	checkBumped(t, "a late save", s, before, at.Add(time.Second), siteFeed, worldFeed, natoFeed, ivanFeed)
	if _, err := s.FeedHead(ctx(t), sportFeed); !errsNotFound(err) {
		t.Errorf("FeedHead(sport) before A's release = %v, want ErrNotFound", err)
	}

	before = heads(t, s, feeds...)
	release(t, s, at.Add(time.Hour), "B")
	checkBumped(t, "B released", s, before, at.Add(time.Hour), siteFeed, worldFeed, natoFeed, ivanFeed)
	if got := feedAt(t, s, siteFeed, at.Add(time.Hour)); !slices.Equal(got, []string{"B", "E", "L"}) {
		t.Errorf("site after E and B lists %q, want [B E L]", got)
	}

	// A live article moved into the future leaves its feeds now.
	before = heads(t, s, feeds...)
	moved := at.Add(90 * time.Minute)
	update(t, s, live, func(x *article.Article) { x.PublishedAt, x.UpdatedAt = later.Add(time.Minute), moved })
	checkBumped(t, "a live article rescheduled", s, before, moved, siteFeed, worldFeed, natoFeed, ivanFeed)

	before = heads(t, s, feeds...)
	release(t, s, later.Add(time.Second), "A")
	checkBumped(t, "A released", s, before, later.Add(time.Second), siteFeed, sportFeed, natoFeed, ivanFeed)
	if h := head(t, s, sportFeed); h.Key.Name != "Спорт" {
		t.Errorf("sport head after A's release is named %q, want Спорт", h.Key.Name)
	}
	before = heads(t, s, feeds...)
	release(t, s, later.Add(time.Minute), "L")
	checkBumped(t, "L released", s, before, later.Add(time.Minute), siteFeed, worldFeed, natoFeed, ivanFeed)
	release(t, s, later.Add(time.Minute))
	_ = b
}
