package storetest

import (
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
		checkErr(t, "Save(b)", s.Save(ctx(t), b, 0), article.ErrConflict)
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
		checkErr(t, "Save(c)", s.Save(ctx(t), bad, 1), article.ErrConflict)
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

	if _, err := s.GetBySlug(ctx(t), oldSlug); !errsNotFound(err) {
		t.Errorf("GetBySlug(old slug) = %v, want ErrNotFound", err)
	}
	got, err := s.GetBySlug(ctx(t), "novo-ime")
	if err != nil {
		t.Fatalf("GetBySlug(new slug) = %v", err)
	}
	checkSame(t, "by new slug", got, a)

	b := newArticle("b", t0)
	b.Slug = oldSlug
	create(t, s, b)
	if got, err := s.GetBySlug(ctx(t), oldSlug); err != nil || got.ID != "b" {
		t.Errorf("GetBySlug(freed slug) = %q, %v; want b", got.ID, err)
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
	checkErr(t, "Save(c with the tombstone's slug)", s.Save(ctx(t), c, 0), article.ErrConflict)

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
