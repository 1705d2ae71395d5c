package share

import "testing"

func TestIsCrawler(t *testing.T) {
	crawlers := map[string]string{
		"facebook":    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"facebot":     "Facebot",
		"x":           "Twitterbot/1.0",
		"linkedin":    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
		"slack":       "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
		"telegram":    "TelegramBot (like TwitterBot)",
		"whatsapp":    "WhatsApp/2.23.20.0 A",
		"viber":       "Viber/22.8.0.1 CFNetwork/1408.0.4 Darwin/22.5.0",
		"discord":     "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
		"vk":          "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
		"pinterest":   "Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
		"reddit":      "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
		"apple":       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
		"applebot":    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
		"google":      "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"bing":        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
		"skype":       "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
		"teams":       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.103 Safari/537.36 MicrosoftPreview/2.0 +https://aka.ms/MicrosoftPreview",
		"mastodon":    "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
		"bluesky":     "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
		"yandex":      "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
		"empty":       "",
		"generic bot": "SomeNewsBot/1.0 (+https://example.com)",
	}
	for name, ua := range crawlers {
		t.Run("crawler/"+name, func(t *testing.T) {
			if !IsCrawler(ua) {
				t.Errorf("IsCrawler(%q) = false, want true", ua)
			}
		})
	}
	browsers := map[string]string{
		"chrome desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"firefox":        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"safari iphone":  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"chrome android": "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"facebook app":   "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.30.107;FBBV/500]",
		"edge":           "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"cubot phone":    "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
	}
	for name, ua := range browsers {
		t.Run("browser/"+name, func(t *testing.T) {
			if IsCrawler(ua) {
				t.Errorf("IsCrawler(%q) = true, want false", ua)
			}
		})
	}
}

func BenchmarkIsCrawler(b *testing.B) {
	ua := "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	b.ReportAllocs()
	for b.Loop() {
		IsCrawler(ua)
	}
}
