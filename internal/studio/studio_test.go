package studio

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share"
	"github.com/newsdesk/syndicate/internal/share/card"
)

func TestCut(t *testing.T) {
	x, _ := NetworkByID("x")
	discord, _ := NetworkByID("discord")
	tests := []struct {
		name string
		n    Network
		s    string
		max  int
		want string
	}{
		{"fits", x, "Кратко заглавие", 70, "Кратко заглавие"},
		{"exactly", x, "абвгд", 5, "абвгд"},
		{"runes cut inside a word", x, "абвгдежзий", 4, "абвг…"},
		// Discord counts bytes: 67 bytes are 33 Cyrillic letters and a
		// half, and the half is not shown.
		{"bytes", discord, strings.Repeat("ж", 40), 67, strings.Repeat("ж", 33) + "..."},
		{"bytes ASCII", discord, strings.Repeat("a", 70), 67, strings.Repeat("a", 67) + "..."},
		{"bytes fit", discord, strings.Repeat("ж", 33), 67, strings.Repeat("ж", 33)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.Cut(tt.s, tt.max); got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
			}
		})
	}
	if got := x.CutDescription("нещо"); got != "" {
		t.Errorf("X shows no description, got %q", got)
	}
}

var testNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

var testSite = share.Site{Name: "Новини", URL: "https://news.example.bg", BaseURL: "https://share.news.example.bg",
	Locale: "bg_BG", Language: "bg", Location: time.UTC}

func testArticle() article.Article {
	return article.Article{
		ID: "a1", Slug: "statia", Version: 3, Title: "Кратко заглавие", Lead: "Кратък лийд.",
		URL: "https://news.example.bg/svyat/statia", Section: "Свят", Source: "БТА", Status: article.StatusPublished,
		PublishedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
		Image:       &article.Image{URL: "https://img.example.bg/p.jpg", Width: 1200, Height: 630, Alt: "Снимка"},
	}
}

type fakeProber struct {
	p     card.Photo
	err   error
	calls int
}

func (f *fakeProber) Probe(ctx context.Context, u string) (card.Photo, error) {
	f.calls++
	return f.p, f.err
}

func ids(cs []Check, level Level) []string {
	var out []string
	for _, c := range cs {
		if c.Level == level {
			out = append(out, c.ID)
		}
	}
	return out
}

