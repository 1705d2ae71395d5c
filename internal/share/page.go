package share

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Audience says who a share page is for. The share route serves the
// Crawler page to everyone, so that one public copy per edge serves all
// (see shareapi's page handler); Person is the page for a browser without
// scripts where no shared cache stands in front.
type Audience int

const (
	// Crawler pages carry no meta refresh, so a crawler that follows one
	// (Facebook's does) stays on the card. They still carry the tiny
	// redirect script: crawlers that run scripts (Googlebot, Applebot)
	// land on the canonical article, which is what they should index, and
	// a person served a cached crawler page is still sent on.
	Crawler Audience = iota
	// Person pages add <meta http-equiv="refresh">, so a browser without
	// scripts is sent on too.
	Person
)

// bufPool keeps page buffers between requests: a page is a few KB and
// written once per request.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

// WritePage writes the share page of a public article a for aud to w.
func (s *Site) WritePage(w io.Writer, a *article.Article, aud Audience) error {
	bp := bufPool.Get().(*[]byte)
	b, err := s.AppendPage((*bp)[:0], a, aud)
	if err == nil {
		_, err = w.Write(b)
	}
	*bp = b
	bufPool.Put(bp)
	if err != nil {
		return fmt.Errorf("share: write page %q: %w", a.ID, err)
	}
	return nil
}

