package seed

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

const site = "https://news.example.bg"

// sample is the publisher's page the seed was taken from.
func sample(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "seed-article-bg.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestArticlesMatchTheSample(t *testing.T) {
	text := sample(t)
	as := Articles(site)
	if len(as) != 5 {
		t.Fatalf("got %d articles, want 5", len(as))
	}
	nato := as[0]
	checks := []struct{ field, got, want string }{
		{"title", nato.Title, "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"},
		{"section", nato.Section, "Свят"},
		{"source", nato.Source, "БТА"},
		{"credit", nato.Image.Credit, "Снимка: EPA/BGNES"},
		{"publishedAt", nato.PublishedAt.Format(time.RFC3339), "2025-12-18T10:30:00+02:00"},
		{"related", strings.Join(nato.Related, ","), IDBelbek + "," + IDBlair + "," + IDLegion},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if nato.Image.Width != 1200 || nato.Image.Height != 800 || nato.Image.Alt == "" {
		t.Errorf("image = %+v, want 1200x800 with alt text", nato.Image)
	}
	if !strings.HasPrefix(nato.URL, site+"/") || !strings.HasPrefix(nato.Image.URL, site+"/") {
		t.Errorf("url %q, image %q: want both on %s", nato.URL, nato.Image.URL, site)
	}
	for _, a := range as[:4] {
		if !strings.Contains(text, a.Title) {
			t.Errorf("title %q is not in the sample", a.Title)
		}
		if !strings.Contains(text, a.Lead) {
			t.Errorf("lead of %s is not in the sample: %q", a.ID, a.Lead)
		}
	}
	for _, p := range natoParagraphs {
		if !strings.Contains(text, p) {
			t.Errorf("paragraph not in the sample: %q", p)
		}
	}
	if got := strings.Count(nato.Body, "<p>"); got != 6 {
		t.Errorf("body has %d paragraphs, want 6", got)
	}
	if as[4].Status != article.StatusDraft {
		t.Errorf("last article status = %q, want draft", as[4].Status)
	}
	for _, a := range as {
		if err := article.Validate(&a); err != nil {
			t.Errorf("%s: %v", a.ID, err)
		}
	}
	t.Run("fresh slices per call", func(t *testing.T) {
		a := Articles(site)
		a[0].Tags[0] = "changed"
		if Articles(site)[0].Tags[0] != "НАТО" {
			t.Error("Articles shares its slices between calls")
		}
	})
}

func newService(t *testing.T) *newsroom.Service {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "articles.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return newsroom.NewService(st, newsroom.Options{SiteURL: site})
}

func TestEnsure(t *testing.T) {
	ctx := t.Context()
	svc := newService(t)
	n, err := Ensure(ctx, svc, site, time.Minute)
	if err != nil || n != 5 {
		t.Fatalf("Ensure = %d, %v; want 5, nil", n, err)
	}
	got, err := svc.Get(ctx, IDNATO)
	if err != nil {
		t.Fatal(err)
	}
	if got.Slug != "yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti" || got.Version != 1 {
		t.Errorf("stored slug %q version %d", got.Slug, got.Version)
	}
	if want := Articles(site)[0].PublishedAt; !got.PublishedAt.Equal(want) {
		t.Errorf("publishedAt = %v, want %v", got.PublishedAt, want)
	}
	if !strings.Contains(got.Body, "Марк Рюте") {
		t.Errorf("body lost its text: %q", got.Body)
	}

	n, err = Ensure(ctx, svc, site, time.Minute)
	if err != nil || n != 0 {
		t.Errorf("second Ensure = %d, %v; want 0, nil", n, err)
	}

	t.Run("a store with articles is left alone", func(t *testing.T) {
		svc := newService(t)
		if _, err := svc.Create(ctx, article.Article{Title: "Моя статия"}); err != nil {
			t.Fatal(err)
		}
		if n, err := Ensure(ctx, svc, site, time.Minute); err != nil || n != 0 {
			t.Errorf("Ensure = %d, %v; want 0, nil", n, err)
		}
	})
	t.Run("store errors are returned", func(t *testing.T) {
		_, err := Ensure(ctx, downWriter{}, site, time.Minute)
		if !errors.Is(err, article.ErrUnavailable) {
			t.Errorf("err = %v, want ErrUnavailable", err)
		}
	})
}

type downWriter struct{}

func (downWriter) List(context.Context, article.ListOptions) (article.Page, error) {
	return article.Page{}, article.ErrUnavailable
}

func (downWriter) Replace(context.Context, string, article.Article, *int64) (article.Article, bool, error) {
	return article.Article{}, false, article.ErrUnavailable
}
