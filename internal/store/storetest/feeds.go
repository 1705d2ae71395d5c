package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func testDrafts(t *testing.T, s Store) {
	culture := article.FeedKey{Kind: article.FeedSection, Slug: "kultura"}
	theatre := article.FeedKey{Kind: article.FeedTag, Slug: "teatar"}
	d := newArticle("d", time.Time{})
	d.CreatedAt = t0
	d.Status = article.StatusDraft
	d.Section = "Култура"
	d.Tags = []string{"Театър"}
	d = create(t, s, d)

	if got := listIDs(t, s); !slices.Equal(got, []string{"d"}) {
		t.Errorf("List = %q, want [d]", got)
	}
	for _, k := range []article.FeedKey{siteFeed, culture, theatre} {
		if got := feedIDs(t, s, k); len(got) != 0 {
			t.Errorf("feed %s = %q, want no drafts", k, got)
		}
		if _, err := s.FeedHead(ctx(t), k); !errsNotFound(err) {
			t.Errorf("FeedHead(%s) with only a draft = %v, want ErrNotFound", k, err)
		}
	}

	d = update(t, s, d, func(a *article.Article) {
		a.Status = article.StatusPublished
		a.PublishedAt = t0.Add(time.Hour)
	})
	for _, k := range []article.FeedKey{siteFeed, culture, theatre} {
		if got := feedIDs(t, s, k); !slices.Equal(got, []string{"d"}) {
			t.Errorf("feed %s after publishing = %q, want [d]", k, got)
		}
		if h := head(t, s, k); h.Rev != 1 {
			t.Errorf("FeedHead(%s).Rev after publishing = %d, want 1", k, h.Rev)
		}
	}

	update(t, s, d, func(a *article.Article) { a.Status = article.StatusDraft })
	for _, k := range []article.FeedKey{siteFeed, culture, theatre} {
		if got := feedIDs(t, s, k); len(got) != 0 {
			t.Errorf("feed %s after unpublishing = %q, want none", k, got)
		}
		if h := head(t, s, k); h.Rev != 2 {
			t.Errorf("FeedHead(%s).Rev after unpublishing = %d, want 2", k, h.Rev)
		}
	}
	if got := listIDs(t, s); !slices.Equal(got, []string{"d"}) {
		t.Errorf("List after unpublishing = %q, want [d]", got)
	}
}