// AppendPage appends the share page of a for aud to b. The metadata comes
// first in <head>, well inside the 32 KB Slack reads.
func (s *Site) AppendPage(b []byte, a *article.Article, aud Audience) ([]byte, error) {
	m := s.Meta(a)
	og, tw := m.Image, m.TwitterImage
	canonical := m.Canonical

	b = append(b, "<!DOCTYPE html>\n<html lang=\""...)
	b = appendAttr(b, s.Language)
	b = append(b, "\" prefix=\"og: https://ogp.me/ns# article: https://ogp.me/ns/article#\">\n<head>\n<meta charset=\"utf-8\">\n<title>"...)
	b = appendText(b, m.Title)
	b = append(b, "</title>\n"...)
	b = meta(b, "name", "description", m.MetaDescription)
	if m.Author != "" {
		// The byline by name, which metascraper, unfurl.js and most
		// unfurlers read first; article:author below is Facebook's
		// profile URL when the author has one.
		b = meta(b, "name", "author", m.Author)
	}
	b = link(b, "canonical", "", canonical)
	if aud == Person {
		b = append(b, "<meta http-equiv=\"refresh\" content=\"0;url="...)
		b = appendAttr(b, canonical)
		b = append(b, "\">\n"...)
	}
	b = meta(b, "property", "og:type", "article")
	b = meta(b, "property", "og:title", m.Title)
	b = meta(b, "property", "og:description", m.Description)
	b = meta(b, "property", "og:url", m.ShareURL)
	b = meta(b, "property", "og:site_name", m.SiteName)
	b = meta(b, "property", "og:locale", m.Locale)
	b = meta(b, "property", "og:image", og.URL)
	if strings.HasPrefix(og.URL, "https:") {
		b = meta(b, "property", "og:image:secure_url", og.URL)
	}
	if og.Type != "" {
		b = meta(b, "property", "og:image:type", og.Type)
	}
	b = meta(b, "property", "og:image:width", strconv.Itoa(og.Width))
	b = meta(b, "property", "og:image:height", strconv.Itoa(og.Height))
	b = meta(b, "property", "og:image:alt", og.Alt)
	if !m.Published.IsZero() {
		b = meta(b, "property", "article:published_time", m.Published.Format(time.RFC3339))
	}
	if m.Section != "" {
		b = meta(b, "property", "article:section", m.Section)
	}
	for _, t := range m.Tags {
		b = meta(b, "property", "article:tag", t)
	}
	for _, v := range m.Authors {
		b = meta(b, "property", "article:author", v)
	}
	b = meta(b, "name", "twitter:card", m.TwitterCard)
	b = meta(b, "name", "twitter:title", m.TwitterTitle)
	b = meta(b, "name", "twitter:description", m.Description)
	b = meta(b, "name", "twitter:image", tw.URL)
	b = meta(b, "name", "twitter:image:alt", tw.Alt)
	if m.TwitterSite != "" {
		b = meta(b, "name", "twitter:site", m.TwitterSite)
	}
	for _, c := range m.FediverseCreators {
		b = meta(b, "name", "fediverse:creator", c)
	}
	b = link(b, "alternate", "application/json+oembed", m.OEmbedURL)
	b = link(b, "alternate", "application/rss+xml", s.rssURL())
	b = link(b, "alternate", "application/atom+xml", s.atomURL())
	b = append(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<script type=\"application/ld+json\">"...)
	ld, err := json.Marshal(s.newsArticle(a, &m))
	if err != nil {
		return b, fmt.Errorf("share: JSON-LD of %q: %w", a.ID, err)
	}
	// json.Marshal escapes <, > and & as \u003c, \u003e, \u0026 (and
	// U+2028/2029), so no value can close the script element.
	b = append(b, ld...)
	b = append(b, "</script>\n<style>body{font:18px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}img{max-width:100%;height:auto}</style>\n</head>\n<body>\n<main>\n<h1>"...)
	b = appendText(b, m.FullTitle)
	b = append(b, "</h1>\n"...)
	if m.Lead != "" {
		b = append(b, "<p>"...)
		b = appendText(b, m.Lead)
		b = append(b, "</p>\n"...)
	}
	credited := s.showsPhoto(a, og)
	if credited {
		b = append(b, "<figure>\n"...)
	}
	b = append(b, "<img src=\""...)
	b = appendAttr(b, og.URL)
	b = append(b, "\" alt=\""...)
	b = appendAttr(b, og.Alt)
	b = append(b, "\" width=\""...)
	b = strconv.AppendInt(b, int64(og.Width), 10)
	b = append(b, "\" height=\""...)
	b = strconv.AppendInt(b, int64(og.Height), 10)
	b = append(b, "\">\n"...)
	if credited {
		b = append(b, "<figcaption>"...)
		b = appendText(b, m.Credit)
		b = append(b, "</figcaption>\n</figure>\n"...)
	}
	b = append(b, "<p><a href=\""...)
	b = appendAttr(b, canonical)
	b = append(b, "\">Прочетете статията в "...)
	b = appendText(b, m.SiteName)
	b = append(b, "</a></p>\n</main>\n<script>"...)
	// The script forwards the share link's query (utm_*) to the article;
	// the target itself is fixed here, never taken from the request.
	js, err := json.Marshal(canonical)
	if err != nil {
		return b, fmt.Errorf("share: redirect of %q: %w", a.ID, err)
	}
	b = append(b, "(function(u,q){location.replace(q?u+(u.indexOf(\"?\")<0?\"?\":\"&\")+q.slice(1):u)})("...)
	b = append(b, js...)
	b = append(b, ",location.search)</script>\n</body>\n</html>\n"...)
	return b, nil
}

// showsPhoto reports whether im, one of a's page images, shows a's
// credited photo: the photo itself, or the card when it draws the photo
// (CreditedCard). Its credit goes with it, visible and in JSON-LD.
func (s *Site) showsPhoto(a *article.Article, im Image) bool {
	if Credit(a) == "" {
		return false
	}
	return im.URL == safeURL(a.Image.URL) || (im.URL == s.CardURL(a) && s.CreditedCard(a))
}

// meta appends <meta attr="key" content="value">.
func meta(b []byte, attr, key, value string) []byte {
	b = append(b, "<meta "...)
	b = append(b, attr...)
	b = append(b, "=\""...)
	b = append(b, key...)
	b = append(b, "\" content=\""...)
	b = appendAttr(b, value)
	return append(b, "\">\n"...)
}

// link appends <link rel="rel" type="typ" href="href">; href must already
// be a safe URL.
func link(b []byte, rel, typ, href string) []byte {
	b = append(b, "<link rel=\""...)
	b = append(b, rel...)
	if typ != "" {
		b = append(b, "\" type=\""...)
		b = append(b, typ...)
	}
	b = append(b, "\" href=\""...)
	b = appendAttr(b, href)
	return append(b, "\">\n"...)
}

