package feed

import (
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

// atomFeed is gorilla's feed plus xml:lang, the Media RSS namespace, a list
// of links (self, alternate, hub, next) hiding gorilla's single Link, and
// the entries, already rendered (items.go), spliced in after the links.
type atomFeed struct {
	feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	NSMedia string           `xml:"xmlns:media,attr"`
	Links   []feeds.AtomLink `xml:"link"`
	Entries []byte           `xml:",innerxml"`
}

// RenderAtom writes p as Atom 1.0.
func (s *Site) RenderAtom(w io.Writer, p *Page) error {
	f := &atomFeed{
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
	buf := getBuf()
	defer putBuf(buf)
	var err error
	if *buf, err = s.appendItems(*buf, Atom, p.Articles); err != nil {
		return err
	}
	f.Entries = *buf
	return encodeXML(w, f)
}