func testFeedMembership(t *testing.T, s Store) {
	a := inFeeds("a", t0)
	a.Tags = []string{"НАТО", "Украйна"}
	a.Authors = []article.Author{{Name: "Иван Петров"}, {Name: "Мария Иванова"}}
	a = create(t, s, a)
	all := []article.FeedKey{siteFeed, worldFeed, natoFeed, ukraineFeed, ivanFeed, mariaFeed, sportFeed}

	names := map[article.FeedKey]string{
		siteFeed: "", worldFeed: "Свят", natoFeed: "НАТО", ukraineFeed: "Украйна",
		ivanFeed: "Иван Петров", mariaFeed: "Мария Иванова",
	}
	for k, name := range names {
		if got := feedIDs(t, s, k); !slices.Equal(got, []string{"a"}) {
			t.Errorf("feed %s = %q, want [a]", k, got)
		}
		h := head(t, s, k)
		want := article.FeedHead{Key: article.FeedKey{Kind: k.Kind, Slug: k.Slug, Name: name}, Rev: 1}
		if h.Key != want.Key || h.Rev != want.Rev || !h.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("FeedHead(%s) = %+v, want %+v with UpdatedAt %s", k, h, want, a.UpdatedAt)
		}
	}
	// The display name a caller passes is not part of the key.
	named := worldFeed
	named.Name = "something else"
	if got := feedIDs(t, s, named); !slices.Equal(got, []string{"a"}) {
		t.Errorf("feed %+v = %q, want [a]", named, got)
	}
	got, err := s.ListFeed(ctx(t), worldFeed, article.ListOptions{})
	if err != nil || len(got.Articles) != 1 {
		t.Fatalf("ListFeed(%s) = %+v, %v; want one article", worldFeed, got, err)
	}
	checkSame(t, "feed entry", got.Articles[0], a)

	t.Run("move to another section", func(t *testing.T) {
		before := revs(t, s, all...)
		a = update(t, s, a, func(a *article.Article) { a.Section = "Спорт" })
		if got := feedIDs(t, s, worldFeed); len(got) != 0 {
			t.Errorf("old section feed = %q, want empty", got)
		}
		if got := feedIDs(t, s, sportFeed); !slices.Equal(got, []string{"a"}) {
			t.Errorf("new section feed = %q, want [a]", got)
		}
		// Every feed the article is in changed: its entry is rewritten.
		checkRevGrowth(t, "after the move", before, revs(t, s, all...),
			siteFeed, worldFeed, sportFeed, natoFeed, ukraineFeed, ivanFeed, mariaFeed)
		if h := head(t, s, sportFeed); h.Key.Name != "Спорт" {
			t.Errorf("new section head name = %q, want Спорт", h.Key.Name)
		}
	})

	t.Run("drop a tag and an author", func(t *testing.T) {
		a = update(t, s, a, func(a *article.Article) {
			a.Tags = []string{"НАТО"}
			a.Authors = []article.Author{{Name: "Иван Петров"}}
		})
		for k, want := range map[article.FeedKey][]string{
			natoFeed: {"a"}, ukraineFeed: nil, ivanFeed: {"a"}, mariaFeed: nil, sportFeed: {"a"},
		} {
			if got := feedIDs(t, s, k); !slices.Equal(got, want) {
				t.Errorf("feed %s = %q, want %q", k, got, want)
			}
		}
		got, err := s.ListFeed(ctx(t), sportFeed, article.ListOptions{})
		if err != nil || len(got.Articles) != 1 {
			t.Fatalf("ListFeed(%s) = %+v, %v; want one article", sportFeed, got, err)
		}
		checkSame(t, "feed entry after the update", got.Articles[0], a)
	})

	t.Run("unknown feed is empty", func(t *testing.T) {
		p, err := s.ListFeed(ctx(t), article.FeedKey{Kind: article.FeedTag, Slug: "nyama-takav"}, article.ListOptions{})
		if err != nil || len(p.Articles) != 0 || !p.Next.IsZero() {
			t.Errorf("ListFeed(unknown) = %q, next %+v, %v; want an empty last page", ids(p), p.Next, err)
		}
	})
}

func testOrdering(t *testing.T, s Store) {
	at := func(h, m, sec, ns int, loc *time.Location) time.Time {
		return time.Date(2026, 3, 1, h, m, sec, ns, loc)
	}
	create(t, s, newArticle("b", at(10, 0, 0, 0, time.UTC)))
	create(t, s, newArticle("c", at(10, 0, 0, 0, time.UTC)))
	// The same instant as b and c, written at +02:00: it ties with them.
	create(t, s, newArticle("a", at(12, 0, 0, 0, eet)))
	create(t, s, newArticle("d", at(11, 0, 0, 0, time.UTC)))
	create(t, s, newArticle("e", at(9, 59, 59, 999999999, time.UTC)))
	// 10:30 local at +02:00 is 08:30 UTC: last, though its digits say otherwise.
	create(t, s, newArticle("g", at(10, 30, 0, 0, eet)))
	f := newArticle("f", time.Time{})
	f.Status = article.StatusDraft
	f.CreatedAt = at(10, 30, 0, 0, time.UTC)
	create(t, s, f)

	wantList := []string{"d", "f", "c", "b", "a", "e", "g"}
	wantFeed := []string{"d", "c", "b", "a", "e", "g"}
	if got := listIDs(t, s); !slices.Equal(got, wantList) {
		t.Errorf("List = %q, want %q", got, wantList)
	}
	if got := feedIDs(t, s, siteFeed); !slices.Equal(got, wantFeed) {
		t.Errorf("site feed = %q, want %q", got, wantFeed)
	}

	// One article a page: every cursor sits on a tie at some point.
	walk := func(list func(article.ListOptions) (article.Page, error)) []string {
		var got []string
		var after article.Position
		for i := 0; i < 10; i++ {
			p, err := list(article.ListOptions{Limit: 1, After: after})
			if err != nil {
				t.Fatalf("page %d: %v", i, err)
			}
			got = append(got, ids(p)...)
			if p.Next.IsZero() {
				return got
			}
			after = p.Next
		}
		t.Fatalf("paging did not end after 10 pages: %q", got)
		return nil
	}
	if got := walk(func(o article.ListOptions) (article.Page, error) { return s.List(ctx(t), o) }); !slices.Equal(got, wantList) {
		t.Errorf("List one by one = %q, want %q", got, wantList)
	}
	if got := walk(func(o article.ListOptions) (article.Page, error) { return s.ListFeed(ctx(t), siteFeed, o) }); !slices.Equal(got, wantFeed) {
		t.Errorf("site feed one by one = %q, want %q", got, wantFeed)
	}
}

