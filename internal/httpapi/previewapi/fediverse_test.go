package previewapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/fediverse"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/httpapi/auth"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/studio"
)

// fakeFediverse is a fediverse.StoryReader: two followers and what they
// did with story "live1".
type fakeFediverse struct{}

func (fakeFediverse) Followers(context.Context) ([]fediverse.Follower, error) {
	return []fediverse.Follower{{Actor: "https://a.example/users/ana"}, {Actor: "https://b.example/users/bo"}}, nil
}

func (fakeFediverse) Interactions(_ context.Context, id string) ([]fediverse.Interaction, error) {
	if id != "live1" {
		return nil, nil
	}
	at := now.Add(-time.Hour)
	return []fediverse.Interaction{
		{ArticleID: id, Kind: fediverse.KindLike, Key: "l1", Actor: "https://a.example/users/ana", At: at},
		{ArticleID: id, Kind: fediverse.KindAnnounce, Key: "b1", Actor: "https://b.example/users/bo", At: at},
		{ArticleID: id, Kind: fediverse.KindReply, Key: "r1", Actor: "https://a.example/users/ana", At: at,
			URL: "https://a.example/@ana/1", Text: "Първи отговор <script>alert(1)</script>"},
		{ArticleID: id, Kind: fediverse.KindReply, Key: "r2", Actor: "https://b.example/users/bo", At: at.Add(time.Minute),
			URL: "https://b.example/@bo/2", Text: "Втори отговор"},
	}, nil
}

// TestPreviewFediverse: the preview page shows a story's Note as Mastodon
// draws it (account, bold title, lead, link, hashtags, photo with its alt,
// whose origin the policy allows) and its followers, likes, boosts and
// replies, newest first, as text; without a reader, zeros and no replies.
func TestPreviewFediverse(t *testing.T) {
	live := article.Article{ID: "live1", Slug: "zhiva", Version: 1, Title: "Жива новина", Lead: "Лийдът на новината.",
		Status: article.StatusPublished, PublishedAt: now.Add(-2 * time.Hour), URL: "https://news.example.bg/zhiva",
		Tags: []string{"НАТО", "Южна Корея"}, Image: &article.Image{URL: "https://photos.example.org/p.jpg", Alt: "Снимка на срещата"}}
	site := share.Site{Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://share.news.example.bg", Location: time.UTC}
	page := func(t *testing.T, reader fediverse.StoryReader) (string, string) {
		t.Helper()
		rt := httpapi.NewRouter()
		Register(rt, fakeService{"live1": live}, auth.Static(token), Options{
			Studio: &studio.Studio{Site: site, SiteURL: site.URL},
			Now:    func() time.Time { return now },
			Publication: &activitypub.Publication{BaseURL: "https://share.news.example.bg", Handle: "news", Domain: "news.example.bg",
				Name: "Новини", SiteURL: "https://news.example.bg/"},
			Fediverse: reader,
		})
		r := httptest.NewRequest(http.MethodGet, "/articles/live1/preview", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		w := serve(httpapi.Observe(slog.New(slog.NewJSONHandler(io.Discard, nil)), rt), r)
		if w.Code != http.StatusOK {
			t.Fatalf("preview = %d: %s", w.Code, w.Body)
		}
		return w.Body.String(), w.Header().Get("Content-Security-Policy")
	}
	t.Run("with the story's interactions", func(t *testing.T) {
		body, policy := page(t, fakeFediverse{})
		for _, want := range []string{
			`id="fediverse"`, `href="#fediverse"`, "@news@news.example.bg", "<strong>Жива новина</strong>", "Лийдът на новината.",
			`href="https://news.example.bg/zhiva"`, ">news.example.bg/zhiva<", "#НАТО", "#ЮжнаКорея",
			`src="https://photos.example.org/p.jpg" alt="Снимка на срещата"`,
			`id="fedi-followers">2<`, `id="fedi-likes">1<`, `id="fedi-boosts">1<`, `id="fedi-replies">2<`,
			"Първи отговор &lt;script&gt;", `rel="noopener nofollow ugc"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert") {
			t.Error("a reply's text is not escaped")
		}
		if i, j := strings.Index(body, "Втори отговор"), strings.Index(body, "Първи отговор"); i < 0 || j < 0 || i > j {
			t.Error("the replies are not newest first")
		}
		if !strings.Contains(policy, "https://photos.example.org") {
			t.Errorf("the policy %q does not allow the photo's origin", policy)
		}
	})
	t.Run("without a reader", func(t *testing.T) {
		body, _ := page(t, nil)
		for _, want := range []string{`id="fediverse"`, `id="fedi-followers">0<`, `id="fedi-no-replies"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
	})
}
