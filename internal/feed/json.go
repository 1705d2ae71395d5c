package feed

import (
	"encoding/json"
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// jsonFeed is gorilla's JSON feed with items that are always present (JSON
// Feed requires the array; gorilla omits it when empty).
type jsonFeed struct {
	*feeds.JSONFeed
	Items []*feeds.JSONItem `json:"items"`
}

// RenderJSON writes p as JSON Feed 1.1: compact, and without HTML-escaping
// "<", ">" and "&" in strings (readers get the body as it is stored).
func (s *Channel) RenderJSON(w io.Writer, p *Document) error {
	f := jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       article.DropXMLForbidden(s.Title(p.Key)),
			Language:    s.Language,
			HomePageUrl: s.URL,
			FeedUrl:     s.self(p, JSON),
			Description: article.DropXMLForbidden(s.Description(p.Key)),
			NextUrl:     p.Next,
			Icon:        s.LogoURL,
			// No feed-level authors: Miniflux adds them to every item's
			// own, which would make the publication a co-author of every
			// story. The title and home page name the publication.
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
		it.Title = article.DropXMLForbidden(a.Title)
		it.Summary = article.DropXMLForbidden(a.Lead)
		if it.ContentHTML = contentHTML(a); it.ContentHTML == "" {
			it.ContentText = jsonContentText(a)
		}
		if a.Image != nil && a.Image.URL != "" {
			// image is what JSON Feed readers show as the picture;
			// Miniflux shows attachments only, so it is one too.
			it.Image = a.Image.URL
			it.Attachments = []feeds.JSONAttachment{{Url: a.Image.URL, MIMEType: imageType(a.Image.URL)}}
		}
		times[2*i] = s.in(published(a))
		times[2*i+1] = s.in(modified(a))
		it.PublishedDate = &times[2*i]
		it.ModifiedDate = &times[2*i+1]
		if len(a.Authors) > 0 {
			it.Authors = make([]*feeds.JSONAuthor, len(a.Authors))
			authors := make([]feeds.JSONAuthor, len(a.Authors))
			for j, au := range a.Authors {
				authors[j] = feeds.JSONAuthor{Name: article.DropXMLForbidden(au.Name), Url: au.URL}
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

// jsonContentText is an item's content_text, set only for an article without
// a body: JSON Feed 1.1 requires content_html or content_text in every item,
// so the lead, or else the title, stands in.
func jsonContentText(a *article.Article) string {
	if article.DropXMLForbidden(a.Body) != "" {
		return ""
	}
	if lead := article.DropXMLForbidden(a.Lead); lead != "" {
		return lead
	}
	return article.DropXMLForbidden(a.Title)
}

// in is t in the publisher's zone.
func (s *Channel) in(t time.Time) time.Time {
	if s.Location != nil {
		return t.In(s.Location)
	}
	return t
}
