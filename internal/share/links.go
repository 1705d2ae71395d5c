package share

import (
	"net/url"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// Networks lists the networks of the "Сподели" bar, in the bar's order.
// Only these have share links and counters.
var Networks = []string{"facebook", "x", "linkedin", "telegram", "viber", "whatsapp", "email"}

// KnownNetwork reports whether network is one of Networks.
func KnownNetwork(network string) bool {
	for _, n := range Networks {
		if n == network {
			return true
		}
	}
	return false
}

// TrackedURL is a's share URL with the UTM parameters that attribute the
// visits it brings to network.
func (s *Site) TrackedURL(a *article.Article, network string) string {
	medium := "social"
	if network == "email" {
		medium = "email"
	}
	return s.ShareURL(a) + "?utm_source=" + url.QueryEscape(network) +
		"&utm_medium=" + medium + "&utm_campaign=share"
}

// ShareTarget is the address of network's share dialog for a, built only
// from the article and the site: nothing of a request ever reaches it. ok is
// false for a network not in Networks.
func (s *Site) ShareTarget(a *article.Article, network string) (target string, ok bool) {
	if !KnownNetwork(network) {
		return "", false
	}
	u := s.TrackedURL(a, network)
	title := Trim(article.OneLine(a.Title), TitleMax)
	q := url.QueryEscape
	switch network {
	case "facebook":
		return "https://www.facebook.com/sharer/sharer.php?u=" + q(u), true
	case "x":
		return "https://x.com/intent/post?text=" + q(title) + "&url=" + q(u), true
	case "linkedin":
		return "https://www.linkedin.com/sharing/share-offsite/?url=" + q(u), true
	case "telegram":
		return "https://t.me/share/url?url=" + q(u) + "&text=" + q(title), true
	case "viber":
		// Viber has no web dialog; its app handles viber://forward.
		return "viber://forward?text=" + mailEscape(title+" "+u), true
	case "whatsapp":
		return "https://wa.me/?text=" + q(title+" "+u), true
	case "email":
		// RFC 6068: mail clients show "+" literally, so spaces are %20.
		return "mailto:?subject=" + mailEscape(title) + "&body=" + mailEscape(Trim(article.OneLine(a.Lead), DescriptionMax)+"\n\n"+u), true
	}
	return "", false
}

// mailEscape percent-encodes s for a mailto: or viber: query, spaces as
// %20.
func mailEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
