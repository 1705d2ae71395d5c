package share

import (
	"bytes"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/newsdesk/syndicate/internal/article"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func render(t testing.TB, s Site, a article.Article, aud Audience) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := s.WritePage(&buf, &a, aud); err != nil {
		t.Fatalf("WritePage: %v", err)
	}
	return buf.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; got:\n%s", name, got)
	}
}

func TestPageGolden(t *testing.T) {
	s := testSite()
	noImage := seedArticle()
	noImage.Image = nil
	unsized := seedArticle()
	unsized.Image.Width, unsized.Image.Height = 0, 0
	uncredited := seedArticle()
	uncredited.Image.Credit = ""
	tests := []struct {
		name string
		a    article.Article
		aud  Audience
	}{
		{"seed-crawler.html", seedArticle(), Crawler},
		{"seed-person.html", seedArticle(), Person},
		{"no-image-crawler.html", noImage, Crawler},
		{"unsized-image-crawler.html", unsized, Crawler},
		{"uncredited-photo-crawler.html", uncredited, Crawler},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, render(t, s, tt.a, tt.aud))
		})
	}
	// Where the card draws photos from the seed's origin, its credited
	// photo is offered as the card that carries the credit.
	cards := testSite()
	cards.CardOrigins = []string{"https://img.news.example.bg"}
	t.Run("credited-card-crawler.html", func(t *testing.T) {
		golden(t, "credited-card-crawler.html", render(t, cards, seedArticle(), Crawler))
	})
	t.Run("404.html", func(t *testing.T) {
		var buf bytes.Buffer
		if err := s.WriteStatusPage(&buf, 404); err != nil {
			t.Fatal(err)
		}
		golden(t, "404.html", buf.Bytes())
	})
	t.Run("410.html", func(t *testing.T) {
		var buf bytes.Buffer
		if err := s.WriteStatusPage(&buf, 410); err != nil {
			t.Fatal(err)
		}
		golden(t, "410.html", buf.Bytes())
	})
}

// metas returns the page's meta tags as "property=value" pairs in order,
// content included.
func metas(doc *html.Node) [][2]string {
	var out [][2]string
	walk(doc, func(n *html.Node) {
		if n.Data != "meta" {
			return
		}
		key := attr(n, "property") + attr(n, "name") + attr(n, "http-equiv")
		if attr(n, "charset") != "" {
			key = "charset"
		}
		out = append(out, [2]string{key, attr(n, "content")})
	})
	return out
}

