package importer

import (
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// Kind is what a source item is. Only KindArticle is imported; the others
// are skipped and counted by kind.
type Kind string

// The kinds of source item. WordPress post types other than these are
// skipped under their own name ("revision", "wp_block", ...).
const (
	KindArticle    Kind = "article"
	KindPage       Kind = "page"
	KindAttachment Kind = "attachment"
	KindMenuItem   Kind = "nav_menu_item"
	KindTrash      Kind = "trash"
	// KindProtected is a password-protected post: never published here,
	// whichever source it comes from (an article imported while it was
	// public is made a draft).
	KindProtected Kind = "password-protected"
	// KindDuplicate is an item repeated whole in a source (same key, same
	// link): imported once.
	KindDuplicate Kind = "duplicate"
)

// Item is one entry of a source, mapped.
type Item struct {
	// Kind says whether the item is an article; if not, it is skipped.
	Kind Kind
	// Ref names the item in reports: the source and its GUID or post ID
	// ("post 123 “Заглавие”").
	Ref string
	// Article is the mapped article, ID set (ArticleID).
	Article article.Article
	// Modified is the source's last-modified time, zero when unknown.
	Modified time.Time
	// Err is why the item could not be mapped; it is reported as a failure.
	Err error
	// rendered is set when the body is WordPress content rendered here
	// (WXR) or for a WordPress feed: it may differ from the REST API's
	// rendering in markup only (sameContent).
	rendered bool
	// note is a warning to report when the item is written (what its
	// rendering dropped).
	note string
	// carries is what the source states about the post (zero: every
	// field); the rest keeps the stored values on an update (merge).
	carries field
	// ident is what Article.ID was made from, to tell two items sharing a
	// GUID apart (distinct).
	ident identity
}

// allFields is every field an item can carry.
const allFields = fieldSource<<1 - 1

// fields is what the item carries.
func (it *Item) fields() field {
	if it.carries == 0 {
		return allFields
	}
	return it.carries
}

// withTitle is c without fieldTitle when the source gives no title (the
// mapping makes one from the text).
func withTitle(c field, raw string) field {
	if newsroom.PlainText(raw) == "" {
		return c &^ fieldTitle
	}
	return c
}

// identity is what an item's article ID is made of: the site, the key
// (GUID, else link, else post ID) and the item's link.
type identity struct{ site, key, link string }

// identify sets it.Article.ID from site and key, and keeps them.
func (it *Item) identify(site, key, link string) {
	it.ident = identity{site: site, key: key, link: strings.TrimSpace(link)}
	it.Article.ID = ArticleID(site, key)
}

// wpKey is the key of a WordPress post: its GUID, except that a GUID of
// the form "…?p=N" borrowed from another post (WordPress keeps the GUID
// when a post is duplicated or moved, so two posts may share one) is read
// as the GUID the post itself would have had, "…?p=<its own ID>". postID
// is empty when the source does not say it.
func wpKey(guid, postID string) string {
	postID = strings.TrimSpace(postID)
	u, err := url.Parse(strings.TrimSpace(guid))
	if postID == "" || err != nil || u.Host == "" {
		return guid
	}
	q := u.Query()
	if len(q) != 1 || q.Get("p") == "" || q.Get("p") == postID {
		return guid
	}
	if _, err := strconv.ParseUint(postID, 10, 64); err != nil {
		return guid
	}
	return strings.Replace(strings.TrimSpace(guid), "p="+q.Get("p"), "p="+postID, 1)
}

// wpPostID is the post ID in a WordPress URL of the form "…?p=N" (plain
// permalinks, the comments link, a GUID), or "".
func wpPostID(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	p := u.Query().Get("p")
	if _, err := strconv.ParseUint(p, 10, 64); err != nil {
		return ""
	}
	return p
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ArticleID is the article ID of a source item: "imp-" followed by 26
// characters of the SHA-256 of the site's host and the item's key (its
// GUID, else its link, else its post ID). The same post read from a WXR
// export, the site's RSS feed or its REST API has one GUID
// ("https://site/?p=123"), so it gets one ID whichever way it comes in.
// The ID fits article.ValidID.
func ArticleID(site, key string) string {
	sum := sha256.Sum256([]byte(siteHost(site) + "\n" + strings.TrimSpace(key)))
	return "imp-" + idEncoding.EncodeToString(sum[:])[:26]
}

// siteHost is the lower-case host of a site URL without "www.", or the
// string itself trimmed when it is no URL.
func siteHost(site string) string {
	u, err := url.Parse(strings.TrimSpace(site))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimSpace(site))
	}
	return strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
}