// newsArticle is the schema.org NewsArticle of a, a wire format of its own:
// it keeps the full title and lead that the meta tags trim. Its images
// are ImageObjects carrying the photo's credit (creditText: whom the
// credit line names); no copyrightHolder is claimed, as a credit line
// names whom to credit, not who holds the rights.
func (s *Site) newsArticle(a *article.Article, m *Meta) ldArticle {
	loc := s.loc()
	ld := ldArticle{
		Context:     "https://schema.org",
		Type:        "NewsArticle",
		Headline:    m.FullTitle,
		Description: m.Lead,
		URL:         m.Canonical,
		MainEntity:  m.Canonical,
		InLanguage:  a.Language,
		Section:     article.OneLine(a.Section),
		Publisher:   ldOrg{Type: "NewsMediaOrganization", Name: article.OneLine(s.Name), URL: s.URL + "/"},
	}
	// og:image, twitter:image and the photo itself (Google takes the
	// largest it can use), each once.
	images := []Image{m.Image, m.TwitterImage}
	if im := a.Image; im != nil && safeURL(im.URL) != "" {
		images = append(images, Image{URL: safeURL(im.URL), Width: im.Width, Height: im.Height})
	}
	for i, im := range images {
		if slices.ContainsFunc(images[:i], func(o Image) bool { return o.URL == im.URL }) {
			continue
		}
		obj := ldImage{Type: "ImageObject", URL: im.URL, Width: im.Width, Height: im.Height}
		if s.showsPhoto(a, im) {
			obj.CreditText = CreditText(m.Credit)
		}
		ld.Image = append(ld.Image, obj)
	}
	if !a.PublishedAt.IsZero() {
		ld.DatePublished = a.PublishedAt.In(loc).Format(time.RFC3339)
	}
	if logo := safeURL(s.LogoURL); logo != "" {
		ld.Publisher.Logo = &ldImage{Type: "ImageObject", URL: logo}
	}
	for _, au := range a.Authors {
		if n := article.OneLine(au.Name); n != "" {
			ld.Author = append(ld.Author, ldPerson{Type: "Person", Name: n, URL: safeURL(au.URL)})
		}
	}
	if len(ld.Author) == 0 {
		// Google wants an author; a story without a byline is the
		// publication's.
		ld.Author = append(ld.Author, ldPerson{Type: "Organization", Name: article.OneLine(s.Name), URL: s.URL + "/"})
	}
	for _, t := range a.Tags {
		if t = article.OneLine(t); t != "" {
			ld.Keywords = append(ld.Keywords, t)
		}
	}
	return ld
}

// ldArticle and friends are the JSON-LD wire format.
type ldArticle struct {
	Context       string     `json:"@context"`
	Type          string     `json:"@type"`
	Headline      string     `json:"headline"`
	Description   string     `json:"description,omitempty"`
	URL           string     `json:"url"`
	MainEntity    string     `json:"mainEntityOfPage"`
	Image         []ldImage  `json:"image"`
	DatePublished string     `json:"datePublished,omitempty"`
	Author        []ldPerson `json:"author"`
	Publisher     ldOrg      `json:"publisher"`
	Section       string     `json:"articleSection,omitempty"`
	Keywords      []string   `json:"keywords,omitempty"`
	InLanguage    string     `json:"inLanguage,omitempty"`
}

type ldPerson struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldOrg struct {
	Type string   `json:"@type"`
	Name string   `json:"name"`
	URL  string   `json:"url"`
	Logo *ldImage `json:"logo,omitempty"`
}

type ldImage struct {
	Type       string `json:"@type"`
	URL        string `json:"url"`
	Width      int    `json:"width,omitempty"`
	Height     int    `json:"height,omitempty"`
	CreditText string `json:"creditText,omitempty"`
}

// authorNames is the byline: the authors' names, one line each, joined by
// ", ", or the source (an agency) without one, as oEmbed's author_name.
func authorNames(a *article.Article) string {
	var b strings.Builder
	for _, au := range a.Authors {
		if n := article.OneLine(au.Name); n != "" {
			if b.Len() > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n)
		}
	}
	if b.Len() == 0 {
		return article.OneLine(a.Source)
	}
	return b.String()
}
