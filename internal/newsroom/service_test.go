package newsroom_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// newService returns a Service on a real bolt store in a temporary file,
// with a clock the test moves and predictable IDs.
func newService(t *testing.T) (*newsroom.Service, *bolt.Store, *time.Time) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatalf("bolt.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	n := 0
	svc := newsroom.NewService(st, newsroom.Options{
		SiteURL: "https://news.example.bg/",
		Now:     func() time.Time { return now },
		NewID: func() string {
			n++
			return fmt.Sprintf("id%d", n)
		},
	})
	return svc, st, &now
}

func version(v int64) *int64 { return &v }

func TestServiceCreateDefaults(t *testing.T) {
	svc, _, now := newService(t)
	ctx := t.Context()
	got, err := svc.Create(ctx, article.Article{Title: "Южна Корея и НАТО се споразумяха"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	checks := []struct{ field, got, want string }{
		{"id", got.ID, "id1"},
		{"slug", got.Slug, "yuzhna-koreya-i-nato-se-sporazumyaha"},
		{"url", got.URL, "https://news.example.bg/yuzhna-koreya-i-nato-se-sporazumyaha"},
		{"language", got.Language, "bg"},
		{"status", string(got.Status), "published"},
		{"publishedAt", got.PublishedAt.String(), now.String()},
		{"createdAt", got.CreatedAt.String(), now.String()},
		{"updatedAt", got.UpdatedAt.String(), now.String()},
		{"version", fmt.Sprint(got.Version), "1"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if got.Tags == nil || got.Authors == nil || got.Related == nil {
		t.Errorf("tags %v, authors %v, related %v: want empty lists, not nil", got.Tags, got.Authors, got.Related)
	}
	stored, err := svc.Get(ctx, got.ID)
	if err != nil || stored.Title != got.Title || stored.Version != 1 {
		t.Errorf("Get = %+v, %v; want the created article", stored, err)
	}

	t.Run("draft has no publishedAt", func(t *testing.T) {
		d, err := svc.Create(ctx, article.Article{Title: "Чернова", Status: article.StatusDraft})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if !d.PublishedAt.IsZero() {
			t.Errorf("draft publishedAt = %v, want zero", d.PublishedAt)
		}
	})
	t.Run("title without letters gets the id as slug", func(t *testing.T) {
		d, err := svc.Create(ctx, article.Article{ID: "Emoji1", Title: "🎉🎉"})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if d.Slug != "emoji1" || d.URL != "https://news.example.bg/emoji1" {
			t.Errorf("slug %q url %q, want emoji1", d.Slug, d.URL)
		}
	})
	t.Run("invalid input is a ValidationError", func(t *testing.T) {
		_, err := svc.Create(ctx, article.Article{Title: "", URL: "javascript:x"})
		var ve *article.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 2 {
			t.Errorf("err = %v, want a ValidationError on title and url", err)
		}
	})
	t.Run("body is cleaned once", func(t *testing.T) {
		d, err := svc.Create(ctx, article.Article{Title: "Чисто", Body: `<p onclick="x">a <a href="/b">b</a></p><script>x</script>`})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		if want := `<p>a <a href="https://news.example.bg/b" rel="nofollow">b</a></p>`; d.Body != want {
			t.Errorf("body = %q, want %q", d.Body, want)
		}
	})
}

func TestServiceSlugCollision(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := t.Context()
	first, err := svc.Create(ctx, article.Article{Title: "НАТО"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Create(ctx, article.Article{Title: "НАТО"})
	if err != nil {
		t.Fatalf("second Create with the same title: %v", err)
	}
	if second.Slug == first.Slug || !strings.HasPrefix(second.Slug, "nato-") {
		t.Errorf("second slug = %q, want nato-<suffix>", second.Slug)
	}
	if second.URL != "https://news.example.bg/"+second.Slug {
		t.Errorf("second url = %q, want it to follow the new slug", second.URL)
	}
	_, err = svc.Create(ctx, article.Article{Title: "Друго", Slug: "nato"})
	if !errors.Is(err, article.ErrConflict) {
		t.Errorf("Create with a chosen, taken slug: err = %v, want ErrConflict", err)
	}
	_, err = svc.Create(ctx, article.Article{ID: first.ID, Title: "Друго"})
	if !errors.Is(err, article.ErrConflict) {
		t.Errorf("Create with an existing id: err = %v, want ErrConflict", err)
	}
}

func TestServiceReplace(t *testing.T) {
	svc, _, now := newService(t)
	ctx := t.Context()
	created, isNew, err := svc.Replace(ctx, "r1", article.Article{Title: "Първо заглавие"}, nil)
	if err != nil || !isNew || created.Version != 1 {
		t.Fatalf("Replace (create) = v%d, created %v, %v; want v1, true, nil", created.Version, isNew, err)
	}

	*now = now.Add(time.Hour)
	replaced, isNew, err := svc.Replace(ctx, "r1", article.Article{Title: "Второ заглавие", Lead: "Увод"}, nil)
	if err != nil || isNew || replaced.Version != 2 {
		t.Fatalf("Replace = v%d, created %v, %v; want v2, false, nil", replaced.Version, isNew, err)
	}
	if replaced.Slug != created.Slug {
		t.Errorf("slug = %q, want the first one kept (%q)", replaced.Slug, created.Slug)
	}
	if !replaced.CreatedAt.Equal(created.CreatedAt) || !replaced.PublishedAt.Equal(created.PublishedAt) {
		t.Errorf("createdAt %v publishedAt %v, want %v kept", replaced.CreatedAt, replaced.PublishedAt, created.CreatedAt)
	}
	if !replaced.UpdatedAt.Equal(*now) {
		t.Errorf("updatedAt = %v, want %v", replaced.UpdatedAt, *now)
	}

	t.Run("identical replace is a no-op", func(t *testing.T) {
		*now = now.Add(time.Hour)
		again, isNew, err := svc.Replace(ctx, "r1", article.Article{Title: "Второ заглавие", Lead: "Увод"}, nil)
		if err != nil || isNew || again.Version != 2 {
			t.Errorf("Replace = v%d, created %v, %v; want v2 kept", again.Version, isNew, err)
		}
		if !again.UpdatedAt.Equal(replaced.UpdatedAt) {
			t.Errorf("updatedAt moved to %v on a no-op", again.UpdatedAt)
		}
	})
	t.Run("stale If-Match", func(t *testing.T) {
		_, _, err := svc.Replace(ctx, "r1", article.Article{Title: "Трето"}, version(1))
		if !errors.Is(err, article.ErrVersionMismatch) {
			t.Errorf("err = %v, want ErrVersionMismatch", err)
		}
	})
	t.Run("current If-Match", func(t *testing.T) {
		got, _, err := svc.Replace(ctx, "r1", article.Article{Title: "Трето"}, version(2))
		if err != nil || got.Version != 3 {
			t.Errorf("Replace = v%d, %v; want v3", got.Version, err)
		}
	})
	t.Run("If-Match 0 means create only", func(t *testing.T) {
		_, _, err := svc.Replace(ctx, "r1", article.Article{Title: "X"}, version(0))
		if !errors.Is(err, article.ErrVersionMismatch) {
			t.Errorf("err = %v, want ErrVersionMismatch", err)
		}
		got, isNew, err := svc.Replace(ctx, "r2", article.Article{Title: "Ново"}, version(0))
		if err != nil || !isNew || got.Version != 1 {
			t.Errorf("Replace = v%d, created %v, %v; want v1, true", got.Version, isNew, err)
		}
	})
	t.Run("id in body must match", func(t *testing.T) {
		_, _, err := svc.Replace(ctx, "r1", article.Article{ID: "other", Title: "X"}, nil)
		var ve *article.ValidationError
		if !errors.As(err, &ve) || ve.Fields[0].Field != "id" {
			t.Errorf("err = %v, want a ValidationError on id", err)
		}
	})
}

func TestServiceDelete(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := t.Context()
	a, err := svc.Create(ctx, article.Article{ID: "d1", Title: "За триене", Tags: []string{"НАТО"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, "d1", version(5)); !errors.Is(err, article.ErrVersionMismatch) {
		t.Errorf("Delete with a stale If-Match: err = %v, want ErrVersionMismatch", err)
	}
	if err := svc.Delete(ctx, "d1", version(a.Version)); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := svc.Get(ctx, "d1"); !errors.Is(err, article.ErrGone) {
		t.Errorf("Get after Delete: err = %v, want ErrGone", err)
	}
	if err := svc.Delete(ctx, "d1", nil); !errors.Is(err, article.ErrGone) {
		t.Errorf("second Delete: err = %v, want ErrGone", err)
	}
	if err := svc.Delete(ctx, "never", nil); !errors.Is(err, article.ErrNotFound) {
		t.Errorf("Delete of a missing article: err = %v, want ErrNotFound", err)
	}
	tomb, err := st.Get(ctx, "d1")
	if err != nil || !tomb.Deleted || tomb.Slug != a.Slug || tomb.Version != 2 || tomb.Body != "" {
		t.Errorf("stored tombstone = %+v, %v; want Deleted, slug kept, v2, no body", tomb, err)
	}
	page, err := svc.List(ctx, article.ListOptions{Limit: 10})
	if err != nil || len(page.Articles) != 0 {
		t.Errorf("List after Delete = %d articles, %v; want none", len(page.Articles), err)
	}
	t.Run("PUT recreates a deleted article", func(t *testing.T) {
		got, isNew, err := svc.Replace(ctx, "d1", article.Article{Title: "Отново"}, nil)
		if err != nil || !isNew || got.Version != 3 {
			t.Errorf("Replace = v%d, created %v, %v; want v3, true", got.Version, isNew, err)
		}
	})
}

func TestServiceList(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := t.Context()
	base := time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC)
	for i := range 5 {
		a := article.Article{ID: fmt.Sprintf("l%d", i), Title: fmt.Sprintf("Статия %d", i), PublishedAt: base.Add(time.Duration(i) * time.Hour)}
		if i == 2 {
			a.Status = article.StatusDraft
		}
		if _, err := svc.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	opts := article.ListOptions{Limit: 2}
	for range 5 {
		page, err := svc.List(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Articles {
			ids = append(ids, a.ID)
		}
		if page.Next.IsZero() {
			break
		}
		opts.After = page.Next
	}
	if got, want := strings.Join(ids, ","), "l4,l3,l2,l1,l0"; got != want {
		t.Errorf("list = %s, want %s (newest first, drafts included)", got, want)
	}
}

func TestServiceUnavailable(t *testing.T) {
	svc := newsroom.NewService(failingStore{}, newsroom.Options{SiteURL: "https://news.example.bg"})
	ctx := context.Background()
	if _, err := svc.Create(ctx, article.Article{Title: "X"}); !errors.Is(err, article.ErrUnavailable) {
		t.Errorf("Create: err = %v, want ErrUnavailable", err)
	}
	if _, _, err := svc.Replace(ctx, "x", article.Article{Title: "X"}, nil); !errors.Is(err, article.ErrUnavailable) {
		t.Errorf("Replace: err = %v, want ErrUnavailable", err)
	}
	if err := svc.Delete(ctx, "x", nil); !errors.Is(err, article.ErrUnavailable) {
		t.Errorf("Delete: err = %v, want ErrUnavailable", err)
	}
}

// failingStore is a store whose backend is down.
type failingStore struct{}

var errDown = fmt.Errorf("backend down: %w", article.ErrUnavailable)

func (failingStore) Get(context.Context, string) (article.Article, error) {
	return article.Article{}, errDown
}
func (failingStore) GetBySlug(context.Context, string) (article.Article, error) {
	return article.Article{}, errDown
}
func (failingStore) Save(context.Context, article.Article, int64) error { return errDown }
func (failingStore) List(context.Context, article.ListOptions) (article.Page, error) {
	return article.Page{}, errDown
}

// TestServiceCleanedSizeLimits checks that the size limits hold for what is
// stored, not only for what was sent: cleaning escapes quotes and makes
// links absolute, which can multiply a body that passed Validate.
func TestServiceCleanedSizeLimits(t *testing.T) {
	for _, tt := range []struct {
		name, body string
	}{
		{"escaped quotes", "<p>" + strings.Repeat(`"`, 100<<10) + "</p>"},
		{"absolute links", strings.Repeat(`<a href=a>x</a>`, 8000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			svc, st, _ := newService(t)
			a := article.Article{Title: "Южна Корея и НАТО", Body: tt.body}
			if err := article.Validate(&a); err != nil {
				t.Fatalf("the body must pass Validate as sent: %v", err)
			}
			_, err := svc.Create(t.Context(), a)
			var ve *article.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Create err = %v, want a *ValidationError", err)
			}
			page, err := st.List(t.Context(), article.ListOptions{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(page.Articles); got != 0 {
				t.Errorf("stored %d articles, want 0", got)
			}
		})
	}
}

// TestServiceCreateStoresPlainText: the slug and the checks see the title
// as stored, without its markup.
func TestServiceCreateStoresPlainText(t *testing.T) {
	svc, _, _ := newService(t)
	ctx := t.Context()
	got, err := svc.Create(ctx, article.Article{Title: "<b>НАТО</b> &amp; ЕС"})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if got.Title != "НАТО & ЕС" || got.Slug != "nato-es" {
		t.Errorf("title, slug = %q, %q; want %q, %q", got.Title, got.Slug, "НАТО & ЕС", "nato-es")
	}
	_, err = svc.Create(ctx, article.Article{Title: "<b> </b>"})
	var v *article.ValidationError
	if !errors.As(err, &v) || len(v.Fields) == 0 || v.Fields[0].Field != "title" {
		t.Errorf("Create with a title of markup only: err = %v, want a validation error on title", err)
	}
}

// TestServiceSlugHistory renames an article through the service: the
// article it returns carries the history the store keeps, a title-made slug
// of another article skips the old slug, a chosen one is refused naming the
// owner, and a rename past article.MaxPreviousSlugs is a field error.
func TestServiceSlugHistory(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := t.Context()
	a, err := svc.Create(ctx, article.Article{Title: "НАТО"})
	if err != nil {
		t.Fatal(err)
	}
	a.Slug = "nato-i-koreya"
	got, _, err := svc.Replace(ctx, a.ID, a, nil)
	if err != nil {
		t.Fatalf("rename: %v", err)
	}
	if want := []string{"nato"}; !slices.Equal(got.PreviousSlugs, want) {
		t.Errorf("PreviousSlugs after the rename = %q, want %q", got.PreviousSlugs, want)
	}
	if stored, _ := st.Get(ctx, a.ID); !slices.Equal(stored.PreviousSlugs, got.PreviousSlugs) {
		t.Errorf("stored PreviousSlugs = %q, returned %q", stored.PreviousSlugs, got.PreviousSlugs)
	}
	// The same PUT again writes nothing: the history is part of the content.
	again, _, err := svc.Replace(ctx, a.ID, a, nil)
	if err != nil || again.Version != got.Version {
		t.Errorf("repeated rename = version %d, %v; want version %d unchanged", again.Version, err, got.Version)
	}

	other, err := svc.Create(ctx, article.Article{Title: "НАТО"})
	if err != nil {
		t.Fatalf("Create with a title whose slug is reserved: %v", err)
	}
	if other.Slug == "nato" || !strings.HasPrefix(other.Slug, "nato-") {
		t.Errorf("title-made slug = %q, want nato-<suffix>: nato is reserved", other.Slug)
	}
	_, err = svc.Create(ctx, article.Article{Title: "Друго", Slug: "nato"})
	var taken *article.SlugTakenError
	if !errors.As(err, &taken) || taken.Owner != a.ID || taken.Slug != "nato" {
		t.Errorf("Create with a chosen old slug: err = %v, want it taken by %q", err, a.ID)
	}

	// Take the old slug back, then rename up to the bound and past it.
	a = got
	a.Slug = "nato"
	if a, _, err = svc.Replace(ctx, a.ID, a, nil); err != nil || !slices.Equal(a.PreviousSlugs, []string{"nato-i-koreya"}) {
		t.Fatalf("take back = %q, %v; want previous [nato-i-koreya]", a.PreviousSlugs, err)
	}
	for i := len(a.PreviousSlugs); i < article.MaxPreviousSlugs; i++ {
		a.Slug = fmt.Sprintf("nato-%d", i)
		if a, _, err = svc.Replace(ctx, a.ID, a, nil); err != nil {
			t.Fatalf("rename %d: %v", i, err)
		}
	}
	a.Slug = "nato-edno-poveche"
	_, _, err = svc.Replace(ctx, a.ID, a, nil)
	var v *article.ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 1 || v.Fields[0].Field != "slug" {
		t.Errorf("rename past %d previous slugs: err = %v, want a field error on slug", article.MaxPreviousSlugs, err)
	}

	if err := svc.Delete(ctx, a.ID, nil); err != nil {
		t.Fatal(err)
	}
	if tomb, _ := st.GetBySlug(ctx, "nato-i-koreya"); !tomb.Deleted || len(tomb.PreviousSlugs) != article.MaxPreviousSlugs {
		t.Errorf("old slug after the delete = deleted %t, %d previous slugs; want the tombstone with every slug", tomb.Deleted, len(tomb.PreviousSlugs))
	}
}

// TestServiceURLFollowsRename: a url the service made (SITE_URL/<slug>),
// sent back by a rename, follows the new slug, and so does one left
// naming an earlier slug by a save before this rule; a url of any other
// shape (the CMS's) stays.
func TestServiceURLFollowsRename(t *testing.T) {
	svc, st, _ := newService(t)
	ctx := t.Context()
	made, err := svc.Create(ctx, article.Article{Title: "НАТО"})
	if err != nil {
		t.Fatal(err)
	}
	if made.URL != "https://news.example.bg/nato" {
		t.Fatalf("made url = %q", made.URL)
	}
	made.Slug = "nato-i-koreya"
	got, _, err := svc.Replace(ctx, made.ID, made, nil)
	if err != nil || got.URL != "https://news.example.bg/nato-i-koreya" {
		t.Fatalf("rename = url %q, %v; want https://news.example.bg/nato-i-koreya", got.URL, err)
	}
	// A url still naming an earlier slug, the slug unchanged: repaired.
	stale := got
	stale.URL = "https://news.example.bg/nato"
	stale.Version++
	if err := st.Save(ctx, stale, got.Version); err != nil {
		t.Fatal(err)
	}
	if fixed, _, err := svc.Replace(ctx, made.ID, stale, nil); err != nil || fixed.URL != "https://news.example.bg/nato-i-koreya" {
		t.Errorf("save of a url naming a previous slug = %q, %v; want it to follow the slug", fixed.URL, err)
	}

	for _, u := range []string{"https://news.example.bg/svyat/koreya", "https://other.example/koreya",
		"https://news.example.bg/svyat/nato"} {
		cms, err := svc.Create(ctx, article.Article{Title: "Корея", URL: u})
		if err != nil {
			t.Fatal(err)
		}
		cms.Slug = "koreya-" + cms.ID
		if got, _, err := svc.Replace(ctx, cms.ID, cms, nil); err != nil || got.URL != u {
			t.Errorf("rename of a CMS url %s = %q, %v; want it kept", u, got.URL, err)
		}
	}
}
