package cursor

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// ErrInvalid means a cursor string was not made by this service for this
// list, or was altered.
var ErrInvalid = errors.New("cursor: invalid")

// Sealer seals and opens cursors under one secret.
type Sealer struct {
	key []byte
}

// New returns a Sealer for secret, which must be the same in every
// container that serves the same lists.
func New(secret string) *Sealer {
	k := sha256.Sum256([]byte("cursor/v1\x00" + secret))
	return &Sealer{key: k[:]}
}

// Seal encodes c for the list named scope (for example "admin" or a feed key
// string), so that a cursor from one list is refused by another.
func (s *Sealer) Seal(scope string, c article.Position) string {
	if c.IsZero() {
		return ""
	}
	payload := strconv.FormatInt(c.Time.UnixNano(), 36) + "." + c.ID
	mac := s.mac(scope, payload)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac[:16])
}

// Open decodes a cursor sealed for scope. The empty string is the start of
// the list.
func (s *Sealer) Open(scope, token string) (article.Position, error) {
	if token == "" {
		return article.Position{}, nil
	}
	if len(token) > 512 {
		return article.Position{}, ErrInvalid
	}
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return article.Position{}, ErrInvalid
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	mac, err2 := base64.RawURLEncoding.DecodeString(m64)
	if err1 != nil || err2 != nil {
		return article.Position{}, ErrInvalid
	}
	want := s.mac(scope, string(payload))
	if !hmac.Equal(mac, want[:16]) {
		return article.Position{}, ErrInvalid
	}
	ts, id, ok := strings.Cut(string(payload), ".")
	if !ok || !article.ValidID(id) {
		return article.Position{}, ErrInvalid
	}
	n, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return article.Position{}, ErrInvalid
	}
	return article.Position{Time: time.Unix(0, n).UTC(), ID: id}, nil
}

func (s *Sealer) mac(scope, payload string) [sha256.Size]byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(payload))
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out
}
