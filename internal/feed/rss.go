package feed

import (
	"encoding/xml"
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

// Namespaces of the RSS extensions used.
const (
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsMedia   = "http://search.yahoo.com/mrss/"
)

// rssDoc is the <rss> element. gorilla's RssFeedXml declares only the
// content namespace, so the root is ours; the channel and items embed
// gorilla's structs.
type rssDoc struct {
	XMLName   xml.Name    `xml:"rss"`
	Version   string      `xml:"version,attr"`
	NSContent string      `xml:"xmlns:content,attr"`
	NSAtom    string      `xml:"xmlns:atom,attr"`
	NSDC      string      `xml:"xmlns:dc,attr"`
	NSMedia   string      `xml:"xmlns:media,attr"`
	Channel   *rssChannel `xml:"channel"`
}

// rssChannel is gorilla's channel plus atom:link (self, hub, next). Its
// Items hide gorilla's, so the links come before the items.
type rssChannel struct {
	feeds.RssFeed
	Links []rssAtomLink `xml:"atom:link"`
	Items []rssItem     `xml:"item"`
}

// rssAtomLink is atom:link inside RSS.
type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// rssItem is gorilla's item plus one category per section and tag (hiding
// gorilla's single Category), one dc:creator with every author's name in
// order (RSS <author> must be an e-mail address; Miniflux and Python
// feedparser keep only the last of several dc:creator), dc:source for the
// agency credit (RSS's <source> must name the agency's feed URL, which is
// not known) and media:content for the main image.
type rssItem struct {
	feeds.RssItem
	Categories []string      `xml:"category"`
	Creator    string        `xml:"dc:creator,omitempty"`
	Source     string        `xml:"dc:source,omitempty"`
	Media      *mediaContent `xml:"media:content"`
}

// mediaContent is Media RSS's media:content for an image, in RSS and Atom.
type mediaContent struct {
	URL         string     `xml:"url,attr"`
	Medium      string     `xml:"medium,attr"`
	Type        string     `xml:"type,attr"`
	Width       int        `xml:"width,attr,omitempty"`
	Height      int        `xml:"height,attr,omitempty"`
	Credit      *mediaText `xml:"media:credit"`
	Description *mediaText `xml:"media:description"`
}

// mediaText is a media:credit or media:description.
type mediaText struct {
	Role string `xml:"role,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

// newMedia is the media:content of a's main image, or nil without one.
func newMedia(img *article.Image) *mediaContent {
	if img == nil || img.URL == "" {
		return nil
	}
	m := &mediaContent{URL: img.URL, Medium: "image", Type: imageType(img.URL), Width: img.Width, Height: img.Height}
	if img.Credit != "" {
		m.Credit = &mediaText{Role: "photographer", Text: article.DropXMLForbidden(img.Credit)}
	}
	if img.Alt != "" {
		m.Description = &mediaText{Type: "plain", Text: article.DropXMLForbidden(img.Alt)}
	}
	return m
}

// RenderRSS writes p as RSS 2.0.
func (s *Channel) RenderRSS(w io.Writer, p *Document) error {
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:         article.DropXMLForbidden(s.Title(p.Key)),
			Link:          s.URL,
			Description:   article.DropXMLForbidden(s.Description(p.Key)),
			Language:      s.Language,
			LastBuildDate: s.date(updated(p), time.RFC1123Z),
			Generator:     "syndicate (github.com/gorilla/feeds)",
			Ttl:           int(s.TTL / time.Minute),
		},
		Links: make([]rssAtomLink, 0, 3),
		Items: make([]rssItem, len(p.Articles)),
	}
	if s.LogoURL != "" {
		ch.Image = &feeds.RssImage{Url: s.LogoURL, Title: ch.Title, Link: s.URL}
	}
	ch.Links = append(ch.Links, rssAtomLink{Href: s.self(p, RSS), Rel: "self", Type: "application/rss+xml"})
	if s.HubURL != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: s.HubURL, Rel: "hub"})
	}
	if p.Next != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: p.Next, Rel: "next", Type: "application/rss+xml"})
	}
	prefix := s.tagPrefix()
	for i := range p.Articles {
		s.rssItem(&ch.Items[i], &p.Articles[i], prefix)
	}
	doc := rssDoc{Version: "2.0", NSContent: nsContent, NSAtom: nsAtom, NSDC: nsDC, NSMedia: nsMedia, Channel: ch}
	return encodeXML(w, &doc)
}

func (s *Channel) rssItem(it *rssItem, a *article.Article, prefix string) {
	it.Title = article.DropXMLForbidden(a.Title)
	it.Link = s.link(a)
	it.Description = article.DropXMLForbidden(a.Lead)
	if c := contentHTML(a); c != "" {
		it.Content = &feeds.RssContent{Content: c}
	}
	it.Guid = &feeds.RssGuid{Id: prefix + "article:" + a.ID, IsPermaLink: "false"}
	it.PubDate = s.date(published(a), time.RFC1123Z)
	it.Categories = categoryNames(a)
	it.Creator = byline(a)
	it.Source = article.DropXMLForbidden(a.Source)
	if it.Media = newMedia(a.Image); it.Media != nil {
		it.Enclosure = &feeds.RssEnclosure{Url: it.Media.URL, Length: "0", Type: it.Media.Type}
	}
}

// date formats t in the publisher's zone.
func (s *Channel) date(t time.Time, layout string) string {
	if s.Location != nil {
		t = t.In(s.Location)
	}
	return t.Format(layout)
}

// encodeXML writes the XML declaration and v.
func encodeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
