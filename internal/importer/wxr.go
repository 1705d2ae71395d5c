package importer

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/wpcontent"
)

// Namespaces of a WXR file. The wp: and excerpt: ones carry the WXR
// version (1.0, 1.1, 1.2); elements are matched by local name, and the two
// "encoded" elements by namespace.
const (
	nsContent  = "http://purl.org/rss/1.0/modules/content/"
	wxrMarker  = "wordpress.org/export/"
	excerptDir = "/excerpt/"
)

type wxrChannel struct {
	Title    string      `xml:"title"`
	Link     string      `xml:"link"`
	Language string      `xml:"language"`
	Version  string      `xml:"wxr_version"`
	BaseSite string      `xml:"base_site_url"`
	BaseBlog string      `xml:"base_blog_url"`
	Authors  []wxrAuthor `xml:"author"`
	Items    []wxrItem   `xml:"item"`
}

type wxrAuthor struct {
	Login       string `xml:"author_login"`
	DisplayName string `xml:"author_display_name"`
}

type wxrItem struct {
	Title      string        `xml:"title"`
	Link       string        `xml:"link"`
	PubDate    string        `xml:"pubDate"`
	Creators   []string      `xml:"http://purl.org/dc/elements/1.1/ creator"`
	GUID       string        `xml:"guid"`
	Encoded    []wxrEncoded  `xml:"encoded"`
	PostID     string        `xml:"post_id"`
	Date       string        `xml:"post_date"`
	DateGMT    string        `xml:"post_date_gmt"`
	Modified   string        `xml:"post_modified"`
	ModGMT     string        `xml:"post_modified_gmt"`
	Status     string        `xml:"status"`
	Parent     string        `xml:"post_parent"`
	MenuOrder  string        `xml:"menu_order"`
	PostType   string        `xml:"post_type"`
	Password   string        `xml:"post_password"`
	Attachment string        `xml:"attachment_url"`
	Categories []wxrCategory `xml:"category"`
	Meta       []wxrMeta     `xml:"postmeta"`
}

type wxrEncoded struct {
	XMLName xml.Name
	Text    string `xml:",chardata"`
}

type wxrCategory struct {
	Domain   string `xml:"domain,attr"`
	Nicename string `xml:"nicename,attr"`
	Name     string `xml:",chardata"`
}

type wxrMeta struct {
	Key   string `xml:"meta_key"`
	Value string `xml:"meta_value"`
}

func (it *wxrItem) encoded(excerpt bool) string {
	for _, e := range it.Encoded {
		isExcerpt := strings.Contains(e.XMLName.Space, wxrMarker) && strings.Contains(e.XMLName.Space, excerptDir)
		if excerpt == isExcerpt && (isExcerpt || e.XMLName.Space == nsContent) {
			return e.Text
		}
	}
	return ""
}

