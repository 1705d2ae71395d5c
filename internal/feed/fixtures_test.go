package feed

import (
	"fmt"
	"html"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// sofia is the publisher's zone in every test.
var sofia = mustZone("Europe/Sofia")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// testSite is the site every golden file is rendered for.
func testSite() *Channel {
	return &Channel{
		Name:     "Новини & Анализи",
		URL:      "https://news.example.bg",
		BaseURL:  "https://feeds.news.example.bg",
		HubURL:   "https://hub.example.bg/",
		Language: "bg",
		LogoURL:  "https://news.example.bg/logo.png",
		Location: sofia,
		TTL:      5 * time.Minute,
	}
}

// fixedNow is the clock of every test: the seed article's publication day.
var fixedNow = time.Date(2025, 12, 18, 12, 30, 0, 0, sofia)

// seed is the real article page in testdata, split into its parts.
type seed struct {
	title, credit, lead string
	paragraphs          []string
	related             [][2]string // title, lead
}

var (
	seedOnce sync.Once
	seedData seed
	seedErr  error
)

func loadSeed(tb testing.TB) seed {
	tb.Helper()
	seedOnce.Do(func() {
		b, err := os.ReadFile("testdata/seed-article-bg.txt")
		if err != nil {
			seedErr = err
			return
		}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		// Lines: date, title, title again, credit, lead, six paragraphs,
		// "Сподели:", comments, then three related (title, title, lead).
		if len(lines) < 22 {
			seedErr = fmt.Errorf("seed article has %d lines", len(lines))
			return
		}
		seedData = seed{title: lines[1], credit: lines[3], lead: lines[4], paragraphs: lines[5:11]}
		for i := 13; i+2 < len(lines); i += 3 {
			seedData.related = append(seedData.related, [2]string{lines[i], lines[i+2]})
		}
	})
	if seedErr != nil {
		tb.Fatalf("loading seed article: %v", seedErr)
	}
	return seedData
}

var sanitizer = newsroom.NewSanitizer()

// realistic returns n published articles built from the seed article, newest
// first, about 5 KB of HTML body each, cleaned as the admin API stores them.
// Article 0 is the seed itself; the others vary title, section, tags and
// authors and carry „“ quotes, ampersands and emoji.
func realistic(tb testing.TB, n int) []article.Article {
	tb.Helper()
	sd := loadSeed(tb)
	sections := []string{"Свят", "България", "Икономика"}
	authors := []article.Author{
		{Name: "Мария Иванова", URL: "https://news.example.bg/avtori/maria-ivanova"},
		{Name: "Петър Димитров"},
		{Name: "Екип „Новини“ & БТА"},
	}
	out := make([]article.Article, n)
	published := time.Date(2025, 12, 18, 9, 15, 0, 0, sofia)
	for i := range out {
		title := sd.title
		if i > 0 {
			r := sd.related[(i-1)%len(sd.related)]
			title = fmt.Sprintf("%s (%d) — „бързо“ & ясно 🇧🇬", r[0], i)
		}
		slug := article.Slugify(title)
		var body strings.Builder
		body.WriteString(`<figure><img src="/media/2025/12/nato-korea.jpg" alt="Марк Рюте"><figcaption>` + html.EscapeString(sd.credit) + `</figcaption></figure>`)
		for _, p := range sd.paragraphs {
			body.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
		}
		body.WriteString(`<p>Източник: <a href="https://www.bta.bg/">БТА</a> &amp; <a href="/svyat">раздел „Свят“</a> 🙂</p>` + "\n<h2>Свързани</h2>\n<ul>\n")
		for j, r := range sd.related {
			fmt.Fprintf(&body, "<li><a href=\"/svyat/related-%d\">%s</a> <em>%s</em></li>\n", j, html.EscapeString(r[0]), html.EscapeString(r[1]))
		}
		body.WriteString("</ul>\n")
		a := article.Article{
			ID:          fmt.Sprintf("a%04d-bg", i),
			Slug:        slug,
			Title:       title,
			Lead:        sd.lead,
			Body:        body.String(),
			URL:         "https://news.example.bg/svyat/" + slug,
			PublishedAt: published.Add(-time.Duration(i) * 37 * time.Minute),
			Authors:     []article.Author{authors[i%len(authors)]},
			Source:      "БТА",
			Section:     sections[i%len(sections)],
			Tags:        []string{"НАТО", "Южна Корея", "Отбрана & сигурност"},
			Image: &article.Image{
				URL: fmt.Sprintf("https://img.example.bg/2025/12/18/nato-%d.jpg", i), Width: 1200, Height: 675,
				Alt: "Генералният секретар на НАТО Марк Рюте", Credit: sd.credit,
			},
			Language: "bg",
			Status:   article.StatusPublished,
			Version:  1,
		}
		if i%4 == 1 {
			a.Authors = append(a.Authors, authors[(i+1)%len(authors)])
		}
		a.CreatedAt = a.PublishedAt.Add(-10 * time.Minute)
		a.UpdatedAt = a.PublishedAt.Add(time.Duration(i%3) * time.Hour)
		sanitizer.Sanitize(&a)
		out[i] = a
	}
	return out
}

func TestRealisticBodySize(t *testing.T) {
	as := realistic(t, 3)
	for _, a := range as {
		if n := len(a.Body); n < 4500 || n > 6500 {
			t.Errorf("body of %s is %d bytes, want about 5 KB", a.ID, n)
		}
		if !strings.Contains(a.Body, `href="https://news.example.bg/svyat"`) {
			t.Errorf("body of %s has relative links left: %.300s", a.ID, a.Body)
		}
	}
}