func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func TestPageSeedMetadata(t *testing.T) {
	s := testSite()
	a := seedArticle()
	doc, err := html.Parse(bytes.NewReader(render(t, s, a, Crawler)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, m := range metas(doc) {
		got[m[0]] = append(got[m[0]], m[1])
	}
	want := map[string]string{
		"og:type":                "article",
		"og:title":               "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		"og:url":                 "https://share.news.example.bg/share/" + a.Slug,
		"og:site_name":           "Новини",
		"og:locale":              "bg_BG",
		"og:image":               "https://img.news.example.bg/2025/12/nato-korea.jpg",
		"og:image:secure_url":    "https://img.news.example.bg/2025/12/nato-korea.jpg",
		"og:image:type":          "image/jpeg",
		"og:image:width":         "1600",
		"og:image:height":        "900",
		"og:image:alt":           "Марк Рюте и Ви Сунг-лак в Хага",
		"article:published_time": "2025-12-18T11:15:00+02:00",
		"article:section":        "Свят",
		"article:author":         "https://news.example.bg/avtor/bta",
		"author":                 "БТА",
		"twitter:card":           "summary_large_image",
		"twitter:title":          "Южна Корея и НАТО се споразумяха за общи проекти във военната…",
		"twitter:image":          "https://img.news.example.bg/2025/12/nato-korea.jpg",
		"twitter:site":           "@novini",
		"fediverse:creator":      "@news@news.example.bg",
	}
	for k, v := range want {
		if len(got[k]) != 1 || got[k][0] != v {
			t.Errorf("meta %s = %q, want [%q]", k, got[k], v)
		}
	}
	if tags := strings.Join(got["article:tag"], "|"); tags != "НАТО|Южна Корея|отбрана" {
		t.Errorf("article:tag = %q, want НАТО|Южна Корея|отбрана", tags)
	}
	if len(got["http-equiv"]) != 0 || len(got["refresh"]) != 0 {
		t.Errorf("crawler page has a refresh: %v", got)
	}
}

// TestPageAuthorNames: <meta name="author"> names every author, in order,
// whether or not they have a profile URL; without a byline it is the
// source, and without either it is left out.
func TestPageAuthorNames(t *testing.T) {
	s := testSite()
	tests := []struct {
		name    string
		authors []article.Author
		source  string
		want    []string
	}{
		{"two authors", []article.Author{{Name: "Мария Петрова", URL: "https://news.example.bg/avtor/mp"}, {Name: "Иван Иванов"}}, "БТА", []string{"Мария Петрова, Иван Иванов"}},
		{"blank name skipped", []article.Author{{Name: " "}, {Name: "Иван"}}, "БТА", []string{"Иван"}},
		{"no byline: the source", nil, "БТА", []string{"БТА"}},
		{"neither", []article.Author{{Name: " "}}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := seedArticle()
			a.Authors = tt.authors
			a.Source = tt.source
			doc, err := html.Parse(bytes.NewReader(render(t, s, a, Crawler)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range metas(doc) {
				if m[0] == "author" {
					got = append(got, m[1])
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("meta author = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPageFediverseCreators: an author's fediverse address is a
// fediverse:creator tag before the newsroom's, in byline order, once each;
// authors without one add none.
func TestPageFediverseCreators(t *testing.T) {
	s := testSite()
	for _, tt := range []struct {
		name    string
		authors []article.Author
		want    string
	}{
		{"no author's address", []article.Author{{Name: "БТА"}}, "@news@news.example.bg"},
		{"one author's", []article.Author{{Name: "Иван Петров", Fediverse: "@ivan@mastodon.social"}, {Name: "Мария Иванова"}},
			"@ivan@mastodon.social|@news@news.example.bg"},
		{"two, one repeated", []article.Author{{Name: "Мария Иванова", Fediverse: "@maria@social.example.bg"},
			{Name: "Иван Петров", Fediverse: "@ivan@mastodon.social"}, {Name: "Мария И.", Fediverse: "@maria@social.example.bg"}},
			"@maria@social.example.bg|@ivan@mastodon.social|@news@news.example.bg"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := seedArticle()
			a.Authors = tt.authors
			doc, err := html.Parse(bytes.NewReader(render(t, s, a, Crawler)))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range metas(doc) {
				if m[0] == "fediverse:creator" {
					got = append(got, m[1])
				}
			}
			if strings.Join(got, "|") != tt.want {
				t.Errorf("fediverse:creator = %q, want %s", got, tt.want)
			}
		})
	}
}

func TestPageImageChoice(t *testing.T) {
	s := testSite()
	card := "https://share.news.example.bg/share/" + seedArticle().Slug + "/card.png?v=3.3"
	tests := []struct {
		name           string
		image          *article.Image
		wantOG, wantTw string
		wantW, wantH   string
	}{
		{"own image with size", seedArticle().Image, "https://img.news.example.bg/2025/12/nato-korea.jpg", "https://img.news.example.bg/2025/12/nato-korea.jpg", "1600", "900"},
		{"own image without size", &article.Image{URL: "https://img.news.example.bg/a.jpg"}, card, "https://img.news.example.bg/a.jpg", "1200", "630"},
		{"no image", nil, card, card, "1200", "630"},
		{"unsafe image", &article.Image{URL: "javascript:x", Width: 5, Height: 5}, card, card, "1200", "630"},
		{"credited, the card draws it", seedArticle().Image, card, card, "1200", "630"},
		{"credited, another origin", &article.Image{URL: "https://other.example/a.jpg", Width: 1600, Height: 900, Credit: "Снимка: EPA/BGNES"},
			"https://other.example/a.jpg", "https://other.example/a.jpg", "1600", "900"},
		{"uncredited, the card could draw it", &article.Image{URL: "https://img.news.example.bg/a.jpg", Width: 1600, Height: 900},
			"https://img.news.example.bg/a.jpg", "https://img.news.example.bg/a.jpg", "1600", "900"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := seedArticle()
			a.Image = tt.image
			s := s
			if strings.HasPrefix(tt.name, "credited") || strings.HasPrefix(tt.name, "uncredited") {
				s.CardOrigins = []string{"https://img.news.example.bg"}
			}
			doc, err := html.Parse(bytes.NewReader(render(t, s, a, Crawler)))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, m := range metas(doc) {
				got[m[0]] = m[1]
			}
			if got["og:image"] != tt.wantOG || got["twitter:image"] != tt.wantTw ||
				got["og:image:width"] != tt.wantW || got["og:image:height"] != tt.wantH {
				t.Errorf("og:image %q %sx%s, twitter:image %q; want %q %sx%s, %q",
					got["og:image"], got["og:image:width"], got["og:image:height"], got["twitter:image"],
					tt.wantOG, tt.wantW, tt.wantH, tt.wantTw)
			}
		})
	}
}

// TestPageHostile renders an article full of hostile text and checks the
// parsed page has exactly the expected elements, the expected text, no
// unsafe URL and JSON-LD that decodes to the full text.
func TestPageHostile(t *testing.T) {
	s := testSite()
	a := hostileArticle()
	for _, aud := range []Audience{Crawler, Person} {
		t.Run(map[Audience]string{Crawler: "crawler", Person: "person"}[aud], func(t *testing.T) {
			page := render(t, s, a, aud)
			doc, err := html.Parse(bytes.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			var elems []string
			walk(doc, func(n *html.Node) {
				e := n.Data
				switch n.Data {
				case "meta":
					e += "[" + attr(n, "property") + attr(n, "name") + attr(n, "http-equiv") + attr(n, "charset") + "]"
				case "link":
					e += "[" + attr(n, "rel") + " " + attr(n, "type") + "]"
				case "script":
					e += "[" + attr(n, "type") + "]"
				}
				elems = append(elems, e)
				for _, at := range n.Attr {
					switch at.Key {
					case "href", "src":
						if !strings.HasPrefix(at.Val, "https://") {
							t.Errorf("<%s %s=%q> is not an https URL", n.Data, at.Key, at.Val)
						}
					case "content", "property", "name", "rel", "type", "charset", "http-equiv", "alt", "width", "height", "lang", "prefix":
					default:
						t.Errorf("<%s> has unexpected attribute %s=%q", n.Data, at.Key, at.Val)
					}
					if strings.Contains(strings.ToLower(at.Val), "javascript:") && at.Key != "content" {
						t.Errorf("<%s %s=%q> carries javascript:", n.Data, at.Key, at.Val)
					}
				}
			})
			want := []string{"html", "head", "meta[utf-8]", "title", "meta[description]", "meta[author]", "link[canonical ]"}
			if aud == Person {
				want = append(want, "meta[refresh]")
			}
			want = append(want,
				"meta[og:type]", "meta[og:title]", "meta[og:description]", "meta[og:url]", "meta[og:site_name]",
				"meta[og:locale]", "meta[og:image]", "meta[og:image:secure_url]", "meta[og:image:type]",
				"meta[og:image:width]", "meta[og:image:height]", "meta[og:image:alt]",
				"meta[article:published_time]", "meta[article:section]",
				"meta[article:tag]", "meta[article:tag]", "meta[article:author]",
				"meta[twitter:card]", "meta[twitter:title]", "meta[twitter:description]", "meta[twitter:image]",
				"meta[twitter:image:alt]", "meta[twitter:site]", "meta[fediverse:creator]",
				"link[alternate application/json+oembed]", "link[alternate application/rss+xml]", "link[alternate application/atom+xml]",
				"meta[viewport]", "script[application/ld+json]", "style",
				"body", "main", "h1", "p", "img", "p", "a", "script[]")
			if g, w := strings.Join(elems, " "), strings.Join(want, " "); g != w {
				t.Errorf("elements:\n got %s\nwant %s", g, w)
			}

			var title, h1, ld, redirect string
			walk(doc, func(n *html.Node) {
				text := ""
				if n.FirstChild != nil {
					text = n.FirstChild.Data
				}
				switch {
				case n.Data == "title":
					title = text
				case n.Data == "h1":
					h1 = text
				case n.Data == "script" && attr(n, "type") == "application/ld+json":
					ld = text
				case n.Data == "script":
					redirect = text
				}
			})
			full := article.OneLine(a.Title)
			if want := Trim(full, TitleMax); title != want {
				t.Errorf("<title> = %q, want %q", title, want)
			}
			if h1 != full {
				t.Errorf("<h1> = %q, want the full cleaned title", h1)
			}
			var got struct {
				Headline    string `json:"headline"`
				Description string `json:"description"`
				URL         string `json:"url"`
				Section     string `json:"articleSection"`
				Author      []struct {
					Name string `json:"name"`
					URL  string `json:"url"`
				} `json:"author"`
			}
			if err := json.Unmarshal([]byte(ld), &got); err != nil {
				t.Fatalf("JSON-LD does not decode: %v\n%s", err, ld)
			}
			if got.Headline != full || got.Description != article.OneLine(a.Lead) || got.Section != article.OneLine(a.Section) {
				t.Errorf("JSON-LD headline/description/section are not the full cleaned text")
			}
			if got.URL != "https://news.example.bg/" {
				t.Errorf("JSON-LD url = %q, want the site (the article URL is unsafe)", got.URL)
			}
			if len(got.Author) != 2 || got.Author[0].URL != "" {
				t.Errorf("JSON-LD authors = %+v, want 2 with the javascript: URL dropped", got.Author)
			}
			if !strings.Contains(redirect, `("https://news.example.bg/",location.search)`) {
				t.Errorf("redirect script = %q, want it to target the site", redirect)
			}
			if i := bytes.Index(page, []byte(`name="twitter:site"`)); i < 0 || i > 32<<10 {
				t.Errorf("twitter:site at byte %d, want within the first 32 KB", i)
			}
		})
	}
}

func BenchmarkPage(b *testing.B) {
	s := testSite()
	a := seedArticle()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := s.WritePage(&buf, &a, Crawler); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/page")
}

func TestCreditText(t *testing.T) {
	for in, want := range map[string]string{
		"Снимка: EPA/BGNES":   "EPA/BGNES",
		"Фото:БТА":            "БТА",
		"Photo: Reuters":      "Reuters",
		"БТА":                 "БТА",
		"EPA/BGNES: архив":    "EPA/BGNES: архив",
		"Снимка и текст: БТА": "Снимка и текст: БТА",
		"Снимка:":             "Снимка:",
	} {
		if got := CreditText(in); got != want {
			t.Errorf("CreditText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPageCredit: the photo's credit is on the page under the image that
// shows the photo, and in JSON-LD as creditText of every image showing it
// (the photo; the card when it draws the photo), never on a card without it.
func TestPageCredit(t *testing.T) {
	type ldDoc struct {
		Image []struct {
			URL        string `json:"url"`
			CreditText string `json:"creditText"`
		} `json:"image"`
	}
	cards := testSite()
	cards.CardOrigins = []string{"https://img.news.example.bg"}
	a := seedArticle()
	photo, card := a.Image.URL, cards.CardURL(&a)
	unsized := seedArticle()
	unsized.Image.Width, unsized.Image.Height = 0, 0
	tests := []struct {
		name    string
		s       Site
		a       article.Article
		visible bool
		credit  map[string]string // image URL -> creditText
	}{
		{"photo is og:image", testSite(), a, true, map[string]string{photo: "EPA/BGNES"}},
		{"the credited card", cards, a, true, map[string]string{card: "EPA/BGNES", photo: "EPA/BGNES"}},
		{"a card without the photo", testSite(), unsized, false, map[string]string{card: "", photo: "EPA/BGNES"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := string(render(t, tt.s, tt.a, Crawler))
			if got := strings.Contains(page, "<figcaption>Снимка: EPA/BGNES</figcaption>"); got != tt.visible {
				t.Errorf("visible credit %v, want %v", got, tt.visible)
			}
			_, rest, _ := strings.Cut(page, `<script type="application/ld+json">`)
			js, _, _ := strings.Cut(rest, "</script>")
			var ld ldDoc
			if err := json.Unmarshal([]byte(js), &ld); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, im := range ld.Image {
				got[im.URL] = im.CreditText
			}
			if !maps.Equal(got, tt.credit) {
				t.Errorf("JSON-LD images and credits %v, want %v", got, tt.credit)
			}
		})
	}
}

// TestPageForUnfurlers reads the page as two unfurlers do, by their
// published rules: metascraper-date's date is the first of JSON-LD
// dateModified, article:modified_time, JSON-LD datePublished,
// article:published_time (modified first); open-graph-scraper's
// articleAuthor is its single-valued field, so the last article:author
// tag wins. The date must be the publication time (what the card shows),
// and articleAuthor must name both of two authors.
func TestPageForUnfurlers(t *testing.T) {
	s := testSite()
	a := seedArticle()
	a.UpdatedAt = a.PublishedAt.Add(3 * time.Hour) // edited since
	a.Authors = []article.Author{{Name: "Мария Петрова", URL: "https://news.example.bg/avtor/mp"}, {Name: "Иван Иванов"}}
	page := render(t, s, a, Crawler)
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var modified, published, articleAuthor string
	for _, m := range metas(doc) {
		switch m[0] {
		case "article:modified_time":
			modified = m[1]
		case "article:published_time":
			published = m[1]
		case "article:author":
			articleAuthor = m[1]
		}
	}
	_, rest, _ := strings.Cut(string(page), `<script type="application/ld+json">`)
	js, _, _ := strings.Cut(rest, "</script>")
	var ld struct{ DateModified, DatePublished string }
	if err := json.Unmarshal([]byte(js), &ld); err != nil {
		t.Fatal(err)
	}
	date := ""
	for _, v := range []string{ld.DateModified, modified, ld.DatePublished, published} {
		if v != "" {
			date = v
			break
		}
	}
	if want := a.PublishedAt.In(s.Location).Format(time.RFC3339); date != want {
		t.Errorf("metascraper's date = %q, want the publication time %q", date, want)
	}
	if !strings.Contains(articleAuthor, "Мария Петрова") || !strings.Contains(articleAuthor, "Иван Иванов") {
		t.Errorf("open-graph-scraper's articleAuthor = %q, want both authors", articleAuthor)
	}
	one := seedArticle()
	one.Authors = []article.Author{{Name: "Мария Петрова", URL: "https://news.example.bg/avtor/mp"}}
	if m := s.Meta(&one); len(m.Authors) != 1 || m.Authors[0] != "https://news.example.bg/avtor/mp" {
		t.Errorf("one author's article:author = %q, want the profile URL (Facebook's form)", m.Authors)
	}
}