func TestChecks(t *testing.T) {
	good := card.Photo{Format: "jpeg", ContentType: "image/jpeg", Width: 1200, Height: 630, Bytes: 120 << 10}
	tests := []struct {
		name     string
		edit     func(a *article.Article)
		photo    card.Photo
		probeErr error
		origins  []string
		want     []string // warnings that must be there
		none     bool     // and no other warning
		notes    []string // notes that must be there
	}{
		{name: "clean", origins: []string{"https://img.example.bg"}, photo: good, none: true},
		{name: "long title", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) { a.Title = strings.Repeat("дълго ", 20) },
			want: []string{"title-facebook", "title-x", "title-linkedin", "title-discord", "title-whatsapp", "title-viber"}},
		{name: "missing byline date section alt", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) {
				a.Source, a.Section, a.PublishedAt, a.Image.Alt = "", "", time.Time{}, ""
			},
			want: []string{"author-missing", "date-missing", "section-missing", "alt-missing"}},
		{name: "host not allowed", origins: []string{"https://other.example"}, photo: good,
			want: []string{"image-origin"}},
		{name: "heavy square webp", origins: []string{"https://img.example.bg"},
			photo: card.Photo{Format: "webp", ContentType: "image/jpeg", Width: 500, Height: 500, Bytes: 400 << 10},
			want: []string{"image-weight-whatsapp", "image-aspect-facebook", "image-aspect-x", "image-width-facebook",
				"image-size-mismatch", "image-content-type"}},
		{name: "photo unreadable", origins: []string{"https://img.example.bg"}, probeErr: errors.New("card: fetch: status 404"),
			want: []string{"image-fetch"}},
		{name: "no url", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) { a.URL = "" }, want: []string{"canonical-unusable"}},
		{name: "foreign url", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) { a.URL = "https://elsewhere.example/x" }, want: []string{"canonical-foreign"}},
		{name: "scheduled", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) { a.PublishedAt = testNow.Add(time.Hour) }, notes: []string{"scheduled"}},
		{name: "renamed, url kept with the old slug", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) {
				a.PreviousSlugs = []string{path.Base(a.URL)}
				a.Slug = "novo-ime"
			}, want: []string{"url-kept"}},
		{name: "renamed, url kept elsewhere", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) {
				a.PreviousSlugs = []string{"staro-ime"}
				a.Slug = "novo-ime"
				a.URL = "https://news.example.bg/svyat/12345"
			}, notes: []string{"url-kept"}},
		{name: "renamed, url followed", origins: []string{"https://img.example.bg"}, photo: good, none: true,
			edit: func(a *article.Article) {
				a.PreviousSlugs = []string{path.Base(a.URL)}
				a.Slug = "novo-ime"
				a.URL = "https://news.example.bg/novo-ime"
			}},
		{name: "no size", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) { a.Image.Width, a.Image.Height = 0, 0 }, want: []string{"image-size-unknown"}},
		{name: "huge page", origins: []string{"https://img.example.bg"}, photo: good,
			edit: func(a *article.Article) {
				for i := range 3000 {
					a.Tags = append(a.Tags, "етикет-"+strings.Repeat("x", i%7))
				}
			}, want: []string{"page-size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testArticle()
			if tt.edit != nil {
				tt.edit(&a)
			}
			p := &fakeProber{p: tt.photo, err: tt.probeErr}
			s := &Studio{Site: testSite, SiteURL: "https://news.example.bg", ImageOrigins: tt.origins, Photos: p}
			_, checks, _ := s.Inspect(t.Context(), &a, testNow, true)
			warns := ids(checks, Warn)
			for _, w := range tt.want {
				found := false
				for _, g := range warns {
					found = found || g == w
				}
				if !found {
					t.Errorf("no warning %s; warnings: %v", w, warns)
				}
			}
			for _, n := range tt.notes {
				if !slices.Contains(ids(checks, Note), n) {
					t.Errorf("no note %s; notes: %v", n, ids(checks, Note))
				}
			}
			if tt.none && len(warns) != 0 {
				t.Errorf("warnings %v, want none", warns)
			}
			for _, c := range checks {
				if c.Level == Warn && !strings.ContainsAny(c.Text, ".") {
					t.Errorf("check %s says no reason: %q", c.ID, c.Text)
				}
			}
			if !allowed(a.Image.URL, tt.origins) && p.calls != 0 {
				t.Errorf("a photo outside IMAGE_ORIGINS was fetched")
			}
		})
	}
}

func TestStatusOf(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	a := testArticle()
	if s := StatusOf(&a, now); s.Key != "published" || !s.Public {
		t.Errorf("published: %+v", s)
	}
	a.PublishedAt = now.Add(time.Hour)
	if s := StatusOf(&a, now); s.Key != "scheduled" || s.Public {
		t.Errorf("future publication: %+v, want scheduled, not public", s)
	}
	a.Status = article.StatusDraft
	if s := StatusOf(&a, now); s.Key != "draft" || s.Public {
		t.Errorf("draft: %+v", s)
	}
}

