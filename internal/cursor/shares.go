package cursor

import (
	"crypto/hmac"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// SealShares encodes a place in a most-shared list for scope, as Seal does
// for a newest-first one. Give the two kinds of list different scopes: a
// cursor of one then never opens as the other.
func (s *Sealer) SealShares(scope string, p article.SharesPosition) string {
	if p.IsZero() {
		return ""
	}
	payload := strconv.FormatInt(p.Total, 36) + "." + strconv.FormatInt(p.Time.UnixNano(), 36) + "." + p.ID
	mac := s.mac(scope, payload)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(mac[:16])
}

// OpenShares decodes a cursor sealed by SealShares for scope. The empty
// string is the start of the list.
func (s *Sealer) OpenShares(scope, token string) (article.SharesPosition, error) {
	if token == "" {
		return article.SharesPosition{}, nil
	}
	payload, err := s.open(scope, token)
	if err != nil {
		return article.SharesPosition{}, err
	}
	total, rest, ok1 := strings.Cut(payload, ".")
	ts, id, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || !article.ValidID(id) {
		return article.SharesPosition{}, ErrInvalid
	}
	n, err1 := strconv.ParseInt(total, 36, 64)
	at, err2 := strconv.ParseInt(ts, 36, 64)
	if err1 != nil || err2 != nil || n < 0 {
		return article.SharesPosition{}, ErrInvalid
	}
	return article.SharesPosition{Total: n, Time: time.Unix(0, at).UTC(), ID: id}, nil
}

// open checks a token's seal for scope and returns its payload.
func (s *Sealer) open(scope, token string) (string, error) {
	if len(token) > 512 {
		return "", ErrInvalid
	}
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrInvalid
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	mac, err2 := base64.RawURLEncoding.DecodeString(m64)
	if err1 != nil || err2 != nil {
		return "", ErrInvalid
	}
	want := s.mac(scope, string(payload))
	if !hmac.Equal(mac, want[:16]) {
		return "", ErrInvalid
	}
	return string(payload), nil
}
