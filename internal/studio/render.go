package studio

import (
	"bytes"
	"context"
	_ "embed" // the page templates and stylesheet
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

//go:embed assets/preview.html
var pageSource string

//go:embed assets/studio.css
var styles string

// pages is parsed on first use, not at package init: the articles
// function links the studio, and parsing at init cost its cold start about
// 1 ms (GODEBUG=inittrace=1) on every start, studio page or not.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("studio").Funcs(template.FuncMap{
		"pair": func(m Mockup, theme string) struct {
			M     Mockup
			Theme string
		} {
			return struct {
				M     Mockup
				Theme string
			}{m, theme}
		},
		"initial": func(name string) string {
			for _, r := range name {
				return strings.ToUpper(string(r))
			}
			return "?"
		},
		"level": func(l Level) string {
			switch l {
			case Warn:
				return "warn"
			case Note:
				return "note"
			}
			return "pass"
		},
	}).Parse(pageSource))
})

// Chrome is what every studio page carries: the CSP nonce of its one
// <style> element, and the links of its bar.
type Chrome struct {
	Nonce      string
	SiteName   string
	IndexURL   string
	SignOutURL string
	CSS        template.CSS
}

// NewChrome is Chrome with the studio's stylesheet.
func NewChrome(nonce, siteName, indexURL, signOutURL string) Chrome {
	return Chrome{Nonce: nonce, SiteName: siteName, IndexURL: indexURL, SignOutURL: signOutURL, CSS: template.CSS(styles)}
}

// PreviewPage is GET /articles/{id}/preview.
type PreviewPage struct {
	Chrome
	Meta   share.Meta
	OEmbed share.OEmbed
	Status Status
	// Scheduled is ScheduledText for a scheduled story, "" otherwise:
	// the banner, worded as the check.
	Scheduled        string
	Mockups          []Mockup
	Checks           []Check
	Warnings         int
	CardURL          string
	CardWithoutPhoto bool
	Shares           Shares
	Chart            Chart
	PageSize         string
	// Fediverse is the story on the fediverse; nil shows no such section.
	Fediverse *Fediverse
}

// Fediverse is a story as the newsroom's fediverse followers get it: its
// Note as Mastodon draws it in a timeline (Toot), and what they did with
// it.
type Fediverse struct {
	Toot                              Toot
	Followers, Likes, Boosts, Replies int64
	// Recent are the newest replies, newest first.
	Recent []Reply
}

// ImageOrigin is the origin of the Note's photo, "" when it has none: the
// page's Content-Security-Policy must allow it.
func (f *Fediverse) ImageOrigin() string { return originOf(f.Toot.Image) }

// Toot is the parts of a story's Note that Mastodon shows: the account,
// the bold title, the lead, the link, the hashtags and the photo.
type Toot struct {
	Name, Account         string
	Title, Lead           string
	Link, LinkText        string
	Tags                  []string
	Image, ImageAlt, When string
}

// Reply is one reply to a story: who, where, what (plain text, sanitised
// when it was received) and when (in the site's time zone).
type Reply struct {
	Author, URL, Text, At string
}

// IndexPage is GET /articles/preview: one page of the newest articles,
// or of the hits of a search (Query).
type IndexPage struct {
	Chrome
	Rows []IndexRow
	// Query is the search, "" for none. Next is the next page's URL, ""
	// on the last; First is the first page's, "" on it.
	Query string
	Next  string
	First string
	// Searched says how far a search read, when it stopped before the
	// end of the list ("" otherwise).
	Searched string
}

// MessagePage is a studio page that says why there is nothing to show
// (an article missing or deleted, a stale link), with the way back.
type MessagePage struct {
	Chrome
	Title string
	Text  string
}

// IndexRow is one article of the index.
type IndexRow struct {
	ID, Title, URL, When string
	Status               Status
	Shares               int64
	Warnings             int
}

// SignInPage is the form answered to a browser without a session.
type SignInPage struct {
	Nonce  string
	CSS    template.CSS
	Action string
	Next   string
	Error  string
	Hours  int
}

// NewSignInPage is SignInPage with the studio's stylesheet.
func NewSignInPage(nonce, action, next, errText string, hours int) SignInPage {
	return SignInPage{Nonce: nonce, CSS: template.CSS(styles), Action: action, Next: next, Error: errText, Hours: hours}
}

