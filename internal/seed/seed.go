package seed

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Sofia must resolve on images without zoneinfo.

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// The seeded articles' IDs. They are fixed so that seeding twice (two
// processes starting at once) cannot create duplicates, and so that tests
// and printed URLs can name them.
const (
	IDNATO   = "yuzhna-koreya-nato"
	IDBelbek = "sbu-belbek"
	IDBlair  = "blair-daymun-es"
	IDLegion = "legion-svoboda-na-rusia"
	IDDraft  = "chernova-indo-pacific"
)

// Title and lead of the real article, as printed.
const (
	NATOTitle = "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"
	NATOLead  = "Ще продължат напредналото си сътрудничество по веригата за доставки и тясното сътрудничество в областта на разработването, производството и снабдяването в областта на отбраната"
)

// natoParagraphs is the real article's text, paragraph by paragraph.
var natoParagraphs = []string{
	"Южна Корея и НАТО се споразумяха да създадат консултантска група за отбранителната индустрия, която да проучи как Северноатлантическият пакт и Сеул могат да подобрят сътрудничеството си в областта на отбраната, съобщи БТА с позоваване на агенция Йонхап, която цитира съобщение на президентската канцелария.",
	"Споразумението е постигнато вчера на среща между генералния секретар на НАТО Марк Рюте и южнокорейския съветник по националната сигурност Ви Сунг-лак в рамките на срещата на върха на НАТО в Хага, предаде ДПА.",
	"\"Двете страни се споразумяха да създадат нов консултативен орган на ниво генерален директор за отбранителната индустрия между Южна Корея и НАТО, който да обсъди конкретни мерки за засилване на сътрудничеството в отбранителния сектор.“ - се казва в изявлението.",
	"НАТО и Южна Корея се споразумяха също така да насърчават сътрудничеството в областта на отбранителната промишленост, като Сеул участва в бъдещи проекти на НАТО, насочени към укрепване на отбранителните способности на трансатлантическия съюз. Не се уточнява какви биха могли да бъдат те.",
	"В сряда Ви Сунг-лак взе участие в отделна сесия с Рюте и представители на трима други партньори от Индо-тихоокеанския регион - Япония, Австралия и Нова Зеландия.",
	"Те се споразумяха да продължат напредналото си сътрудничество по веригата за доставки и тясното сътрудничество в областта на разработването, производството и снабдяването в областта на отбраната. НАТО и неговите индо-тихоокеански партньори се договориха също така да работят заедно по съвместни проекти в областта на космоса, морската област и боеприпасите.",
}

// sofia is the publisher's time zone; December is EET, UTC+2.
var sofia = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Sofia"); err == nil {
		return loc
	}
	return time.FixedZone("EET", 2*60*60)
}()

