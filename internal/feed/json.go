package feed

import (
	"encoding/json"
	"io"
	"time"

	"github.com/gorilla/feeds"
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
func (s *Site) RenderJSON(w io.Writer, p *Page) error {
	f := jsonFeed{
		JSONFeed: &feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       cleanText(s.Title(p.Key)),
			Language:    s.Language,
			HomePageUrl: s.URL,
			FeedUrl:     s.self(p, JSON),
			Description: cleanText(s.Description(p.Key)),
			NextUrl:     p.Next,
			Icon:        s.LogoURL,
			Authors:     []*feeds.JSONAuthor{{Name: cleanText(s.Name), Url: s.URL}},
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
		it.Title = cleanText(a.Title)
		it.Summary = cleanText(a.Lead)
		it.ContentHTML = cleanText(a.Body)
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
				authors[j] = feeds.JSONAuthor{Name: cleanText(au.Name), Url: au.URL}
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

// in is t in the publisher's zone.
func (s *Site) in(t time.Time) time.Time {
	if s.Location != nil {
		return t.In(s.Location)
	}
	return t
}
