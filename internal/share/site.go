package share

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/config"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// Site is what the share pages need to know about the publication and this
// service. Build it once with NewSite; it is read-only afterwards.
type Site struct {
	// Name is the publication's name (og:site_name, oEmbed provider_name).
	Name string
	// URL is the publisher's site, without a trailing slash.
	URL string
	// BaseURL is this service's public base, without a trailing slash:
	// share pages, cards and oEmbed live under it.
	BaseURL string
	// Locale is the OpenGraph locale (bg_BG); Language the page's lang.
	Locale   string
	Language string
	// Location is the publisher's time zone for published and modified
	// times.
	Location *time.Location
	// LogoURL is the publisher's logo for JSON-LD; optional.
	LogoURL string
	// TwitterSite is the publisher's @handle; optional.
	TwitterSite string
	// CardOrigins are the origins card photos are fetched from
	// (IMAGE_ORIGINS): a photo elsewhere is not on the card.
	CardOrigins []string
	// FediverseCreator is the newsroom's fediverse address, @news@host,
	// for <meta name="fediverse:creator">: Mastodon credits the account
	// under the link preview of every share of the page. Optional.
	FediverseCreator string
}

// NewSite takes the share settings from the configuration.
func NewSite(c config.Config) Site {
	s := Site{
		Name:        c.SiteName,
		URL:         strings.TrimRight(c.SiteURL, "/"),
		BaseURL:     strings.TrimRight(c.BaseURL, "/"),
		Locale:      c.SiteLocale,
		Language:    c.Language,
		Location:    c.Location,
		LogoURL:     c.LogoURL,
		TwitterSite: c.TwitterSite,
		CardOrigins: c.ImageOrigins,
	}
	if c.FediverseHandle != "" && c.FediverseDomain != "" {
		s.FediverseCreator = "@" + c.FediverseHandle + "@" + c.FediverseDomain
	}
	if s.TwitterSite != "" && !strings.HasPrefix(s.TwitterSite, "@") {
		s.TwitterSite = "@" + s.TwitterSite
	}
	return s
}

func (s *Site) loc() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// ShareURL is the address that is shared: this service's page for a,
// which crawlers read and people are sent on from.
func (s *Site) ShareURL(a *article.Article) string {
	return s.BaseURL + "/share/" + url.PathEscape(a.Slug)
}

// CardURL is the address of a's share card. It carries the article's
// version and the renderer's (CardVersion), so a changed article or a
// changed drawing gets a new URL that no crawler or CDN has cached, and the
// card itself can be cached forever.
func (s *Site) CardURL(a *article.Article) string {
	return s.ShareURL(a) + "/card.png?v=" + CardVersion(a.Version)
}

// CardVersion is the v of a card URL: the article's version and
// card.Revision, "7.2".
func CardVersion(version int64) string {
	return strconv.FormatInt(version, 10) + "." + strconv.Itoa(card.Revision)
}

// CanonicalURL is where a person reading a is sent: the article on the
// publisher's site, or the site itself when the stored URL is unusable.
func (s *Site) CanonicalURL(a *article.Article) string {
	if u := safeURL(a.URL); u != "" {
		return u
	}
	return s.URL + "/"
}

// OEmbedURL is the oEmbed discovery address of a's share page.
func (s *Site) OEmbedURL(a *article.Article) string {
	return s.BaseURL + "/oembed?url=" + url.QueryEscape(s.ShareURL(a)) + "&format=json"
}

// Feed addresses, as served by the feeds function (feedapi.Register).
func (s *Site) rssURL() string  { return s.BaseURL + "/feeds/rss.xml" }
func (s *Site) atomURL() string { return s.BaseURL + "/feeds/atom.xml" }

// CardWidth and CardHeight are the share card's size: the 1.91:1 that
// Facebook, X, LinkedIn and the messengers all show uncropped.
const (
	CardWidth  = 1200
	CardHeight = 630
)

// Image is one image offered to the networks, with its size when known.
type Image struct {
	URL    string
	Type   string // MIME type, "" when unknown
	Width  int
	Height int
	Alt    string
}

// OGImage is the image for og:image: the share card when it carries the
// photo's credit (CreditedCard), else the article's own picture when it is
// usable and its size is known (Facebook needs the size to show a large card
// on first share), and the generated card otherwise.
func (s *Site) OGImage(a *article.Article) Image {
	if s.CreditedCard(a) {
		return s.cardImage(a)
	}
	if im := a.Image; im != nil && im.Width > 0 && im.Height > 0 {
		if u := safeURL(im.URL); u != "" {
			return Image{URL: u, Type: article.ImageType(u), Width: im.Width, Height: im.Height, Alt: imageAlt(a)}
		}
	}
	return s.cardImage(a)
}

// TwitterImage is the image for twitter:image: the credited card as for
// og:image, else the article's own picture whenever it is usable (X does
// not need its size), else the card.
func (s *Site) TwitterImage(a *article.Article) Image {
	if s.CreditedCard(a) {
		return s.cardImage(a)
	}
	if im := a.Image; im != nil {
		if u := safeURL(im.URL); u != "" {
			return Image{URL: u, Type: article.ImageType(u), Width: im.Width, Height: im.Height, Alt: imageAlt(a)}
		}
	}
	return s.cardImage(a)
}

// CreditedCard reports whether a's card is the image to offer the
// networks because it carries the photo's credit: the photo has a credit
// ("Снимка: EPA/BGNES") and is on an origin the card draws photos from.
// The networks show an image with no caption, so a credited photo offered
// as itself would reach them uncredited, which agency terms do not allow;
// the card draws the credit on the photo. Without a credit, or when the
// card could not draw the photo (and so not its credit either), the photo
// itself is offered as before. docs/unfurlers.md.
func (s *Site) CreditedCard(a *article.Article) bool {
	im := a.Image
	if im == nil || article.OneLine(im.Credit) == "" {
		return false
	}
	u := safeURL(im.URL)
	return u != "" && card.AllowedOrigin(u, s.CardOrigins)
}

// Credit is the credit of a's photo on one line ("Снимка: EPA/BGNES"), ""
// without a photo or a credit.
func Credit(a *article.Article) string {
	if a.Image == nil || safeURL(a.Image.URL) == "" {
		return ""
	}
	return article.OneLine(a.Image.Credit)
}

// CreditText is whom a credit line names, for JSON-LD's creditText: the
// line without a leading label such as "Снимка:" or "Photo:" (one word
// before a colon), "EPA/BGNES".
func CreditText(credit string) string {
	label, rest, found := strings.Cut(credit, ":")
	label, rest = strings.TrimSpace(label), strings.TrimSpace(rest)
	if !found || label == "" || rest == "" || strings.IndexFunc(label, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return credit
	}
	return rest
}

func (s *Site) cardImage(a *article.Article) Image {
	return Image{URL: s.CardURL(a), Type: "image/png", Width: CardWidth, Height: CardHeight, Alt: article.OneLine(a.Title)}
}

func imageAlt(a *article.Article) string {
	if alt := article.OneLine(a.Image.Alt); alt != "" {
		return alt
	}
	return article.OneLine(a.Title)
}

// Card is what a's share card shows: the card route draws it, and the
// preview studio draws the same card for drafts.
func (s *Site) Card(a *article.Article) card.Card {
	c := card.Card{Title: a.Title, SiteName: s.Name, Section: a.Section, Date: a.PublishedAt}
	if a.Image != nil {
		c.ImageURL, c.Credit = a.Image.URL, a.Image.Credit
	}
	return c
}
