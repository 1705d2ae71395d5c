package feed

import (
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

// atomFeed is gorilla's feed plus xml:lang, the Media RSS namespace, a list
// of links (self, alternate, hub, next) hiding gorilla's single Link, and
// our entries hiding gorilla's.
type atomFeed struct {
	feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	NSMedia string           `xml:"xmlns:media,attr"`
	Links   []feeds.AtomLink `xml:"link"`
	Entries []atomEntry      `xml:"entry"`
}

// atomEntry is gorilla's entry plus one category per section and tag, one
// author per byline (hiding gorilla's single ones), media:content for the
// main image, and content written as CDATA (see atomContent).
type atomEntry struct {
	feeds.AtomEntry
	Content    *atomContent       `xml:"content"`
	Categories []atomCategory     `xml:"category"`
	Authors    []feeds.AtomAuthor `xml:"author"`
	Media      *mediaContent      `xml:"media:content"`
}

// atomContent is the full body, type="html". gorilla's AtomContent escapes
// it as character data, rune by rune; CDATA carries the same text copied
// through (encoding/xml splits any "]]>").
type atomContent struct {
	Type    string `xml:"type,attr"`
	Content string `xml:",cdata"`
}

// atomCategory is an Atom category: the slug as term, the display name as
// label, and the feed of that section or tag as scheme.
type atomCategory struct {
	Term   string `xml:"term,attr"`
	Label  string `xml:"label,attr,omitempty"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

// atomTime writes Atom's dates with the fraction of a second the store
// keeps (RFC 3339 allows it; none is written for a whole second), so that
// two articles saved within one second have distinct <updated> values,
// which the W3C feed validator asks of entries.
const atomTime = time.RFC3339Nano

// RenderAtom writes p as Atom 1.0.
func (s *Channel) RenderAtom(w io.Writer, p *Document) error {
	f := &atomFeed{
		AtomFeed: feeds.AtomFeed{
			Xmlns:    nsAtom,
			Title:    article.DropXMLForbidden(s.Title(p.Key)),
			Id:       s.FeedID(p.Key),
			Updated:  s.date(updated(p), atomTime),
			Subtitle: article.DropXMLForbidden(s.Description(p.Key)),
			Logo:     s.LogoURL,
			// The feed's author covers entries without a byline, which
			// Atom requires of every entry one way or the other.
			Author: &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: article.DropXMLForbidden(s.Name), Uri: s.URL}},
		},
		Lang:    s.Language,
		NSMedia: nsMedia,
		Links:   make([]feeds.AtomLink, 0, 4),
		Entries: make([]atomEntry, len(p.Articles)),
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
	prefix := s.tagPrefix()
	schemes := [2]string{prefix + "section", prefix + "tag"}
	memo := make(slugs)
	for i := range p.Articles {
		s.atomEntry(&f.Entries[i], &p.Articles[i], prefix, &schemes, memo)
	}
	return encodeXML(w, f)
}

func (s *Channel) atomEntry(e *atomEntry, a *article.Article, prefix string, schemes *[2]string, memo slugs) {
	e.Title = article.DropXMLForbidden(a.Title)
	e.Id = prefix + "article:" + a.ID
	e.Published = s.date(published(a), atomTime)
	e.Updated = s.date(modified(a), atomTime)
	e.Links = []feeds.AtomLink{{Href: s.link(a), Rel: "alternate", Type: "text/html"}}
	if a.Lead != "" {
		e.Summary = &feeds.AtomSummary{Type: "text", Content: article.DropXMLForbidden(a.Lead)}
	}
	if c := contentHTML(a); c != "" {
		e.Content = &atomContent{Type: "html", Content: c}
	}
	if len(a.Authors) > 0 {
		e.Authors = make([]feeds.AtomAuthor, len(a.Authors))
		for i, au := range a.Authors {
			e.Authors[i].Name = article.DropXMLForbidden(au.Name)
			e.Authors[i].Uri = au.URL
		}
	}
	e.Categories = make([]atomCategory, 0, 1+len(a.Tags))
	if a.Section != "" {
		e.Categories = append(e.Categories, atomCategory{Term: memo.of(a.Section), Label: article.DropXMLForbidden(a.Section), Scheme: schemes[0]})
	}
	for _, t := range a.Tags {
		e.Categories = append(e.Categories, atomCategory{Term: memo.of(t), Label: article.DropXMLForbidden(t), Scheme: schemes[1]})
	}
	if e.Media = newMedia(a.Image); e.Media != nil {
		e.Links = append(e.Links, feeds.AtomLink{Href: e.Media.URL, Rel: "enclosure", Type: e.Media.Type, Length: "0"})
	}
}
