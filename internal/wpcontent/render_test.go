package wpcontent

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	media := map[string]Media{
		"4": {ID: "4", URL: "https://s/up/bus.jpg", Link: "https://s/bus/", Alt: "Автобус", Caption: "Снимка: БТА", Width: 1200, Height: 800, Parent: "9"},
		"5": {ID: "5", URL: "https://s/up/sq.jpg", Link: "https://s/sq/", Width: 300, Height: 600, Parent: "9", Order: -1},
	}
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the HTML
		dropped  map[string]int
	}{
		{"caption as figure", `[caption id="attachment_4" align="alignright" width="300"]<img src="https://s/up/bus.jpg" width="300" height="200" /> Текст[/caption]`,
			[]string{`<figure id="attachment_4" aria-describedby="caption-attachment-4" style="width: 300px" class="wp-caption alignright">`,
				`<figcaption id="caption-attachment-4" class="wp-caption-text">Текст</figcaption></figure>`}, nil},
		{"caption without text is its image", `[caption width="300"]<img src="x" />[/caption]`, []string{`<img decoding="async" src="x" />`}, nil},
		{"gallery of the post's images, in their order", `[gallery]`, []string{`gallery-columns-3`, `src="https://s/up/sq.jpg"`, `width="75" height="150"`,
			`<figcaption class='wp-caption-text gallery-caption' id='gallery-1-4'>`}, nil},
		{"gallery linking files", `[gallery ids="4" link="file"]`, []string{`<a href='https://s/up/bus.jpg'><img width="150" height="100"`}, nil},
		{"gallery of nothing", `[gallery ids="99"]`, nil, map[string]int{"[gallery] without images": 1}},
		{"audio", `[audio mp3="https://s/a.mp3"][/audio]`, []string{`<a href="https://s/a.mp3">https://s/a.mp3</a>`}, nil},
		{"video", `[video src="https://s/v.mp4" width="480"]`, []string{`<div style="width: 480px;" class="wp-video"><a href="https://s/v.mp4">`}, nil},
		{"audio of the attached file", `[audio]`, nil, map[string]int{"[audio] without a file": 1}},
		{"playlist", `[playlist ids="4,5"]`, nil, map[string]int{"[playlist]": 1}},
		{"embed", `[embed width="500"]https://www.youtube.com/watch?v=x&t=1[/embed]`, []string{`<a href="https://www.youtube.com/watch?v=x&amp;t=1">`}, nil},
		{"dynamic block", "<!-- wp:paragraph -->\n<p>Текст</p>\n<!-- /wp:paragraph -->\n<!-- wp:latest-posts {\"postsToShow\":3} /-->",
			[]string{"<p>Текст</p>"}, map[string]int{"block core/latest-posts": 1}},
		{"block image gets its size", `<!-- wp:image --><figure><img src="https://s/up/bus.jpg" class="wp-image-4"/></figure><!-- /wp:image -->`,
			[]string{`<img decoding="async" loading="lazy" width="1200" height="800" src="https://s/up/bus.jpg"`}, nil},
		{"escaped shortcode is text", `[[caption]]`, []string{`[caption]`}, nil},
		{"other brackets stay", `[UPDATE] и [1]`, []string{`[UPDATE] и [1]`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Render(Post{ID: "9", Content: tc.in, Media: media})
			for _, w := range tc.want {
				if !strings.Contains(r.HTML, w) {
					t.Errorf("Render(%q) = %q; want it to contain %q", tc.in, r.HTML, w)
				}
			}
			if len(r.Dropped) != len(tc.dropped) {
				t.Errorf("dropped %v; want %v", r.Dropped, tc.dropped)
			}
			for k, n := range tc.dropped {
				if r.Dropped[k] != n {
					t.Errorf("dropped %v; want %v", r.Dropped, tc.dropped)
				}
			}
			if tc.name != "escaped shortcode is text" && strings.Contains(r.HTML, "[gallery") || strings.Contains(r.HTML, "[audio") ||
				strings.Contains(r.HTML, "[playlist") || strings.Contains(r.HTML, "[embed") || strings.Contains(r.HTML, "wp:") {
				t.Errorf("Render(%q) = %q: raw shortcode or block left", tc.in, r.HTML)
			}
		})
	}
}

// FuzzRender: any content renders without a panic and leaves no core
// shortcode's tag behind (an unclosed "[gallery " is text, as in
// WordPress).
func FuzzRender(f *testing.F) {
	for _, s := range []string{"a\n\nb", `[caption width="1"]<img src="x"> c[/caption]`, `[gallery ids="1"]`, "<!-- wp:x /-->",
		`[audio src="a"]`, "\"q\" 'a' -- ... 5x6", "<pre>\n\n</pre>", "[[gallery]]", "[caption][caption]"} {
		f.Add(s)
	}
	media := map[string]Media{"1": {ID: "1", URL: "https://s/a.jpg", Width: 10, Height: 10, Parent: "2"}}
	f.Fuzz(func(t *testing.T, s string) {
		r := Render(Post{ID: "2", Content: s, Media: media})
		if strings.Contains(s, "[[") {
			return // escaped shortcodes are text by design
		}
		if m := shortcodeTag.FindString(r.HTML); m != "" {
			t.Fatalf("Render(%q) = %q: %s left", s, r.HTML, m)
		}
	})
}

// BenchmarkRender renders a classic post of about 6 KB, and an export's
// worst case: 20,000 unclosed [caption] tags.
func BenchmarkRender(b *testing.B) {
	classic := strings.Repeat("Той каза: \"Ще стане\" -- и стана... В 10:00 часа.\nВтори ред.\n\n", 60) +
		`[caption id="attachment_4" width="300"]<img src="https://s/a.jpg" /> Подпис[/caption]`
	unclosed := strings.Repeat(`[caption width="1"]`, 20000)
	for _, c := range []struct{ name, s string }{{"classic", classic}, {"unclosed", unclosed}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.s)))
			for b.Loop() {
				Render(Post{ID: "1", Content: c.s})
			}
		})
	}
}