// Render writes one of the pages (*PreviewPage, *IndexPage, *SignInPage,
// *MessagePage) to w, whole or not at all.
func Render(w io.Writer, page any) error {
	var name string
	switch page.(type) {
	case *PreviewPage:
		name = "preview"
	case *IndexPage:
		name = "index"
	case *SignInPage:
		name = "signin"
	case *MessagePage:
		name = "message"
	default:
		return fmt.Errorf("studio: no template for %T", page)
	}
	var buf bytes.Buffer
	if err := pages().ExecuteTemplate(&buf, name, page); err != nil {
		return fmt.Errorf("studio: render %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Aspect is the image frame as the page labels it.
func (n Network) Aspect() string {
	switch {
	case n.AspectW == 0:
		return "снимката в своя формат"
	case n.AspectW == 191:
		return "снимка 1.91:1"
	}
	return "снимка " + strconv.Itoa(n.AspectW) + ":" + strconv.Itoa(n.AspectH)
}

// Prober reads a photo's format, size and weight; *card.Fetcher is one.
type Prober interface {
	Probe(ctx context.Context, rawURL string) (card.Photo, error)
}

// Studio builds the studio's pages for one site.
type Studio struct {
	Site share.Site
	// SiteURL and ImageOrigins are the configuration's SITE_URL and
	// IMAGE_ORIGINS.
	SiteURL      string
	ImageOrigins []string
	// Photos probes article photos on ImageOrigins; nil probes none.
	Photos Prober
}

// Links are the studio addresses of one article's page.
type Links struct {
	// Card is the studio's own card route (public card URLs 404 for
	// drafts).
	Card string
}

// Inspect runs the checks on a as of now; with probe, the article's photo is
// fetched (from an allowed origin only) for its format, size and weight.
func (s *Studio) Inspect(ctx context.Context, a *article.Article, now time.Time, probe bool) (share.Meta, []Check, int) {
	m := s.Site.Meta(a)
	page, err := s.Site.AppendPage(nil, a, share.Crawler)
	size := len(page)
	if err != nil {
		size = 0
	}
	in := Input{Article: a, Meta: m, PageBytes: size, SiteURL: s.SiteURL, ImageOrigins: s.ImageOrigins, Now: now, Location: s.Site.Location}
	if probe && s.Photos != nil && a.Image != nil && allowed(a.Image.URL, s.ImageOrigins) {
		p, err := s.Photos.Probe(ctx, a.Image.URL)
		if err != nil {
			in.PhotoErr = err
		} else {
			in.Photo = &p
		}
	}
	return m, Checks(in), size
}

// Preview builds a's preview page.
func (s *Studio) Preview(ctx context.Context, a *article.Article, now time.Time, shares Shares, chrome Chrome, links Links) *PreviewPage {
	m, checks, size := s.Inspect(ctx, a, now, true)
	publicCard := s.Site.CardURL(a)
	display := func(u string) string {
		if u == publicCard {
			return links.Card
		}
		return u
	}
	var scheduled string
	if a.ScheduledAt(now) {
		scheduled = ScheduledText(a.PublishedAt, s.Site.Location)
	}
	return &PreviewPage{
		Chrome:           chrome,
		Scheduled:        scheduled,
		Meta:             m,
		OEmbed:           s.Site.NewOEmbed(a, 0, 0),
		Status:           StatusOf(a, now),
		Mockups:          Mockups(m, display),
		Checks:           checks,
		Warnings:         Warnings(checks),
		CardURL:          links.Card,
		CardWithoutPhoto: a.Image != nil && a.Image.URL != "" && !allowed(a.Image.URL, s.ImageOrigins),
		Shares:           shares,
		Chart:            shares.Chart(),
		PageSize:         kb(int64(size)) + " (" + strconv.Itoa(size) + " байта)",
	}
}

// ImageOrigin is the origin of the images a's mock-ups show besides the
// studio's own card, "" when none: the page's Content-Security-Policy
// must allow it.
func (s *Studio) ImageOrigin(a *article.Article) string {
	return originOf(s.Site.TwitterImage(a).URL)
}
