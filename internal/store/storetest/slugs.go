package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func testSlugUniqueness(t *testing.T, s Store) {
	a := create(t, s, inFeeds("a", t0))
	before := revs(t, s, siteFeed, worldFeed, natoFeed, ivanFeed)

	t.Run("new article with a taken slug", func(t *testing.T) {
		b := inFeeds("b", t0.Add(time.Minute))
		b.Slug = a.Slug
		checkTaken(t, "Save(b)", s.Save(ctx(t), b, 0), a.Slug, "a")
		if _, err := s.Get(ctx(t), "b"); !errsNotFound(err) {
			t.Errorf("Get(b) after the refused create = %v, want ErrNotFound", err)
		}
		if got, want := feedIDs(t, s, siteFeed), []string{"a"}; !slices.Equal(got, want) {
			t.Errorf("site feed = %q, want %q", got, want)
		}
		checkRevGrowth(t, "after the refused create", before, revs(t, s, siteFeed, worldFeed, natoFeed, ivanFeed))
	})

	t.Run("update to a taken slug", func(t *testing.T) {
		c := create(t, s, newArticle("c", t0.Add(-time.Minute)))
		bad := c
		bad.Slug = a.Slug
		bad.Version = 2
		checkTaken(t, "Save(c)", s.Save(ctx(t), bad, 1), a.Slug, "a")
		checkSame(t, "c", mustGet(t, s, "c"), c)
		if got, err := s.GetBySlug(ctx(t), c.Slug); err != nil || got.ID != "c" {
			t.Errorf("GetBySlug(%q) = %q, %v; want c", c.Slug, got.ID, err)
		}
	})

	t.Run("owner untouched", func(t *testing.T) {
		checkSame(t, "a by ID", mustGet(t, s, "a"), a)
		got, err := s.GetBySlug(ctx(t), a.Slug)
		if err != nil {
			t.Fatalf("GetBySlug(%q) = %v", a.Slug, err)
		}
		checkSame(t, "a by slug", got, a)
	})

	t.Run("owner keeps its slug across saves", func(t *testing.T) {
		b := update(t, s, a, func(a *article.Article) { a.Title = "Ново заглавие" })
		got, err := s.GetBySlug(ctx(t), a.Slug)
		if err != nil {
			t.Fatalf("GetBySlug(%q) = %v", a.Slug, err)
		}
		checkSame(t, "a by slug", got, b)
	})
}

func testSlugChange(t *testing.T, s Store) {
	a := create(t, s, newArticle("a", t0))
	oldSlug := a.Slug
	a = update(t, s, a, func(a *article.Article) { a.Slug = "novo-ime" })
	a.PreviousSlugs = []string{oldSlug}
	checkSame(t, "Get after the rename", mustGet(t, s, "a"), a)

	// The old slug stays the article's: it finds the article, whose Slug
	// says where it lives now.
	for _, slug := range []string{oldSlug, "novo-ime"} {
		got, err := s.GetBySlug(ctx(t), slug)
		if err != nil {
			t.Fatalf("GetBySlug(%q) = %v", slug, err)
		}
		checkSame(t, "GetBySlug("+slug+")", got, a)
	}

	// Nobody else may take it, neither a new article nor an existing one.
	b := newArticle("b", t0)
	b.Slug = oldSlug
	checkTaken(t, "Save(new b with a's old slug)", s.Save(ctx(t), b, 0), oldSlug, "a")
	b = create(t, s, newArticle("b", t0))
	moved := b
	moved.Slug, moved.Version = oldSlug, 2
	checkTaken(t, "Save(b renamed to a's old slug)", s.Save(ctx(t), moved, 1), oldSlug, "a")
	checkSame(t, "b after the refused rename", mustGet(t, s, "b"), b)
	if got, err := s.GetBySlug(ctx(t), oldSlug); err != nil || got.ID != "a" {
		t.Errorf("GetBySlug(%q) = %q, %v; want a", oldSlug, got.ID, err)
	}
}

