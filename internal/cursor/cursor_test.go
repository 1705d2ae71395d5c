package cursor

import (
	"errors"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestSealOpen(t *testing.T) {
	s := New("secret")
	c := article.Position{Time: time.Date(2025, 12, 18, 10, 30, 0, 123456789, time.UTC), ID: "abc_123-x"}
	tok := s.Seal("feed/section/svyat", c)
	got, err := s.Open("feed/section/svyat", tok)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if !got.Time.Equal(c.Time) || got.ID != c.ID {
		t.Errorf("got %+v, want %+v", got, c)
	}
	if got, err := s.Open("x", ""); err != nil || !got.IsZero() {
		t.Errorf("empty token: got %+v, %v; want zero, nil", got, err)
	}
}

func TestOpenRejects(t *testing.T) {
	s := New("secret")
	tok := s.Seal("admin", article.Position{Time: time.Unix(1700000000, 0), ID: "a1"})
	for name, tc := range map[string]struct {
		s     *Sealer
		scope string
		token string
	}{
		"other scope":   {s, "feed/site", tok},
		"other secret":  {New("other"), "admin", tok},
		"edited":        {s, "admin", "x" + tok[1:]},
		"truncated":     {s, "admin", tok[:len(tok)-2]},
		"no separator":  {s, "admin", "abcdef"},
		"garbage":       {s, "admin", "%%%.%%%"},
		"huge":          {s, "admin", string(make([]byte, 4096))},
		"forged no mac": {s, "admin", "MTIzLmFi."},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := tc.s.Open(tc.scope, tc.token); !errors.Is(err, ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}
