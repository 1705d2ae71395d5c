package studio

import (
	"cmp"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

// Level is how much a check matters.
type Level int

const (
	// Pass: nothing to change.
	Pass Level = iota
	// Note: worth knowing, nothing is lost.
	Note
	// Warn: a network will show less than it could; change something.
	Warn
)

// Check is one finding, with what to change.
type Check struct {
	Level Level
	// Topic names what was checked (title, image, …); ID is stable for
	// tests and anchors: topic-network.
	Topic string
	ID    string
	// Networks are the networks concerned; empty for all.
	Networks []string
	// Text says what was found and what to change, in Bulgarian.
	Text string
}

// MaxPageBytes is how much of a share page some crawlers read (Slack's
// 32 KB); the tags past it are not seen.
const MaxPageBytes = 32 << 10

// Input is what the checks look at.
type Input struct {
	Article *article.Article
	Meta    share.Meta
	// PageBytes is the size of the share page a crawler gets.
	PageBytes int
	// SiteURL is the publisher's site (config SITE_URL).
	SiteURL string
	// ImageOrigins are the origins the card renderer may fetch photos
	// from (IMAGE_ORIGINS).
	ImageOrigins []string
	// Photo is the article's photo as probed; nil when it was not (no
	// photo, or its host is not allowed), with PhotoErr saying why a
	// probe failed.
	Photo    *card.Photo
	PhotoErr error
	// Now is the time the status is judged at (a publication time ahead
	// of it is a scheduled story); zero skips that check.
	Now time.Time
	// Location is the site's time zone, in which times are shown; nil is UTC.
	Location *time.Location
}

// Checks runs every check on in, warnings first, then notes, then passes.
func Checks(in Input) []Check {
	var out []Check
	add := func(level Level, topic, id string, nets []string, format string, args ...any) {
		out = append(out, Check{Level: level, Topic: topic, ID: id, Networks: nets, Text: fmt.Sprintf(format, args...)})
	}
	m := in.Meta
	a := in.Article

	// Text length, per network, on what each network reads: X reads
	// twitter:title, the others og:title.
	for _, n := range Networks {
		title := m.Title
		if n.Twitter {
			title = m.TwitterTitle
		}
		if l := n.Length(m.FullTitle); l > n.TitleMax || title != m.FullTitle {
			add(Warn, "title", "title-"+n.ID, []string{n.Name},
				"Заглавието е %d %s; %s показва до %d и ще го отреже: „%s“. Съкратете го до %d %s или изнесете най-важното в началото.",
				l, unitName(n.Unit), n.Name, n.TitleMax, n.CutTitle(title), n.TitleMax, unitName(n.Unit))
		} else {
			add(Pass, "title", "title-"+n.ID, []string{n.Name}, "Заглавието се събира в %s (%d от %d %s).", n.Name, l, n.TitleMax, unitName(n.Unit))
		}
		if n.DescriptionMax == 0 {
			continue
		}
		if m.Lead == "" {
			continue // reported once below
		}
		if l := n.Length(m.Lead); l > n.DescriptionMax || m.Description != m.Lead {
			add(Warn, "description", "description-"+n.ID, []string{n.Name},
				"Описанието (лийдът) е %d %s; %s показва до %d: „%s“. Съкратете лийда до %d %s, ако краят му е важен.",
				l, unitName(n.Unit), n.Name, n.DescriptionMax, n.CutDescription(m.Description), n.DescriptionMax, unitName(n.Unit))
		} else {
			add(Pass, "description", "description-"+n.ID, []string{n.Name}, "Описанието се събира в %s.", n.Name)
		}
	}
	if m.Lead == "" {
		add(Warn, "description", "description-missing", nil,
			"Няма лийд, а той е описанието (og:description) под заглавието във Facebook, Telegram, WhatsApp, Viber, Slack и Discord. Напишете едно-две изречения.")
	}

	checkImage(in, add)

	// Byline, date, section, alt.
	if m.Author == "" {
		add(Warn, "author", "author-missing", []string{"Slack", "LinkedIn"},
			"Няма автор и източник: Slack и LinkedIn показват автора, а Google иска такъв. Добавете автор или източник (агенция).")
	} else {
		add(Pass, "author", "author", nil, "Автор: %s.", m.Author)
	}
	if m.Published.IsZero() {
		add(Warn, "date", "date-missing", nil,
			"Няма дата на публикуване (article:published_time): мрежите и търсачките не знаят колко е нова статията. Задайте publishedAt.")
	} else {
		add(Pass, "date", "date", nil, "Дата на публикуване: %s.", m.Published.Format("02.01.2006 15:04"))
	}
	if m.Section == "" {
		add(Warn, "section", "section-missing", nil,
			"Няма рубрика (article:section): картата е без надпис над заглавието и статията не влиза в емисията на рубрика. Задайте section.")
	} else {
		add(Pass, "section", "section", nil, "Рубрика: %s.", m.Section)
	}
	if a.Image != nil && article.OneLine(a.Image.Alt) == "" {
		add(Warn, "alt", "alt-missing", nil,
			"Снимката няма алтернативен текст (og:image:alt): вместо него се ползва заглавието, което не описва снимката за незрящите. Опишете снимката в image.alt.")
	}

	if !in.Now.IsZero() && a.ScheduledAt(in.Now) {
		add(Note, "status", "scheduled", nil, "%s", ScheduledText(a.PublishedAt, in.Location))
	}

	checkURLs(in, add)

	if in.PageBytes > MaxPageBytes {
		add(Warn, "page", "page-size", []string{"Slack"},
			"Страницата за споделяне е %s, над 32 KB, които Slack чете: таговете след тази граница не се виждат. Съкратете тагове, автори или лийд.",
			kb(int64(in.PageBytes)))
	} else {
		add(Pass, "page", "page-size", nil, "Страницата за споделяне е %s (до 32 KB се чете цялата).", kb(int64(in.PageBytes)))
	}

	// Warnings first, then notes, then passes; stable within a level.
	sorted := make([]Check, 0, len(out))
	for _, l := range []Level{Warn, Note, Pass} {
		for _, c := range out {
			if c.Level == l {
				sorted = append(sorted, c)
			}
		}
	}
	return sorted
}

func checkImage(in Input, add func(Level, string, string, []string, string, ...any)) {
	a, m := in.Article, in.Meta
	if a.Image == nil || strings.TrimSpace(a.Image.URL) == "" {
		add(Note, "image", "image-missing", nil,
			"Статията е без снимка: всички мрежи ще покажат генерираната карта (1200×630 PNG). Добавете снимка, ако има подходяща.")
		return
	}
	photo := a.Image.URL
	host := originOf(photo)
	if !allowed(photo, in.ImageOrigins) {
		add(Warn, "image", "image-origin", nil,
			"Хостът на снимката %s не е в IMAGE_ORIGINS: картата за споделяне ще е без снимка, а тук не може да се провери размерът и теглото ѝ. Качете снимката на разрешен хост или добавете %s в IMAGE_ORIGINS.",
			host, host)
	}
	if m.Image.URL != strings.TrimSpace(photo) && share.Credit(a) != "" && allowed(photo, in.ImageOrigins) {
		add(Note, "image", "image-credited-card", nil,
			"Снимката е с кредит „%s“, а мрежите не показват надписи под снимката: затова се споделя картата (og:image), на която кредитът е изписан върху снимката. Без кредит би се споделила самата снимка.",
			share.Credit(a))
	}
	if a.Image.Width <= 0 || a.Image.Height <= 0 {
		add(Warn, "image", "image-size-unknown", []string{"Facebook", "LinkedIn"},
			"Снимката е без ширина и височина, затова og:image е генерираната карта, а не снимката (Facebook показва голяма снимка при първо споделяне само ако знае размера ѝ). Задайте image.width и image.height.")
	}
	if m.Image.Type == "" {
		add(Warn, "image", "image-type-unknown", nil,
			"Типът на снимката не личи от адреса ѝ (очаква се .jpg, .png или .webp), затова og:image:type липсва. Ползвайте адрес с разширение.")
	}
	if in.PhotoErr != nil {
		add(Warn, "image", "image-fetch", nil,
			"Снимката не можа да бъде прочетена (%s): мрежите вероятно също няма да я покажат. Проверете адреса.", shortErr(in.PhotoErr))
		return
	}
	p := in.Photo
	if p == nil {
		return
	}
	if a.Image.Width > 0 && a.Image.Height > 0 && (p.Width != a.Image.Width || p.Height != a.Image.Height) {
		add(Warn, "image", "image-size-mismatch", nil,
			"Записаният размер %d×%d не отговаря на файла %d×%d: og:image:width/height лъжат и Facebook може да изреже снимката грешно. Поправете image.width и image.height.",
			a.Image.Width, a.Image.Height, p.Width, p.Height)
	}
	switch p.Format {
	case "jpeg", "png":
	case "webp":
		add(Note, "image", "image-webp", []string{"Viber", "LinkedIn"},
			"Снимката е WebP: по-старите приложения (Viber, LinkedIn в някои клиенти) не я показват. JPEG е най-сигурен.")
	default:
		add(Warn, "image", "image-format", nil, "Снимката е %s: ползвайте JPEG или PNG.", strings.ToUpper(p.Format))
	}
	if ct := strings.TrimSpace(strings.SplitN(p.ContentType, ";", 2)[0]); ct != "" && ct != "image/"+p.Format {
		add(Warn, "image", "image-content-type", nil,
			"Сървърът на снимката я праща като %s, а тя е %s: някои мрежи я отхвърлят. Поправете Content-Type на сървъра.", ct, p.Format)
	}
	for _, n := range Networks {
		if n.MaxBytes > 0 && p.Bytes > n.MaxBytes {
			add(Warn, "image", "image-weight-"+n.ID, []string{n.Name},
				"Снимката тежи %s; %s не показва снимки над %s. Компресирайте я (JPEG, качество 80) под %s.",
				kb(p.Bytes), n.Name, kb(n.MaxBytes), kb(n.MaxBytes))
		}
		if n.MinWidth > 0 && p.Width < n.MinWidth {
			add(Warn, "image", "image-width-"+n.ID, []string{n.Name},
				"Снимката е широка %d px; %s показва голяма снимка от %d px нагоре, иначе малка миниатюра. Ползвайте поне 1200 px.",
				p.Width, n.Name, n.MinWidth)
		}
		if n.AspectW > 0 && p.Height > 0 {
			got := float64(p.Width) / float64(p.Height)
			want := float64(n.AspectW) / float64(n.AspectH)
			if d := got/want - 1; d > 0.1 || d < -0.1 {
				add(Warn, "image", "image-aspect-"+n.ID, []string{n.Name},
					"Снимката е %.2f:1, а %s я изрязва до %.2f:1 откъм %s. Проверете изрязването отдолу или ползвайте снимка 1200×630.",
					got, n.Name, want, cropSide(got, want))
			}
		}
	}
	if p.Bytes > 0 {
		add(Pass, "image", "image-file", nil, "Снимката: %s, %d×%d, %s.", strings.ToUpper(p.Format), p.Width, p.Height, kb(p.Bytes))
	}
}

func checkURLs(in Input, add func(Level, string, string, []string, string, ...any)) {
	a, m := in.Article, in.Meta
	site := strings.TrimRight(in.SiteURL, "/") + "/"
	switch {
	case m.Canonical == site && strings.TrimRight(a.URL, "/")+"/" != site:
		add(Warn, "canonical", "canonical-unusable", nil,
			"Адресът на статията (url) липсва или е неизползваем, затова читателите ще бъдат пратени на началната страница %s. Задайте пълния адрес на статията.", site)
	case originOf(m.Canonical) != originOf(in.SiteURL):
		add(Warn, "canonical", "canonical-foreign", nil,
			"Каноничният адрес %s не е на сайта %s: читателите ще отидат другаде. Проверете url на статията.", m.Canonical, in.SiteURL)
	case strings.HasPrefix(m.Canonical, "http:"):
		add(Warn, "canonical", "canonical-http", nil, "Каноничният адрес е http: ползвайте https.")
	default:
		add(Pass, "canonical", "canonical", nil, "Читателите отиват на %s.", m.Canonical)
	}
	if last, renamed := urlAfterRename(a); renamed {
		level, text := Note, "Статията е преименувана (slug %s), но адресът ѝ (url) %s е зададен от CMS и остава: емисиите, каноничният адрес и връзките водят там. Ако страницата в сайта е на нов адрес, задайте го в url."
		if slices.Contains(a.PreviousSlugs, last) {
			level, text = Warn, "Статията е преименувана (slug %s), но адресът ѝ (url) %s е зададен от CMS и още носи стария slug: емисиите, каноничният адрес и връзките водят там. Ако страницата в сайта е на нов адрес, задайте го в url."
		}
		add(level, "canonical", "url-kept", nil, text, a.Slug, a.URL)
	}
	add(Note, "canonical", "share-url", nil,
		"Споделя се %s (og:url): мрежите показват домейна %s и четат таговете там, а хората биват пращани на каноничния адрес.",
		m.ShareURL, hostOf(m.ShareURL))
}

// urlAfterRename reports whether a was renamed while its url stayed as the
// CMS set it: it has previous slugs, and its url's path does not end in
// its slug (the url the service makes, SITE_URL/<slug>, follows renames:
// newsroom). last is the url's last path segment.
func urlAfterRename(a *article.Article) (last string, renamed bool) {
	if len(a.PreviousSlugs) == 0 || a.URL == "" {
		return "", false
	}
	u, err := url.Parse(a.URL)
	if err != nil {
		return "", false
	}
	last = path.Base(strings.TrimRight(u.Path, "/"))
	return last, last != a.Slug
}

func unitName(u Unit) string {
	if u == Bytes {
		return "байта"
	}
	return "знака"
}

func cropSide(got, want float64) string {
	if got > want {
		return "двете страни"
	}
	return "горе и долу"
}

func kb(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// shortErr is err's text without the URL that card errors repeat.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// allowed reports whether raw is on one of origins, as card.Fetcher
// decides.
func allowed(raw string, origins []string) bool {
	o := originOf(raw)
	if o == "" {
		return false
	}
	for _, v := range origins {
		if strings.EqualFold(strings.TrimRight(v, "/"), o) {
			return true
		}
	}
	return false
}

// Warnings counts the checks at Warn.
func Warnings(cs []Check) int {
	n := 0
	for _, c := range cs {
		if c.Level == Warn {
			n++
		}
	}
	return n
}

// When is t as the studio shows a time: day, month, year, hour and
// minute in the site's time zone loc (nil: UTC).
func When(t time.Time, loc *time.Location) string {
	return t.In(cmp.Or(loc, time.UTC)).Format("02.01.2006 15:04")
}

// ScheduledText says what happens to a story scheduled for at, in the
// site's time zone loc (nil: UTC), as docs/scheduling.md describes it: the
// preview page's banner and its "scheduled" check both say it, so they
// cannot disagree.
func ScheduledText(at time.Time, loc *time.Location) string {
	when := When(at, loc)
	return "Насрочена за " + when + ". Дотогава не е публична: страницата за споделяне, картата и връзките за " +
		"споделяне отговарят като за липсваща статия, а емисиите и news sitemap не я показват и не се променят " +
		"(нито заглавките им). В " + when + " се отварят страницата за споделяне, картата и oEmbed; емисиите, " +
		"news sitemap и известията към WebSub хъбовете я получават до минута след това, когато графикът я пусне."
}
