package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/newsdesk/syndicate/internal/config"
)

// Media types of ActivityStreams documents. Peers ask with either; the
// answer is ContentType.
const (
	ContentType   = "application/activity+json"
	LDContentType = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	// JRDContentType is WebFinger's (RFC 7033).
	JRDContentType = "application/jrd+json"
	// NodeInfoProfile is the NodeInfo 2.1 schema, the rel of its link.
	NodeInfoProfile = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

// Context URIs.
const (
	ActivityStreams = "https://www.w3.org/ns/activitystreams"
	SecurityV1      = "https://w3id.org/security/v1"
	// Public is the special collection of everyone (to: Public).
	Public = "https://www.w3.org/ns/activitystreams#Public"
)

// Paths of the documents under Publication.BaseURL. The routes (package
// fediapi) serve exactly these.
const (
	ActorPath       = "/ap/actor"
	InboxPath       = "/ap/actor/inbox"
	SharedInboxPath = "/ap/inbox"
	OutboxPath      = "/ap/actor/outbox"
	FollowersPath   = "/ap/actor/followers"
	FollowingPath   = "/ap/actor/following"
	NotesPath       = "/ap/notes/"
)

// Publication is the newsroom as one fediverse account.
type Publication struct {
	// BaseURL is this service's public base, without a trailing slash:
	// every id lives under it.
	BaseURL string
	// Handle is the account's user name ("news"); Domain the host of its
	// acct: URI (@news@Domain): BaseURL's host, or the publisher's site
	// when that redirects /.well-known/webfinger here.
	Handle string
	Domain string
	// Name and Summary are the account's display name and bio (plain
	// text); SiteURL is its url, the publisher's site.
	Name    string
	Summary string
	SiteURL string
	// IconURL and HeaderURL are the avatar and banner; optional.
	IconURL   string
	HeaderURL string
	// Language is the stories' language tag ("bg"), for contentMap.
	Language string
	// PublicKeyPEM is the actor's public key (PKIX PEM).
	PublicKeyPEM string
	// Software and Version name this service in NodeInfo.
	Software string
	Version  string
}

// Check reports what is missing or malformed, naming the field.
func (p *Publication) Check() error {
	var errs []error
	if u, err := url.Parse(p.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, fmt.Errorf("activitypub: BaseURL %q is not an absolute http(s) URL", p.BaseURL))
	}
	if !config.ValidHandle(p.Handle) {
		errs = append(errs, fmt.Errorf("activitypub: Handle %q must be 1-30 letters a-z, digits or _", p.Handle))
	}
	if p.Domain == "" || strings.ContainsAny(p.Domain, "/@ ") {
		errs = append(errs, fmt.Errorf("activitypub: Domain %q is not a host name", p.Domain))
	}
	if p.PublicKeyPEM == "" {
		errs = append(errs, errors.New("activitypub: PublicKeyPEM is empty"))
	}
	return errors.Join(errs...)
}

// Account is the account's address without the leading @: news@host.
func (p *Publication) Account() string { return p.Handle + "@" + p.Domain }

// ActorID is the actor's id; KeyID its public key's.
func (p *Publication) ActorID() string { return p.BaseURL + ActorPath }

// KeyID is the id of the actor's public key, the keyId of our signatures.
func (p *Publication) KeyID() string { return p.ActorID() + "#main-key" }

// FollowersID is the followers collection's id, the cc of every story.
func (p *Publication) FollowersID() string { return p.BaseURL + FollowersPath }

// NoteID is the id of the Note of the article with id articleID: by ID,
// never by slug, so it survives renames.
func (p *Publication) NoteID(articleID string) string {
	return p.BaseURL + NotesPath + url.PathEscape(articleID)
}

// CreateID is the id of the Create of that Note.
func (p *Publication) CreateID(articleID string) string { return p.NoteID(articleID) + "/create" }

// ArticleIDOf returns the article ID of one of our Note ids (or of an
// activity under it), and false for any other URL.
func (p *Publication) ArticleIDOf(id string) (string, bool) {
	rest, ok := strings.CutPrefix(id, p.BaseURL+NotesPath)
	if !ok || rest == "" {
		return "", false
	}
	rest, _, _ = strings.Cut(rest, "/")
	rest, _, _ = strings.Cut(rest, "#")
	s, err := url.PathUnescape(rest)
	if err != nil || s == "" {
		return "", false
	}
	return s, true
}

// Marshal encodes a document as it is served: JSON without HTML escaping
// (content is HTML, and \u003c in every tag only costs bytes), one line.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("activitypub: encode: %w", err)
	}
	return b.Bytes(), nil
}
