package importer

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// sitePost is one post of a WordPress site, written out below as the
// REST API, a WXR export and the RSS feed give it.
type sitePost struct {
	id                  int
	title, body, lead   string // body as WordPress renders it
	author, login, page string // display name, login, author page
	category            string
	tags                []string
	image               string // featured image URL, "" for none
	imageAlt            string
}

func sitePosts() []sitePost {
	return []sitePost{
		{id: 21, title: "Нови автобуси по линия 1", body: "<p>От понеделник <strong>20 нови автобуса</strong>.</p>\n<p>Второ изречение.</p>",
			lead: "Общината подменя парка.", author: "Иван Петров", login: "ipetrov", page: "https://site.example/author/ipetrov/",
			category: "Градът", tags: []string{"транспорт", "автобуси"}, image: "https://site.example/wp-content/uploads/bus.jpg", imageAlt: "Автобус"},
		{id: 22, title: "Сняг и минус 5 градуса", body: "<p>Жълт код за цялата област.</p>",
			author: "Мария Георгиева", login: "mgeorgieva", page: "https://site.example/author/mgeorgieva/",
			category: "Времето"},
	}
}

// restSite is the REST API's page of the posts (with _embed).
func restSite(posts []sitePost) string {
	var out []string
	for _, p := range posts {
		terms := fmt.Sprintf(`[{"id":5,"name":%q,"slug":"c","taxonomy":"category"}]`, p.category)
		var tagIDs []string
		var tagTerms []string
		for i, t := range p.tags {
			tagIDs = append(tagIDs, fmt.Sprint(100+i))
			tagTerms = append(tagTerms, fmt.Sprintf(`{"id":%d,"name":%q,"slug":"t%d","taxonomy":"post_tag"}`, 100+i, t, i))
		}
		media, featured := "", 0
		if p.image != "" {
			featured = 1000 + p.id
			media = fmt.Sprintf(`,"wp:featuredmedia":[{"id":%d,"source_url":%q,"alt_text":%q,"caption":{"rendered":""},"media_details":{"width":1200,"height":800}}]`,
				featured, p.image, p.imageAlt)
		}
		lead := ""
		if p.lead != "" {
			lead = "<p>" + p.lead + "</p>\n"
		}
		out = append(out, fmt.Sprintf(`{"id":%d,"date":"2025-12-18T10:30:00","date_gmt":"2025-12-18T08:30:00","guid":{"rendered":"https://site.example/?p=%d"},
"modified":"2025-12-18T10:30:00","modified_gmt":"2025-12-18T08:30:00","status":"publish","type":"post","link":"https://site.example/2025/12/%d/",
"title":{"rendered":%q},"content":{"rendered":%q,"protected":false},"excerpt":{"rendered":%q,"protected":false},
"featured_media":%d,"categories":[5],"tags":[%s],
"_embedded":{"author":[{"name":%q,"link":%q}],"wp:term":[%s,[%s]]%s}}`,
			p.id, p.id, p.id, p.title, "\n"+p.body+"\n", lead, featured, strings.Join(tagIDs, ","), p.author, p.page,
			terms, strings.Join(tagTerms, ","), media))
	}
	return "[" + strings.Join(out, ",") + "]"
}

// wxrSite is the site's WXR export: the same posts, their featured images
// as attachments, the authors by login.
func wxrSite(posts []sitePost) string {
	var items []string
	authors := ""
	for _, p := range posts {
		authors += fmt.Sprintf(`<wp:author><wp:author_login>%s</wp:author_login><wp:author_display_name>%s</wp:author_display_name></wp:author>`, p.login, p.author)
		cats := fmt.Sprintf(`<category domain="category" nicename="c"><![CDATA[%s]]></category>`, p.category)
		for _, t := range p.tags {
			cats += fmt.Sprintf(`<category domain="post_tag" nicename="t"><![CDATA[%s]]></category>`, t)
		}
		thumb := ""
		if p.image != "" {
			thumb = fmt.Sprintf(`<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>%d</wp:meta_value></wp:postmeta>`, 1000+p.id)
			items = append(items, fmt.Sprintf(`<item><title>img</title><guid isPermaLink="false">%s</guid><wp:post_id>%d</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:attachment_url>%s</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>%s</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_metadata</wp:meta_key><wp:meta_value><![CDATA[a:2:{s:5:"width";i:1200;s:6:"height";i:800;}]]></wp:meta_value></wp:postmeta></item>`,
				p.image, 1000+p.id, p.image, p.imageAlt))
		}
		items = append(items, fmt.Sprintf(`<item><title>%s</title><link>https://site.example/2025/12/%d/</link>
<pubDate>Thu, 18 Dec 2025 08:30:00 +0000</pubDate><dc:creator><![CDATA[%s]]></dc:creator>
<guid isPermaLink="false">https://site.example/?p=%d</guid><content:encoded><![CDATA[%s]]></content:encoded>
<excerpt:encoded><![CDATA[%s]]></excerpt:encoded><wp:post_id>%d</wp:post_id>
<wp:post_date>2025-12-18 10:30:00</wp:post_date><wp:post_date_gmt>2025-12-18 08:30:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>%s%s</item>`,
			p.title, p.id, p.login, p.id, p.body, p.lead, p.id, cats, thumb))
	}
	return wxrExport(authors + strings.Join(items, "\n"))
}

