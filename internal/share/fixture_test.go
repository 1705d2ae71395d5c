package share

import (
	"strings"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// testSite is the site every test renders for.
func testSite() Site {
	sofia, err := time.LoadLocation("Europe/Sofia")
	if err != nil {
		panic(err)
	}
	return Site{
		Name:        "Новини",
		URL:         "https://news.example.bg",
		BaseURL:     "https://share.news.example.bg",
		Locale:      "bg_BG",
		Language:    "bg",
		Location:    sofia,
		LogoURL:     "https://news.example.bg/logo.png",
		TwitterSite: "@novini",

		FediverseCreator: "@news@news.example.bg",
	}
}

// seedArticle is the sample article of shared/samples/seed-article-bg.txt.
func seedArticle() article.Article {
	return article.Article{
		ID:    "01JFSEED0000000000000000001",
		Slug:  "yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti-vav-voennata-industriya",
		Title: "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		Lead: "Ще продължат напредналото си сътрудничество по веригата за доставки и тясното " +
			"сътрудничество в областта на разработването, производството и снабдяването в областта на отбраната",
		Body:        "<p>Южна Корея и НАТО се споразумяха да създадат консултантска група за отбранителната индустрия.</p>",
		URL:         "https://news.example.bg/svyat/yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti-vav-voennata-industriya",
		PublishedAt: time.Date(2025, 12, 18, 9, 15, 0, 0, time.UTC),
		UpdatedAt:   time.Date(2025, 12, 18, 10, 2, 0, 0, time.UTC),
		CreatedAt:   time.Date(2025, 12, 18, 9, 0, 0, 0, time.UTC),
		Authors:     []article.Author{{Name: "БТА", URL: "https://news.example.bg/avtor/bta"}},
		Source:      "БТА",
		Section:     "Свят",
		Tags:        []string{"НАТО", "Южна Корея", "отбрана"},
		Image: &article.Image{
			URL: "https://img.news.example.bg/2025/12/nato-korea.jpg", Width: 1600, Height: 900,
			Alt: "Марк Рюте и Ви Сунг-лак в Хага", Credit: "Снимка: EPA/BGNES",
		},
		Language: "bg",
		Status:   article.StatusPublished,
		Related:  []string{"01JFREL0000000000000000001", "01JFREL0000000000000000002", "01JFREL0000000000000000003"},
		Version:  3,
	}
}

// hostile is a string with everything that must be escaped or dropped.
const hostile = `"'<b>&amp;</script><script>alert(1)</script>` + "\x00\x07\x1b\u0085\u2028\ufeff" + `--><!--`

// hostileArticle carries hostile text in every field a page shows.
func hostileArticle() article.Article {
	a := seedArticle()
	a.Slug = `evil"slug<x>`
	a.Title = hostile + " " + strings.Repeat("дълго заглавие ", 400)
	a.Lead = hostile + strings.Repeat(" много дълъг увод", 500)
	a.URL = "javascript:alert(document.cookie)"
	a.Section = hostile
	a.Tags = []string{hostile, "</script>", "\x01"}
	a.Authors = []article.Author{{Name: hostile, URL: "javascript:alert(1)"}, {Name: "Иван", URL: `https://x.example/"><script>`}}
	a.Image = &article.Image{URL: "data:image/png;base64,AAAA", Width: 10, Height: 10, Alt: hostile}
	a.Language = `bg"><script>`
	return a
}
