package newsroom

import (
	"strings"
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestSanitizerHTML(t *testing.T) {
	const base = "https://news.example.bg/svyat/yuzhna-koreya-i-nato"
	tests := []struct {
		name    string
		in      string
		want    string   // exact output, when given
		absent  []string // substrings that must be gone
		present []string // substrings that must stay
	}{
		{name: "plain paragraph", in: "<p>Южна Корея и НАТО</p>", want: "<p>Южна Корея и НАТО</p>"},
		{name: "blank", in: "  \n ", want: ""},
		{name: "script", in: `<p>a</p><script>alert("x")</script><p>b</p>`, want: "<p>a</p><p>b</p>"},
		{name: "iframe", in: `<p>a<iframe src="https://evil.example/"></iframe></p>`, absent: []string{"iframe", "evil"}},
		{name: "style element", in: `<style>p{display:none}</style><p>a</p>`, want: "<p>a</p>"},
		{name: "style attribute", in: `<p style="color:red">a</p>`, want: "<p>a</p>"},
		{name: "event handlers", in: `<p onclick="x()">a<img src="https://img.example.bg/a.jpg" onerror="y()"></p>`,
			absent: []string{"onclick", "onerror", "x()", "y()"}, present: []string{`src="https://img.example.bg/a.jpg"`}},
		{name: "javascript link", in: `<a href="javascript:alert(1)">клик</a>`, absent: []string{"javascript", "href"}, present: []string{"клик"}},
		{name: "javascript link with entity", in: `<a href="jav&#x09;ascript:alert(1)">x</a>`, absent: []string{"ascript", "href"}},
		{name: "relative href", in: `<a href="/svyat/drugo">виж</a>`,
			present: []string{`href="https://news.example.bg/svyat/drugo"`}},
		{name: "relative to the article", in: `<a href="drugo">виж</a>`,
			present: []string{`href="https://news.example.bg/svyat/drugo"`}},
		{name: "relative src", in: `<img src="../img/nato.jpg" alt="НАТО">`,
			present: []string{`src="https://news.example.bg/img/nato.jpg"`, `alt="НАТО"`}},
		{name: "absolute link kept", in: `<a href="https://bta.bg/bg/news">БТА</a>`, present: []string{`href="https://bta.bg/bg/news"`}},
		{name: "figure kept", in: `<figure class="photo"><img src="/a.jpg"><figcaption>Снимка: EPA/BGNES</figcaption></figure>`,
			present: []string{"<figure", "<figcaption>Снимка: EPA/BGNES</figcaption>", `src="https://news.example.bg/a.jpg"`}},
		{name: "CDATA end kept as text", in: "<p>a ]]> b</p>", want: "<p>a ]]&gt; b</p>"},
		{name: "text with quotes", in: "<p>„Белбек“ & \"Полярния вълк\"</p>", present: []string{"„Белбек“", "&amp;"}},
	}
	c := NewSanitizer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.HTML(tt.in, base)
			if tt.want != "" || tt.in == "  \n " {
				if got != tt.want {
					t.Errorf("HTML(%q) = %q, want %q", tt.in, got, tt.want)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(got, s) {
					t.Errorf("HTML(%q) = %q, still contains %q", tt.in, got, s)
				}
			}
			for _, s := range tt.present {
				if !strings.Contains(got, s) {
					t.Errorf("HTML(%q) = %q, want it to contain %q", tt.in, got, s)
				}
			}
		})
	}

	t.Run("without a usable base links stay relative", func(t *testing.T) {
		if got, want := c.HTML(`<a href="/x">x</a>`, ""), `<a href="/x" rel="nofollow">x</a>`; got != want {
			t.Errorf("Body = %q, want %q", got, want)
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		in := `<p>a <a href="/x">x</a> ]]> <img src="y.jpg" alt="y"></p>`
		once := c.HTML(in, base)
		if twice := c.HTML(once, base); twice != once {
			t.Errorf("cleaning twice changed the body:\n once %q\ntwice %q", once, twice)
		}
	})
}

func TestSanitizeArticle(t *testing.T) {
	a := article.Article{
		Title:   "Заглавие\x00",
		Lead:    "Увод\x1b",
		Source:  "БТА\uFFFE",
		Section: "Свят\x01",
		Tags:    []string{"НАТО\x02"},
		Authors: []article.Author{{Name: "Иван\x03"}},
		Image:   &article.Image{URL: "https://img.example.bg/a.jpg", Alt: "alt\x04", Credit: "Снимка: EPA/BGNES\x05"},
		Body:    "<p>текст\x06<script>x</script></p>",
		URL:     "https://news.example.bg/zaglavie",
	}
	NewSanitizer().Sanitize(&a)
	for name, got := range map[string]string{
		"title": a.Title, "lead": a.Lead, "source": a.Source, "section": a.Section, "tag": a.Tags[0],
		"author": a.Authors[0].Name, "alt": a.Image.Alt, "credit": a.Image.Credit, "body": a.Body,
	} {
		if article.DropXMLForbidden(got) != got || strings.Contains(got, "script") {
			t.Errorf("%s = %q still has illegal characters or script", name, got)
		}
	}
	if a.Body != "<p>текст</p>" {
		t.Errorf("body = %q, want <p>текст</p>", a.Body)
	}
}

