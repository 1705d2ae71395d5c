package importer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// A site of a real WordPress 6.1 (Debian's package, MariaDB, Apache and
// PHP; seeded by scripts/wordpress/seed.php, taken by make
// test-wordpress), as its REST API, its WXR export and its feed give it.
type wpSite struct {
	rest, wxr, feed []Item
}

const realSite = "http://wordpress.test"

func realWordPress(t *testing.T, restDoc, wxrDoc, feedDoc []byte, site string) wpSite {
	t.Helper()
	rest, err := ParseREST(restDoc, site+"/wp-json/wp/v2/posts?page=1", Options{Language: "bg"})
	if err != nil {
		t.Fatal(err)
	}
	wxr, err := ParseWXR(bytes.NewReader(wxrDoc), Options{Language: "bg"})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := ParseFeed(feedDoc, site+"/feed/", Options{Language: "bg"})
	if err != nil {
		t.Fatal(err)
	}
	return wpSite{rest: rest, wxr: wxr, feed: feed.Items}
}

// approximate are the posts whose WXR rendering differs from WordPress's
// in markup (a gallery's, a player's): their text and links must match.
var approximate = map[string]bool{"Галерия, видео и звук": true}

// checkRendering compares every published post's WXR content, rendered
// by the importer, with its REST content.rendered, both after the
// service's cleaning: the golden pairs.
func checkRendering(t *testing.T, s wpSite) {
	t.Helper()
	sanitizer := newsroom.NewSanitizer()
	byID := map[string]Item{}
	for _, it := range s.wxr {
		byID[it.Article.ID] = it
	}
	n := 0
	for _, r := range s.rest {
		if r.Kind != KindArticle {
			continue
		}
		w, ok := byID[r.Article.ID]
		if !ok {
			t.Errorf("%s: not in the WXR export under the same ID", r.Ref)
			continue
		}
		n++
		ra, wa := clone(r.Article), clone(w.Article)
		sanitizer.Sanitize(&ra)
		sanitizer.Sanitize(&wa)
		if ra.Title != wa.Title || ra.Lead != wa.Lead && wa.Lead != "" {
			t.Errorf("%s: title %q / %q, lead %q / %q (REST / WXR)", r.Ref, ra.Title, wa.Title, ra.Lead, wa.Lead)
		}
		if approximate[ra.Title] {
			if !sameContent(wa.Body, ra.Body) {
				t.Errorf("%s: text or links differ\nWXR:  %s\nREST: %s", r.Ref, wa.Body, ra.Body)
			}
			continue
		}
		if !sameHTML(wa.Body, ra.Body) {
			t.Errorf("%s: WXR content rendered differs from REST content.rendered\nWXR:  %s\nREST: %s", r.Ref, normSpace(wa.Body), normSpace(ra.Body))
		}
		if strings.Contains(newsroom.PlainText(wa.Body), "[") {
			t.Errorf("%s: a shortcode left as text: %s", r.Ref, wa.Body)
		}
	}
	if n < 5 {
		t.Errorf("%d posts compared; want every published post of the site", n)
	}
}

// checkSequence imports the site through REST, then WXR, then the feed
// twice, as a publisher moving here and then following would: the later
// sources change no article, nothing WordPress hides is published.
func checkSequence(t *testing.T, s wpSite) {
	t.Helper()
	sink, st := boltSink(t)
	counted := &countingSink{Sink: sink}
	im := &Importer{Sink: counted, Workers: 2}
	ctx := context.Background()
	sum, err := im.Run(ctx, s.rest)
	if err != nil || len(sum.Failed) != 0 || sum.Created < 5 || sum.Skipped[KindProtected] != 1 {
		t.Fatalf("REST: %s, %v; want every public post created, the protected one skipped", sum.String(), err)
	}
	created := sum.Created
	// The export also has the private post and the draft, which the REST
	// API does not show without a login: two drafts created, nothing else.
	sum, err = im.Run(ctx, s.wxr)
	if err != nil || sum.Created != 2 || sum.Updated != 0 || sum.Unchanged != created || len(sum.Failed) != 0 {
		t.Errorf("WXR after REST: %s, %v; want the private post and the draft created, %d unchanged", sum.String(), err, created)
	}
	puts := counted.puts.Load()
	for _, step := range []struct {
		name  string
		items []Item
	}{{"feed after WXR", s.feed}, {"feed again (follow)", s.feed}, {"WXR again", s.wxr}, {"REST again", s.rest}} {
		sum, err := im.Run(ctx, step.items)
		if err != nil || sum.Updated != 0 || sum.Created != 0 || len(sum.Failed) != 0 || sum.Unchanged < created {
			t.Errorf("%s: %s, %v; want %d unchanged and nothing else", step.name, sum.String(), err, created)
			for _, w := range sum.Warnings {
				t.Log(w)
			}
		}
		if n := counted.puts.Load(); n != puts {
			t.Errorf("%s: %d writes reached the service; want none", step.name, n-puts)
			puts = n
		}
	}
	page, err := st.List(ctx, article.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Articles {
		full, err := st.Get(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(full.Body+full.Title+full.Lead, "Тайният текст") || strings.Contains(full.Title, "Само за абонати") && full.Status == article.StatusPublished {
			t.Errorf("%s: the password-protected post is public: %+v", a.ID, full)
		}
		if full.Title == "Вътрешна бележка" && full.Status != article.StatusDraft {
			t.Errorf("the private post is %s", full.Status)
		}
		if full.Language != "bg" {
			t.Errorf("%s: language %q: the feed's en-US overrode the publisher's", a.ID, full.Language)
		}
		if full.Title == "Нови автобуси по линия 1" && (full.Image == nil || full.Authors[0].URL == "") {
			t.Errorf("%s: photo %v, authors %+v: a later source took them away", a.ID, full.Image, full.Authors)
		}
	}
}

func TestRealWordPressCaptured(t *testing.T) {
	s := realWordPress(t, readFixture(t, "wordpress-6.1/rest-posts.json"), readFixture(t, "wordpress-6.1/export.wxr"),
		readFixture(t, "wordpress-6.1/feed.rss"), realSite)
	t.Run("rendering", func(t *testing.T) { checkRendering(t, s) })
	t.Run("REST, WXR, feed", func(t *testing.T) { checkSequence(t, s) })
}
