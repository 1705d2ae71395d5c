package share

import (
	"testing"
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
	got := s.NewOEmbed(&a)
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
	got = s.NewOEmbed(&a)
	if got.ThumbnailURL != s.CardURL(&a) || got.ThumbnailWidth != 1200 || got.ThumbnailHeight != 630 || got.AuthorName != "БТА" {
		t.Errorf("NewOEmbed without image and byline = %+v, want the card and the source", got)
	}
}
