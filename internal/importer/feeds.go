package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// ErrNotFeed means a document is none of the formats the importer reads.
var ErrNotFeed = errors.New("not a WordPress export, RSS 2.0, Atom 1.0 or JSON Feed document")

// Page is one document of a feed: its items and the archive pages it links
// to (RFC 5005 next-archive/prev-archive and next, JSON Feed next_url).
type Page struct {
	Items []Item
	Next  []string
	// WordPress is set when the generator is WordPress, whose feeds page
	// with ?paged=N instead of archive links.
	WordPress bool
}

// ParseFeed reads one RSS, Atom or JSON Feed document fetched from
// docURL (used to resolve relative links and as the site when the feed
// names none).
func ParseFeed(doc []byte, docURL string, opts Options) (Page, error) {
	switch gofeed.DetectFeedType(bytes.NewReader(doc)) {
	case gofeed.FeedTypeRSS:
		f, err := (&rss.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			return Page{}, fmt.Errorf("importer: RSS: %w", err)
		}
		return rssPage(f, doc, docURL, opts), nil
	case gofeed.FeedTypeAtom:
		f, err := (&atom.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			return Page{}, fmt.Errorf("importer: Atom: %w", err)
		}
		return atomPage(f, docURL, opts), nil
	case gofeed.FeedTypeJSON:
		f, err := (&jsonfeed.Parser{}).Parse(bytes.NewReader(doc))
		if err != nil {
			return Page{}, fmt.Errorf("importer: JSON Feed: %w", err)
		}
		return jsonPage(f, docURL, opts), nil
	}
	return Page{}, ErrNotFeed
}

func rssPage(f *rss.Feed, doc []byte, docURL string, opts Options) Page {
	site := firstNonEmpty(resolve(docURL, f.Link), docURL)
	lang := opts.language(f.Language)
	p := Page{Next: archiveLinks(doc, docURL), WordPress: strings.Contains(f.Generator, "wordpress.org")}
	for i, it := range f.Items {
		guid := ""
		if it.GUID != nil {
			guid = it.GUID.Value
		}
		key := firstNonEmpty(guid, it.Link, it.Title+"\n"+it.PubDate)
		if p.WordPress {
			// Plain permalinks (and the comments link) name the post ID,
			// which tells a post from another that kept its GUID.
			key = firstNonEmpty(wpKey(guid, firstNonEmpty(wpPostID(it.Link), wpPostID(it.Comments))), key)
		}
		ref := itemRef("RSS item", i, guid, it.Title)
		if protectedInFeed(it.Title, it.Description, it.Content) {
			item := Item{Kind: KindProtected, Ref: ref}
			item.identify(site, key, it.Link)
			p.Items = append(p.Items, item)
			continue
		}
		a := article.Article{
			Title:  it.Title,
			URL:    resolve(docURL, it.Link),
			Status: article.StatusPublished,
			Source: opts.Source,
		}
		// A feed has no featured image of WordPress's, no links of the
		// bylines, one list of categories and tags, and a language only
		// of the channel: those keep what is stored (merge).
		carries := fieldTitle | fieldBody | fieldLead | fieldPublishedAt | fieldURL | fieldStatus
		a.Body, a.Lead = it.Content, it.Description
		if a.Body == "" {
			a.Body, a.Lead = it.Description, ""
			carries &^= fieldLead
			if p.WordPress {
				// WordPress's "summary" feeds: the description is the
				// excerpt, not the text.
				carries &^= fieldBody
			}
		}
		if strings.TrimSpace(newsroom.PlainText(a.Lead)) == "" {
			carries &^= fieldLead
		}
		itemSource := false
		if it.Source != nil && strings.TrimSpace(it.Source.Title) != "" {
			a.Source, itemSource = it.Source.Title, true
		}
		if it.DublinCoreExt != nil && len(it.DublinCoreExt.Source) > 0 && strings.TrimSpace(it.DublinCoreExt.Source[0]) != "" && !itemSource {
			a.Source, itemSource = it.DublinCoreExt.Source[0], true
		}
		if creditSource(&a, itemSource) || itemSource {
			carries |= fieldSource
		}
		a.PublishedAt = feedTime(it.PubDate, it.PubDateParsed)
		if it.DublinCoreExt != nil {
			if a.PublishedAt.IsZero() && len(it.DublinCoreExt.Date) > 0 {
				a.PublishedAt = feedTime(it.DublinCoreExt.Date[0], nil)
			}
			for _, c := range it.DublinCoreExt.Creator {
				// Some feeds put every byline in one dc:creator.
				for _, name := range splitNames(c) {
					a.Authors = append(a.Authors, article.Author{Name: name})
				}
			}
		}
		if len(a.Authors) == 0 && it.Author != "" {
			a.Authors = append(a.Authors, article.Author{Name: rssAuthorName(it.Author)})
		}
		if len(a.Authors) > 0 {
			carries |= fieldAuthors
		}
		var cats []string
		for _, c := range it.Categories {
			if !defaultCategory(c.Value) {
				cats = append(cats, c.Value)
			}
		}
		if len(cats) > 0 {
			carries |= fieldTags
		}
		a.Section, a.Tags = primary(cats)
		a.Image = mediaImage(it.Extensions, docURL)
		if a.Image == nil {
			for _, e := range append([]*rss.Enclosure{it.Enclosure}, it.Enclosures...) {
				if e != nil && strings.HasPrefix(e.Type, "image/") {
					if u := resolve(docURL, e.URL); u != "" {
						a.Image = &article.Image{URL: u}
						break
					}
				}
			}
		}
		if a.Image != nil {
			carries |= fieldImage
		}
		if a.PublishedAt.IsZero() {
			carries &^= fieldPublishedAt
		}
		fill(&a, lang)
		item := Item{Kind: KindArticle, Ref: ref, Article: a, carries: withTitle(carries, it.Title), rendered: p.WordPress}
		item.identify(site, key, it.Link)
		p.Items = append(p.Items, item)
	}
	return p
}