// TestSanitizeDropsBidi: the bidirectional controls leave every plain-text
// field when an article is written, so that no surface (feeds included,
// which render stored text) shows a title that reads otherwise than it is.
func TestSanitizeDropsBidi(t *testing.T) {
	const rlo = "\u202E"
	a := article.Article{
		Title:   "Заглавие" + rlo + "gpj.exe",
		Lead:    "Увод\u2066x\u2069",
		Source:  "БТА\u200F",
		Section: "Свят\u202B",
		Tags:    []string{"НАТО\u061C"},
		Authors: []article.Author{{Name: "Иван\u200E"}},
		Image:   &article.Image{URL: "https://img.example.bg/a.jpg", Alt: "alt\u202D", Credit: "EPA\u2067"},
	}
	NewSanitizer().Sanitize(&a)
	for name, tt := range map[string]struct{ got, want string }{
		"title": {a.Title, "Заглавиеgpj.exe"}, "lead": {a.Lead, "Уводx"}, "source": {a.Source, "БТА"},
		"section": {a.Section, "Свят"}, "tag": {a.Tags[0], "НАТО"}, "author": {a.Authors[0].Name, "Иван"},
		"alt": {a.Image.Alt, "alt"}, "credit": {a.Image.Credit, "EPA"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", name, tt.got, tt.want)
		}
	}
}

func BenchmarkSanitizerHTML(b *testing.B) {
	c := NewSanitizer()
	body := strings.Repeat(`<p>Южна Корея и НАТО се споразумяха да създадат консултантска група, съобщи <a href="/bta">БТА</a>.</p>`, 20)
	b.ReportAllocs()
	for b.Loop() {
		_ = c.HTML(body, "https://news.example.bg/svyat/x")
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"tags and entity", "<b>НАТО</b> &amp; ЕС", "НАТО & ЕС"},
		{"plain", "Южна Корея и НАТО", "Южна Корея и НАТО"},
		{"inline tag inside a word", "Н<i>АТО</i>", "НАТО"},
		{"br separates words", "Южна<br>Корея<br/>и НАТО", "Южна Корея и НАТО"},
		{"whitespace collapsed", "  Южна \n\t Корея  ", "Южна Корея"},
		{"nbsp entity is space", "Южна&nbsp;Корея", "Южна Корея"},
		{"numeric references", "&#1053;&#x410;ТО", "НАТО"},
		{"quotes decoded", "&bdquo;Белбек&ldquo; &quot;x&quot;", "„Белбек“ \"x\""},
		{"script content dropped", `НАТО<script>alert("x")</script> ЕС`, "НАТО ЕС"},
		{"style content dropped", `<style>b{}</style>НАТО`, "НАТО"},
		{"comment dropped", "НАТО<!-- бележка --> ЕС", "НАТО ЕС"},
		{"attributes gone", `<a href="https://x.example/" onclick="y()">БТА</a>`, "БТА"},
		{"lone less-than stays", "5 < 6 и a<3", "5 < 6 и a<3"},
		{"lone ampersand stays", "Procter & Gamble", "Procter & Gamble"},
		{"bidi from a reference dropped", "gpj&#x202E;.exe", "gpj.exe"},
		{"control from a reference dropped", "a&#x1b;b", "ab"},
		{"only markup is empty", "<b></b>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlainText(tt.in)
			if got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := PlainText(got); again != got && !strings.Contains(tt.in, "&lt;") {
				t.Errorf("PlainText is not stable on %q: %q", got, again)
			}
		})
	}
}

// TestSanitizeStripsMarkup: every plain-text field loses its markup when an
// article is written.
func TestSanitizeStripsMarkup(t *testing.T) {
	const in, want = "<b>НАТО</b> &amp;\n ЕС", "НАТО & ЕС"
	a := article.Article{
		Title: in, Lead: in, Source: in, Section: in, Tags: []string{in},
		Authors: []article.Author{{Name: in}},
		Image:   &article.Image{URL: "https://img.example.bg/a.jpg", Alt: in, Credit: in},
	}
	NewSanitizer().Sanitize(&a)
	for name, got := range map[string]string{
		"title": a.Title, "lead": a.Lead, "source": a.Source, "section": a.Section, "tag": a.Tags[0],
		"author": a.Authors[0].Name, "alt": a.Image.Alt, "credit": a.Image.Credit,
	} {
		if got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}
