package share

import (
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestResolveURL(t *testing.T) {
	s := testSite()
	a := seedArticle()
	tests := []struct {
		raw    string
		ok     bool
		key    string
		onSite bool
	}{
		{"https://share.news.example.bg/share/" + a.Slug, true, a.Slug, false},
		{"http://share.news.example.bg/share/" + a.Slug + "/", true, a.Slug, false},
		{"https://share.news.example.bg/share/" + a.ID + "?utm_source=x", true, a.ID, false},
		{"https://share.news.example.bg/share/" + a.Slug + "/card.png?v=3", true, a.Slug, false},
		{a.URL, true, a.Slug, true},
		{a.URL + ".html", true, a.Slug, true},
		{"https://news.example.bg/", false, "", false},
		{"https://share.news.example.bg/oembed", false, "", false},
		{"https://share.news.example.bg/share/a/b/c", false, "", false},
		{"https://evil.example/share/" + a.Slug, false, "", false},
		{"javascript:alert(1)", false, "", false},
		{"https://user:pw@news.example.bg/x", false, "", false},
		{"not a url", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			ref, ok := s.ResolveURL(tt.raw)
			if ok != tt.ok || ref.Key != tt.key || ref.OnSite != tt.onSite {
				t.Errorf("ResolveURL(%q) = %+v, %v; want key %q onSite %v, %v", tt.raw, ref, ok, tt.key, tt.onSite, tt.ok)
			}
		})
	}
	ref, _ := s.ResolveURL(a.URL + "/?x=1")
	if !ref.Matches(&a) {
		t.Errorf("Ref of the article's own URL does not match it")
	}
	ref, _ = s.ResolveURL("https://news.example.bg/drugo/" + a.Slug)
	if ref.Matches(&a) {
		t.Errorf("Ref of another site path matches the article")
	}
}

func TestNewOEmbed(t *testing.T) {
	s := testSite()
	a := seedArticle()
	got := s.NewOEmbed(&a, 0, 0)
	want := OEmbed{
		Version: "1.0", Type: "link", Title: a.Title, AuthorName: "БТА", AuthorURL: "https://news.example.bg/avtor/bta",
		ProviderName: "Новини", ProviderURL: "https://news.example.bg/", CacheAge: OEmbedCacheAge,
		ThumbnailURL: a.Image.URL, ThumbnailWidth: 1600, ThumbnailHeight: 900,
	}
	if got != want {
		t.Errorf("NewOEmbed = %+v\nwant %+v", got, want)
	}
	a.Image = nil
	a.Authors = nil
	got = s.NewOEmbed(&a, 0, 0)
	if got.ThumbnailURL != s.CardURL(&a) || got.ThumbnailWidth != 1200 || got.ThumbnailHeight != 630 || got.AuthorName != "БТА" {
		t.Errorf("NewOEmbed without image and byline = %+v, want the card and the source", got)
	}
}

// TestNewOEmbedMaxSize: the thumbnail never exceeds maxwidth/maxheight: the
// photo when it fits, else the card at the largest size that fits, served
// scaled (CardURLAt), else none of the three fields.
func TestNewOEmbedMaxSize(t *testing.T) {
	s := testSite()
	a := seedArticle() // photo 1600×900
	tests := []struct {
		name       string
		maxW, maxH int
		url        string
		w, h       int
	}{
		{"no limit: the photo", 0, 0, a.Image.URL, 1600, 900},
		{"roomy: the photo", 2000, 1000, a.Image.URL, 1600, 900},
		{"photo too wide: the full card", 1200, 0, s.CardURL(&a), 1200, 630},
		{"width: card scaled", 500, 0, s.CardURL(&a) + "&w=480", 480, 252},
		{"height: card scaled", 0, 400, s.CardURL(&a) + "&w=640", 640, 336},
		{"both: the tighter wins", 1000, 300, s.CardURL(&a) + "&w=480", 480, 252},
		{"smallest card", 160, 84, s.CardURL(&a) + "&w=160", 160, 84},
		{"no room: no thumbnail", 100, 0, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.NewOEmbed(&a, tt.maxW, tt.maxH)
			if got.ThumbnailURL != tt.url || got.ThumbnailWidth != tt.w || got.ThumbnailHeight != tt.h {
				t.Errorf("thumbnail = %q %d×%d, want %q %d×%d", got.ThumbnailURL, got.ThumbnailWidth, got.ThumbnailHeight, tt.url, tt.w, tt.h)
			}
		})
	}
}

// TestNewOEmbedAuthorURL: author_url is the first named author's profile,
// with several authors too, and absent when that author has none.
func TestNewOEmbedAuthorURL(t *testing.T) {
	s := testSite()
	tests := []struct {
		name    string
		authors []article.Author
		byline  string
		url     string
	}{
		{"first has a URL", []article.Author{{Name: "Мария", URL: "https://news.example.bg/avtor/maria"}, {Name: "Иван", URL: "https://news.example.bg/avtor/ivan"}},
			"Мария, Иван", "https://news.example.bg/avtor/maria"},
		{"first has none", []article.Author{{Name: "Мария"}, {Name: "Иван", URL: "https://news.example.bg/avtor/ivan"}}, "Мария, Иван", ""},
		{"blank first skipped", []article.Author{{Name: " ", URL: "https://x.example/"}, {Name: "Иван", URL: "https://news.example.bg/avtor/ivan"}},
			"Иван", "https://news.example.bg/avtor/ivan"},
		{"unsafe URL dropped", []article.Author{{Name: "Иван", URL: "javascript:alert(1)"}}, "Иван", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := seedArticle()
			a.Authors = tt.authors
			got := s.NewOEmbed(&a, 0, 0)
			if got.AuthorName != tt.byline || got.AuthorURL != tt.url {
				t.Errorf("author = %q <%s>, want %q <%s>", got.AuthorName, got.AuthorURL, tt.byline, tt.url)
			}
		})
	}
}

// TestResolveURLOneOrigin: where the site and this service share an origin
// (make run; a site serving /share/ on its own host), a share path is a
// share page and every other path is read as an address of the site.
func TestResolveURLOneOrigin(t *testing.T) {
	s := testSite()
	s.BaseURL = "https://news.example.bg"
	a := seedArticle()
	for _, tt := range []struct {
		raw    string
		key    string
		onSite bool
	}{
		{"https://news.example.bg/share/" + a.Slug, a.Slug, false},
		{a.URL, a.Slug, true},
		{"https://news.example.bg/feeds/rss", "rss", true},
	} {
		ref, ok := s.ResolveURL(tt.raw)
		if !ok || ref.Key != tt.key || ref.OnSite != tt.onSite {
			t.Errorf("ResolveURL(%q) = %+v, %v; want key %q onSite %v", tt.raw, ref, ok, tt.key, tt.onSite)
		}
	}
	if ref, _ := s.ResolveURL(a.URL); !ref.Matches(&a) {
		t.Errorf("the article's own URL on the shared origin does not match it")
	}
	if ref, ok := s.ResolveURL("https://news.example.bg/feeds/" + a.Slug); !ok || ref.Matches(&a) {
		t.Errorf("another path of the shared origin: ok %v, or it matches the article", ok)
	}
}
