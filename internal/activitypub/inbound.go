package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
)

// MaxActivityBytes bounds an inbox POST's body: Mastodon's own limit for
// a JSON-LD document is about 1 MB, its activities a few KB.
const MaxActivityBytes = 256 << 10

// ErrMalformed means a posted document is not an activity we can read.
var ErrMalformed = errors.New("activitypub: malformed activity")

// Incoming is an activity a peer posted, decoded only as far as the inbox
// acts on it. Object stays raw: a reference (a string id) or an embedded
// object, read with ObjectRef and Embedded.
type Incoming struct {
	ID     string          `json:"id"`
	Type   string          `json:"type"`
	Actor  Ref             `json:"actor"`
	Object json.RawMessage `json:"object"`
	Target Ref             `json:"target"`
}

// Ref is a link that may be written as a string id or as an object with
// an id.
type Ref string

// UnmarshalJSON reads "id", {"id": …}, or the first of an array of them.
func (r *Ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*r = ""
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*r = Ref(s)
	case '{':
		var o struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		*r = Ref(o.ID)
	case '[':
		var l []Ref
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*r = ""
		if len(l) > 0 {
			*r = l[0]
		}
	default:
		return fmt.Errorf("%w: a link is neither a string nor an object", ErrMalformed)
	}
	return nil
}

// Refs is a list of links that may be written as one link.
type Refs []Ref

// UnmarshalJSON reads a link or an array of links.
func (rs *Refs) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var l []Ref
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		*rs = l
		return nil
	}
	var r Ref
	if err := r.UnmarshalJSON(b); err != nil {
		return err
	}
	*rs = nil
	if r != "" {
		*rs = Refs{r}
	}
	return nil
}

// Object is an embedded object (a Note of a reply, a Follow inside an
// Undo), decoded as far as the inbox needs.
type Object struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Actor        Ref    `json:"actor"`
	Object       Ref    `json:"object"`
	AttributedTo Ref    `json:"attributedTo"`
	InReplyTo    Ref    `json:"inReplyTo"`
	Content      string `json:"content"`
	URL          Ref    `json:"url"`
	Published    string `json:"published"`
}

// Decode reads an inbox POST's body: a JSON object with an id, a type and
// an actor, each an absolute https (or, for local peers, http) URL where
// it is one.
func Decode(body []byte) (Incoming, error) {
	var in Incoming
	if len(body) > MaxActivityBytes {
		return in, fmt.Errorf("%w: larger than %d bytes", ErrMalformed, MaxActivityBytes)
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return in, fmt.Errorf("%w: %s", ErrMalformed, jsonProblem(err))
	}
	switch {
	case in.Type == "":
		return in, fmt.Errorf("%w: no type", ErrMalformed)
	case !AbsoluteURL(in.ID):
		return in, fmt.Errorf("%w: id must be an absolute URL", ErrMalformed)
	case !AbsoluteURL(string(in.Actor)):
		return in, fmt.Errorf("%w: actor must be an absolute URL", ErrMalformed)
	}
	return in, nil
}

// ObjectRef is the object's id, whether it is referenced or embedded.
func (in *Incoming) ObjectRef() string {
	var r Ref
	if len(in.Object) == 0 || r.UnmarshalJSON(in.Object) != nil {
		return ""
	}
	return string(r)
}

// Embedded decodes the object when it is embedded; ok is false for a
// bare reference.
func (in *Incoming) Embedded() (Object, bool) {
	var o Object
	b := bytes.TrimSpace(in.Object)
	if len(b) == 0 || b[0] != '{' {
		return o, false
	}
	if json.Unmarshal(b, &o) != nil {
		return o, false
	}
	return o, true
}

// AbsoluteURL reports whether s is an absolute http(s) URL with a host.
func AbsoluteURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// jsonProblem says what is wrong with a JSON document without quoting it.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("not JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s has the wrong type", typ.Field)
	}
	return "not an activity object"
}

// RemoteActor is what we read of a peer's actor document: its inboxes and
// key.
type RemoteActor struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	Inbox     string `json:"inbox"`
	Endpoints struct {
		SharedInbox string `json:"sharedInbox"`
	} `json:"endpoints"`
	PublicKey         PublicKey `json:"publicKey"`
	PreferredUsername string    `json:"preferredUsername"`
	AlsoKnownAs       Refs      `json:"alsoKnownAs"`
	Name              string    `json:"name"`
	URL               Ref       `json:"url"`
	// AssertionMethod holds the actor's Multikeys (FEP-521a; Fedify
	// publishes its Ed25519 keys there).
	AssertionMethod Multikeys `json:"assertionMethod"`
}

// Multikey is a key of an actor's assertionMethod.
type Multikey struct {
	ID                 string `json:"id"`
	Type               string `json:"type"`
	Controller         string `json:"controller"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
}

// Multikeys is one Multikey or an array of them; entries that are not
// objects (a bare link) are left out.
type Multikeys []Multikey

// UnmarshalJSON reads an object or an array.
func (ms *Multikeys) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var raw []json.RawMessage
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
	} else {
		raw = []json.RawMessage{b}
	}
	*ms = nil
	for _, r := range raw {
		var m Multikey
		if len(r) > 0 && r[0] == '{' && json.Unmarshal(r, &m) == nil {
			*ms = append(*ms, m)
		}
	}
	return nil
}

// DecodeActor reads a fetched actor (or, where a keyId names a key
// document, the key's owner document) and checks its inbox and key.
func DecodeActor(body []byte) (RemoteActor, error) {
	var a RemoteActor
	if err := json.Unmarshal(body, &a); err != nil {
		return a, fmt.Errorf("%w: actor: %s", ErrMalformed, jsonProblem(err))
	}
	if !AbsoluteURL(a.ID) {
		return a, fmt.Errorf("%w: actor id must be an absolute URL", ErrMalformed)
	}
	if a.PublicKey.PublicKeyPem == "" {
		return a, fmt.Errorf("%w: actor %s has no publicKey", ErrMalformed, a.ID)
	}
	if a.Inbox != "" && !AbsoluteURL(a.Inbox) {
		return a, fmt.Errorf("%w: actor %s: inbox is not an absolute URL", ErrMalformed, a.ID)
	}
	if a.Endpoints.SharedInbox != "" && !AbsoluteURL(a.Endpoints.SharedInbox) {
		a.Endpoints.SharedInbox = ""
	}
	return a, nil
}
