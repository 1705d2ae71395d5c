package share

import "bytes"

// crawlerTokens are case-folded substrings of the user agents of the link
// preview crawlers and search bots that must get the card page rather than
// be sent on. A substring list, not a parser: the networks change version
// numbers often and their tokens rarely.
var crawlerTokens = []string{
	"facebookexternalhit", // Facebook, Messenger, Instagram link previews
	"facebookcatalog",
	"facebot",
	"meta-externalagent",
	"twitterbot", // X
	"linkedinbot",
	"slackbot", // Slackbot-LinkExpanding
	"slack-imgproxy",
	"telegrambot",
	"whatsapp",
	"viber",
	"discordbot",
	"vkshare", // VK
	"pinterest",
	"redditbot",
	"applebot", // iMessage previews
	"googlebot",
	"google-inspectiontool",
	"bingbot",
	"yandex",
	"skypeuripreview",
	"microsoftpreview", // Teams, Outlook
	"embedly",
	"iframely",
	"mastodon",
	"bluesky", // Bluesky's card fetcher ("Bluesky Cardyb")
	"cardyb",
	"snapchat",
	"tumblr",
	"duckduckbot",
	"qwantify",
	"line-poker", // LINE
	"kakaotalk-scrap",
	"headlesschrome", // prerender services taking screenshots
	"bot/",           // generic "SomethingBot/1.0"
	"crawler",
	"spider",
}

// IsCrawler reports whether userAgent belongs to a crawler that must be
// served the card page without being sent on. An empty user agent counts
// as a crawler: no browser sends none, and a card page is the safe answer.
func IsCrawler(userAgent string) bool {
	if userAgent == "" {
		return true
	}
	var buf [256]byte
	ua := userAgent
	if len(ua) > len(buf) {
		ua = ua[:len(buf)]
	}
	// Lower-case ASCII into a stack buffer: this runs on every request.
	n := copy(buf[:], ua)
	for i := 0; i < n; i++ {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	lower := buf[:n]
	for _, t := range crawlerTokenBytes {
		if bytes.Contains(lower, t) {
			return true
		}
	}
	return false
}

// crawlerTokenBytes is crawlerTokens converted once.
var crawlerTokenBytes = func() [][]byte {
	bs := make([][]byte, len(crawlerTokens))
	for i, t := range crawlerTokens {
		bs[i] = []byte(t)
	}
	return bs
}()