func (it *wxrItem) meta(key string) string {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// IsWXR reports whether doc looks like a WordPress export: RSS with the
// wp: export namespace.
func IsWXR(doc []byte) bool {
	head := doc
	if len(head) > 4096 {
		head = head[:4096]
	}
	return strings.Contains(string(head), wxrMarker)
}

// ParseWXR reads a WordPress export (WXR 1.0, 1.1 or 1.2) and maps its
// items: posts become articles, the featured image (_thumbnail_id) is
// looked up among the attachments, and pages, attachments, menu items and
// other post types are returned with their Kind to be skipped and counted.
//
// The export is read as a stream (readWXR): the memory is that of the
// items, not of the document as well.
func ParseWXR(r io.Reader, opts Options) ([]Item, error) {
	items, _, err := parseWXR(r, opts, Window{})
	return items, err
}

// parseWXR is ParseWXR of the items w selects, and the number of items
// the export holds.
func parseWXR(r io.Reader, opts Options, w Window) ([]Item, int, error) {
	ch, attachments, total, err := readWXR(r, w)
	if err != nil {
		return nil, 0, fmt.Errorf("importer: WXR: %w", err)
	}
	site := firstNonEmpty(ch.BaseBlog, ch.Link, ch.BaseSite)
	names := make(map[string]string, len(ch.Authors))
	for _, a := range ch.Authors {
		names[a.Login] = a.DisplayName
	}
	lang := opts.language(ch.Language)
	media := wxrMedia(attachments, site)
	items := make([]Item, 0, len(ch.Items))
	for i := range ch.Items {
		it := &ch.Items[i]
		ref := fmt.Sprintf("WXR %s %s “%s”", firstNonEmpty(it.PostType, "post"), it.PostID, oneLineRef(it.Title))
		kind := kindOf(it.PostType)
		st, ok := status(it.Status)
		if kind == KindArticle && !ok {
			kind = KindTrash
			if it.Status != "trash" {
				kind = Kind(it.Status)
			}
		}
		if kind != KindArticle {
			items = append(items, Item{Kind: kind, Ref: ref})
			continue
		}
		key := firstNonEmpty(wpKey(it.GUID, it.PostID), it.Link, "post:"+it.PostID)
		if it.Password != "" {
			// The export holds the protected text: nothing of it is kept.
			p := Item{Kind: KindProtected, Ref: ref}
			p.identify(site, key, it.Link)
			items = append(items, p)
			continue
		}
		// WXR holds what the author wrote; the REST API and the feed give
		// it as WordPress renders it (the_content, the_title and
		// the_excerpt), and so is it imported.
		content := wpcontent.Render(wpcontent.Post{ID: strings.TrimSpace(it.PostID), Content: it.encoded(false), Media: media})
		a := article.Article{
			Title:  wpcontent.Texturize(it.Title),
			Body:   content.HTML,
			Lead:   wpcontent.Texturize(it.encoded(true)),
			URL:    resolve(site, it.Link),
			Status: st,
			Source: opts.Source,
		}
		if a.Status == article.StatusPublished {
			a.PublishedAt = wpTime(it.Date, it.DateGMT)
			if a.PublishedAt.IsZero() {
				a.PublishedAt, _ = parseRSSDate(it.PubDate)
			}
		}
		for _, login := range it.Creators {
			name := firstNonEmpty(names[login], login)
			a.Authors = append(a.Authors, article.Author{Name: name})
		}
		a.Section, a.Tags = wxrTerms(it)
		// WXR has the bylines' names, not their links, and the language
		// only of the site; the excerpt only when one was written.
		carries := fieldTitle | fieldBody | fieldSection | fieldTags | fieldPublishedAt | fieldURL | fieldStatus
		if len(a.Authors) > 0 {
			carries |= fieldAuthors
		}
		if strings.TrimSpace(newsroom.PlainText(a.Lead)) != "" {
			carries |= fieldLead
		}
		thumb := strings.TrimSpace(it.meta("_thumbnail_id"))
		if att := attachments[thumb]; att != nil {
			a.Image = wxrImage(att, site)
			carries |= fieldImage
		} else if thumb == "" || thumb == "0" {
			carries |= fieldImage // no featured image
		}
		fill(&a, lang)
		item := Item{Kind: KindArticle, Ref: ref, Article: a, Modified: wpTime(it.Modified, it.ModGMT), carries: withTitle(carries, it.Title),
			rendered: true, note: droppedNote(content.Dropped)}
		item.identify(site, key, it.Link)
		items = append(items, item)
	}
	return items, total, nil
}

// wxrMedia is the attachments as wpcontent needs them: file, page, alt
// text, caption, size, parent and order.
func wxrMedia(attachments map[string]*wxrItem, site string) map[string]wpcontent.Media {
	out := make(map[string]wpcontent.Media, len(attachments))
	for id, att := range attachments {
		m := wpcontent.Media{ID: id, URL: firstNonEmpty(att.Attachment, att.GUID), Link: resolve(site, att.Link),
			Alt: att.meta("_wp_attachment_image_alt"), Caption: att.encoded(true), Parent: strings.TrimSpace(att.Parent)}
		m.Order, _ = strconv.Atoi(strings.TrimSpace(att.MenuOrder))
		meta := att.meta("_wp_attachment_metadata")
		if g := phpWidth.FindStringSubmatch(meta); g != nil {
			m.Width, _ = strconv.Atoi(g[1])
		}
		if g := phpHeight.FindStringSubmatch(meta); g != nil {
			m.Height, _ = strconv.Atoi(g[1])
		}
		out[id] = m
	}
	return out
}

// droppedNote is the warning for what the rendering dropped, "" if nothing.
func droppedNote(dropped map[string]int) string {
	if len(dropped) == 0 {
		return ""
	}
	names := make([]string, 0, len(dropped))
	for n, c := range dropped {
		names = append(names, fmt.Sprintf("%s ×%d", n, c))
	}
	sort.Strings(names)
	return "dropped from the body (WordPress renders them only on its own pages): " + strings.Join(names, ", ")
}

// wxrTerms picks the section, the primary category (Yoast's
// _yoast_wpseo_primary_category when set, else the first category other
// than "uncategorized"), and the tags: the post_tags, then the other
// categories.
func wxrTerms(it *wxrItem) (section string, tags []string) {
	var cats []wxrCategory
	for _, c := range it.Categories {
		switch c.Domain {
		case "category":
			if c.Nicename != "uncategorized" {
				cats = append(cats, c)
			}
		case "post_tag", "tag": // "tag" in WXR 1.0
			tags = append(tags, c.Name)
		}
	}
	if len(cats) == 0 {
		return "", tags
	}
	primary := 0
	if id := strings.TrimSpace(it.meta("_yoast_wpseo_primary_category")); id != "" {
		// The meta holds a term ID, which WXR items do not carry; a
		// nicename equal to it is the only match possible, so the first
		// category stays primary otherwise.
		for i, c := range cats {
			if c.Nicename == id {
				primary = i
			}
		}
	}
	section = cats[primary].Name
	for i, c := range cats {
		if i != primary {
			tags = append(tags, c.Name)
		}
	}
	return section, tags
}

var (
	phpWidth  = regexp.MustCompile(`s:5:"width";i:(\d+);`)
	phpHeight = regexp.MustCompile(`s:6:"height";i:(\d+);`)
)

// wxrImage is the featured image from its attachment item: the file URL,
// _wp_attachment_image_alt as alt text, the caption (the attachment's
// excerpt) as credit, and the size from _wp_attachment_metadata (PHP
// serialized; only its top-level width and height are read).
func wxrImage(att *wxrItem, site string) *article.Image {
	img := &article.Image{
		URL:    resolve(site, firstNonEmpty(att.Attachment, att.GUID)),
		Alt:    att.meta("_wp_attachment_image_alt"),
		Credit: att.encoded(true),
	}
	if img.URL == "" {
		return nil
	}
	meta := att.meta("_wp_attachment_metadata")
	if m := phpWidth.FindStringSubmatch(meta); m != nil {
		img.Width, _ = strconv.Atoi(m[1])
	}
	if m := phpHeight.FindStringSubmatch(meta); m != nil {
		img.Height, _ = strconv.Atoi(m[1])
	}
	if img.Width > article.MaxImageSide || img.Height > article.MaxImageSide {
		img.Width, img.Height = 0, 0
	}
	return img
}

// wpTime is a WordPress local time with its zone: the offset is the
// difference between the site's local time and the GMT one, so an article
// keeps the zone it was published in. A zero GMT time ("0000-00-00
// 00:00:00", a draft) gives the zero time.
func wpTime(local, gmt string) time.Time {
	const layout = "2006-01-02 15:04:05"
	g, err := time.Parse(layout, strings.TrimSpace(gmt))
	if err != nil {
		// REST dates carry a "T".
		if g, err = time.Parse("2006-01-02T15:04:05", strings.TrimSpace(gmt)); err != nil {
			return time.Time{}
		}
	}
	l, err := time.Parse(layout, strings.TrimSpace(local))
	if err != nil {
		if l, err = time.Parse("2006-01-02T15:04:05", strings.TrimSpace(local)); err != nil {
			return g
		}
	}
	off := int(l.Sub(g) / time.Second)
	if off%900 != 0 || off < -14*3600 || off > 14*3600 {
		return g
	}
	return g.In(time.FixedZone("", off))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// oneLineRef is a title short enough for a report line.
func oneLineRef(s string) string {
	return cut(newsroom.PlainText(s), 60)
}