// resolve makes ref absolute against base; it returns "" for anything that
// is not then an http(s) URL.
func resolve(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if article.ValidHTTPURL(ref) {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(ref)
	if err != nil || !article.ValidHTTPURL(u.String()) {
		return ""
	}
	return u.String()
}

// plain is newsroom.PlainText cut to at most max characters at a word
// boundary, with an ellipsis when cut.
func plain(s string, max int) string {
	return cut(newsroom.PlainText(s), max)
}

func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)[:max-1]
	if i := strings.LastIndexByte(string(r), ' '); i > len(string(r))/2 {
		return strings.TrimRight(string(r)[:i], " ,;:-–—") + "…"
	}
	return string(r) + "…"
}

// fill completes a mapped article the same way for every source: a title
// made from the text when the source has none, a lead without the
// body's duplicate, categories cut to the limits, the language.
func fill(a *article.Article, lang string) {
	a.Title = plain(a.Title, article.MaxTitleRunes)
	a.Lead = plain(a.Lead, article.MaxLeadRunes)
	if a.Title == "" {
		// Microblog-style items (and some news wires) have no title; the
		// service requires one, so it is made from the text.
		text := a.Lead
		if text == "" {
			text = newsroom.PlainText(a.Body)
		}
		a.Title = cut(text, 100)
	}
	if a.Lead != "" && a.Lead == newsroom.PlainText(a.Body) {
		a.Lead = "" // the description repeats the body: no lead.
	}
	a.Section = plain(a.Section, article.MaxSectionRunes)
	if article.Slugify(a.Section) == "" {
		a.Section = "" // "!" or an emoji names no section feed
	}
	a.Tags = tags(a.Tags, a.Section)
	if a.Image != nil {
		a.Image.Alt = plain(a.Image.Alt, article.MaxAltRunes)
		a.Image.Credit = plain(a.Image.Credit, article.MaxCreditRunes)
		if a.Image.URL == "" {
			a.Image = nil
		}
	}
	authors := a.Authors[:0:0]
	seen := map[string]bool{}
	for _, au := range a.Authors {
		au.Name = plain(au.Name, article.MaxNameRunes)
		s := article.Slugify(au.Name)
		if s == "" || seen[s] || len(authors) == article.MaxAuthors {
			continue
		}
		seen[s] = true
		if !article.ValidHTTPURL(au.URL) {
			au.URL = ""
		}
		authors = append(authors, au)
	}
	a.Authors = authors
	if a.Language == "" || !validLanguage(a.Language) {
		a.Language = lang
	}
	if !article.ValidHTTPURL(a.URL) {
		a.URL = ""
	}
	if y := a.PublishedAt.Year(); !a.PublishedAt.IsZero() && (y < 1900 || y > 9999) {
		// WordPress writes "Mon, 30 Nov -0001" for a draft's pubDate: no
		// time, and the service sets its own for a published article.
		a.PublishedAt = time.Time{}
	}
	a.Source = plain(a.Source, article.MaxSourceRunes)
}

// tags keeps the first MaxTags distinct tags (by slug), none the section.
func tags(in []string, section string) []string {
	out := []string{}
	seen := map[string]bool{article.Slugify(section): true}
	for _, t := range in {
		t = plain(t, article.MaxTagRunes)
		s := article.Slugify(t)
		if s == "" || seen[s] || len(out) == article.MaxTags {
			continue
		}
		seen[s] = true
		out = append(out, t)
	}
	return out
}

// validLanguage accepts what article.Validate does, by asking it.
func validLanguage(tag string) bool {
	probe := article.Article{Title: "x", Language: tag}
	return article.Validate(&probe) == nil
}

// status maps a WordPress post status: publish and future are published
// (future with its future publication time: scheduled), draft, pending and
// private are drafts. ok is false for trash and auto-draft.
func status(wp string) (article.Status, bool) {
	switch wp {
	case "publish", "future", "":
		return article.StatusPublished, true
	case "draft", "pending", "private":
		return article.StatusDraft, true
	}
	return "", false
}

// kindOf maps a WordPress post type.
func kindOf(postType string) Kind {
	switch postType {
	case "post", "":
		return KindArticle
	case "page":
		return KindPage
	case "attachment":
		return KindAttachment
	case "nav_menu_item":
		return KindMenuItem
	}
	return Kind(postType)
}