func TestChart(t *testing.T) {
	s := Shares{Totals: map[string]int64{"facebook": 6, "x": 2}, Days: []Day{
		{Date: "2026-11-29", Networks: map[string]int64{"facebook": 2}},
		{Date: "2026-11-30", Networks: map[string]int64{"facebook": 4, "x": 2}},
	}}
	c := s.Chart()
	if c.Max != 6 || len(c.Bars) != 3 || c.Empty {
		t.Fatalf("chart %+v, want max 6 and 3 bars", c)
	}
	// The tallest day fills the height; bars of one day stack.
	last := c.Bars[1:]
	if last[0].H+last[1].H != chartHeight || last[1].Y+last[1].H != last[0].Y {
		t.Errorf("the day of 6 is not stacked to full height: %+v", last)
	}
	if s.Total() != 8 || s.Legend()[0].ID != "facebook" {
		t.Errorf("total %d, legend %+v", s.Total(), s.Legend())
	}
	if e := (Shares{Days: []Day{{Date: "2026-11-30"}}}).Chart(); !e.Empty || len(e.Bars) != 0 {
		t.Errorf("no shares: %+v, want an empty chart", e)
	}
}

// TestRenderPreview renders a hostile article: every text is escaped, there
// is no script, and the one style element carries the nonce.
func TestRenderPreview(t *testing.T) {
	a := testArticle()
	a.Title = `</style><script>alert(1)</script> "заглавие"`
	a.Lead = `<img src=x onerror=alert(1)>`
	s := &Studio{Site: testSite, SiteURL: "https://news.example.bg", ImageOrigins: []string{"https://img.example.bg"}}
	page := s.Preview(t.Context(), &a, time.Now(), Shares{}, NewChrome("NONCE123", "Новини", "/articles/preview", "/articles/preview/sign-out"),
		Links{Card: "/articles/a1/preview/card.png?v=3"})
	var b bytes.Buffer
	if err := Render(&b, page); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.Contains(html, "<script") || strings.Contains(html, "<img src=x") {
		t.Errorf("the page carries a script or an unescaped attribute")
	}
	if strings.Count(html, "<style") != 1 || !strings.Contains(html, `<style nonce="NONCE123">`) {
		t.Errorf("want exactly one <style> with the nonce")
	}
	if strings.Contains(html, ` style="`) {
		t.Errorf("a style attribute would need 'unsafe-inline'")
	}
	for _, n := range Networks {
		if !strings.Contains(html, `id="net-`+n.ID+`"`) {
			t.Errorf("no mock-up of %s", n.Name)
		}
	}
	// A published article's og:image is its photo; the card shows through
	// the studio's own route.
	if !strings.Contains(html, `src="https://img.example.bg/p.jpg"`) || !strings.Contains(html, `src="/articles/a1/preview/card.png?v=3"`) {
		t.Errorf("images: want the photo in the mock-ups and the studio's card route")
	}
}

// TestMockupsShowTheStudioCard: without a photo the networks get the public
// card URL, which 404s for a draft, so the mock-ups show the studio's.
func TestMockupsShowTheStudioCard(t *testing.T) {
	a := testArticle()
	a.Image = nil
	a.Status = article.StatusDraft
	m := testSite.Meta(&a)
	for _, mk := range Mockups(m, func(u string) string {
		if u == testSite.CardURL(&a) {
			return "/studio-card"
		}
		return u
	}) {
		if mk.Image != "/studio-card" {
			t.Errorf("%s shows %q, want the studio's card", mk.Name, mk.Image)
		}
	}
}

