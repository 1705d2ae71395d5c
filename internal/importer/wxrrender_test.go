package importer

import (
	"context"
	"strings"
	"testing"
)

// TestWXRContentRendered: a classic post's paragraphs and shortcodes come
// in as WordPress renders them; what cannot be rendered is dropped and
// said in a warning, never left as text.
func TestWXRContentRendered(t *testing.T) {
	items := mustItems(t)(ParseWXR(strings.NewReader(wxrExport(
		wxrPost(7, "https://site.example/?p=7", "publish", "", "Класически \"пост\"",
			"Първи абзац.\n\nВтори\nред.\n\n[playlist ids=\"1,2\"]\n\n[caption width=\"300\"]<img src=\"https://site.example/a.jpg\" /> Подпис[/caption]"),
	)), Options{}))
	a := items[0].Article
	for _, want := range []string{"<p>Първи абзац.</p>", "<p>Втори<br />\nред.</p>", `<figcaption class="wp-caption-text">Подпис</figcaption>`} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body %q: want %q", a.Body, want)
		}
	}
	if strings.Contains(a.Body, "[") || a.Title != "Класически “пост”" {
		t.Errorf("title %q, body %q: raw shortcode or straight quotes left", a.Title, a.Body)
	}
	sink, _ := boltSink(t)
	sum, err := (&Importer{Sink: sink}).Run(context.Background(), items)
	if err != nil || sum.Created != 1 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Reason, "[playlist] ×1") {
		t.Fatalf("%s, %v, warnings %v; want 1 created with a warning naming [playlist] ×1", sum.String(), err, sum.Warnings)
	}
}
