package importer

import (
	"regexp"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// field is a set of article fields a source item carries: what the
// source states about the post, as opposed to what the mapping had to
// leave empty or default. A field an item does not carry keeps the
// stored value (merge); docs/import.md has the table by source.
type field uint16

const (
	fieldTitle field = 1 << iota
	fieldBody
	fieldLead
	// fieldAuthors: the bylines' names, in order.
	fieldAuthors
	// fieldAuthorURLs: the bylines' links (the REST API's author pages).
	fieldAuthorURLs
	// fieldSection: the section told apart from the tags. A source that
	// carries fieldTags without it (a feed's flat list of categories)
	// carries the terms as one set.
	fieldSection
	fieldTags
	// fieldImage: the featured image, or that there is none.
	fieldImage
	// fieldLanguage: the item's own language (a JSON Feed item's); a
	// channel's language is only a hint for new articles.
	fieldLanguage
	fieldPublishedAt
	fieldURL
	fieldStatus
	// fieldSource: the item names its source (RSS <source>, the credit
	// this service's feeds add); -source is only a default.
	fieldSource
)

func (f field) has(g field) bool { return f&g == g }

// merge brings want, an article as the source has it, onto cur, the
// stored one: what only this service has (slug, comment count, related
// articles, a draft's publication time) and every field the source does
// not carry keep their stored values; a value changes only when the
// source says something new (an equal time in another zone, the same
// bylines without links, the same terms in another order of section and
// tags, the same photo without its size are not new).
func merge(want, cur *article.Article, carries field) {
	want.Slug = cur.Slug
	want.CommentCount = cur.CommentCount
	want.Related = cur.Related
	if !carries.has(fieldTitle) {
		want.Title = cur.Title
	}
	if !carries.has(fieldBody) {
		want.Body = cur.Body
	}
	if !carries.has(fieldLead) {
		want.Lead = cur.Lead
	}
	want.Authors = mergeAuthors(want.Authors, cur.Authors, carries)
	mergeTerms(want, cur, carries)
	mergeImage(want, cur, carries)
	if !carries.has(fieldLanguage) && cur.Language != "" {
		want.Language = cur.Language
	}
	if want.PublishedAt.IsZero() || !carries.has(fieldPublishedAt) || want.PublishedAt.Equal(cur.PublishedAt) {
		// The same instant in another zone is no change (REST and WXR
		// give the site's zone, a feed often UTC).
		want.PublishedAt = cur.PublishedAt
	}
	if want.URL == "" || !carries.has(fieldURL) {
		want.URL = cur.URL
	}
	if !carries.has(fieldStatus) {
		want.Status = cur.Status
	}
	if !carries.has(fieldSource) && cur.Source != "" {
		want.Source = cur.Source
	}
}

// mergeAuthors: the source's bylines when it carries them; a byline whose
// link the source does not carry keeps the stored link of the same name,
// and every byline keeps the stored fediverse address of the same name,
// which no source carries (an editor sets it in the admin API).
func mergeAuthors(want, cur []article.Author, carries field) []article.Author {
	if !carries.has(fieldAuthors) {
		return cur
	}
	stored := make(map[string]article.Author, len(cur))
	for _, a := range cur {
		stored[article.Slugify(newsroom.PlainText(a.Name))] = a
	}
	out := make([]article.Author, len(want))
	for i, a := range want {
		old := stored[article.Slugify(newsroom.PlainText(a.Name))]
		if a.URL == "" && !carries.has(fieldAuthorURLs) {
			a.URL = old.URL
		}
		if a.Fediverse == "" {
			a.Fediverse = old.Fediverse
		}
		out[i] = a
	}
	return out
}

// mergeTerms: a source that tells the section from the tags sets both; a
// flat list of categories (a feed) changes them only when its set of
// names differs from the stored section and tags.
func mergeTerms(want, cur *article.Article, carries field) {
	switch {
	case !carries.has(fieldTags):
		want.Section, want.Tags = cur.Section, cur.Tags
	case !carries.has(fieldSection) && sameTerms(want, cur):
		want.Section, want.Tags = cur.Section, cur.Tags
	}
}

// sameTerms compares the section and tags of a and b as one set of slugs.
func sameTerms(a, b *article.Article) bool {
	set := func(x *article.Article) map[string]bool {
		m := map[string]bool{}
		for _, t := range append([]string{x.Section}, x.Tags...) {
			if s := article.Slugify(newsroom.PlainText(t)); s != "" {
				m[s] = true
			}
		}
		return m
	}
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for s := range sa {
		if !sb[s] {
			return false
		}
	}
	return true
}

// mergeImage: the source's photo when it carries one (or says there is
// none); the same photo keeps the size, alt text and credit the source
// does not give.
func mergeImage(want, cur *article.Article, carries field) {
	if !carries.has(fieldImage) {
		want.Image = cur.Image
		return
	}
	if want.Image == nil || cur.Image == nil || want.Image.URL != cur.Image.URL {
		return
	}
	img := *want.Image
	if img.Width == 0 && img.Height == 0 {
		img.Width, img.Height = cur.Image.Width, cur.Image.Height
	}
	if img.Alt == "" {
		img.Alt = cur.Image.Alt
	}
	if img.Credit == "" {
		img.Credit = cur.Image.Credit
	}
	want.Image = &img
}

// blockTag is a block-level tag with the white space around it, which
// no browser shows.
var blockTag = regexp.MustCompile(`\s*(</?(?:p|div|figure|figcaption|ul|ol|li|h[1-6]|blockquote|table|thead|tbody|tr|td|th|pre|hr|br)\b[^>]*>)\s*`)

// sameHTML reports whether two sanitized bodies differ only in white
// space a browser does not show: runs of it, and any around block-level
// tags (REST, the feed and a rendered WXR body of one post differ so).
func sameHTML(a, b string) bool {
	return normSpace(a) == normSpace(b)
}

func normSpace(s string) string {
	s = blockTag.ReplaceAllString(strings.Join(strings.Fields(s), " "), "$1")
	// WordPress leaves a shortcode's <figure> or <div> in the paragraph
	// it stood in, or not (shortcode_unautop), depending on what it
	// rendered before in the same request.
	return pAroundBlock.ReplaceAllStringFunc(s, func(m string) string {
		return strings.TrimSuffix(strings.TrimPrefix(m, "<p>"), "</p>")
	})
}

var pAroundBlock = regexp.MustCompile(`<p>(<(?:figure|div)\b)|(</(?:figure|div)>)</p>`)

var linkAttr = regexp.MustCompile(`\s(?:href|src)="([^"]*)"`)

// galleryCaption is a gallery image's caption, which WordPress's feeds
// leave out (gallery_shortcode gives a feed links and images only).
var galleryCaption = regexp.MustCompile(`(<figure class="gallery-item">[\s\S]*?)<figcaption[^>]*>[\s\S]*?</figcaption>`)

// sameContent reports whether two sanitized bodies have the same text
// and the same links and images, in order, a gallery's captions aside:
// one post rendered by WordPress for its REST API, for its feed and by
// this importer (a WXR body) differ at most in the markup of a gallery, a
// player or a paragraph around them, and the feed's gallery has no
// captions.
func sameContent(a, b string) bool {
	a, b = galleryCaption.ReplaceAllString(a, "$1"), galleryCaption.ReplaceAllString(b, "$1")
	if newsroom.PlainText(a) != newsroom.PlainText(b) {
		return false
	}
	ua, ub := linkAttr.FindAllStringSubmatch(a, -1), linkAttr.FindAllStringSubmatch(b, -1)
	if len(ua) != len(ub) {
		return false
	}
	for i := range ua {
		if ua[i][1] != ub[i][1] {
			return false
		}
	}
	return true
}