func atomPage(f *atom.Feed, docURL string, opts Options) Page {
	site := docURL
	var next []string
	for _, l := range f.Links {
		switch l.Rel {
		case "alternate", "":
			if u := resolve(docURL, l.Href); u != "" {
				site = u
			}
		case "next", "next-archive", "prev-archive", "previous":
			if u := resolve(docURL, l.Href); u != "" {
				next = append(next, u)
			}
		}
	}
	lang := opts.language(f.Language)
	p := Page{Next: next, WordPress: f.Generator != nil && strings.Contains(f.Generator.URI, "wordpress.org")}
	for i, e := range f.Entries {
		a := article.Article{
			Title:  e.Title,
			Lead:   e.Summary,
			Status: article.StatusPublished,
			Source: opts.Source,
		}
		carries := fieldTitle | fieldBody | fieldLead | fieldPublishedAt | fieldURL | fieldStatus
		itemSource := false
		if e.Source != nil && e.Source.Title != "" {
			a.Source, itemSource = e.Source.Title, true
		}
		if e.Content != nil {
			a.Body = e.Content.Value
			if e.Content.Type == "" || e.Content.Type == "text" {
				a.Body = textHTML(a.Body)
			}
		}
		if creditSource(&a, itemSource) || itemSource {
			carries |= fieldSource
		}
		if a.Body == "" {
			a.Body, a.Lead = textHTML(e.Summary), ""
			carries &^= fieldLead
			if p.WordPress {
				carries &^= fieldBody
			}
		}
		if strings.TrimSpace(newsroom.PlainText(a.Lead)) == "" {
			carries &^= fieldLead
		}
		for _, l := range e.Links {
			switch {
			case (l.Rel == "" || l.Rel == "alternate") && a.URL == "":
				a.URL = resolve(docURL, l.Href)
			case l.Rel == "enclosure" && strings.HasPrefix(l.Type, "image/") && a.Image == nil:
				if u := resolve(docURL, l.Href); u != "" {
					a.Image = &article.Image{URL: u}
				}
			}
		}
		if m := mediaImage(e.Extensions, docURL); m != nil {
			a.Image = m
		}
		a.PublishedAt = feedTime(e.Published, e.PublishedParsed)
		if a.PublishedAt.IsZero() {
			a.PublishedAt = feedTime(e.Updated, e.UpdatedParsed)
		}
		// A feed-level author (the publisher) is no byline: only the
		// entry's own authors are.
		for _, au := range e.Authors {
			a.Authors = append(a.Authors, article.Author{Name: au.Name, URL: resolve(docURL, au.URI)})
			if au.URI != "" {
				carries |= fieldAuthorURLs
			}
		}
		if len(a.Authors) > 0 {
			carries |= fieldAuthors
		}
		var told bool
		a.Section, a.Tags, told = atomTerms(e.Categories)
		if told {
			carries |= fieldSection
		}
		if a.Section != "" || len(a.Tags) > 0 {
			carries |= fieldTags
		}
		if a.Image != nil {
			carries |= fieldImage
		}
		if a.PublishedAt.IsZero() {
			carries &^= fieldPublishedAt
		}
		ref := itemRef("Atom entry", i, e.ID, e.Title)
		content := ""
		if e.Content != nil {
			content = e.Content.Value
		}
		item := Item{Kind: KindArticle, Ref: ref, Article: a, Modified: feedTime(e.Updated, e.UpdatedParsed),
			carries: withTitle(carries, e.Title), rendered: p.WordPress}
		if protectedInFeed(e.Title, e.Summary, content) {
			item = Item{Kind: KindProtected, Ref: ref}
		} else {
			fill(&item.Article, lang)
		}
		item.identify(site, firstNonEmpty(e.ID, e.Title+"\n"+e.Published), a.URL)
		p.Items = append(p.Items, item)
	}
	return p
}

