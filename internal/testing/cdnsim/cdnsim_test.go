package cdnsim

import (
	"testing"
	"time"
)

func TestTTL(t *testing.T) {
	for cc, want := range map[string]time.Duration{
		"":                                   0,
		"public, max-age=600, s-maxage=3600": time.Hour,
		"public, max-age=300, stale-while-revalidate=600": 5 * time.Minute,
		"private, max-age=600":                            0,
		"no-store":                                        0,
		"public, max-age=31536000, immutable":             365 * 24 * time.Hour,
		"public, s-maxage=0, max-age=60":                  0,
	} {
		if got := ttl(cc); got != want {
			t.Errorf("ttl(%q) = %v, want %v", cc, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	p := &Proxy{Behaviors: []Behavior{{Pattern: "/share/*/card.png"}, {Pattern: "/share/*"}, {Pattern: "*"}}}
	for path, want := range map[string]string{
		"/share/a/card.png": "/share/*/card.png", "/share/a": "/share/*", "/share/a/to/x": "/share/*", "/feeds/rss.xml": "*",
	} {
		if got := p.Match(path).Pattern; got != want {
			t.Errorf("Match(%s) = %s, want %s", path, got, want)
		}
	}
}