// rssSite is the site's feed: UTC dates, one list of categories and tags,
// no featured image, no author links, the channel in en-US.
func rssSite(posts []sitePost, edit func(*sitePost)) string {
	var items []string
	for _, p := range posts {
		if edit != nil {
			edit(&p)
		}
		cats := fmt.Sprintf(`<category><![CDATA[%s]]></category>`, p.category)
		for _, t := range p.tags {
			cats += fmt.Sprintf(`<category><![CDATA[%s]]></category>`, t)
		}
		desc := p.lead
		if desc == "" {
			desc = newsroomPlain(p.body)
		}
		items = append(items, fmt.Sprintf(`<item><title>%s</title><link>https://site.example/2025/12/%d/</link>
<dc:creator><![CDATA[%s]]></dc:creator><pubDate>Thu, 18 Dec 2025 08:30:00 +0000</pubDate>%s
<guid isPermaLink="false">https://site.example/?p=%d</guid><description><![CDATA[%s]]></description>
<content:encoded><![CDATA[%s]]></content:encoded></item>`, p.title, p.id, p.author, cats, p.id, desc, p.body))
	}
	return rssItems(items...)
}

func newsroomPlain(s string) string { return plain(s, 1000) }

// countingSink counts the writes that reach the service.
type countingSink struct {
	Sink
	puts atomic.Int64
}

func (c *countingSink) Put(ctx context.Context, a article.Article, version int64) (article.Article, bool, error) {
	c.puts.Add(1)
	return c.Sink.Put(ctx, a, version)
}

