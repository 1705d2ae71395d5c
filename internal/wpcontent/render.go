package wpcontent

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Media is an attachment a post's content may name: a [gallery]'s images,
// a block image's size.
type Media struct {
	ID string
	// URL is the file, Link the attachment's page.
	URL, Link string
	Alt       string
	// Caption is the attachment's caption (its excerpt).
	Caption string
	// Width and Height of the file; 0 when unknown.
	Width, Height int
	// Parent is the post it is attached to, Order its menu order.
	Parent string
	Order  int
}

// Post is what Render needs of a post.
type Post struct {
	ID      string
	Content string
	// Media are the site's attachments by ID.
	Media map[string]Media
}

// Result is a rendered post content.
type Result struct {
	HTML string
	// Dropped counts what could not be rendered, by name ("[playlist]",
	// "[audio] without a file", "block core/latest-posts").
	Dropped map[string]int
}

// Blocks reports whether content was written in the block editor (it has
// block delimiters): wpautop is not applied to it.
func Blocks(content string) bool { return strings.Contains(content, "<!-- wp:") }

var (
	blockDelimiter = regexp.MustCompile(`<!--\s+(/)?wp:([a-z][a-z0-9_-]*/)?([a-z][a-z0-9_-]*)(?:\s+(\{[\s\S]*?\}))?\s+(/)?-->`)
	embedTag       = regexp.MustCompile(`\[embed(?:\s[^\]]*)?\]([\s\S]*?)\[/embed\]`)
	shortcodeTag   = regexp.MustCompile(`\[(\[?)(caption|wp_caption|gallery|audio|video|playlist)(?:\s([^\]]*?))?(/)?\]`)
	captionSplit   = regexp.MustCompile(`(?is)^((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)$`)
	imgTag         = regexp.MustCompile(`<img\s[^>]+>`)
	wpImageClass   = regexp.MustCompile(`\bwp-image-([0-9]+)\b`)
	shortcodeAttr  = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)`)
	dangit         = strings.NewReplacer(" Wordpress", " WordPress", "&#8216;Wordpress", "&#8216;WordPress", "&#8220;Wordpress", "&#8220;WordPress", ">Wordpress", ">WordPress", "(Wordpress", "(WordPress")
)

// Render is the_content of WordPress 6.1 for post, as its REST API and
// feeds give it: [embed] (its link: no oEmbed provider is asked),
// do_blocks (delimiters of static blocks dropped; dynamic blocks, which
// only WordPress can render, dropped and counted), wptexturize, wpautop
// (classic content only), the core shortcodes, the images' size, lazy
// loading and decoding attributes, capital_P_dangit.
//
// WordPress's shortcode_unautop is not applied: in a REST page or a feed,
// once a block-editor post has been rendered WordPress itself runs wpautop
// after it (do_blocks re-adds the filter), so a shortcode alone in a
// paragraph stays in its <p>, as here.
func Render(post Post) Result {
	r := Result{Dropped: map[string]int{}}
	s := embedTag.ReplaceAllStringFunc(post.Content, func(m string) string {
		u := strings.TrimSpace(embedTag.FindStringSubmatch(m)[1])
		if u == "" {
			return ""
		}
		return `<a href="` + escAttr(u) + `">` + html.EscapeString(u) + `</a>`
	})
	blocks := Blocks(s)
	if blocks {
		s = blockDelimiter.ReplaceAllStringFunc(s, func(m string) string {
			g := blockDelimiter.FindStringSubmatch(m)
			if g[5] == "/" { // self-closing: a dynamic block
				ns := strings.TrimSuffix(g[2], "/")
				if ns == "" {
					ns = "core"
				}
				r.Dropped["block "+ns+"/"+g[3]]++
			}
			return ""
		})
	}
	s = Texturize(s)
	if !blocks {
		s = Autop(s)
	}
	s = shortcodes(s, post, &r)
	s = contentImages(s, post.Media)
	s = dangit.Replace(s)
	r.HTML = s
	return r
}

// shortcodes runs the core shortcodes of s, innermost first ([caption]
// may hold an image only; [gallery], [audio], [video], [playlist] close
// themselves).
func shortcodes(s string, post Post, r *Result) string {
	var b strings.Builder
	gallery := 0
	// unclosed names the shortcodes with no closing tag left in s: found
	// once, not searched for again (an export of unclosed tags would
	// otherwise cost a search to the end for each).
	unclosed := map[string]bool{}
	for {
		loc := shortcodeTag.FindStringSubmatchIndex(s)
		if loc == nil {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:loc[0]])
		name := s[loc[4]:loc[5]]
		attrs := ""
		if loc[6] >= 0 {
			attrs = s[loc[6]:loc[7]]
		}
		escaped := loc[3] > loc[2]
		selfClosing := loc[8] >= 0
		end, content := loc[1], ""
		if !selfClosing && !unclosed[name] && (name == "caption" || name == "wp_caption" || name == "video" || name == "audio") {
			closing := "[/" + name + "]"
			if i := strings.Index(s[end:], closing); i >= 0 {
				content = s[end : end+i]
				end += i + len(closing)
			} else {
				unclosed[name] = true
			}
		}
		if escaped {
			// [[caption]]: the shortcode's text, shown as text.
			if end < len(s) && s[end] == ']' {
				end++
			}
			b.WriteString(s[loc[0]+1 : end-1])
			s = s[end:]
			continue
		}
		a := parseAttrs(attrs)
		switch name {
		case "caption", "wp_caption":
			b.WriteString(caption(a, shortcodes(content, post, r)))
		case "gallery":
			gallery++
			out := galleryHTML(a, post, gallery)
			if out == "" {
				r.Dropped["[gallery] without images"]++
			}
			b.WriteString(out)
		case "audio", "video":
			out := mediaLink(name, a)
			if out == "" {
				r.Dropped["["+name+"] without a file"]++
			}
			b.WriteString(out)
		default:
			r.Dropped["["+name+"]"]++
		}
		s = s[end:]
	}
}

// parseAttrs is shortcode_parse_atts: names lower-cased, values as given.
func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	s = strings.NewReplacer("\u00a0", " ", "\u200b", " ").Replace(s)
	for i, m := range shortcodeAttr.FindAllStringSubmatch(s+" ", -1) {
		switch {
		case m[1] != "":
			out[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			out[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			out[strings.ToLower(m[5])] = m[6]
		default:
			out[strconv.Itoa(i)] = m[7] + m[8] + m[9]
		}
	}
	return out
}

// caption is img_caption_shortcode with HTML5 captions (every default
// theme since Twenty Fourteen): <figure> with <figcaption>.
func caption(a map[string]string, content string) string {
	text := a["caption"]
	if text == "" {
		if m := captionSplit.FindStringSubmatch(content); m != nil {
			content, text = m[1], strings.TrimSpace(m[2])
		}
	}
	width, _ := strconv.Atoi(a["width"])
	if width < 1 || text == "" {
		return content
	}
	id, describedBy, capID := "", "", ""
	if v := htmlClass(a["id"]); v != "" {
		id = `id="` + v + `" `
		describedBy = `aria-describedby="caption-` + strings.ReplaceAll(v, "_", "-") + `" `
		capID = `id="caption-` + strings.ReplaceAll(v, "_", "-") + `" `
	}
	align := a["align"]
	if align == "" {
		align = "alignnone"
	}
	class := strings.TrimSpace("wp-caption " + align + " " + a["class"])
	return fmt.Sprintf(`<figure %s%sstyle="width: %dpx" class="%s">%s<figcaption %sclass="wp-caption-text">%s</figcaption></figure>`,
		id, describedBy, width, escAttr(class), content, capID, text)
}

// galleryHTML is gallery_shortcode with HTML5 galleries, of the images
// named by ids (or include), else of those attached to the post.
func galleryHTML(a map[string]string, post Post, instance int) string {
	var items []Media
	ids := firstOf(a["ids"], a["include"])
	if ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if m, ok := post.Media[strings.TrimSpace(id)]; ok && m.URL != "" {
				items = append(items, m)
			}
		}
	} else {
		for _, m := range post.Media {
			if m.Parent != "" && m.Parent == post.ID && m.URL != "" {
				items = append(items, m)
			}
		}
		sort.Slice(items, func(i, j int) bool {
			if items[i].Order != items[j].Order {
				return items[i].Order < items[j].Order
			}
			return atoi(items[i].ID) < atoi(items[j].ID)
		})
	}
	if len(items) == 0 {
		return ""
	}
	columns := 3
	if c, err := strconv.Atoi(a["columns"]); err == nil && c >= 0 {
		columns = c
	}
	size := firstOf(a["size"], "thumbnail")
	sel := fmt.Sprintf("gallery-%d", instance)
	var b strings.Builder
	fmt.Fprintf(&b, "<div id='%s' class='gallery galleryid-%s gallery-columns-%d gallery-size-%s'>", sel, post.ID, columns, htmlClass(size))
	for _, m := range items {
		w, h := m.Width, m.Height
		if size == "thumbnail" {
			w, h = constrain(w, h, 150, 150)
		}
		describedBy := ""
		if strings.TrimSpace(m.Caption) != "" {
			describedBy = fmt.Sprintf(` aria-describedby="%s-%s"`, sel, m.ID)
		}
		dims := ""
		if w > 0 && h > 0 {
			dims = fmt.Sprintf(`width="%d" height="%d" `, w, h)
		}
		img := fmt.Sprintf(`<img %ssrc="%s" class="attachment-%s size-%s" alt="%s" decoding="async" loading="lazy"%s />`,
			dims, escAttr(m.URL), htmlClass(size), htmlClass(size), escAttr(m.Alt), describedBy)
		switch a["link"] {
		case "none":
		case "file":
			img = `<a href='` + escAttr(m.URL) + `'>` + img + `</a>`
		default:
			if m.Link != "" {
				img = `<a href='` + escAttr(m.Link) + `'>` + img + `</a>`
			}
		}
		orientation := "landscape"
		if m.Height > m.Width {
			orientation = "portrait"
		}
		fmt.Fprintf(&b, "<figure class='gallery-item'>\n\t\t\t<div class='gallery-icon %s'>\n\t\t\t\t%s\n\t\t\t</div>", orientation, img)
		if strings.TrimSpace(m.Caption) != "" {
			fmt.Fprintf(&b, "\n\t\t\t\t<figcaption class='wp-caption-text gallery-caption' id='%s-%s'>\n\t\t\t\t%s\n\t\t\t\t</figcaption>",
				sel, m.ID, Texturize(strings.TrimSpace(m.Caption)))
		}
		b.WriteString("</figure>")
	}
	b.WriteString("\n\t\t</div>\n")
	return b.String()
}

// constrain is wp_constrain_dimensions: w×h scaled down to fit maxW×maxH.
func constrain(w, h, maxW, maxH int) (int, int) {
	if w <= 0 || h <= 0 || (w <= maxW && h <= maxH) {
		return w, h
	}
	rw, rh := float64(maxW)/float64(w), float64(maxH)/float64(h)
	r := rw
	if rh < r {
		r = rh
	}
	nw, nh := int(float64(w)*r+0.5), int(float64(h)*r+0.5)
	if nw < 1 {
		nw = 1
	}
	if nh < 1 {
		nh = 1
	}
	return nw, nh
}

var mediaSources = map[string][]string{
	"audio": {"src", "mp3", "ogg", "flac", "m4a", "wav"},
	"video": {"src", "mp4", "m4v", "webm", "ogv", "flv"},
}

// mediaLink is what [audio] and [video] keep once the admin API has
// cleaned WordPress's player (no audio, video or source elements): the
// link to the file WordPress puts inside the player, in the video's box.
func mediaLink(name string, a map[string]string) string {
	src := ""
	for _, k := range mediaSources[name] {
		if v := strings.TrimSpace(a[k]); v != "" {
			src = v
			break
		}
	}
	if src == "" {
		return ""
	}
	link := `<a href="` + escAttr(src) + `">` + html.EscapeString(src) + `</a>`
	if name == "audio" {
		return link
	}
	width := 640
	if w, err := strconv.Atoi(a["width"]); err == nil && w > 0 {
		width = w
	}
	return fmt.Sprintf(`<div style="width: %dpx;" class="wp-video">%s</div>`, width, link)
}

// contentImages is wp_filter_content_tags for images: the size of an
// image of the library (class wp-image-N) when the tag lacks it, then
// loading="lazy" (on images with a size) and decoding="async", each put
// first as WordPress puts them.
func contentImages(s string, media map[string]Media) string {
	return imgTag.ReplaceAllStringFunc(s, func(img string) string {
		hasW, hasH := hasAttr(img, "width"), hasAttr(img, "height")
		if !hasW && !hasH {
			if m := wpImageClass.FindStringSubmatch(img); m != nil {
				if md, ok := media[m[1]]; ok && md.Width > 0 && md.Height > 0 && sameFile(imgSrc(img), md.URL) {
					img = strings.Replace(img, "<img", fmt.Sprintf(`<img width="%d" height="%d"`, md.Width, md.Height), 1)
					hasW, hasH = true, true
				}
			}
		}
		if hasW && hasH && !hasAttr(img, "loading") {
			img = strings.Replace(img, "<img", `<img loading="lazy"`, 1)
		}
		if !hasAttr(img, "decoding") {
			img = strings.Replace(img, "<img", `<img decoding="async"`, 1)
		}
		return img
	})
}

var srcAttr = regexp.MustCompile(`\ssrc="([^"]*)"`)

func imgSrc(img string) string {
	if m := srcAttr.FindStringSubmatch(img); m != nil {
		return m[1]
	}
	return ""
}

// sameFile reports whether src names the attachment's full-size file
// (wp_image_src_get_dimensions; the intermediate sizes, whose names
// WordPress keeps in PHP-serialized metadata, are not read: such an image
// gets no size).
func sameFile(src, full string) bool {
	base := func(u string) string {
		if i := strings.IndexAny(u, "?#"); i >= 0 {
			u = u[:i]
		}
		return u[strings.LastIndexByte(u, '/')+1:]
	}
	return src != "" && base(src) == base(full)
}

func hasAttr(tag, name string) bool { return strings.Contains(tag, " "+name+"=") }

// htmlClass is sanitize_html_class: letters, digits, "_" and "-".
func htmlClass(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return -1
	}, s)
}

func escAttr(s string) string { return html.EscapeString(s) }

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
