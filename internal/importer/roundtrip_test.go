package importer

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Articles exported by one instance through its RSS, Atom and JSON feeds
// and imported into another are the same articles, as far as each format
// carries them.
func TestRoundTripThroughOwnFeeds(t *testing.T) {
	src, srcBase := service(t)
	ctx := context.Background()
	writer := apiImporter(srcBase)
	sofia := time.FixedZone("", 2*3600)
	var items []Item
	for i := range 27 {
		a := article.Article{
			ID:          fmt.Sprintf("rt-%02d", i),
			Title:       fmt.Sprintf("Статия %d: „кавички“ & <символи>", i),
			Lead:        fmt.Sprintf("Резюме на статия %d.", i),
			Body:        fmt.Sprintf(`<p>Текст %d с <a href="/vrazka/%d">връзка</a> и <em>курсив</em>.</p>`, i, i),
			PublishedAt: time.Date(2025, 12, 1, 8, i, 0, 0, sofia),
			Authors:     []article.Author{{Name: "Иван Петров", URL: "https://news.example.bg/avtori/ivan"}, {Name: "Мария Георгиева"}},
			Section:     []string{"Свят", "България", "Спорт"}[i%3],
			Tags:        []string{"НАТО", fmt.Sprintf("тема %d", i)},
			Image: &article.Image{URL: fmt.Sprintf("https://news.example.bg/media/%d.jpg", i), Width: 1200, Height: 800,
				Alt: "Снимка " + fmt.Sprint(i), Credit: "Снимка: БГНЕС"},
			Language: "bg",
			Status:   article.StatusPublished,
		}
		items = append(items, Item{Kind: KindArticle, Ref: a.ID, Article: a})
	}
	if sum, err := writer.Run(ctx, items); err != nil || sum.Created != len(items) {
		t.Fatalf("seeding the source: %v, %s", err, sum.String())
	}
	page, err := src.Store.List(ctx, article.ListOptions{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var want []article.Article
	for _, a := range page.Articles {
		if a.Public() {
			want = append(want, a)
		}
	}

	for _, format := range []string{"rss.xml", "atom.xml", "feed.json"} {
		t.Run(format, func(t *testing.T) {
			dst, dstBase := service(t)
			loaded := load(t, srcBase+"/feeds/"+format, Options{AllPages: true})
			if loaded.Pages < 2 {
				t.Errorf("read %d page(s); want the archive followed", loaded.Pages)
			}
			sum, err := apiImporter(dstBase).Run(ctx, loaded.Items)
			if err != nil || len(sum.Failed) > 0 {
				t.Fatalf("%v %s %v", err, sum.String(), sum.Failed)
			}
			if sum.Created != len(want) {
				t.Errorf("created %d; want the %d public articles of the source", sum.Created, len(want))
			}
			byURL := map[string]article.Article{}
			for _, it := range loaded.Items {
				got, err := dst.Store.Get(ctx, it.Article.ID)
				if err != nil {
					t.Fatal(err)
				}
				byURL[got.URL] = got
			}
			for _, w := range want {
				g, ok := byURL[w.URL]
				if !ok {
					t.Errorf("%s (%s) did not come across", w.ID, w.URL)
					continue
				}
				diff := compare(format, w, g)
				if len(diff) > 0 {
					t.Errorf("%s came across changed: %v", w.ID, diff)
				}
			}
			// Once more: nothing to do.
			again, err := apiImporter(dstBase).Run(ctx, loaded.Items)
			if err != nil || again.Unchanged != len(want) {
				t.Errorf("second import: %v %s; want all unchanged", err, again.String())
			}
		})
	}
}

// compare lists what differs between the exported article w and the
// imported g, for what format carries.
func compare(format string, w, g article.Article) []string {
	var d []string
	check := func(field string, same bool, a, b any) {
		if !same {
			d = append(d, fmt.Sprintf("%s: %v -> %v", field, a, b))
		}
	}
	check("title", w.Title == g.Title, w.Title, g.Title)
	check("lead", w.Lead == g.Lead, w.Lead, g.Lead)
	check("body", w.Body == g.Body, w.Body, g.Body)
	check("publishedAt", w.PublishedAt.Equal(g.PublishedAt), w.PublishedAt, g.PublishedAt)
	check("section", w.Section == g.Section, w.Section, g.Section)
	check("tags", slices.Equal(w.Tags, g.Tags), w.Tags, g.Tags)
	check("status", w.Status == g.Status, w.Status, g.Status)
	check("source", w.Source == g.Source, w.Source, g.Source)
	names := func(as []article.Author) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return out
	}
	check("authors", slices.Equal(names(w.Authors), names(g.Authors)), w.Authors, g.Authors)
	if format != "rss.xml" { // dc:creator has no URL
		check("author URLs", slices.Equal(w.Authors, g.Authors), w.Authors, g.Authors)
	}
	switch {
	case w.Image == nil || g.Image == nil:
		check("image", w.Image == nil && g.Image == nil, w.Image, g.Image)
	case format == "feed.json": // image is a URL only
		check("image", w.Image.URL == g.Image.URL, w.Image.URL, g.Image.URL)
	default:
		check("image", *w.Image == *g.Image, *w.Image, *g.Image)
	}
	return d
}
