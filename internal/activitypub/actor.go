package activitypub

import (
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// actorContext declares the terms beyond ActivityStreams that Mastodon
// reads on an actor: its key (security v1), discoverable and indexable
// (toot:) and manuallyApprovesFollowers, the profile field
// (schema:PropertyValue).
var actorContext = []any{
	ActivityStreams,
	SecurityV1,
	map[string]any{
		"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
		"toot":                      "http://joinmastodon.org/ns#",
		"discoverable":              "toot:discoverable",
		"indexable":                 "toot:indexable",
		"schema":                    "http://schema.org#",
		"PropertyValue":             "schema:PropertyValue",
		"value":                     "schema:value",
	},
}

// Actor is the publication's actor document.
type Actor struct {
	Context                   any           `json:"@context"`
	ID                        string        `json:"id"`
	Type                      string        `json:"type"`
	PreferredUsername         string        `json:"preferredUsername"`
	Name                      string        `json:"name"`
	Summary                   string        `json:"summary"`
	URL                       string        `json:"url"`
	Icon                      *Image        `json:"icon,omitempty"`
	Image                     *Image        `json:"image,omitempty"`
	Inbox                     string        `json:"inbox"`
	Outbox                    string        `json:"outbox"`
	Followers                 string        `json:"followers"`
	Following                 string        `json:"following"`
	Endpoints                 Endpoints     `json:"endpoints"`
	PublicKey                 PublicKey     `json:"publicKey"`
	ManuallyApprovesFollowers bool          `json:"manuallyApprovesFollowers"`
	Discoverable              bool          `json:"discoverable"`
	Indexable                 bool          `json:"indexable"`
	Published                 string        `json:"published,omitempty"`
	Attachment                []PropertyVal `json:"attachment,omitempty"`
}

// Endpoints holds the shared inbox.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox"`
}

// PublicKey is an actor's key as security v1 publishes it.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// PropertyVal is a profile field (Mastodon's "website: …" rows).
type PropertyVal struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ActorType is Organization: Mastodon marks Service and Application
// actors as bots; a newspaper is an ordinary account.
const ActorType = "Organization"

// Actor returns the publication's actor. since is when the account was
// made (Mastodon shows "joined"); zero leaves it out.
func (p *Publication) Actor(since time.Time) Actor {
	a := Actor{
		Context:           actorContext,
		ID:                p.ActorID(),
		Type:              ActorType,
		PreferredUsername: p.Handle,
		Name:              p.Name,
		Summary:           paragraph(p.Summary),
		URL:               p.SiteURL,
		Inbox:             p.BaseURL + InboxPath,
		Outbox:            p.BaseURL + OutboxPath,
		Followers:         p.FollowersID(),
		Following:         p.BaseURL + FollowingPath,
		Endpoints:         Endpoints{SharedInbox: p.BaseURL + SharedInboxPath},
		PublicKey:         PublicKey{ID: p.KeyID(), Owner: p.ActorID(), PublicKeyPem: p.PublicKeyPEM},
		Discoverable:      true,
		Indexable:         true,
	}
	if p.IconURL != "" {
		a.Icon = &Image{Type: "Image", MediaType: article.ImageType(p.IconURL), URL: p.IconURL}
	}
	if p.HeaderURL != "" {
		a.Image = &Image{Type: "Image", MediaType: article.ImageType(p.HeaderURL), URL: p.HeaderURL}
	}
	if !since.IsZero() {
		a.Published = timestamp(since)
	}
	if p.SiteURL != "" {
		a.Attachment = []PropertyVal{{Type: "PropertyValue", Name: "Website", Value: link(p.SiteURL, DisplayURL(p.SiteURL))}}
	}
	return a
}

func paragraph(text string) string {
	if text == "" {
		return ""
	}
	return "<p>" + html.EscapeString(text) + "</p>"
}

func link(href, text string) string {
	return `<a href="` + html.EscapeString(href) + `" rel="nofollow noopener" target="_blank">` + html.EscapeString(text) + `</a>`
}

// DisplayURL is a URL as Mastodon shows one: no scheme, no trailing slash.
func DisplayURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	return strings.TrimSuffix(u, "/")
}

// SiteRoot is the publisher's site URL as the actor links it: with a
// trailing slash when it has no path.
func SiteRoot(siteURL string) string {
	if u, err := url.Parse(siteURL); err == nil && u.Path == "" {
		return siteURL + "/"
	}
	return siteURL
}

// timestamp is the xsd:dateTime form peers parse: UTC, seconds.
func timestamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }
