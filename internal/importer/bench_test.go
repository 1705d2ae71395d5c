package importer

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// syntheticWXR is a WXR 1.2 export of n posts, each with a featured image
// attachment, two categories and three tags, bodies of a few paragraphs.
func syntheticWXR(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Бенчмарк</title><link>https://bench.example</link><language>bg</language><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[ed]]></wp:author_login><wp:author_display_name><![CDATA[Редактор Първи]]></wp:author_display_name></wp:author>
`)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `<item><title><![CDATA[Новина номер %d: общината &#8211; решения за бюджета]]></title><link>https://bench.example/2025/12/novina-%d/</link>
<dc:creator><![CDATA[ed]]></dc:creator><guid isPermaLink="false">https://bench.example/?p=%d</guid>
<content:encoded><![CDATA[<p>Първи абзац на новина %d с <a href="/svarzana/%d">връзка</a>.</p><p>Втори абзац: общинските съветници приеха бюджета с 30 гласа „за“.</p><p>Трети абзац с <strong>удебелен</strong> текст и <em>курсив</em>.</p>]]></content:encoded>
<excerpt:encoded><![CDATA[Резюме на новина %d.]]></excerpt:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date><![CDATA[2025-12-%02d 10:%02d:00]]></wp:post_date><wp:post_date_gmt><![CDATA[2025-12-%02d 08:%02d:00]]></wp:post_date_gmt>
<wp:status><![CDATA[publish]]></wp:status><wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="grad"><![CDATA[Градът]]></category><category domain="category" nicename="politika"><![CDATA[Политика]]></category>
<category domain="post_tag" nicename="b"><![CDATA[бюджет]]></category><category domain="post_tag" nicename="o"><![CDATA[общински съвет]]></category><category domain="post_tag" nicename="t%d"><![CDATA[тема %d]]></category>
<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[%d]]></wp:meta_value></wp:postmeta></item>
<item><title><![CDATA[photo-%d]]></title><guid isPermaLink="false">https://bench.example/wp-content/uploads/photo-%d.jpg</guid><excerpt:encoded><![CDATA[Снимка: БГНЕС]]></excerpt:encoded>
<wp:post_id>%d</wp:post_id><wp:status><![CDATA[inherit]]></wp:status><wp:post_type><![CDATA[attachment]]></wp:post_type>
<wp:attachment_url><![CDATA[https://bench.example/wp-content/uploads/photo-%d.jpg]]></wp:attachment_url>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_image_alt]]></wp:meta_key><wp:meta_value><![CDATA[Снимка към новина %d]]></wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key><![CDATA[_wp_attachment_metadata]]></wp:meta_key><wp:meta_value><![CDATA[a:2:{s:5:"width";i:1200;s:6:"height";i:800;}]]></wp:meta_value></wp:postmeta></item>
`, i, i, i, i, i, i, i, 1+i%28, i%60, 1+i%28, i%60, i, i, 100000+i, i, i, 100000+i, i, i)
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// BenchmarkImport1000 imports 1,000 posts (and skips their 1,000
// attachments) through the admin API of a local service on bolt, 8
// writes in flight: the target is under 60 s.
func BenchmarkImport1000(b *testing.B) {
	items, err := ParseWXR(bytes.NewReader(syntheticWXR(1000)), Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		_, base := service(b)
		im := apiImporter(base)
		im.Workers = 8
		b.StartTimer()
		sum, err := im.Run(context.Background(), items)
		if err != nil || sum.Created != 1000 || len(sum.Failed) > 0 {
			b.Fatalf("%v %s", err, sum.String())
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "items/s")
}
