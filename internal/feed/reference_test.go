package feed

// This file keeps the previous renderers, which encode every item with
// encoding/xml and encoding/json from structs embedding gorilla's RssItem,
// AtomEntry and JSONItem, as the oracle of the hand-written item writer
// (items.go, xmlwrite.go) and of the item cache: every render must be
// byte-identical to theirs.

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

// refRSSDoc is rssDoc with the reference channel.
type refRSSDoc struct {
	XMLName   xml.Name       `xml:"rss"`
	Version   string         `xml:"version,attr"`
	NSContent string         `xml:"xmlns:content,attr"`
	NSAtom    string         `xml:"xmlns:atom,attr"`
	NSDC      string         `xml:"xmlns:dc,attr"`
	NSMedia   string         `xml:"xmlns:media,attr"`
	Channel   *refRSSChannel `xml:"channel"`
}

// refRSSChannel is gorilla's channel plus atom:link (self, hub, next). Its
// Items hide gorilla's, so the links come before the items.
type refRSSChannel struct {
	feeds.RssFeed
	Links []rssAtomLink `xml:"atom:link"`
	Items []*refRSSItem `xml:"item"`
}

// refRSSItem is gorilla's item plus one category per section and tag (hiding
// gorilla's single Category), dc:creator for author names (RSS <author>
// must be an e-mail address) and media:content for the main image.
type refRSSItem struct {
	feeds.RssItem
	Categories []string         `xml:"category"`
	Creators   []string         `xml:"dc:creator"`
	Media      *refMediaContent `xml:"media:content"`
}

// refMediaContent is Media RSS's media:content for an image.
type refMediaContent struct {
	URL         string        `xml:"url,attr"`
	Medium      string        `xml:"medium,attr"`
	Type        string        `xml:"type,attr"`
	Width       int           `xml:"width,attr,omitempty"`
	Height      int           `xml:"height,attr,omitempty"`
	Credit      *refMediaText `xml:"media:credit"`
	Description *refMediaText `xml:"media:description"`
}

