package feed

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

// benchSizes are the feed lengths benchmarked: the default page, the
// target's 50 and the largest page.
var benchSizes = []int{20, 50, 100}

// BenchmarkRender renders realistic Bulgarian feeds (about 5 KB of HTML
// body per article) in each format, every item every time: the render of
// a feed that changed. The target is under 1 ms for 50. It leaves out the
// HTTP layer's document cache, which serves an unchanged feed without
// rendering.
func BenchmarkRender(b *testing.B) {
	for _, f := range Formats {
		for _, n := range benchSizes {
			p := &Document{Key: article.SiteFeed, Updated: fixedNow, Articles: realistic(b, n)}
			b.Run(f.String()+"/"+strconv.Itoa(n), func(b *testing.B) {
				site := testSite()
				var buf bytes.Buffer
				b.ReportAllocs()
				for b.Loop() {
					buf.Reset()
					if err := site.Render(&buf, f, p); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(buf.Len()))
			})
		}
	}
}

// BenchmarkGorilla renders the same articles through plain gorilla/feeds
// (its own model and encoders, indented as it does), for comparison.
func BenchmarkGorilla(b *testing.B) {
	for _, f := range Formats {
		for _, n := range benchSizes {
			gf := gorillaFeed(realistic(b, n))
			b.Run(f.String()+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					var err error
					switch f {
					case RSS:
						err = gf.WriteRss(io.Discard)
					case Atom:
						err = gf.WriteAtom(io.Discard)
					case JSON:
						err = gf.WriteJSON(io.Discard)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// gorillaFeed maps articles onto gorilla's own model, as a plain user of
// the library would.
func gorillaFeed(as []article.Article) *feeds.Feed {
	site := testSite()
	f := &feeds.Feed{
		Title:       site.Name,
		Link:        &feeds.Link{Href: site.URL},
		Description: site.Description(article.SiteFeed),
		Author:      &feeds.Author{Name: site.Name},
		Updated:     fixedNow,
	}
	for i := range as {
		a := &as[i]
		it := &feeds.Item{
			Title:       a.Title,
			Link:        &feeds.Link{Href: a.URL},
			Description: a.Lead,
			Id:          site.EntryID(a.ID),
			Created:     a.PublishedAt,
			Updated:     a.UpdatedAt,
			Content:     a.Body,
		}
		if len(a.Authors) > 0 {
			it.Author = &feeds.Author{Name: a.Authors[0].Name}
		}
		if a.Image != nil {
			it.Enclosure = &feeds.Enclosure{Url: a.Image.URL, Type: "image/jpeg", Length: "0"}
		}
		f.Items = append(f.Items, it)
	}
	return f
}
