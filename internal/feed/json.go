package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/feeds"

	"github.com/newsdesk/syndicate/internal/article"
)

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

// RenderJSON writes p as JSON Feed 1.1: compact, and without HTML-escaping
// "<", ">" and "&" in strings (readers get the body as it is stored).
//
// The top-level object is gorilla's JSONFeed, encoded by encoding/json
// without items (gorilla omits an empty list); the items, rendered one by
// one (items.go), are spliced in as its last member, "items", which JSON
// Feed requires even when empty. Splicing bytes, not a json.RawMessage:
// encoding/json would re-scan every raw message to compact it.
func (s *Site) RenderJSON(w io.Writer, p *Page) error {
	f := feeds.JSONFeed{
		Version:     jsonFeedVersion,
		Title:       article.XMLText(s.Title(p.Key)),
		Language:    s.Language,
		HomePageUrl: s.URL,
		FeedUrl:     s.self(p, JSON),
		Description: article.XMLText(s.Description(p.Key)),
		NextUrl:     p.Next,
		Icon:        s.LogoURL,
		Authors:     []*feeds.JSONAuthor{{Name: article.XMLText(s.Name), Url: s.URL}},
	}
	if s.HubURL != "" {
		f.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: s.HubURL}}
	}
	buf := getBuf()
	defer putBuf(buf)
	out := appendWriter{b: *buf}
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&f); err != nil {
		return err
	}
	head, ok := bytes.CutSuffix(out.b, []byte("}\n"))
	if !ok || len(head) < 2 {
		return fmt.Errorf("feed: unexpected JSON feed head %q", out.b)
	}
	b := append(head, `,"items":[`...)
	b, err := s.appendItems(b, JSON, p.Articles)
	*buf = b
	if err != nil {
		return err
	}
	b = append(b, "]}\n"...)
	*buf = b
	_, err = w.Write(b)
	return err
}

// in is t in the publisher's zone.
func (s *Site) in(t time.Time) time.Time {
	if s.Location != nil {
		return t.In(s.Location)
	}
	return t
}
