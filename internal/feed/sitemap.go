package feed

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Google News sitemap limits: articles of the last two days, at most 1,000.
const (
	SitemapWindow = 48 * time.Hour
	SitemapMax    = 1000
)

const (
	nsSitemap = "http://www.sitemaps.org/schemas/sitemap/0.9"
	nsNews    = "http://www.google.com/schemas/sitemap-news/0.9"
)

// sitemapDoc is a Google News sitemap; gorilla/feeds has no such format.
type sitemapDoc struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NSNews  string       `xml:"xmlns:news,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc  string      `xml:"loc"`
	News sitemapNews `xml:"news:news"`
}

type sitemapNews struct {
	Publication     sitemapPublication `xml:"news:publication"`
	PublicationDate string             `xml:"news:publication_date"`
	Title           string             `xml:"news:title"`
}

type sitemapPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

// InSitemap reports whether a belongs in the news sitemap at now: public
// and published within SitemapWindow, not in the future.
func InSitemap(a *article.Article, now time.Time) bool {
	t := published(a)
	return a.Public() && !t.After(now) && now.Sub(t) <= SitemapWindow
}

// RenderSitemap writes the news sitemap of articles, which the caller
// selected with InSitemap, newest first, at most SitemapMax of them.
func (s *Channel) RenderSitemap(w io.Writer, articles []article.Article) error {
	if len(articles) > SitemapMax {
		articles = articles[:SitemapMax]
	}
	doc := sitemapDoc{NS: nsSitemap, NSNews: nsNews, URLs: make([]sitemapURL, len(articles))}
	pub := sitemapPublication{Name: article.DropXMLForbidden(s.Name), Language: s.Language}
	for i := range articles {
		a := &articles[i]
		doc.URLs[i] = sitemapURL{Loc: s.link(a), News: sitemapNews{
			Publication:     pub,
			PublicationDate: s.date(published(a), time.RFC3339),
			Title:           article.DropXMLForbidden(a.Title),
		}}
	}
	return encodeXML(w, &doc)
}
