package share

import (
	"net/url"
	"strings"
	"testing"
)

func TestShareTarget(t *testing.T) {
	s := testSite()
	a := seedArticle()
	share := "https://share.news.example.bg/share/" + a.Slug
	tracked := func(n, medium string) string {
		return share + "?utm_source=" + n + "&utm_medium=" + medium + "&utm_campaign=share"
	}
	tests := []struct {
		network   string
		prefix    string
		param     string // query parameter holding the tracked URL, "" when it is in text
		wantInArg string
	}{
		{"facebook", "https://www.facebook.com/sharer/sharer.php?", "u", tracked("facebook", "social")},
		{"x", "https://x.com/intent/post?", "url", tracked("x", "social")},
		{"linkedin", "https://www.linkedin.com/sharing/share-offsite/?", "url", tracked("linkedin", "social")},
		{"telegram", "https://t.me/share/url?", "url", tracked("telegram", "social")},
		{"whatsapp", "https://wa.me/?", "text", tracked("whatsapp", "social")},
		{"viber", "viber://forward?", "text", tracked("viber", "social")},
		{"email", "mailto:?", "body", tracked("email", "email")},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			got, ok := s.ShareTarget(&a, tt.network)
			if !ok || !strings.HasPrefix(got, tt.prefix) {
				t.Fatalf("ShareTarget(%s) = %q, %v; want prefix %q", tt.network, got, ok, tt.prefix)
			}
			q, err := url.ParseQuery(got[strings.IndexByte(got, '?')+1:])
			if err != nil {
				t.Fatalf("query of %q: %v", got, err)
			}
			if v := q.Get(tt.param); !strings.Contains(v, tt.wantInArg) {
				t.Errorf("%s = %q, want it to carry %q", tt.param, v, tt.wantInArg)
			}
			if strings.Contains(got, "+") && (tt.network == "email" || tt.network == "viber") {
				t.Errorf("%q encodes spaces as +, which mail clients show", got)
			}
		})
	}
	for _, bad := range []string{"", "myspace", "https://evil.example", "Facebook"} {
		if got, ok := s.ShareTarget(&a, bad); ok {
			t.Errorf("ShareTarget(%q) = %q, want no target", bad, got)
		}
	}
	for _, n := range Networks {
		if !KnownNetwork(n) {
			t.Errorf("KnownNetwork(%q) = false", n)
		}
	}
}