// testSlugHistory renames one article several times, takes an old slug
// back, deletes it, and checks who holds which slug after every step.
func testSlugHistory(t *testing.T, s Store) {
	a := create(t, s, inFeeds("a", t0))
	rename := func(slug string, want ...string) {
		t.Helper()
		a = update(t, s, a, func(a *article.Article) { a.Slug = slug })
		a.PreviousSlugs = want
		checkSame(t, "Get after renaming to "+slug, mustGet(t, s, "a"), a)
		for _, old := range append([]string{slug}, want...) {
			got, err := s.GetBySlug(ctx(t), old)
			if err != nil {
				t.Fatalf("GetBySlug(%q) after renaming to %s = %v", old, slug, err)
			}
			checkSame(t, "GetBySlug("+old+")", got, a)
		}
	}
	rename("vtoro", "slug-a")
	rename("treto", "slug-a", "vtoro")
	// Taking an old slug back makes the current one a previous slug.
	rename("slug-a", "vtoro", "treto")
	rename("chetvarto", "vtoro", "treto", "slug-a")

	// Saves that keep the slug keep the history; what the caller passes
	// as PreviousSlugs is not what is stored.
	a = update(t, s, a, func(a *article.Article) {
		a.Title = "Друго заглавие"
		a.PreviousSlugs = []string{"izmislen"}
	})
	a.PreviousSlugs = []string{"vtoro", "treto", "slug-a"}
	checkSame(t, "Get after a save with a made-up history", mustGet(t, s, "a"), a)
	if got, err := s.GetBySlug(ctx(t), "izmislen"); !errsNotFound(err) {
		t.Errorf("GetBySlug(made-up slug) = %q, %v; want ErrNotFound", got.ID, err)
	}

	// The admin list carries the history; feed listings name the current
	// slug only.
	p, err := s.List(ctx(t), article.ListOptions{})
	if err != nil || len(p.Articles) != 1 {
		t.Fatalf("List = %q, %v", ids(p), err)
	}
	checkSame(t, "List entry", p.Articles[0], a)
	for _, k := range a.Feeds() {
		p, err := s.ListFeed(ctx(t), k, article.ListOptions{})
		if err != nil || len(p.Articles) != 1 {
			t.Fatalf("ListFeed(%s) = %q, %v", k, ids(p), err)
		}
		want := a
		want.PreviousSlugs = nil
		checkSame(t, "ListFeed("+k.String()+") entry", p.Articles[0], want)
	}

	// A tombstone keeps every slug: each finds it, and none is free.
	tomb := a.Tombstone(t0.Add(time.Hour))
	if err := s.Save(ctx(t), tomb, a.Version); err != nil {
		t.Fatalf("Save(tombstone) = %v", err)
	}
	checkSame(t, "Get(tombstone)", mustGet(t, s, "a"), tomb)
	for _, slug := range []string{"chetvarto", "vtoro", "treto", "slug-a"} {
		got, err := s.GetBySlug(ctx(t), slug)
		if err != nil {
			t.Fatalf("GetBySlug(%q) of the tombstone = %v", slug, err)
		}
		checkSame(t, "GetBySlug("+slug+") of the tombstone", got, tomb)
		b := newArticle("b-"+slug, t0)
		b.Slug = slug
		checkTaken(t, "Save(new article with the tombstone's slug "+slug+")", s.Save(ctx(t), b, 0), slug, "a")
	}
}

