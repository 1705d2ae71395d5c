package article

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func validArticle() Article {
	return Article{
		ID:          "yuzhna-koreya",
		Slug:        "yuzhna-koreya-i-nato",
		Title:       "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		Lead:        "Ще продължат напредналото си сътрудничество",
		Body:        "<p>Южна Корея и НАТО се споразумяха.</p>",
		URL:         "https://news.example.bg/yuzhna-koreya-i-nato",
		PublishedAt: time.Date(2025, 12, 18, 10, 0, 0, 0, time.UTC),
		Authors:     []Author{{Name: "Иван Петров", URL: "https://news.example.bg/avtori/ivan-petrov"}},
		Source:      "БТА",
		Section:     "Свят",
		Tags:        []string{"НАТО", "Южна Корея", "отбрана"},
		Image:       &Image{URL: "https://img.example.bg/nato.jpg", Width: 1200, Height: 800, Alt: "Знамена", Credit: "Снимка: EPA/BGNES"},
		Language:    "bg",
		Status:      StatusPublished,
		Related:     []string{"sbu-belbek"},
	}
}

func fields(err error) []string {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, f := range ve.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(a *Article)
		want   []string
	}{
		{"valid", func(a *Article) {}, nil},
		{"minimal", func(a *Article) { *a = Article{Title: "Заглавие"} }, nil},
		{"missing title", func(a *Article) { a.Title = "" }, []string{"title"}},
		{"blank title", func(a *Article) { a.Title = " \t\n " }, []string{"title"}},
		{"title too long", func(a *Article) { a.Title = strings.Repeat("я", MaxTitleRunes+1) }, []string{"title"}},
		{"title at limit", func(a *Article) { a.Title = strings.Repeat("я", MaxTitleRunes) }, nil},
		{"lead too long", func(a *Article) { a.Lead = strings.Repeat("я", MaxLeadRunes+1) }, []string{"lead"}},
		{"javascript url", func(a *Article) { a.URL = "javascript:alert(1)" }, []string{"url"}},
		{"data url", func(a *Article) { a.URL = "data:text/html;base64,PHNjcmlwdD4=" }, []string{"url"}},
		{"relative url", func(a *Article) { a.URL = "/svyat/nato" }, []string{"url"}},
		{"scheme-relative url", func(a *Article) { a.URL = "//news.example.bg/x" }, []string{"url"}},
		{"url with credentials", func(a *Article) { a.URL = "https://user:pw@news.example.bg/x" }, []string{"url"}},
		{"url with a space", func(a *Article) { a.URL = "https://news.example.bg/a b" }, []string{"url"}},
		{"url too long", func(a *Article) { a.URL = "https://news.example.bg/" + strings.Repeat("a", MaxURLBytes) }, []string{"url"}},
		{"image javascript url", func(a *Article) { a.Image.URL = "javascript:alert(1)" }, []string{"image.url"}},
		{"image data url", func(a *Article) { a.Image.URL = "data:image/png;base64,iVBOR" }, []string{"image.url"}},
		{"image relative url", func(a *Article) { a.Image.URL = "nato.jpg" }, []string{"image.url"}},
		{"image without url", func(a *Article) { a.Image.URL = "" }, []string{"image.url"}},
		{"image negative width", func(a *Article) { a.Image.Width = -1 }, []string{"image.width"}},
		{"image huge height", func(a *Article) { a.Image.Height = MaxImageSide + 1 }, []string{"image.height"}},
		{"author javascript url", func(a *Article) { a.Authors[0].URL = "javascript:void(0)" }, []string{"authors[0].url"}},
		{"second author relative url", func(a *Article) {
			a.Authors = append(a.Authors, Author{Name: "Мария", URL: "/avtori/maria"})
		}, []string{"authors[1].url"}},
		{"author without name", func(a *Article) { a.Authors[0].Name = "" }, []string{"authors[0].name"}},
		{"author's fediverse address", func(a *Article) { a.Authors[0].Fediverse = "@ivan_petrov@mastodon.social" }, nil},
		{"author's fediverse address on a subdomain", func(a *Article) { a.Authors[0].Fediverse = "@ivan.p@social.news.example.bg" }, nil},
		{"fediverse address without the leading @", func(a *Article) { a.Authors[0].Fediverse = "ivan@mastodon.social" }, []string{"authors[0].fediverse"}},
		{"fediverse address without a server", func(a *Article) { a.Authors[0].Fediverse = "@ivan" }, []string{"authors[0].fediverse"}},
		{"fediverse address on a host without a dot", func(a *Article) { a.Authors[0].Fediverse = "@ivan@localhost" }, []string{"authors[0].fediverse"}},
		{"fediverse address as a URL", func(a *Article) { a.Authors[0].Fediverse = "https://mastodon.social/@ivan" }, []string{"authors[0].fediverse"}},
		{"fediverse address with markup", func(a *Article) { a.Authors[0].Fediverse = `@ivan"><script>@x.bg` }, []string{"authors[0].fediverse"}},
		{"fediverse address too long", func(a *Article) {
			a.Authors[0].Fediverse = "@" + strings.Repeat("i", MaxFediverseAddress) + "@mastodon.social"
		}, []string{"authors[0].fediverse"}},
		{"author name without letters", func(a *Article) { a.Authors[0].Name = "***" }, []string{"authors[0].name"}},
		{"too many authors", func(a *Article) {
			a.Authors = slices.Repeat([]Author{{Name: "А"}}, MaxAuthors+1)
		}, []string{"authors"}},
		{"body over the byte limit", func(a *Article) { a.Body = strings.Repeat("a", MaxBodyBytes+1) }, []string{"body"}},
		{"body at the byte limit", func(a *Article) { a.Body = strings.Repeat("a", MaxBodyBytes) }, nil},
		{
			// MaxBodyBytes/2+1 Cyrillic letters are fewer runes than the
			// limit but more bytes: bytes are what count.
			"cyrillic body over the byte limit", func(a *Article) { a.Body = strings.Repeat("я", MaxBodyBytes/2+1) }, []string{"body"},
		},
		{"body invalid UTF-8", func(a *Article) { a.Body = "<p>\xff</p>" }, []string{"body"}},
		{"too many tags", func(a *Article) {
			a.Tags = nil
			for i := range MaxTags + 1 {
				a.Tags = append(a.Tags, "таг"+strings.Repeat("я", i+1))
			}
		}, []string{"tags"}},
		{"duplicate tags", func(a *Article) { a.Tags = []string{"НАТО", "отбрана", "нато"} }, []string{"tags[2]"}},
		{"tags duplicate by slug", func(a *Article) { a.Tags = []string{"Южна Корея", "южна-корея"} }, []string{"tags[1]"}},
		{"empty tag", func(a *Article) { a.Tags = []string{"НАТО", ""} }, []string{"tags[1]"}},
		{"tag without letters", func(a *Article) { a.Tags = []string{"#"} }, []string{"tags[0]"}},
		{"bad status", func(a *Article) { a.Status = "live" }, []string{"status"}},
		{"draft", func(a *Article) { a.Status = StatusDraft }, nil},
		{"negative commentCount", func(a *Article) { a.CommentCount = -1 }, []string{"commentCount"}},
		{"bad language", func(a *Article) { a.Language = "bulgarian" }, []string{"language"}},
		{"language with region", func(a *Article) { a.Language = "en-GB" }, nil},
		{"language with digit", func(a *Article) { a.Language = "b1" }, []string{"language"}},
		{"bad id", func(a *Article) { a.ID = "a/b" }, []string{"id"}},
		{"id too long", func(a *Article) { a.ID = strings.Repeat("x", 65) }, []string{"id"}},
		{"bad slug", func(a *Article) { a.Slug = "Южна-Корея" }, []string{"slug"}},
		{"slug with double hyphen", func(a *Article) { a.Slug = "a--b" }, []string{"slug"}},
		{"section without letters", func(a *Article) { a.Section = "—" }, []string{"section"}},
		{"related to itself", func(a *Article) { a.Related = []string{a.ID} }, []string{"related[0]"}},
		{"related bad id", func(a *Article) { a.Related = []string{"ok", "not ok"} }, []string{"related[1]"}},
		{"too many related", func(a *Article) { a.Related = slices.Repeat([]string{"x"}, MaxRelated+1) }, []string{"related"}},
		{"year out of range", func(a *Article) { a.PublishedAt = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{"publishedAt"}},
		{"invalid UTF-8 title", func(a *Article) { a.Title = "Юж\xffна" }, []string{"title"}},
		{"invalid UTF-8 tag", func(a *Article) { a.Tags = []string{"\xc3\x28"} }, []string{"tags[0]"}},
		{"invalid UTF-8 url", func(a *Article) { a.URL = "https://x.bg/\xff" }, []string{"url"}},
		{"invalid UTF-8 credit", func(a *Article) { a.Image.Credit = "\xed\xa0\x80" }, []string{"image.credit"}},
		{"every fault at once", func(a *Article) {
			a.ID = "bad id"
			a.Slug = "Bad"
			a.Title = ""
			a.Body = "\xff"
			a.URL = "javascript:x"
			a.Authors = []Author{{Name: "", URL: "data:x"}}
			a.Tags = []string{"a", "A"}
			a.Image = &Image{URL: "/x.jpg", Width: -5}
			a.Language = "?"
			a.Status = "gone"
			a.CommentCount = -3
		}, []string{"id", "slug", "title", "body", "url", "authors[0].name", "authors[0].url",
			"tags[1]", "image.url", "image.width", "language", "status", "commentCount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validArticle()
			tt.change(&a)
			err := Validate(&a)
			if got := fields(err); !slices.Equal(got, tt.want) {
				t.Errorf("Validate fields = %q, want %q (err: %v)", got, tt.want, err)
			}
			if tt.want == nil && err != nil {
				t.Errorf("Validate = %v, want nil", err)
			}
			if tt.want != nil {
				var ve *ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("Validate error %T is not a *ValidationError", err)
				}
				for _, f := range ve.Fields {
					if f.Message == "" {
						t.Errorf("field %s has no message", f.Field)
					}
				}
			}
		})
	}
}

func TestValidationErrorErr(t *testing.T) {
	var v ValidationError
	if err := v.Err(); err != nil {
		t.Errorf("empty ValidationError.Err() = %v, want nil", err)
	}
	var nilV *ValidationError
	if err := nilV.Err(); err != nil {
		t.Errorf("nil ValidationError.Err() = %v, want nil", err)
	}
	v.Add("title", "is %s", "required")
	v.Add("url", "is bad")
	if got, want := v.Err().Error(), "invalid article: title: is required; url: is bad"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