func testFeedHeads(t *testing.T, s Store) {
	all := []article.FeedKey{siteFeed, worldFeed, sportFeed}
	for _, k := range []article.FeedKey{
		siteFeed, worldFeed,
		{Kind: article.FeedTag, Slug: "nyama"},
		{Kind: article.FeedAuthor, Slug: "nikoy"},
	} {
		if h, err := s.FeedHead(ctx(t), k); !errsNotFound(err) {
			t.Errorf("FeedHead(%s) on an empty store = %+v, %v; want ErrNotFound", k, h, err)
		}
	}

	a := newArticle("a", t0)
	a.Section = "Свят"
	a = create(t, s, a)
	if got := revs(t, s, all...); len(got) != 2 || got["site"] != 1 || got["section/svyat"] != 1 {
		t.Errorf("revs after the first article = %v, want site and section/svyat at 1", got)
	}

	steps := []struct {
		name  string
		save  func() article.Article
		grown []article.FeedKey
	}{
		{"article in another section", func() article.Article {
			b := newArticle("b", t0.Add(time.Minute))
			b.Section = "Спорт"
			b.UpdatedAt = t0.Add(2 * time.Minute)
			return create(t, s, b)
		}, []article.FeedKey{siteFeed, sportFeed}},
		{"edit of the first", func() article.Article {
			a = update(t, s, a, func(a *article.Article) {
				a.Title = "Поправено"
				a.UpdatedAt = t0.Add(3 * time.Minute)
			})
			return a
		}, []article.FeedKey{siteFeed, worldFeed}},
		{"draft in the first section", func() article.Article {
			d := newArticle("d", time.Time{})
			d.Status = article.StatusDraft
			d.Section = "Свят"
			return create(t, s, d)
		}, nil},
		{"share of the first", func() article.Article {
			if err := s.IncrementShare(ctx(t), "a", "facebook"); err != nil {
				t.Fatalf("IncrementShare = %v", err)
			}
			return article.Article{}
		}, nil},
	}
	for _, st := range steps {
		before := revs(t, s, all...)
		heads := make(map[string]article.FeedHead)
		for _, k := range all {
			if h, err := s.FeedHead(ctx(t), k); err == nil {
				heads[k.String()] = h
			}
		}
		saved := st.save()
		checkRevGrowth(t, st.name, before, revs(t, s, all...), st.grown...)
		for _, k := range all {
			h, err := s.FeedHead(ctx(t), k)
			if err != nil {
				continue
			}
			grown := false
			for _, g := range st.grown {
				grown = grown || g.Same(k)
			}
			if want := heads[k.String()].UpdatedAt; grown {
				want = saved.UpdatedAt
				if !h.UpdatedAt.Equal(want) {
					t.Errorf("%s: FeedHead(%s).UpdatedAt = %s, want %s", st.name, k, h.UpdatedAt, want)
				}
			} else if !h.UpdatedAt.Equal(want) {
				t.Errorf("%s: FeedHead(%s).UpdatedAt = %s, want it unchanged at %s", st.name, k, h.UpdatedAt, want)
			}
		}
	}
}