// testSlugHistoryBound renames an article up to article.MaxPreviousSlugs
// previous slugs; one more rename is refused and changes nothing, while
// taking an old slug back is still allowed.
func testSlugHistoryBound(t *testing.T, s Store) {
	a := create(t, s, newArticle("a", t0))
	for i := range article.MaxPreviousSlugs {
		a = update(t, s, a, func(a *article.Article) { a.Slug = fmt.Sprintf("ime-%d", i) })
	}
	a = mustGet(t, s, "a")
	if n := len(a.PreviousSlugs); n != article.MaxPreviousSlugs {
		t.Fatalf("%d previous slugs, want %d", n, article.MaxPreviousSlugs)
	}
	over := a
	over.Slug, over.Version = "edno-poveche", a.Version+1
	if err := s.Save(ctx(t), over, a.Version); err == nil {
		t.Fatalf("Save(rename past %d previous slugs) = nil, want an error", article.MaxPreviousSlugs)
	}
	checkSame(t, "Get after the refused rename", mustGet(t, s, "a"), a)
	if _, err := s.GetBySlug(ctx(t), "edno-poveche"); !errsNotFound(err) {
		t.Errorf("GetBySlug(refused slug) = %v, want ErrNotFound", err)
	}
	update(t, s, a, func(a *article.Article) { a.Slug = "slug-a" })
	if got := mustGet(t, s, "a"); got.Slug != "slug-a" || len(got.PreviousSlugs) != article.MaxPreviousSlugs ||
		got.PreviousSlugs[article.MaxPreviousSlugs-1] != a.Slug {
		t.Errorf("after taking back slug-a: slug %q, previous %q", got.Slug, got.PreviousSlugs)
	}
}

// checkTaken fails the test unless err is the ErrConflict of slug held by
// owner, naming both.
func checkTaken(t *testing.T, what string, err error, slug, owner string) {
	t.Helper()
	var taken *article.SlugTakenError
	switch {
	case !errors.Is(err, article.ErrConflict):
		t.Errorf("%s = %v, want an error wrapping %v", what, err, article.ErrConflict)
	case !errors.As(err, &taken):
		t.Errorf("%s = %v, want an *article.SlugTakenError", what, err)
	case taken.Slug != slug || taken.Owner != owner:
		t.Errorf("%s names slug %q of %q, want %q of %q", what, taken.Slug, taken.Owner, slug, owner)
	}
}

func testTombstone(t *testing.T, s Store) {
	a := create(t, s, inFeeds("a", t0))
	b := newArticle("b", t0.Add(-time.Hour))
	b.Section = "Свят"
	b = create(t, s, b)
	feeds := []article.FeedKey{siteFeed, worldFeed, natoFeed, ivanFeed}
	before := revs(t, s, feeds...)

	tomb := a.Tombstone(t0.Add(time.Hour))
	if err := s.Save(ctx(t), tomb, a.Version); err != nil {
		t.Fatalf("Save(tombstone) = %v", err)
	}

	got := mustGet(t, s, "a")
	if !got.Deleted {
		t.Errorf("Get(a).Deleted = false, want true")
	}
	checkSame(t, "Get(a)", got, tomb)
	if got, err := s.GetBySlug(ctx(t), a.Slug); err != nil {
		t.Errorf("GetBySlug(tombstone's slug) = %v, want the tombstone", err)
	} else {
		checkSame(t, "GetBySlug(tombstone's slug)", got, tomb)
	}
	if got, want := listIDs(t, s), []string{"b"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	for _, k := range feeds {
		if got := feedIDs(t, s, k); slices.Contains(got, "a") {
			t.Errorf("feed %s = %q, still lists the tombstone", k, got)
		}
	}
	checkRevGrowth(t, "after the delete", before, revs(t, s, feeds...), feeds...)

	c := newArticle("c", t0)
	c.Slug = a.Slug
	checkTaken(t, "Save(c with the tombstone's slug)", s.Save(ctx(t), c, 0), a.Slug, "a")

	// Writing a live version over the tombstone brings the article back.
	back := inFeeds("a", t0)
	back.Version = tomb.Version + 1
	if err := s.Save(ctx(t), back, tomb.Version); err != nil {
		t.Fatalf("Save(revived) = %v", err)
	}
	if got, want := listIDs(t, s), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("List after revival = %q, want %q", got, want)
	}
	if got := feedIDs(t, s, natoFeed); !slices.Equal(got, []string{"a"}) {
		t.Errorf("tag feed after revival = %q, want [a]", got)
	}
}