func jsonPage(f *jsonfeed.Feed, docURL string, opts Options) Page {
	site := firstNonEmpty(resolve(docURL, f.HomePageURL), docURL)
	lang := opts.language(f.Language)
	p := Page{}
	if u := resolve(docURL, f.NextURL); u != "" {
		p.Next = []string{u}
	}
	for i, it := range f.Items {
		a := article.Article{
			Title:    it.Title,
			Lead:     it.Summary,
			Body:     it.ContentHTML,
			URL:      resolve(docURL, it.URL),
			Status:   article.StatusPublished,
			Source:   opts.Source,
			Language: it.Language,
		}
		carries := fieldTitle | fieldBody | fieldLead | fieldPublishedAt | fieldURL | fieldStatus
		if validLanguage(strings.TrimSpace(it.Language)) {
			carries |= fieldLanguage
		}
		if strings.TrimSpace(a.Body) == "" {
			a.Body = textHTML(it.ContentText)
		}
		if creditSource(&a, false) {
			carries |= fieldSource
		}
		if strings.TrimSpace(newsroom.PlainText(a.Lead)) == "" {
			carries &^= fieldLead
		}
		a.PublishedAt = feedTime(it.DatePublished, nil)
		if a.PublishedAt.IsZero() {
			a.PublishedAt = feedTime(it.DateModified, nil)
		}
		if a.PublishedAt.IsZero() {
			carries &^= fieldPublishedAt
		}
		authors := it.Authors
		if len(authors) == 0 && it.Author != nil {
			authors = []*jsonfeed.Author{it.Author}
		}
		for _, au := range authors {
			if au != nil {
				a.Authors = append(a.Authors, article.Author{Name: au.Name, URL: resolve(docURL, au.URL)})
				if au.URL != "" {
					carries |= fieldAuthorURLs
				}
			}
		}
		if len(a.Authors) > 0 {
			carries |= fieldAuthors
		}
		a.Section, a.Tags = primary(it.Tags)
		if len(it.Tags) > 0 {
			carries |= fieldTags
		}
		if u := resolve(docURL, it.Image); u != "" {
			a.Image = &article.Image{URL: u}
			carries |= fieldImage
		}
		item := Item{Kind: KindArticle, Ref: itemRef("JSON Feed item", i, it.ID, it.Title), Article: a,
			Modified: feedTime(it.DateModified, nil), carries: withTitle(carries, it.Title)}
		if protectedInFeed(it.Title, it.Summary, it.ContentHTML) {
			item = Item{Kind: KindProtected, Ref: item.Ref}
		} else {
			fill(&item.Article, lang)
		}
		item.identify(site, firstNonEmpty(it.ID, it.URL, it.Title+"\n"+it.DatePublished), it.URL)
		p.Items = append(p.Items, item)
	}
	return p
}

