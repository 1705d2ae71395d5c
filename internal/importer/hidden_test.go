package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// boltSink is the newsroom Service on a fresh bolt file, and that store.
func boltSink(t *testing.T) (ServiceSink, *bolt.Store) {
	t.Helper()
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return ServiceSink{Service: newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})}, st
}

const secretText = "Тайният текст на поста"

// wxrDoc is a WXR export of site.example with the given items.
func wxrExport(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>С</title>
<link>https://site.example</link><language>bg-BG</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://site.example</wp:base_blog_url>` + strings.Join(items, "\n") + `</channel></rss>`
}

// wxrPost is one post of wxrDoc.
func wxrPost(id int, guid, status, password, title, body string) string {
	return fmt.Sprintf(`<item><title>%s</title><link>https://site.example/?p=%d</link><guid isPermaLink="false">%s</guid>
<content:encoded><![CDATA[%s]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date>2025-12-18 10:30:00</wp:post_date><wp:post_date_gmt>2025-12-18 08:30:00</wp:post_date_gmt>
<wp:status>%s</wp:status><wp:post_type>post</wp:post_type><wp:post_password><![CDATA[%s]]></wp:post_password></item>`,
		title, id, guid, body, id, status, password)
}

// restDoc is a page of the REST API's posts with a protected post, as
// WordPress answers a client without the password.
func restPosts(posts ...string) string { return "[" + strings.Join(posts, ",") + "]" }

func restPost(id int, guid string, protected bool, title, body string) string {
	return fmt.Sprintf(`{"id":%d,"date":"2025-12-18T10:30:00","date_gmt":"2025-12-18T08:30:00","guid":{"rendered":%q},
"status":"publish","type":"post","link":"https://site.example/?p=%d","title":{"rendered":%q},
"content":{"rendered":%q,"protected":%t},"excerpt":{"rendered":"","protected":%t}}`, id, guid, id, title, body, protected, protected)
}

// The password form WordPress puts in a protected post's feed content.
const passwordForm = `<form action="https://site.example/wp-login.php?action=postpass" class="post-password-form" method="post">
<p>This content is password protected. To view it please enter your password below:</p>
<p><label for="pwbox-7">Password: <input name="post_password" id="pwbox-7" type="password" size="20" /></label> <input type="submit" name="Submit" value="Enter" /></p></form>`

func rssItems(items ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>С</title><link>https://site.example</link><language>en-US</language>
<generator>https://wordpress.org/?v=6.1.9</generator>` + strings.Join(items, "\n") + `</channel></rss>`
}

func rssItem(guid, link, title, description, content string) string {
	return fmt.Sprintf(`<item><title>%s</title><link>%s</link><pubDate>Thu, 18 Dec 2025 08:30:00 +0000</pubDate>
<guid isPermaLink="false">%s</guid><description><![CDATA[%s]]></description><content:encoded><![CDATA[%s]]></content:encoded></item>`,
		title, link, guid, description, content)
}