// refMediaText is a media:credit or media:description.
type refMediaText struct {
	Role string `xml:"role,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

// refRenderRSS writes p as RSS 2.0.
func (s *Site) refRenderRSS(w io.Writer, p *Page) error {
	self := s.self(p, RSS)
	ch := &refRSSChannel{
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
		Items: make([]*refRSSItem, len(p.Articles)),
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
	items := make([]refRSSItem, len(p.Articles))
	prefix := s.tagPrefix()
	for i := range p.Articles {
		s.refRSSItem(&items[i], &p.Articles[i], prefix)
		ch.Items[i] = &items[i]
	}
	doc := refRSSDoc{Version: "2.0", NSContent: nsContent, NSAtom: nsAtom, NSDC: nsDC, NSMedia: nsMedia, Channel: ch}
	return encodeXML(w, &doc)
}

func (s *Site) refRSSItem(it *refRSSItem, a *article.Article, prefix string) {
	it.Title = article.XMLText(a.Title)
	it.Link = s.link(a)
	it.Description = article.XMLText(a.Lead)
	if a.Body != "" {
		it.Content = &feeds.RssContent{Content: article.XMLText(a.Body)}
	}
	it.Guid = &feeds.RssGuid{Id: prefix + "article:" + a.ID, IsPermaLink: "false"}
	it.PubDate = s.date(published(a), time.RFC1123Z)
	it.Categories = categoryNames(a)
	if len(a.Authors) > 0 {
		it.Creators = make([]string, len(a.Authors))
		for i := range a.Authors {
			it.Creators[i] = article.XMLText(a.Authors[i].Name)
		}
	}
	if img := a.Image; img != nil && img.URL != "" {
		typ := imageType(img.URL)
		it.Enclosure = &feeds.RssEnclosure{Url: img.URL, Length: "0", Type: typ}
		it.Media = &refMediaContent{URL: img.URL, Medium: "image", Type: typ, Width: img.Width, Height: img.Height}
		if img.Credit != "" {
			it.Media.Credit = &refMediaText{Role: "photographer", Text: article.XMLText(img.Credit)}
		}
		if img.Alt != "" {
			it.Media.Description = &refMediaText{Type: "plain", Text: article.XMLText(img.Alt)}
		}
	}
}

// refAtomFeed is gorilla's feed plus xml:lang, the Media RSS namespace, a list
// of links (self, alternate, hub, next) hiding gorilla's single Link, and
// our entries hiding gorilla's.
type refAtomFeed struct {
	feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	NSMedia string           `xml:"xmlns:media,attr"`
	Links   []feeds.AtomLink `xml:"link"`
	Entries []*refAtomEntry  `xml:"entry"`
}

// refAtomEntry is gorilla's entry plus one category per section and tag, one
// author per byline (hiding gorilla's single ones), media:content for the
// main image, and content written as CDATA (see refAtomContent).
type refAtomEntry struct {
	feeds.AtomEntry
	Content    *refAtomContent    `xml:"content"`
	Categories []refAtomCategory  `xml:"category"`
	Authors    []feeds.AtomAuthor `xml:"author"`
	Media      *refMediaContent   `xml:"media:content"`
}

// refAtomContent is the full body, type="html". gorilla's AtomContent escapes
// it as character data; CDATA carries the same text with no per-character
// escaping, which is most of the render time of a feed of long bodies.
type refAtomContent struct {
	Type    string `xml:"type,attr"`
	Content string `xml:",cdata"`
}

// refAtomCategory is an Atom category: the slug as term, the display name as
// label, and the feed of that section or tag as scheme.
type refAtomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

// refRenderAtom writes p as Atom 1.0.
func (s *Site) refRenderAtom(w io.Writer, p *Page) error {
	f := &refAtomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    nsAtom,
			Title:    article.XMLText(s.Title(p.Key)),
			Id:       s.FeedID(p.Key),
			Updated:  s.date(updated(p), time.RFC3339),
			Subtitle: article.XMLText(s.Description(p.Key)),
			Logo:     s.LogoURL,
			// The feed's author covers entries without a byline, which
			// Atom requires of every entry one way or the other.
			Author: &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: article.XMLText(s.Name), Uri: s.URL}},
		},
		Lang:    s.Language,
		NSMedia: nsMedia,
		Links:   make([]feeds.AtomLink, 0, 4),
		Entries: make([]*refAtomEntry, len(p.Articles)),
	}
	f.Links = append(f.Links,
		feeds.AtomLink{Href: s.self(p, Atom), Rel: "self", Type: "application/atom+xml"},
		feeds.AtomLink{Href: s.URL, Rel: "alternate", Type: "text/html"})
	if s.HubURL != "" {
		f.Links = append(f.Links, feeds.AtomLink{Href: s.HubURL, Rel: "hub"})
	}
	if p.Next != "" {
		f.Links = append(f.Links, feeds.AtomLink{Href: p.Next, Rel: "next", Type: "application/atom+xml"})
	}
	entries := make([]refAtomEntry, len(p.Articles))
	prefix := s.tagPrefix()
	memo := make(slugs)
	for i := range p.Articles {
		s.refAtomEntry(&entries[i], &p.Articles[i], prefix, memo)
		f.Entries[i] = &entries[i]
	}
	return encodeXML(w, f)
}

func (s *Site) refAtomEntry(e *refAtomEntry, a *article.Article, prefix string, memo slugs) {
	e.Title = article.XMLText(a.Title)
	e.Id = prefix + "article:" + a.ID
	e.Published = s.date(published(a), time.RFC3339)
	e.Updated = s.date(modified(a), time.RFC3339)
	link := s.link(a)
	e.Links = []feeds.AtomLink{{Href: link, Rel: "alternate", Type: "text/html"}}
	if a.Lead != "" {
		e.Summary = &feeds.AtomSummary{Type: "text", Content: article.XMLText(a.Lead)}
	}
	if a.Body != "" {
		e.Content = &refAtomContent{Type: "html", Content: article.XMLText(a.Body)}
	}
	if len(a.Authors) > 0 {
		e.Authors = make([]feeds.AtomAuthor, len(a.Authors))
		for i, au := range a.Authors {
			e.Authors[i].Name = article.XMLText(au.Name)
			e.Authors[i].Uri = au.URL
		}
	}
	e.Categories = make([]refAtomCategory, 0, 1+len(a.Tags))
	if a.Section != "" {
		e.Categories = append(e.Categories, refAtomCategory{Term: memo.of(a.Section), Label: article.XMLText(a.Section), Scheme: prefix + "section"})
	}
	for _, t := range a.Tags {
		e.Categories = append(e.Categories, refAtomCategory{Term: memo.of(t), Label: article.XMLText(t), Scheme: prefix + "tag"})
	}
	if img := a.Image; img != nil && img.URL != "" {
		typ := imageType(img.URL)
		e.Links = append(e.Links, feeds.AtomLink{Href: img.URL, Rel: "enclosure", Type: typ, Length: "0"})
		e.Media = &refMediaContent{URL: img.URL, Medium: "image", Type: typ, Width: img.Width, Height: img.Height}
		if img.Credit != "" {
			e.Media.Credit = &refMediaText{Role: "photographer", Text: article.XMLText(img.Credit)}
		}
		if img.Alt != "" {
			e.Media.Description = &refMediaText{Type: "plain", Text: article.XMLText(img.Alt)}
		}
	}
}

// refJSONFeed is gorilla's JSON feed with items that are always present (JSON
// Feed requires the array; gorilla omits it when empty).
type refJSONFeed struct {
	*feeds.JSONFeed
	Items []*feeds.JSONItem `json:"items"`
}

// refRenderJSON writes p as JSON Feed 1.1: compact, and without HTML-escaping
// "<", ">" and "&" in strings (readers get the body as it is stored).
func (s *Site) refRenderJSON(w io.Writer, p *Page) error {
	f := refJSONFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       article.XMLText(s.Title(p.Key)),
			Language:    s.Language,
			HomePageUrl: s.URL,
			FeedUrl:     s.self(p, JSON),
			Description: article.XMLText(s.Description(p.Key)),
			NextUrl:     p.Next,
			Icon:        s.LogoURL,
			Authors:     []*feeds.JSONAuthor{{Name: article.XMLText(s.Name), Url: s.URL}},
		},
		Items: make([]*feeds.JSONItem, len(p.Articles)),
	}
	if s.HubURL != "" {
		f.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: s.HubURL}}
	}
	items := make([]feeds.JSONItem, len(p.Articles))
	times := make([]time.Time, 2*len(p.Articles))
	prefix := s.tagPrefix()
	for i := range p.Articles {
		it, a := &items[i], &p.Articles[i]
		it.Id = prefix + "article:" + a.ID
		it.Url = s.link(a)
		it.Title = article.XMLText(a.Title)
		it.Summary = article.XMLText(a.Lead)
		it.ContentHTML = article.XMLText(a.Body)
		it.ContentText = jsonContentText(a)
		if a.Image != nil {
			it.Image = a.Image.URL
		}
		times[2*i] = s.in(published(a))
		times[2*i+1] = s.in(modified(a))
		it.PublishedDate = &times[2*i]
		it.ModifiedDate = &times[2*i+1]
		if len(a.Authors) > 0 {
			it.Authors = make([]*feeds.JSONAuthor, len(a.Authors))
			authors := make([]feeds.JSONAuthor, len(a.Authors))
			for j, au := range a.Authors {
				authors[j] = feeds.JSONAuthor{Name: article.XMLText(au.Name), Url: au.URL}
				it.Authors[j] = &authors[j]
			}
		}
		it.Tags = categoryNames(a)
		f.Items[i] = it
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(&f)
}