// protectedTitles are the prefixes WordPress gives a password-protected
// post's title in feeds ("Protected: %s"), in English and Bulgarian.
var protectedTitles = []string{"Protected: ", "Защитено: "}

// protectedInFeed reports whether a feed item is a password-protected
// WordPress post: its content is WordPress's password form, or its title
// has the "Protected: " prefix and it has no text.
func protectedInFeed(title, summary, content string) bool {
	if strings.Contains(content, "post-password-form") || strings.Contains(content, "action=postpass") {
		return true
	}
	title = strings.TrimSpace(html.UnescapeString(title))
	for _, p := range protectedTitles {
		if strings.HasPrefix(title, p) && strings.TrimSpace(newsroom.PlainText(content)) == "" {
			return true
		}
	}
	return false
}

// atomTerms reads Atom categories: one whose scheme ends in "section"
// is the section (this service's own feeds mark it so; told is then
// set), else the first category; the label is the name, else the term.
func atomTerms(cs []*atom.Category) (section string, tags []string, told bool) {
	var cats []string
	at := -1
	for _, c := range cs {
		name := firstNonEmpty(c.Label, c.Term)
		if name == "" || defaultCategory(name) {
			continue
		}
		if at < 0 && strings.HasSuffix(strings.ToLower(c.Scheme), "section") {
			at = len(cats)
		}
		cats = append(cats, name)
	}
	if at < 0 {
		section, tags = primary(cats)
		return section, tags, false
	}
	return cats[at], append(append([]string(nil), cats[:at]...), cats[at+1:]...), true
}

// defaultCategory reports WordPress's default category, which its feeds
// list and its REST API and this importer's WXR mapping leave out
// ("Uncategorized", in Bulgarian "Некатегоризирани" or "Без категория").
func defaultCategory(name string) bool {
	switch strings.ToLower(strings.TrimSpace(html.UnescapeString(name))) {
	case "uncategorized", "некатегоризирани", "без категория":
		return true
	}
	return false
}

// primary makes the first category the section and the rest tags.
func primary(cats []string) (string, []string) {
	for i, c := range cats {
		if strings.TrimSpace(c) != "" && !strings.EqualFold(strings.TrimSpace(c), "uncategorized") {
			return c, append(append([]string(nil), cats[:i]...), cats[i+1:]...)
		}
	}
	return "", cats
}

// mediaImage reads Media RSS: media:content (directly or in media:group)
// with medium="image" or an image type, else media:thumbnail; its
// media:description is the alt text and media:credit (or media:title) the
// credit.
func mediaImage(exts ext.Extensions, base string) *article.Image {
	media := exts["media"]
	if media == nil {
		return nil
	}
	contents := append([]ext.Extension(nil), media["content"]...)
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
	}
	for _, c := range contents {
		medium, typ := c.Attrs["medium"], c.Attrs["type"]
		if medium != "image" && !strings.HasPrefix(typ, "image/") && (medium != "" || typ != "") {
			continue
		}
		u := resolve(base, c.Attrs["url"])
		if u == "" {
			continue
		}
		img := &article.Image{URL: u, Width: atoi(c.Attrs["width"]), Height: atoi(c.Attrs["height"])}
		img.Alt = childText(c, media, "description")
		img.Credit = firstNonEmpty(childText(c, media, "credit"), childText(c, media, "title"))
		if img.Width > article.MaxImageSide || img.Height > article.MaxImageSide {
			img.Width, img.Height = 0, 0
		}
		return img
	}
	for _, t := range media["thumbnail"] {
		if u := resolve(base, t.Attrs["url"]); u != "" {
			return &article.Image{URL: u}
		}
	}
	return nil
}