// mustItems returns a parser's items, failing t on its error.
func mustItems(t *testing.T) func([]Item, error) []Item {
	return func(items []Item, err error) []Item {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
}

func feedItems(t *testing.T, doc string) []Item {
	t.Helper()
	p, err := ParseFeed([]byte(doc), "https://site.example/feed/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p.Items
}

// A password-protected post is never published, whichever way it comes:
// WXR (which carries the password and the full secretText text), the REST API
// and the feed (which carry an empty body or the password form). Its
// secretText text is stored nowhere; it is skipped and counted.
func TestPasswordProtectedPostsAreNeverPublished(t *testing.T) {
	sources := map[string][]Item{
		"WXR": mustItems(t)(ParseWXR(strings.NewReader(wxrExport(
			wxrPost(7, "https://site.example/?p=7", "publish", "tajna", "Скрит пост", "<p>"+secretText+"</p>"),
			wxrPost(8, "https://site.example/?p=8", "publish", "", "Открит пост", "<p>Открит текст</p>"),
		)), Options{})),
		"REST": mustItems(t)(ParseREST([]byte(restPosts(
			restPost(7, "https://site.example/?p=7", true, "Скрит пост", ""),
			restPost(8, "https://site.example/?p=8", false, "Открит пост", "<p>Открит текст</p>"),
		)), "https://site.example/wp-json/wp/v2/posts", Options{})),
		"RSS": feedItems(t, rssItems(
			rssItem("https://site.example/?p=7", "https://site.example/?p=7", "Protected: Скрит пост",
				"There is no excerpt because this is a protected post.", passwordForm),
			rssItem("https://site.example/?p=8", "https://site.example/?p=8", "Открит пост", "Открит текст", "<p>Открит текст</p>"),
		)),
		"RSS in Bulgarian, no form": feedItems(t, rssItems(
			rssItem("https://site.example/?p=7", "https://site.example/?p=7", "Защитено: Скрит пост", "", ""),
			rssItem("https://site.example/?p=8", "https://site.example/?p=8", "Открит пост", "Открит текст", "<p>Открит текст</p>"),
		)),
	}
	var ids []string
	for name, items := range sources {
		t.Run(name, func(t *testing.T) {
			if len(items) != 2 {
				t.Fatalf("%d items; want 2", len(items))
			}
			if items[0].Kind != KindProtected {
				t.Fatalf("protected post: kind %q; want %q", items[0].Kind, KindProtected)
			}
			if strings.Contains(fmt.Sprint(items[0]), secretText) {
				t.Errorf("the mapped item holds the secretText text: %+v", items[0])
			}
			ids = append(ids, items[0].Article.ID, items[1].Article.ID)
			sink, st := boltSink(t)
			sum, err := (&Importer{Sink: sink}).Run(context.Background(), items)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created != 1 || sum.Skipped[KindProtected] != 1 {
				t.Errorf("summary %s; want 1 created, 1 skipped as password-protected", sum.String())
			}
			if _, err := st.Get(context.Background(), items[0].Article.ID); err == nil {
				t.Errorf("the protected post was stored")
			}

			// A post imported while it was public and protected since is
			// withdrawn: made a draft, never left published.
			open := items[0]
			open.Kind, open.Article.Title, open.Article.Body, open.Article.Status = KindArticle, "Скрит пост", "<p>Бивш открит текст</p>", article.StatusPublished
			open.Article.PublishedAt = time.Date(2025, 12, 18, 8, 30, 0, 0, time.UTC)
			if _, err := (&Importer{Sink: sink}).Run(context.Background(), []Item{open}); err != nil {
				t.Fatal(err)
			}
			sum, _ = (&Importer{Sink: sink}).Run(context.Background(), items)
			got, err := st.Get(context.Background(), items[0].Article.ID)
			if err != nil || got.Status != article.StatusDraft {
				t.Errorf("after protection: status %q, %v; want a draft", got.Status, err)
			}
			if sum.Updated != 1 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Reason, "password") {
				t.Errorf("withdrawal: %s, warnings %v; want 1 updated and a warning", sum.String(), sum.Warnings)
			}
			sum, _ = (&Importer{Sink: sink}).Run(context.Background(), items)
			if sum.Updated != 0 || sum.Skipped[KindProtected] != 1 {
				t.Errorf("again: %s; want nothing written", sum.String())
			}
		})
	}
	for _, id := range ids[2:] {
		if id != ids[0] && id != ids[1] {
			t.Errorf("ids %v: one post must be one article whichever source", ids)
			break
		}
	}
}

// A private post stays a draft.
func TestPrivatePostIsADraft(t *testing.T) {
	items := mustItems(t)(ParseWXR(strings.NewReader(wxrExport(
		wxrPost(9, "https://site.example/?p=9", "private", "", "Личен", "<p>Личен текст</p>"))), Options{}))
	if items[0].Kind != KindArticle || items[0].Article.Status != article.StatusDraft || !items[0].Article.PublishedAt.IsZero() {
		t.Errorf("private post: %+v; want a draft", items[0])
	}
}

// WordPress keeps the GUID of a post it duplicates: two posts with one
// GUID are two articles, each the same whichever source reads it, and a
// second run changes nothing.
func TestDuplicatedGUIDsAreTwoArticles(t *testing.T) {
	g := "https://site.example/?p=10"
	wxr := mustItems(t)(ParseWXR(strings.NewReader(wxrExport(
		wxrPost(10, g, "publish", "", "Оригинал", "<p>Оригинал</p>"),
		wxrPost(11, g, "publish", "", "Копие", "<p>Копие</p>"))), Options{}))
	rest := mustItems(t)(ParseREST([]byte(restPosts(
		restPost(10, g, false, "Оригинал", "<p>Оригинал</p>"),
		restPost(11, g, false, "Копие", "<p>Копие</p>"))), "https://site.example/wp-json/wp/v2/posts", Options{}))
	feed := feedItems(t, rssItems(
		rssItem(g, "https://site.example/?p=11", "Копие", "Копие", "<p>Копие</p>"),
		rssItem(g, "https://site.example/?p=10", "Оригинал", "Оригинал", "<p>Оригинал</p>")))
	if wxr[0].Article.ID == wxr[1].Article.ID {
		t.Fatal("two posts, one GUID: one ID")
	}
	if rest[0].Article.ID != wxr[0].Article.ID || rest[1].Article.ID != wxr[1].Article.ID ||
		feed[1].Article.ID != wxr[0].Article.ID || feed[0].Article.ID != wxr[1].Article.ID {
		t.Errorf("IDs differ by source: WXR %s %s, REST %s %s, RSS %s %s", wxr[0].Article.ID, wxr[1].Article.ID,
			rest[0].Article.ID, rest[1].Article.ID, feed[1].Article.ID, feed[0].Article.ID)
	}
	// The original keeps the ID its GUID always gave, so articles
	// imported before keep theirs.
	if wxr[0].Article.ID != ArticleID("https://site.example", g) {
		t.Errorf("the original's ID changed")
	}
}

// A feed whose items share one GUID (a CMS bug, or a generator's): each
// item is one article, on every path (one page, all pages, WXR by URL, a
// file); a second run writes nothing; an item repeated whole is imported
// once.
func TestSharedGUIDOneItemOneArticle(t *testing.T) {
	var items []string
	for i := range 50 {
		items = append(items, rssItem("shared-guid", fmt.Sprintf("https://site.example/story-%d/", i),
			fmt.Sprintf("Новина %d", i), "Текст", fmt.Sprintf("<p>Текст %d</p>", i)))
	}
	items = append(items, items[3]) // the same item twice
	doc := rssItems(items...)
	wxrDup := wxrExport(wxrPost(20, "https://site.example/?p=20", "publish", "", "Две", "<p>Две</p>"),
		wxrPost(20, "https://site.example/?p=20", "publish", "", "Две", "<p>Две</p>"))
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/export.xml" {
			fmt.Fprint(w, wxrDup)
			return
		}
		fmt.Fprint(w, doc)
	}))
	defer hs.Close()
	for _, tc := range []struct {
		name, src string
		opts      Options
		created   int
	}{
		{"one page", hs.URL + "/feed/", Options{}, 50},
		{"all pages", hs.URL + "/feed/", Options{AllPages: true, MaxPages: 1}, 50},
		{"WXR by URL", hs.URL + "/export.xml", Options{}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loaded := load(t, tc.src, tc.opts)
			sink, _ := boltSink(t)
			im := &Importer{Sink: sink, Workers: 8}
			sum, err := im.Run(context.Background(), loaded.Items)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Created != tc.created || sum.Updated != 0 || len(sum.Failed) != 0 {
				t.Errorf("first run: %s; want %d created, 0 failed", sum.String(), tc.created)
			}
			sum, _ = im.Run(context.Background(), load(t, tc.src, tc.opts).Items)
			if sum.Created != 0 || sum.Updated != 0 || sum.Unchanged != tc.created || len(sum.Failed) != 0 {
				t.Errorf("second run: %s; want %d unchanged and nothing else", sum.String(), tc.created)
			}
		})
	}
	// Items handed to Run directly with one ID: one write, never a race.
	it := Item{Kind: KindArticle, Ref: "x", Article: article.Article{ID: ArticleID("s", "k"), Title: "Т", Body: "<p>Т</p>", Status: article.StatusPublished}}
	sink, _ := boltSink(t)
	sum, _ := (&Importer{Sink: sink, Workers: 8}).Run(context.Background(), []Item{it, it, it, it})
	if sum.Created != 1 || sum.Skipped[KindDuplicate] != 3 || len(sum.Failed) != 0 {
		t.Errorf("Run with one ID four times: %s; want 1 created, 3 duplicates", sum.String())
	}
}