// TestScheduledBanner: a scheduled story's banner says what happens, as
// docs/scheduling.md has it, in the words of the page's own "scheduled"
// check, in the site's time zone: nothing public before the time, share
// page, card and oEmbed at it, feeds, sitemap and hubs at the release
// within a minute. It never says the feeds show it already.
func TestScheduledBanner(t *testing.T) {
	sofia, err := time.LoadLocation("Europe/Sofia")
	if err != nil {
		t.Fatal(err)
	}
	site := testSite
	site.Location = sofia
	a := testArticle()
	a.PublishedAt = testNow.Add(26 * time.Hour) // 01.12.2026 14:00 UTC, 16:00 in Sofia
	s := &Studio{Site: site, SiteURL: "https://news.example.bg", ImageOrigins: []string{"https://img.example.bg"}}
	page := s.Preview(t.Context(), &a, testNow, Shares{}, NewChrome("N", "Новини", "/articles/preview", "/articles/preview/sign-out"),
		Links{Card: "/articles/a1/preview/card.png?v=3"})
	var b bytes.Buffer
	if err := Render(&b, page); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	start := strings.Index(html, `id="status"`)
	end := strings.Index(html[max(start, 0):], "</p>")
	if start < 0 || end < 0 {
		t.Fatal("no status banner")
	}
	banner := html[start : start+end]
	for _, want := range []string{"насрочена", "01.12.2026 16:00", "не е публична", "липсваща статия",
		"емисиите", "news sitemap", "до минута"} {
		if !strings.Contains(banner, want) {
			t.Errorf("banner lacks %q: %s", want, banner)
		}
	}
	for _, wrong := range []string{"още сега", "показват още", "само news sitemap"} {
		if strings.Contains(banner, wrong) {
			t.Errorf("banner says %q, the opposite of what happens: %s", wrong, banner)
		}
	}
	var check string
	for _, c := range page.Checks {
		if c.ID == "scheduled" {
			check = c.Text
		}
	}
	if check == "" || !strings.Contains(banner, template.HTMLEscapeString(check)) {
		t.Errorf("the banner does not say what the scheduled check says (%q): %s", check, banner)
	}
}

// TestChartTicks: for any number of days from a week (the page always has
// adminapi.ShareDays, 30), today is labelled, labels are a week apart (far
// more than a label's width, so they never overlap, as the last two did
// when today was labelled beside the fourth week), and each stays inside
// the chart.
func TestChartTicks(t *testing.T) {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const labelWidth = 2 * chartTickHalf // "02.01" at the phone's 11 px is ~33 units
	for n := 7; n <= 31; n++ {
		var s Shares
		for i := range n {
			s.Days = append(s.Days, Day{Date: start.AddDate(0, 0, i).Format(time.DateOnly)})
		}
		c := s.Chart()
		if len(c.Ticks) == 0 || c.Ticks[len(c.Ticks)-1].Text != start.AddDate(0, 0, n-1).Format("02.01") {
			t.Errorf("%d days: ticks %+v, want the last day labelled", n, c.Ticks)
			continue
		}
		var prevRight = -1
		for _, tk := range c.Ticks {
			left := tk.X - labelWidth/2
			switch tk.Anchor {
			case "start":
				left = tk.X
			case "end":
				left = tk.X - labelWidth
			}
			if left < 0 || left+labelWidth > c.Width {
				t.Errorf("%d days: tick %+v runs off the %d-wide chart", n, tk, c.Width)
			}
			if left < prevRight+4 {
				t.Errorf("%d days: tick %+v overlaps the one before (ends at %d)", n, tk, prevRight)
			}
			prevRight = left + labelWidth
		}
	}
}

// TestChecksCreditedCard: a credited photo the card draws is shared as
// the card, and the studio says why; without a credit, no such note.
func TestChecksCreditedCard(t *testing.T) {
	site := testSite
	site.CardOrigins = []string{"https://img.example.bg"}
	good := card.Photo{Format: "jpeg", ContentType: "image/jpeg", Width: 1200, Height: 630, Bytes: 120 << 10}
	for _, credit := range []string{"Снимка: EPA/BGNES", ""} {
		a := testArticle()
		a.Image.Credit = credit
		s := &Studio{Site: site, SiteURL: "https://news.example.bg", ImageOrigins: site.CardOrigins, Photos: &fakeProber{p: good}}
		m, checks, _ := s.Inspect(t.Context(), &a, testNow, true)
		noted := slices.Contains(ids(checks, Note), "image-credited-card")
		if noted != (credit != "") || (m.Image.URL == a.Image.URL) != (credit == "") {
			t.Errorf("credit %q: og:image %s, note %v", credit, m.Image.URL, noted)
		}
	}
}
