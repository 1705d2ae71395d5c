package importer

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/newsdesk/syndicate/internal/article"
)

// A post of the WordPress REST API (/wp-json/wp/v2/posts?_embed), the
// members the mapping reads.
type wpPost struct {
	ID          int64      `json:"id"`
	Date        string     `json:"date"`
	DateGMT     string     `json:"date_gmt"`
	Modified    string     `json:"modified"`
	ModifiedGMT string     `json:"modified_gmt"`
	GUID        wpRendered `json:"guid"`
	Status      string     `json:"status"`
	Type        string     `json:"type"`
	Link        string     `json:"link"`
	Title       wpRendered `json:"title"`
	Content     struct {
		Rendered  string `json:"rendered"`
		Protected bool   `json:"protected"`
	} `json:"content"`
	Excerpt       wpRendered `json:"excerpt"`
	FeaturedMedia int64      `json:"featured_media"`
	Categories    []int64    `json:"categories"`
	Tags          []int64    `json:"tags"`
	Embedded      struct {
		Author []struct {
			Name string `json:"name"`
			Link string `json:"link"`
		} `json:"author"`
		Media []struct {
			ID           int64      `json:"id"`
			SourceURL    string     `json:"source_url"`
			AltText      string     `json:"alt_text"`
			Caption      wpRendered `json:"caption"`
			MediaDetails struct {
				Width  int `json:"width"`
				Height int `json:"height"`
			} `json:"media_details"`
		} `json:"wp:featuredmedia"`
		Terms [][]struct {
			ID       int64  `json:"id"`
			Name     string `json:"name"`
			Slug     string `json:"slug"`
			Taxonomy string `json:"taxonomy"`
		} `json:"wp:term"`
	} `json:"_embedded"`
}

type wpRendered struct {
	Rendered string `json:"rendered"`
}

// restPostsURL turns what a user gives (the site, /wp-json, or the posts
// route) into the posts route, and says whether src is a REST source.
func restPostsURL(src string) (string, bool) {
	u, err := url.Parse(src)
	if err != nil {
		return "", false
	}
	p := strings.TrimRight(u.Path, "/")
	switch {
	case strings.HasSuffix(p, "/wp-json"):
		u.Path = p + "/wp/v2/posts"
	case strings.HasSuffix(p, "/wp-json/wp/v2"):
		u.Path = p + "/posts"
	case strings.Contains(p, "/wp-json/wp/v2/"):
	case u.Query().Get("rest_route") != "":
	default:
		return "", false
	}
	return u.String(), true
}

// restPage is the URL of page n of the posts route, 100 a page, embedded.
func restPage(posts string, n int) string {
	u, _ := url.Parse(posts)
	q := u.Query()
	q.Set("_embed", "1")
	q.Set("per_page", "100")
	q.Set("page", strconv.Itoa(n))
	q.Set("orderby", "id") // a stable order while posts are added
	q.Set("order", "asc")
	u.RawQuery = q.Encode()
	return u.String()
}

// ParseREST maps one page of /wp/v2/posts?_embed.
func ParseREST(doc []byte, pageURL string, opts Options) ([]Item, error) {
	var posts []wpPost
	if err := json.Unmarshal(doc, &posts); err != nil {
		return nil, fmt.Errorf("importer: WordPress REST: %w", err)
	}
	u, _ := url.Parse(pageURL)
	site := u.Scheme + "://" + u.Host
	lang := opts.language("")
	items := make([]Item, 0, len(posts))
	for _, p := range posts {
		ref := fmt.Sprintf("REST %s %d “%s”", firstNonEmpty(p.Type, "post"), p.ID, oneLineRef(p.Title.Rendered))
		kind := kindOf(p.Type)
		st, ok := status(p.Status)
		if kind == KindArticle && !ok {
			kind = Kind(p.Status)
		}
		if kind != KindArticle {
			items = append(items, Item{Kind: kind, Ref: ref})
			continue
		}
		postID := strconv.FormatInt(p.ID, 10)
		key := firstNonEmpty(wpKey(p.GUID.Rendered, postID), p.Link, "post:"+postID)
		if p.Content.Protected {
			it := Item{Kind: KindProtected, Ref: ref}
			it.identify(site, key, p.Link)
			items = append(items, it)
			continue
		}
		a := article.Article{
			Title:  p.Title.Rendered,
			Body:   p.Content.Rendered,
			Lead:   p.Excerpt.Rendered,
			URL:    resolve(site, p.Link),
			Status: st,
			Source: opts.Source,
		}
		if st == article.StatusPublished {
			a.PublishedAt = wpTime(p.Date, p.DateGMT)
		}
		for _, au := range p.Embedded.Author {
			a.Authors = append(a.Authors, article.Author{Name: au.Name, URL: au.Link})
		}
		names := map[int64]string{}
		for _, group := range p.Embedded.Terms {
			for _, t := range group {
				if t.Taxonomy == "category" && t.Slug != "uncategorized" || t.Taxonomy == "post_tag" {
					names[t.ID] = t.Name
				}
			}
		}
		var cats []string
		for _, id := range p.Categories {
			if n := names[id]; n != "" {
				cats = append(cats, n)
			}
		}
		if len(cats) > 0 {
			a.Section = cats[0]
		}
		for _, id := range p.Tags {
			if n := names[id]; n != "" {
				a.Tags = append(a.Tags, n)
			}
		}
		if len(cats) > 1 {
			a.Tags = append(a.Tags, cats[1:]...)
		}
		for _, m := range p.Embedded.Media {
			if m.ID == p.FeaturedMedia && m.SourceURL != "" {
				a.Image = &article.Image{URL: resolve(site, m.SourceURL), Alt: m.AltText, Credit: m.Caption.Rendered,
					Width: m.MediaDetails.Width, Height: m.MediaDetails.Height}
				if a.Image.Width > article.MaxImageSide || a.Image.Height > article.MaxImageSide {
					a.Image.Width, a.Image.Height = 0, 0
				}
			}
		}
		// The REST API has no language; a featured image it does not
		// embed (not public) is not said to be gone.
		carries := fieldTitle | fieldBody | fieldLead | fieldSection | fieldTags | fieldPublishedAt | fieldURL | fieldStatus
		if len(p.Embedded.Author) > 0 {
			carries |= fieldAuthors | fieldAuthorURLs
		}
		if p.FeaturedMedia == 0 || a.Image != nil {
			carries |= fieldImage
		}
		fill(&a, lang)
		it := Item{Kind: KindArticle, Ref: ref, Article: a, Modified: wpTime(p.Modified, p.ModifiedGMT), carries: withTitle(carries, p.Title.Rendered)}
		it.identify(site, key, p.Link)
		items = append(items, it)
	}
	return items, nil
}

// restError is the error body of the REST API: {"code": ..., "message": ...}.
type restError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
