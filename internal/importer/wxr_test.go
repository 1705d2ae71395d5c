package importer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// Older exports: WXR 1.0 has no wp:author list (dc:creator is the login,
// used as the name) and other namespace URIs; exports of old sites may be
// in windows-1251.
func TestWXRVersionsAndEncodings(t *testing.T) {
	const v10 = `<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.0/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.0/">
<channel><title>Стар блог</title><link>http://old.example</link><language>bg</language><wp:wxr_version>1.0</wp:wxr_version>
<item><title>Първа публикация</title><link>http://old.example/?p=7</link><dc:creator>ivan</dc:creator>
<guid isPermaLink="false">http://old.example/?p=7</guid>
<content:encoded><![CDATA[<p>Здравей, свят!</p>]]></content:encoded><excerpt:encoded><![CDATA[Поздрав]]></excerpt:encoded>
<wp:post_id>7</wp:post_id><wp:post_date>2009-03-01 12:00:00</wp:post_date><wp:post_date_gmt>2009-03-01 10:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category><![CDATA[Лично]]></category><category domain="category" nicename="lichno"><![CDATA[Лично]]></category><category domain="tag" nicename="svyat"><![CDATA[свят]]></category>
</item></channel></rss>`
	for _, tc := range []struct {
		name, encoding string
		encode         func(string) []byte
	}{
		{"utf-8", "UTF-8", func(s string) []byte { return []byte(s) }},
		{"windows-1251", "windows-1251", func(s string) []byte {
			b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.encode(fmtDoc(v10, tc.encoding))
			if !IsWXR(doc) {
				t.Fatal("not recognised as WXR")
			}
			items, err := ParseWXR(bytes.NewReader(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 1 {
				t.Fatalf("%d items", len(items))
			}
			a := items[0].Article
			if a.Title != "Първа публикация" || a.Lead != "Поздрав" || strings.TrimSpace(a.Body) != "<p>Здравей, свят!</p>" ||
				a.Section != "Лично" || len(a.Tags) != 1 || a.Tags[0] != "свят" || len(a.Authors) != 1 || a.Authors[0].Name != "ivan" ||
				!a.PublishedAt.Equal(time.Date(2009, 3, 1, 10, 0, 0, 0, time.UTC)) {
				t.Errorf("article = %+v", a)
			}
		})
	}
}

func fmtDoc(format, enc string) string {
	return string(bytes.Replace([]byte(format), []byte("%s"), []byte(enc), 1))
}
