package activitypub

import (
	"errors"
	"html"
	"net/url"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// JRD is a WebFinger answer (RFC 7033 section 4.4).
type JRD struct {
	Subject string   `json:"subject"`
	Aliases []string `json:"aliases,omitempty"`
	Links   []Link   `json:"links"`
}

// Link is one link of a JRD or of the NodeInfo index.
type Link struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

// ErrNoSuchAccount is WebFinger's answer to a resource that is not ours.
var ErrNoSuchAccount = errors.New("activitypub: no such account")

// ErrBadResource is WebFinger's answer to a resource it cannot read.
var ErrBadResource = errors.New("activitypub: resource must be acct:user@host or an actor URL")

// WebFinger answers a lookup of resource: acct:<handle>@<domain> (with or
// without acct:, the handle in any case, a leading @ allowed), the actor's
// id, or its profile URL. Any other resource is ErrNoSuchAccount.
func (p *Publication) WebFinger(resource string) (JRD, error) {
	resource = strings.TrimSpace(resource)
	if resource == "" {
		return JRD{}, ErrBadResource
	}
	switch {
	case resource == p.ActorID():
	case strings.HasPrefix(resource, "https://") || strings.HasPrefix(resource, "http://"):
		if _, err := url.Parse(resource); err != nil {
			return JRD{}, ErrBadResource
		}
		return JRD{}, ErrNoSuchAccount
	default:
		acct := strings.TrimPrefix(strings.TrimPrefix(resource, "acct:"), "@")
		user, host, ok := strings.Cut(acct, "@")
		if !ok || user == "" || host == "" {
			return JRD{}, ErrBadResource
		}
		if !strings.EqualFold(user, p.Handle) || !strings.EqualFold(host, p.Domain) {
			return JRD{}, ErrNoSuchAccount
		}
	}
	links := []Link{
		{Rel: "self", Type: ContentType, Href: p.ActorID()},
		{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: p.SiteURL},
	}
	if p.IconURL != "" {
		links = append(links, Link{Rel: "http://webfinger.net/rel/avatar", Type: article.ImageType(p.IconURL), Href: p.IconURL})
	}
	return JRD{Subject: "acct:" + p.Account(), Aliases: []string{p.ActorID()}, Links: links}, nil
}

// HostMeta is the XRD at /.well-known/host-meta (RFC 6415) pointing to
// WebFinger, which older servers look up first.
func (p *Publication) HostMeta() string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">` + "\n" +
		`  <Link rel="lrdd" type="application/jrd+json" template="` + html.EscapeString(p.BaseURL) + `/.well-known/webfinger?resource={uri}"/>` + "\n" +
		`</XRD>` + "\n"
}

// NodeInfoIndex is /.well-known/nodeinfo: where NodeInfo 2.1 is.
func (p *Publication) NodeInfoIndex() map[string][]Link {
	return map[string][]Link{"links": {{Rel: NodeInfoProfile, Href: p.BaseURL + "/nodeinfo/2.1"}}}
}

// NodeInfo is the NodeInfo 2.1 document.
type NodeInfo struct {
	Version           string           `json:"version"`
	Software          NodeInfoSoftware `json:"software"`
	Protocols         []string         `json:"protocols"`
	Services          NodeInfoServices `json:"services"`
	OpenRegistrations bool             `json:"openRegistrations"`
	Usage             NodeInfoUsage    `json:"usage"`
	Metadata          map[string]any   `json:"metadata"`
}

// NodeInfoSoftware names the server software.
type NodeInfoSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

// NodeInfoServices lists inbound and outbound services (none).
type NodeInfoServices struct {
	Inbound  []string `json:"inbound"`
	Outbound []string `json:"outbound"`
}

// NodeInfoUsage counts users and posts.
type NodeInfoUsage struct {
	Users      NodeInfoUsers `json:"users"`
	LocalPosts int64         `json:"localPosts"`
}

// NodeInfoUsers counts users: one, the publication.
type NodeInfoUsers struct {
	Total          int `json:"total"`
	ActiveMonth    int `json:"activeMonth"`
	ActiveHalfyear int `json:"activeHalfyear"`
}

// NodeInfo returns the NodeInfo 2.1 document; posts is how many stories
// are public, -1 when unknown (left at 0).
func (p *Publication) NodeInfo(posts int64) NodeInfo {
	if posts < 0 {
		posts = 0
	}
	name := p.Software
	if name == "" {
		name = "syndicate"
	}
	version := p.Version
	if version == "" {
		version = "1"
	}
	return NodeInfo{
		Version:   "2.1",
		Software:  NodeInfoSoftware{Name: name, Version: version, Homepage: p.SiteURL},
		Protocols: []string{"activitypub"},
		Services:  NodeInfoServices{Inbound: []string{}, Outbound: []string{"atom1.0", "rss2.0"}},
		Usage:     NodeInfoUsage{Users: NodeInfoUsers{Total: 1, ActiveMonth: 1, ActiveHalfyear: 1}, LocalPosts: posts},
		Metadata:  map[string]any{"nodeName": p.Name},
	}
}

// Collection is an OrderedCollection: the outbox, followers, following.
// Items are embedded for the outbox's first page only.
type Collection struct {
	Context      any    `json:"@context,omitempty"`
	ID           string `json:"id"`
	Type         string `json:"type"`
	TotalItems   int64  `json:"totalItems"`
	OrderedItems []any  `json:"orderedItems,omitempty"`
}

// Collection returns the ordered collection at path (FollowersPath, …)
// with total items and, where given, the items themselves.
func (p *Publication) Collection(path string, total int64, items []any) Collection {
	return Collection{Context: ActivityStreams, ID: p.BaseURL + path, Type: "OrderedCollection", TotalItems: total, OrderedItems: items}
}
