package activitypub

import (
	"html"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/feed"
)

// noteContext declares Hashtag and sensitive, as Mastodon's own Notes do.
var noteContext = []any{
	ActivityStreams,
	map[string]any{"Hashtag": "as:Hashtag", "sensitive": "as:sensitive"},
}

// Note is a story as Mastodon renders it natively in a timeline.
type Note struct {
	Context      any               `json:"@context,omitempty"`
	ID           string            `json:"id"`
	Type         string            `json:"type"`
	AttributedTo string            `json:"attributedTo"`
	Content      string            `json:"content"`
	ContentMap   map[string]string `json:"contentMap,omitempty"`
	URL          string            `json:"url"`
	Published    string            `json:"published"`
	Updated      string            `json:"updated,omitempty"`
	To           []string          `json:"to"`
	Cc           []string          `json:"cc"`
	Tag          []Hashtag         `json:"tag"`
	Attachment   []Image           `json:"attachment"`
	Sensitive    bool              `json:"sensitive"`
}

// Hashtag is one of a story's tags.
type Hashtag struct {
	Type string `json:"type"`
	Href string `json:"href"`
	Name string `json:"name"`
}

// Image is a picture: an attachment with its alt text (name), an icon or
// a header.
type Image struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
	Name      string `json:"name,omitempty"`
	Width     int    `json:"width,omitempty"`
	Height    int    `json:"height,omitempty"`
}

// Activity is an activity we send or serve: Create, Update, Delete or
// Accept, with its object embedded (or, for Accept, the Follow).
type Activity struct {
	Context   any      `json:"@context,omitempty"`
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Actor     string   `json:"actor"`
	Published string   `json:"published,omitempty"`
	To        []string `json:"to,omitempty"`
	Cc        []string `json:"cc,omitempty"`
	Object    any      `json:"object"`
}

// Tombstone is what a deleted story's id answers (with 410 Gone).
type Tombstone struct {
	Context    any    `json:"@context,omitempty"`
	ID         string `json:"id"`
	Type       string `json:"type"`
	FormerType string `json:"formerType"`
	Deleted    string `json:"deleted,omitempty"`
}

// Note returns a's Note: the title in bold and the lead as HTML, a link to
// the canonical article, its tags as Hashtags (linked in the text too, as
// Mastodon shows them), the photo as an Image with its alt text, public
// and copied to the followers. a should be public.
func (p *Publication) Note(a *article.Article) Note {
	canonical := p.canonical(a)
	n := Note{
		Context:      noteContext,
		ID:           p.NoteID(a.ID),
		Type:         "Note",
		AttributedTo: p.ActorID(),
		URL:          canonical,
		Published:    timestamp(a.PublishedAt),
		To:           []string{Public},
		Cc:           []string{p.FollowersID()},
		Tag:          []Hashtag{},
		Attachment:   []Image{},
	}
	if a.UpdatedAt.After(a.PublishedAt) {
		n.Updated = timestamp(a.UpdatedAt)
	}
	var b strings.Builder
	b.WriteString("<p><strong>")
	b.WriteString(html.EscapeString(article.OneLine(a.Title)))
	b.WriteString("</strong></p>")
	if lead := article.OneLine(a.Lead); lead != "" {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(lead))
		b.WriteString("</p>")
	}
	b.WriteString("<p>")
	b.WriteString(link(canonical, DisplayURL(canonical)))
	b.WriteString("</p>")
	seen := map[string]bool{}
	var tags []string
	for _, t := range a.Tags {
		name := HashtagName(t)
		slug := article.Slugify(t)
		if name == "" || slug == "" || seen[strings.ToLower(name)] {
			continue
		}
		seen[strings.ToLower(name)] = true
		href := p.BaseURL + feed.Path(article.FeedKey{Kind: article.FeedTag, Slug: slug}, feed.Atom)
		n.Tag = append(n.Tag, Hashtag{Type: "Hashtag", Href: href, Name: "#" + name})
		tags = append(tags, `<a href="`+html.EscapeString(href)+`" class="mention hashtag" rel="tag">#<span>`+html.EscapeString(name)+`</span></a>`)
	}
	if len(tags) > 0 {
		b.WriteString("<p>")
		b.WriteString(strings.Join(tags, " "))
		b.WriteString("</p>")
	}
	n.Content = b.String()
	lang := a.Language
	if lang == "" {
		lang = p.Language
	}
	if lang != "" {
		n.ContentMap = map[string]string{lang: n.Content}
	}
	if im := a.Image; im != nil && httpURL(im.URL) {
		alt := article.OneLine(im.Alt)
		if alt == "" {
			alt = article.OneLine(a.Title)
		}
		n.Attachment = append(n.Attachment, Image{Type: "Image", MediaType: article.ImageType(im.URL), URL: im.URL,
			Name: alt, Width: im.Width, Height: im.Height})
	}
	return n
}