func childText(c ext.Extension, media map[string][]ext.Extension, name string) string {
	if ch := c.Children[name]; len(ch) > 0 {
		return ch[0].Value
	}
	if ch := media[name]; len(ch) > 0 {
		return ch[0].Value
	}
	return ""
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// archiveLinks lists the feed-level atom:link elements of an RSS document
// whose rel is next, next-archive or prev-archive (RFC 5005).
func archiveLinks(doc []byte, base string) []string {
	const nsAtom = "http://www.w3.org/2005/Atom"
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = false
	dec.CharsetReader = charsetReader
	var out []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "item" {
				return out // channel links come before the items
			}
			if t.Name.Space == nsAtom && t.Name.Local == "link" && depth <= 3 {
				var rel, href string
				for _, at := range t.Attr {
					switch at.Name.Local {
					case "rel":
						rel = at.Value
					case "href":
						href = at.Value
					}
				}
				if rel == "next" || rel == "next-archive" || rel == "prev-archive" {
					if u := resolve(base, href); u != "" {
						out = append(out, u)
					}
				}
			}
		case xml.EndElement:
			depth--
		}
	}
}

// feedTime parses a feed date keeping its zone; parsed (gofeed's, in UTC)
// is the fallback for the formats it knows and these layouts do not.
func feedTime(s string, parsed *time.Time) time.Time {
	s = strings.TrimSpace(s)
	if t, ok := parseRSSDate(s); ok {
		return t
	}
	if parsed != nil {
		return *parsed
	}
	return time.Time{}
}

var dateLayouts = []string{
	time.RFC3339Nano,
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 02 Jan 2006 15:04 -0700",
	"2006-01-02T15:04:05-0700",
	"2006-01-02 15:04:05 -0700",
}

func parseRSSDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// rssAuthorName reads RSS <author>: "editor@example.com (Иван Петров)"
// gives the name, a bare address nothing usable but itself.
func rssAuthorName(s string) string {
	if i, j := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return s
}

// splitNames splits "Иван Петров, Мария Георгиева и Петър Иванов" /
// "A and B" bylines into names.
func splitNames(s string) []string {
	s = strings.NewReplacer(" и ", ",", " and ", ",", " & ", ",", ";", ",").Replace(s)
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// textHTML turns plain text into a paragraph of HTML.
func textHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(s, "\n\n") {
		if para = strings.TrimSpace(para); para != "" {
			b.WriteString("<p>")
			xml.EscapeText(&b, []byte(para))
			b.WriteString("</p>")
		}
	}
	return b.String()
}

func itemRef(what string, i int, id, title string) string {
	if id = strings.TrimSpace(id); id == "" {
		id = "#" + strconv.Itoa(i+1)
	}
	return fmt.Sprintf("%s %s “%s”", what, id, oneLineRef(title))
}

// sourceCredit is the agency credit this service's own feeds add under an
// article's content (internal/feed): `<p class="source">Източник: X</p>`.
const (
	sourceCreditOpen  = `<p class="source">Източник: `
	sourceCreditClose = `</p>`
)

// takeSourceCredit removes the agency credit this service's feeds append to
// the content and returns the body without it and the credited source ("" when
// the body does not end with one), so an article exported by one instance
// comes into another with the body and source it had.
func takeSourceCredit(body string) (string, string) {
	trimmed := strings.TrimRightFunc(body, unicode.IsSpace)
	if !strings.HasSuffix(trimmed, sourceCreditClose) {
		return body, ""
	}
	i := strings.LastIndex(trimmed, sourceCreditOpen)
	if i < 0 {
		return body, ""
	}
	src := trimmed[i+len(sourceCreditOpen) : len(trimmed)-len(sourceCreditClose)]
	if src == "" || strings.Contains(src, "<") {
		return body, ""
	}
	return trimmed[:i], html.UnescapeString(src)
}

// creditSource moves the credit this service's feeds add to the content into
// a.Source, which it sets unless the item named a source of its own; it
// reports whether there was one.
func creditSource(a *article.Article, itemSource bool) bool {
	body, src := takeSourceCredit(a.Body)
	if src == "" {
		return false
	}
	a.Body = body
	if !itemSource {
		a.Source = src
	}
	return true
}