// TestSourcesMergeNeverSubtract imports one site through the REST API,
// then its WXR export, then its feed twice (the follow function): the
// REST import brings author links and photos, which neither the export
// (no author links) nor the feed (no photo, en-US channel) takes away, so
// nothing after the first import writes a thing.
func TestSourcesMergeNeverSubtract(t *testing.T) {
	sink, st := boltSink(t)
	counted := &countingSink{Sink: sink}
	im := &Importer{Sink: counted, Workers: 2}
	ctx := context.Background()
	posts := sitePosts()
	restItems, err := ParseREST([]byte(restSite(posts)), "https://site.example/wp-json/wp/v2/posts", Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := im.Run(ctx, restItems)
	if err != nil || sum.Created != 2 {
		t.Fatalf("REST import: %s, %v; want 2 created", sum.String(), err)
	}
	snapshot := func() map[string]article.Article {
		page, err := st.List(ctx, article.ListOptions{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]article.Article{}
		for _, a := range page.Articles {
			full, err := st.Get(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			m[a.ID] = full
		}
		return m
	}
	before := snapshot()
	for id, a := range before {
		if (a.Title == posts[0].title) != (a.Image != nil) || len(a.Authors) != 1 || a.Authors[0].URL == "" || a.Language != "bg" {
			t.Fatalf("after REST %s: image %v, authors %+v, language %q", id, a.Image, a.Authors, a.Language)
		}
	}
	puts := counted.puts.Load()

	wxr := mustItems(t)(ParseWXR(strings.NewReader(wxrSite(posts)), Options{}))
	feed := feedItems(t, rssSite(posts, nil))
	for _, step := range []struct {
		name  string
		items []Item
	}{{"WXR after REST", wxr}, {"feed after WXR", feed}, {"feed again (follow)", feed}} {
		sum, err := im.Run(ctx, step.items)
		if err != nil || sum.Updated != 0 || sum.Created != 0 || sum.Unchanged != 2 || len(sum.Failed) != 0 {
			t.Fatalf("%s: %s, %v; want unchanged 2, nothing else", step.name, sum.String(), err)
		}
		if n := counted.puts.Load(); n != puts {
			t.Fatalf("%s: %d writes reached the service; want none (no ping, no invalidation)", step.name, n-puts)
		}
	}
	after := snapshot()
	for id, a := range before {
		if b := after[id]; b.Version != a.Version || !b.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("%s: version %d -> %d: an unchanged site rewrote the article", id, a.Version, b.Version)
		}
	}

	// The site changes one title: the feed updates that article, and only
	// the title; the photo, the author's link, the language stay.
	changed := feedItems(t, rssSite(posts, func(p *sitePost) {
		if p.id == 21 {
			p.title += " и 3"
		}
	}))
	sum, err = im.Run(ctx, changed)
	if err != nil || sum.Updated != 1 || sum.Unchanged != 1 {
		t.Fatalf("feed with a new title: %s, %v; want 1 updated, 1 unchanged", sum.String(), err)
	}
	for id, a := range snapshot() {
		b := before[id]
		if a.Title != b.Title && a.Title != posts[0].title+" и 3" {
			t.Errorf("%s: title %q", id, a.Title)
		}
		b.Title, b.Version, b.UpdatedAt = a.Title, a.Version, a.UpdatedAt
		if d := compare("merged", b, a); len(d) > 0 || a.Language != b.Language || a.URL != b.URL {
			t.Errorf("%s: the feed changed more than the title: %v", id, d)
		}
	}
}

func TestMergeRules(t *testing.T) {
	when := time.Date(2025, 12, 18, 8, 30, 0, 0, time.UTC)
	cur := article.Article{ID: "x", Title: "T", Body: "<p>b</p>", Lead: "L", Language: "bg", Section: "Градът",
		Tags: []string{"транспорт", "автобуси"}, Authors: []article.Author{{Name: "Иван Петров", URL: "https://s/a/", Fediverse: "@ivan@mastodon.social"}},
		Image:       &article.Image{URL: "https://s/i.jpg", Width: 10, Height: 5, Alt: "a", Credit: "c"},
		PublishedAt: when.In(time.FixedZone("", 7200)), URL: "https://s/p/", Status: article.StatusPublished, Source: "БТА"}
	for _, tc := range []struct {
		name    string
		carries field
		edit    func(*article.Article)
		want    func(*article.Article)
	}{
		{"a field not carried keeps the stored value", fieldTitle, func(a *article.Article) {
			a.Title, a.Body, a.Lead, a.Language, a.Section, a.Tags, a.Authors, a.Image = "T", "", "", "en-US", "", nil, nil, nil
			a.URL, a.Source, a.Status = "", "", article.StatusDraft
		}, nil},
		{"the same instant in another zone is no change", allFields, func(a *article.Article) { a.PublishedAt = when }, nil},
		{"author links kept when the source has names only", allFields &^ fieldAuthorURLs, func(a *article.Article) {
			a.Authors = []article.Author{{Name: "Иван Петров"}, {Name: "Нов Автор"}}
		}, func(a *article.Article) {
			a.Authors = []article.Author{{Name: "Иван Петров", URL: "https://s/a/", Fediverse: "@ivan@mastodon.social"}, {Name: "Нов Автор"}}
		}},
		{"fediverse addresses kept when the source carries links", allFields, func(a *article.Article) {
			a.Authors = []article.Author{{Name: "Нов Автор", URL: "https://s/n/"}, {Name: "Иван Петров", URL: "https://s/a2/"}}
		}, func(a *article.Article) {
			a.Authors = []article.Author{{Name: "Нов Автор", URL: "https://s/n/"}, {Name: "Иван Петров", URL: "https://s/a2/", Fediverse: "@ivan@mastodon.social"}}
		}},
		{"the same terms as one list", allFields &^ fieldSection, func(a *article.Article) {
			a.Section, a.Tags = "Транспорт", []string{"Градът", "автобуси"}
		}, nil},
		{"other terms as one list", allFields &^ fieldSection, func(a *article.Article) {
			a.Section, a.Tags = "Транспорт", []string{"Градът"}
		}, func(a *article.Article) { a.Section, a.Tags = "Транспорт", []string{"Градът"} }},
		{"the same photo without its size", allFields, func(a *article.Article) { a.Image = &article.Image{URL: "https://s/i.jpg"} }, nil},
		{"a carried new value wins", allFields, func(a *article.Article) { a.Title, a.Image = "Нов", nil },
			func(a *article.Article) { a.Title, a.Image = "Нов", nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := clone(cur)
			tc.edit(&want)
			exp := clone(cur)
			if tc.want != nil {
				tc.want(&exp)
			}
			merge(&want, &cur, tc.carries)
			if d := compare("merge", exp, want); len(d) > 0 || want.PublishedAt.Location().String() != cur.PublishedAt.Location().String() {
				t.Errorf("merge: %v (zone %v)", d, want.PublishedAt.Location())
			}
		})
	}
}

func TestLanguageIsAHint(t *testing.T) {
	for _, tc := range []struct {
		publisher, channel, want string
	}{{"", "en-US", "en-US"}, {"bg", "en-US", "bg"}, {"", "", "bg"}, {"", "nonsense!", "bg"}, {"de", "", "de"}} {
		if got := (Options{Language: tc.publisher}).language(tc.channel); got != tc.want {
			t.Errorf("publisher %q, channel %q: %q, want %q", tc.publisher, tc.channel, got, tc.want)
		}
	}
}
