package article

import (
	"strings"
	"testing"
)

func TestCleanerBody(t *testing.T) {
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
	c := NewCleaner()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Body(tt.in, base)
			if tt.want != "" || tt.in == "  \n " {
				if got != tt.want {
					t.Errorf("Body(%q) = %q, want %q", tt.in, got, tt.want)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(got, s) {
					t.Errorf("Body(%q) = %q, still contains %q", tt.in, got, s)
				}
			}
			for _, s := range tt.present {
				if !strings.Contains(got, s) {
					t.Errorf("Body(%q) = %q, want it to contain %q", tt.in, got, s)
				}
			}
		})
	}

	t.Run("without a usable base links stay relative", func(t *testing.T) {
		if got, want := c.Body(`<a href="/x">x</a>`, ""), `<a href="/x" rel="nofollow">x</a>`; got != want {
			t.Errorf("Body = %q, want %q", got, want)
		}
	})
	t.Run("idempotent", func(t *testing.T) {
		in := `<p>a <a href="/x">x</a> ]]> <img src="y.jpg" alt="y"></p>`
		once := c.Body(in, base)
		if twice := c.Body(once, base); twice != once {
			t.Errorf("cleaning twice changed the body:\n once %q\ntwice %q", once, twice)
		}
	})
}

func TestXMLText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clean", "Южна Корея\tи\nНАТО\r", "Южна Корея\tи\nНАТО\r"},
		{"C0 controls", "a\x00b\x08c\x1fd", "abcd"},
		{"FFFE FFFF", "a\uFFFEb\uFFFFc", "abc"},
		{"invalid UTF-8", "a\xffb\xc3\x28c", "ab(c"},
		{"encoded surrogate", "a\xed\xa0\x80b", "ab"},
		{"CDATA end stays", "a ]]> b", "a ]]> b"},
		{"emoji stays", "🎉", "🎉"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := XMLText(tt.in); got != tt.want {
				t.Errorf("XMLText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("clean text does not allocate", func(t *testing.T) {
		s := "Южна Корея и НАТО се споразумяха"
		if n := testing.AllocsPerRun(100, func() { _ = XMLText(s) }); n != 0 {
			t.Errorf("allocs = %v, want 0", n)
		}
	})
}

func TestCleanArticle(t *testing.T) {
	a := Article{
		Title:   "Заглавие\x00",
		Lead:    "Увод\x1b",
		Source:  "БТА\uFFFE",
		Section: "Свят\x01",
		Tags:    []string{"НАТО\x02"},
		Authors: []Author{{Name: "Иван\x03"}},
		Image:   &Image{URL: "https://img.example.bg/a.jpg", Alt: "alt\x04", Credit: "Снимка: EPA/BGNES\x05"},
		Body:    "<p>текст\x06<script>x</script></p>",
		URL:     "https://news.example.bg/zaglavie",
	}
	NewCleaner().Clean(&a)
	for name, got := range map[string]string{
		"title": a.Title, "lead": a.Lead, "source": a.Source, "section": a.Section, "tag": a.Tags[0],
		"author": a.Authors[0].Name, "alt": a.Image.Alt, "credit": a.Image.Credit, "body": a.Body,
	} {
		if XMLText(got) != got || strings.Contains(got, "script") {
			t.Errorf("%s = %q still has illegal characters or script", name, got)
		}
	}
	if a.Body != "<p>текст</p>" {
		t.Errorf("body = %q, want <p>текст</p>", a.Body)
	}
}

func BenchmarkCleanerBody(b *testing.B) {
	c := NewCleaner()
	body := strings.Repeat(`<p>Южна Корея и НАТО се споразумяха да създадат консултантска група, съобщи <a href="/bta">БТА</a>.</p>`, 20)
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Body(body, "https://news.example.bg/svyat/x")
	}
}
