package cursor

import (
	"errors"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestSealOpenShares(t *testing.T) {
	s := New("secret")
	p := article.SharesPosition{Total: 123456, Time: time.Date(2025, 12, 18, 10, 30, 0, 123456789, time.UTC), ID: "abc_123-x"}
	tok := s.SealShares("admin-shares", p)
	got, err := s.OpenShares("admin-shares", tok)
	if err != nil || got.Total != p.Total || !got.Time.Equal(p.Time) || got.ID != p.ID {
		t.Fatalf("OpenShares(SealShares(%+v)) = %+v, %v", p, got, err)
	}
	if got, err := s.OpenShares("x", ""); err != nil || !got.IsZero() {
		t.Errorf("empty token: got %+v, %v; want zero, nil", got, err)
	}
	if tok := s.SealShares("x", article.SharesPosition{}); tok != "" {
		t.Errorf("SealShares(zero) = %q, want empty", tok)
	}
	newest := s.Seal("admin", article.Position{Time: p.Time, ID: p.ID})
	for name, tc := range map[string]struct {
		s     *Sealer
		scope string
		token string
	}{
		"other scope":        {s, "admin", tok},
		"other secret":       {New("other"), "admin-shares", tok},
		"newest-first token": {s, "admin-shares", newest},
		"edited":             {s, "admin-shares", "x" + tok[1:]},
		"truncated":          {s, "admin-shares", tok[:len(tok)-2]},
		"garbage":            {s, "admin-shares", "%%%.%%%"},
		"too long":           {s, "admin-shares", tok + string(make([]byte, 600))},
	} {
		if _, err := tc.s.OpenShares(tc.scope, tc.token); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: OpenShares = %v, want ErrInvalid", name, err)
		}
	}
	// A well-sealed payload of the wrong shape is refused too.
	if _, err := s.OpenShares("admin", newest); !errors.Is(err, ErrInvalid) {
		t.Errorf("newest-first payload under its own scope: OpenShares = %v, want ErrInvalid", err)
	}
}
