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

// rssChannel is gorilla's channel plus atom:link (self, hub, next) and the
// items, already rendered (rssItems.go), spliced in after the links: the
// channel is gorilla's struct encoded by encoding/xml, the items are bytes.
type rssChannel struct {
	feeds.RssFeed
	Links []rssAtomLink `xml:"atom:link"`
	Items []byte        `xml:",innerxml"`
}

// rssAtomLink is atom:link inside RSS.
type rssAtomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

// RenderRSS writes p as RSS 2.0.
func (s *Site) RenderRSS(w io.Writer, p *Page) error {
	self := s.self(p, RSS)
	ch := &rssChannel{
		RssFeed: feeds.RssFeed{
			Title:         article.XMLText(s.Title(p.Key)),
			Link:          s.URL,
			Description:   article.XMLText(s.Description(p.Key)),
			Language:      s.Language,
			LastBuildDate: s.date(updated(p), time.RFC1123Z),
			Generator:     "syndicate (github.com/gorilla/feeds)",
			Ttl:           int(s.TTL / time.Minute),
		},
		Links: make([]rssAtomLink, 0, 3),
	}
	if s.LogoURL != "" {
		ch.Image = &feeds.RssImage{Url: s.LogoURL, Title: ch.Title, Link: s.URL}
	}
	ch.Links = append(ch.Links, rssAtomLink{Href: self, Rel: "self", Type: "application/rss+xml"})
	if s.HubURL != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: s.HubURL, Rel: "hub"})
	}
	if p.Next != "" {
		ch.Links = append(ch.Links, rssAtomLink{Href: p.Next, Rel: "next", Type: "application/rss+xml"})
	}
	buf := getBuf()
	defer putBuf(buf)
	var err error
	if *buf, err = s.appendItems(*buf, RSS, p.Articles); err != nil {
		return err
	}
	ch.Items = *buf
	doc := rssDoc{Version: "2.0", NSContent: nsContent, NSAtom: nsAtom, NSDC: nsDC, NSMedia: nsMedia, Channel: ch}
	return encodeXML(w, &doc)
}

// date formats t in the publisher's zone.
func (s *Site) date(t time.Time, layout string) string {
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