// Articles returns the sample articles, newest first, with URLs on siteURL:
// the real article, its three related articles, and a draft. Each call
// returns fresh slices, so callers may change them.
func Articles(siteURL string) []article.Article {
	site := strings.TrimRight(siteURL, "/")
	at := func(day, hour, minute int) time.Time {
		return time.Date(2025, time.December, day, hour, minute, 0, 0, sofia)
	}
	return []article.Article{
		{
			ID:          IDNATO,
			Slug:        "yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti",
			Title:       NATOTitle,
			Lead:        NATOLead,
			Body:        paragraphs(natoParagraphs...),
			URL:         site + "/svyat/yuzhna-koreya-i-nato-se-sporazumyaha-za-obshti-proekti",
			PublishedAt: at(18, 10, 30),
			Authors:     []article.Author{},
			Source:      "БТА",
			Section:     "Свят",
			Tags:        []string{"НАТО", "Южна Корея", "отбрана"},
			Image: &article.Image{
				URL:    site + "/media/2025/12/yuzhna-koreya-nato.jpg",
				Width:  1200,
				Height: 800,
				Alt:    NATOTitle,
				Credit: "Снимка: EPA/BGNES",
			},
			Language:     "bg",
			Status:       article.StatusPublished,
			CommentCount: 0,
			Related:      []string{IDBelbek, IDBlair, IDLegion},
		},
		{
			ID:    IDBelbek,
			Slug:  "sbu-unishtozhi-ruska-tehnika-na-letishte-belbek",
			Title: "СБУ унищожи руска техника за стотици милиони долари на летище „Белбек“",
			Lead:  "Поразен е самолет МиГ-31 с пълен боен комплект (ориентировъчна цена – $30-50 млн. в зависимост от окомплектовката и въоръжението)",
			Body: paragraphs(
				"Украинската служба за сигурност (СБУ) съобщи, че при удар с дронове по летище „Белбек“ в Крим е унищожена руска военна техника за стотици милиони долари.",
				"Сред поразените цели е самолет МиГ-31 с пълен боен комплект. Руската страна не е коментирала съобщението.",
			),
			URL:         site + "/svyat/sbu-unishtozhi-ruska-tehnika-na-letishte-belbek",
			PublishedAt: at(17, 16, 5),
			Authors:     []article.Author{},
			Section:     "Свят",
			Tags:        []string{"Украйна", "Русия", "Крим"},
			Language:    "bg",
			Status:      article.StatusPublished,
			Related:     []string{},
		},
		{
			ID:    IDBlair,
			Slug:  "toni-blear-i-dzheymi-daymun-es-tryabva-da-se-reformira",
			Title: "Тони Блеър и Джейми Даймън: ЕС трябва да се реформира, за да не се обезсмисли",
			Lead:  "Европа трябва да се интегрира повече и да даде приоритет на отбраната и икономическия растеж. „Ако тя не може да се изправи сама срещу Русия, тя още по-малко ще може да се справи със систематичната конкуренция от страна на САЩ или Китай.“",
			Body: paragraphs(
				"Бившият британски премиер Тони Блеър и главният изпълнителен директор на JPMorgan Chase Джейми Даймън призоваха Европейския съюз към дълбоки реформи.",
				"Според тях Европа трябва да се интегрира повече и да даде приоритет на отбраната и икономическия растеж, ако иска да запази значението си.",
			),
			URL:         site + "/svyat/toni-blear-i-dzheymi-daymun-es-tryabva-da-se-reformira",
			PublishedAt: at(17, 11, 40),
			Authors:     []article.Author{},
			Section:     "Свят",
			Tags:        []string{"ЕС", "отбрана", "икономика"},
			Language:    "bg",
			Status:      article.StatusPublished,
			Related:     []string{},
		},
		{
			ID:    IDLegion,
			Slug:  "legionat-svoboda-na-rusia-skoro-shte-tragnem-kam-moskva",
			Title: "Легионът \"Свобода на Русия\": Скоро ще тръгнем към Москва, путинската власт ще бъде пометена",
			Lead:  "\"Нашата воля е да не признаем кървавия диктатор за президент на Русия. Ще направим всичко, за да се премести от Ново-Огарьово в „Полярния вълк“. Знаем как там се отнасят към хората\", заяви помощник -командирът на легиона.",
			Body: paragraphs(
				"Помощник-командирът на легиона \"Свобода на Русия\", който воюва на страната на Украйна, заяви, че бойците му се готвят за поход към Москва.",
				"Легионът е съставен от руски граждани, които се сражават срещу армията на Кремъл.",
			),
			URL:         site + "/svyat/legionat-svoboda-na-rusia-skoro-shte-tragnem-kam-moskva",
			PublishedAt: at(16, 19, 15),
			Authors:     []article.Author{},
			Section:     "Свят",
			Tags:        []string{"Русия", "Украйна"},
			Language:    "bg",
			Status:      article.StatusPublished,
			Related:     []string{},
		},
		{
			ID:    IDDraft,
			Slug:  "chernova-otbranitelnata-industria-v-indo-tihookeanskia-region",
			Title: "Чернова: Отбранителната индустрия в Индо-тихоокеанския регион",
			Lead:  "Анализ, който още не е публикуван: виждат го само редакторите в администрацията.",
			Body: paragraphs(
				"Япония, Австралия, Нова Зеландия и Южна Корея задълбочават сътрудничеството си с НАТО.",
			),
			URL:      site + "/analizi/chernova-otbranitelnata-industria",
			Authors:  []article.Author{{Name: "Редакция"}},
			Section:  "Анализи",
			Tags:     []string{"НАТО", "отбрана"},
			Language: "bg",
			Status:   article.StatusDraft,
			Related:  []string{IDNATO},
		},
	}
}

// paragraphs makes an HTML body of plain-text paragraphs.
func paragraphs(ps ...string) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(p))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// Writer is what Ensure needs from the article service.
type Writer interface {
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
	Replace(ctx context.Context, id string, a article.Article, ifMatch *int64) (article.Article, bool, error)
}

var _ Writer = (*newsroom.Service)(nil)

// Ensure stores the sample articles if the store has no article yet (a
// first start), and reports how many it created. Each is created only if
// its ID is free, so two processes seeding at once do no harm. timeout
// bounds each store call.
func Ensure(ctx context.Context, w Writer, siteURL string, timeout time.Duration) (int, error) {
	if timeout <= 0 {
		timeout = 3 * time.Second
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	page, err := w.List(lctx, article.ListOptions{Limit: 1})
	cancel()
	if err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	if len(page.Articles) > 0 {
		return 0, nil
	}
	created := 0
	for _, a := range Articles(siteURL) {
		var absent int64
		wctx, cancel := context.WithTimeout(ctx, timeout)
		_, _, err := w.Replace(wctx, a.ID, a, &absent)
		cancel()
		switch {
		case errors.Is(err, article.ErrVersionMismatch):
			// Somebody else seeded it first.
		case err != nil:
			return created, fmt.Errorf("seed: %s: %w", a.ID, err)
		default:
			created++
		}
	}
	return created, nil
}
