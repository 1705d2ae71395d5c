package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// fullArticle sets every field but Deleted, with text that trips careless
// encodings: Cyrillic, emoji, quotes, HTML, a non-UTC offset and
// nanoseconds.
func fullArticle(id string) article.Article {
	return article.Article{
		ID:    id,
		Slug:  "yuzhna-koreya-i-nato",
		Title: "Южна Корея и НАТО: „нова ера“ 🇧🇬🤝🇰🇷",
		Lead:  "Премиерът заяви, че \"сътрудничеството\" продължава.\nВтори ред.",
		Body:  `<p>Текст с <a href="https://news.example.bg/x">връзка</a> и емоджи 😀 &amp; «кавички».</p><figure class="photo"><img src="https://cdn.example.bg/a.jpg"></figure>`,
		URL:   "https://news.example.bg/yuzhna-koreya-i-nato",
		// Three offsets, so a store that normalises to UTC is caught.
		PublishedAt: time.Date(2026, 2, 28, 23, 59, 59, 999999999, eet),
		UpdatedAt:   time.Date(2026, 3, 1, 6, 30, 0, 1, time.FixedZone("", -3*60*60-30*60)),
		CreatedAt:   time.Date(2026, 2, 28, 21, 0, 0, 500, time.UTC),
		Authors: []article.Author{
			{Name: "Иван Петров", URL: "https://news.example.bg/avtori/ivan-petrov", Fediverse: "@ivan_petrov@mastodon.social"},
			{Name: "Мария Иванова"},
		},
		Source:       "БТА",
		Section:      "Свят",
		Tags:         []string{"НАТО", "Южна Корея", "Отбрана"},
		Image:        &article.Image{URL: "https://cdn.example.bg/a.jpg", Width: 1200, Height: 630, Alt: "Среща 🤝", Credit: "Снимка: EPA/BGNES"},
		Language:     "bg",
		Status:       article.StatusPublished,
		CommentCount: 42,
		Related:      []string{"other-1", "other_2"},
		Version:      1,
	}
}

func testRoundTrip(t *testing.T, s Store) {
	full := fullArticle("full")
	// A new field in article.Article must be stored by every store: this
	// check fails until the fixture sets it, and then the round trip fails
	// until the stores keep it. PreviousSlugs is the stores' to derive, and
	// a new article has none: SlugHistory covers its round trip.
	v := reflect.ValueOf(full)
	for i := 0; i < v.NumField(); i++ {
		if name := v.Type().Field(i).Name; name != "Deleted" && name != "PreviousSlugs" && v.Field(i).IsZero() {
			t.Errorf("fullArticle leaves %s unset; set it so the round trip covers it", name)
		}
	}

	draft := article.Article{
		ID: "draft-nil", Slug: "chernova", Title: "Чернова", CreatedAt: t0, UpdatedAt: t0,
		Status: article.StatusDraft, Version: 1,
	}
	utc := newArticle("UTC_Mixed-Case", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	gone := fullArticle("tomb")
	tomb := gone.Tombstone(t0.Add(time.Hour))
	tomb.Slug = "iztrita"
	tomb.Version = 1

	tests := []struct {
		name string
		a    article.Article
	}{
		{"every field", full},
		{"draft with nil slices and no publication time", draft},
		{"UTC times and empty slices", utc},
		{"tombstone", tomb},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Save(ctx(t), tc.a, 0); err != nil {
				t.Fatalf("Save = %v, want nil", err)
			}
			got, err := s.Get(ctx(t), tc.a.ID)
			if err != nil {
				t.Fatalf("Get = %v, want nil", err)
			}
			checkSame(t, "Get", got, tc.a)
			got, err = s.GetBySlug(ctx(t), tc.a.Slug)
			if err != nil {
				t.Fatalf("GetBySlug = %v, want nil", err)
			}
			checkSame(t, "GetBySlug", got, tc.a)
		})
	}
}

func testNotFound(t *testing.T, s Store) {
	create(t, s, newArticle("exists", t0))
	if a, err := s.Get(ctx(t), "missing"); err == nil {
		t.Errorf("Get(missing) = %+v, nil; want ErrNotFound", a)
	} else {
		checkErr(t, "Get(missing)", err, article.ErrNotFound)
	}
	if a, err := s.GetBySlug(ctx(t), "missing"); err == nil {
		t.Errorf("GetBySlug(missing) = %+v, nil; want ErrNotFound", a)
	} else {
		checkErr(t, "GetBySlug(missing)", err, article.ErrNotFound)
	}
}

func testVersions(t *testing.T, s Store) {
	a := create(t, s, newArticle("a", t0))
	a = update(t, s, a, func(a *article.Article) { a.Title = "Втора версия" })

	tests := []struct {
		name    string
		id      string
		version int64
		prev    int64
	}{
		{"create over existing", "a", 1, 0},
		{"stale previous version", "a", 2, 1},
		{"previous version from the future", "a", 6, 5},
		{"update of a missing article", "missing", 2, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newArticle(tc.id, t0)
			b.Slug = "other-slug-" + tc.id
			b.Title = "Не трябва да бъде записано"
			b.Version = tc.version
			err := s.Save(ctx(t), b, tc.prev)
			checkErr(t, "Save", err, article.ErrVersionMismatch)
			if got, err := s.Get(ctx(t), "a"); err != nil {
				t.Fatalf("Get(a) = %v", err)
			} else {
				checkSame(t, "stored article after a refused save", got, a)
			}
			if _, err := s.GetBySlug(ctx(t), b.Slug); !errsNotFound(err) {
				t.Errorf("GetBySlug(%q) after a refused save = %v, want ErrNotFound", b.Slug, err)
			}
		})
	}

	t.Run("version that does not follow prev", func(t *testing.T) {
		b := a
		b.Title = "Прескочена версия"
		b.Version = a.Version + 2
		if err := s.Save(ctx(t), b, a.Version); err == nil {
			t.Errorf("Save(version %d, prev %d) = nil, want an error", b.Version, a.Version)
		}
		checkSame(t, "stored article", mustGet(t, s, "a"), a)
	})

	t.Run("current previous version", func(t *testing.T) {
		b := update(t, s, a, func(a *article.Article) { a.Title = "Трета версия" })
		checkSame(t, "Get", mustGet(t, s, "a"), b)
	})
}
