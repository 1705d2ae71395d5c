package share

import (
	"slices"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Meta is what a share page tells crawlers about an article: the values of
// its <title>, OpenGraph, Twitter and oEmbed data, computed once. The page
// (AppendPage) writes exactly these, and the preview studio draws its
// mock-ups and checks from them, so the two cannot drift.
type Meta struct {
	// FullTitle and Lead are the article's title and lead on one line,
	// untrimmed (JSON-LD, the page's body).
	FullTitle string
	Lead      string
	// Title is og:title and <title>: FullTitle trimmed to TitleMax.
	Title string
	// Description is og:description and twitter:description: Lead
	// trimmed to DescriptionMax; MetaDescription is <meta name=description>.
	Description     string
	MetaDescription string
	// TwitterTitle is twitter:title, trimmed to TwitterTitleMax;
	// TwitterCard is twitter:card.
	TwitterTitle string
	TwitterCard  string
	TwitterSite  string
	// ShareURL is og:url, the address that is shared; Canonical is
	// <link rel=canonical>, where people are sent.
	ShareURL  string
	Canonical string
	SiteName  string
	Locale    string
	// Image is og:image, TwitterImage twitter:image.
	Image        Image
	TwitterImage Image
	// Credit is the photo's credit line ("Снимка: EPA/BGNES"), shown
	// under the page's image and, as JSON-LD creditText, in its metadata;
	// "" without one.
	Credit string
	// Author is <meta name=author>: the byline, or the source.
	Author string
	// Section is article:section; Tags the article:tag values; Authors
	// the article:author values: one author's profile URL, else name
	// (Facebook's form), and for two or more authors one value naming
	// them all, as open-graph-scraper keeps only the last article:author
	// tag (its articleAuthor is a single field).
	Section string
	Tags    []string
	Authors []string
	// Published is article:published_time (and JSON-LD datePublished) in
	// the site's zone; zero when unset. The page carries no modified time:
	// metascraper's date takes any modified time (JSON-LD dateModified,
	// article:modified_time) before the publication time, so the preview
	// would date the story by its last save, not when it was published,
	// which is the date its card shows (docs/unfurlers.md).
	Published time.Time
	// OEmbedURL is the oEmbed discovery link (its answer is NewOEmbed).
	OEmbedURL string
	// FediverseCreators are the fediverse:creator tags: the authors'
	// addresses, in byline order, then the newsroom's account. Mastodon
	// credits the first whose account lists the site's domain.
	FediverseCreators []string
}

// Meta computes the share page data of a.
func (s *Site) Meta(a *article.Article) Meta {
	loc := s.loc()
	m := Meta{
		FullTitle:    article.OneLine(a.Title),
		Lead:         article.OneLine(a.Lead),
		TwitterCard:  "summary_large_image",
		TwitterSite:  article.OneLine(s.TwitterSite),
		ShareURL:     s.ShareURL(a),
		Canonical:    s.CanonicalURL(a),
		SiteName:     article.OneLine(s.Name),
		Locale:       s.Locale,
		Image:        s.OGImage(a),
		TwitterImage: s.TwitterImage(a),
		Author:       authorNames(a),
		Credit:       Credit(a),
		Section:      article.OneLine(a.Section),
		OEmbedURL:    s.OEmbedURL(a),
	}
	for _, au := range a.Authors {
		if c := article.OneLine(au.Fediverse); c != "" && !slices.Contains(m.FediverseCreators, c) {
			m.FediverseCreators = append(m.FediverseCreators, c)
		}
	}
	if c := article.OneLine(s.FediverseCreator); c != "" {
		m.FediverseCreators = append(m.FediverseCreators, c)
	}
	m.Title = Trim(m.FullTitle, TitleMax)
	m.Description = Trim(m.Lead, DescriptionMax)
	m.MetaDescription = Trim(m.Lead, MetaDescriptionMax)
	m.TwitterTitle = Trim(m.FullTitle, TwitterTitleMax)
	if !a.PublishedAt.IsZero() {
		m.Published = a.PublishedAt.In(loc)
	}
	if len(a.Tags) > 0 {
		m.Tags = make([]string, 0, len(a.Tags))
	}
	for _, t := range a.Tags {
		if t = article.OneLine(t); t != "" {
			m.Tags = append(m.Tags, t)
		}
	}
	for _, au := range a.Authors {
		v := safeURL(au.URL)
		if v == "" {
			v = article.OneLine(au.Name)
		}
		if v != "" {
			m.Authors = append(m.Authors, v)
		}
	}
	if len(m.Authors) > 1 {
		m.Authors = []string{m.Author}
	}
	return m
}