// Create returns the Create of a's Note, served at CreateID.
func (p *Publication) Create(a *article.Article) Activity {
	n := p.Note(a)
	n.Context = nil
	return Activity{Context: noteContext, ID: p.CreateID(a.ID), Type: "Create", Actor: p.ActorID(),
		Published: n.Published, To: n.To, Cc: n.Cc, Object: n}
}

// Update returns the Update of a's Note after an edit; its id names the
// article's version, so each edit is a new activity.
func (p *Publication) Update(a *article.Article) Activity {
	n := p.Note(a)
	n.Context = nil
	return Activity{Context: noteContext, ID: p.NoteID(a.ID) + "/update/" + strconv.FormatInt(a.Version, 10),
		Type: "Update", Actor: p.ActorID(), Published: timestamp(a.UpdatedAt), To: n.To, Cc: n.Cc, Object: n}
}

// Delete returns the Delete of the Note of articleID, deleted at t. Its
// id names t: a story unpublished, republished and unpublished again is
// two Deletes, and a peer that drops an activity id it has seen must not
// drop the second.
func (p *Publication) Delete(articleID string, t time.Time) Activity {
	return Activity{Context: ActivityStreams, ID: p.NoteID(articleID) + "#delete-" + strconv.FormatInt(t.Unix(), 10), Type: "Delete", Actor: p.ActorID(),
		To: []string{Public}, Cc: []string{p.FollowersID()}, Object: p.Tombstone(articleID, t)}
}

// Tombstone is what remains of a deleted or unpublished story.
func (p *Publication) Tombstone(articleID string, t time.Time) Tombstone {
	ts := Tombstone{Context: ActivityStreams, ID: p.NoteID(articleID), Type: "Tombstone", FormerType: "Note"}
	if !t.IsZero() {
		ts.Deleted = timestamp(t)
	}
	return ts
}

// Accept answers a follow: follow is the Follow as received (its id at
// least), embedded so the follower's server matches it.
func (p *Publication) Accept(followID, follower string) Activity {
	return Activity{Context: ActivityStreams, ID: p.ActorID() + "#accepts/" + url.PathEscape(followID), Type: "Accept",
		Actor: p.ActorID(), To: []string{follower},
		Object: map[string]string{"id": followID, "type": "Follow", "actor": follower, "object": p.ActorID()}}
}

// HashtagName is a tag as a hashtag: its letters and digits, each word
// capitalised after the first ("Западни Балкани" -> "ЗападниБалкани"),
// since a hashtag ends at the first space or punctuation.
func HashtagName(tag string) string {
	var b strings.Builder
	upper := false
	for _, r := range tag {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_':
			if upper && b.Len() > 0 {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	return b.String()
}

// canonical is the article's own URL, or the site when it is unusable.
func (p *Publication) canonical(a *article.Article) string {
	if httpURL(a.URL) {
		return a.URL
	}
	return p.SiteURL
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
