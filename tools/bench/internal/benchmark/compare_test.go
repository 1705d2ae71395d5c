package benchmark

import (
	"strings"
	"testing"
	"time"
)

func TestParseRSS(t *testing.T) {
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
 <channel>
  <title>Новини &amp; Анализи</title>
  <link>https://news.example.bg</link>
  <description>Последни</description>
  <language>bg</language>
  <lastBuildDate>Thu, 18 Dec 2025 12:30:00 +0200</lastBuildDate>
  <atom:link href="https://feeds.news.example.bg/feeds/rss.xml" rel="self" type="application/rss+xml"></atom:link>
  <item>
   <title>НАТО &amp; ЕС</title>
   <link>https://news.example.bg/a</link>
   <guid isPermaLink="false">id-1</guid>
   <pubDate>Wed, 17 Dec 2025 09:00:00 +0200</pubDate>
   <description>lead</description>
   <content:encoded><![CDATA[<p>body</p>]]></content:encoded>
   <dc:creator>Иван</dc:creator>
   <category>Свят</category>
   <category>ЕС</category>
  </item>
 </channel>
</rss>`
	src, err := ParseRSS(strings.NewReader(doc), SiteURL)
	if err != nil {
		t.Fatal(err)
	}
	if src.Title != "Новини & Анализи" || src.Link != SiteURL || src.Language != "bg" || src.Updated != "2025-12-18T12:30:00+02:00" {
		t.Errorf("channel = %+v", src)
	}
	if len(src.Items) != 1 {
		t.Fatalf("items = %d, want 1", len(src.Items))
	}
	it := src.Items[0]
	want := FeedItem{Title: "НАТО & ЕС", GUID: "id-1", Link: "https://news.example.bg/a", Description: "lead",
		Content: "<p>body</p>", Date: "2025-12-17T09:00:00+02:00", Author: "Иван", Categories: []string{"Свят", "ЕС"}}
	if it.Title != want.Title || it.GUID != want.GUID || it.Link != want.Link || it.Description != want.Description ||
		it.Content != want.Content || it.Date != want.Date || it.Author != want.Author || strings.Join(it.Categories, ",") != "Свят,ЕС" {
		t.Errorf("item = %+v, want %+v", it, want)
	}

	for name, bad := range map[string]string{
		"no items": `<rss><channel><lastBuildDate>Thu, 18 Dec 2025 12:30:00 +0200</lastBuildDate></channel></rss>`,
		"bad date": `<rss><channel><lastBuildDate>yesterday</lastBuildDate></channel></rss>`,
		"not xml":  `{}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRSS(strings.NewReader(bad), SiteURL); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestCompareRows(t *testing.T) {
	tests := []struct {
		name     string
		res      CompareResult
		wantNode string
		wantSta  Verdict
	}{
		{"90% of static", CompareResult{Ours: 9000, Node: 900, Static: 10000, Rounds: 3}, "10.0× (static bytes / Node: 11.1×, the ceiling here)", Pass},
		{"under 90% of static", CompareResult{Ours: 8999, Node: 900, Static: 10000, Rounds: 3}, "10.0× (static bytes / Node: 11.1×, the ceiling here)", Fail},
		{"Node failed", CompareResult{Ours: 4156, Node: 0, Static: 4200, Rounds: 3}, "0.0× (static bytes / Node: 0.0×, the ceiling here)", Pass},
		{"static failed", CompareResult{Ours: 4156, Node: 155, Static: 0, Rounds: 3}, "26.8× (static bytes / Node: 0.0×, the ceiling here)", Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := CompareRows(tt.res)
			if len(rows) != 7 {
				t.Fatalf("%d rows, want 7", len(rows))
			}
			// The share of static with ours' headers is reported only.
			if rows[6].Verdict != None || rows[6].Target != "" {
				t.Errorf("ours/static with headers judged: %+v", rows[6])
			}
			// The Node ratio is reported, never judged: 30× is beyond
			// what the static server itself shows on the bench machine.
			if rows[3].Result != tt.wantNode || rows[3].Verdict != None || rows[3].Target != "" {
				t.Errorf("ours/Node: %q, target %q, verdict %v; want %q, no target, no verdict", rows[3].Result, rows[3].Target, rows[3].Verdict, tt.wantNode)
			}
			if rows[4].Verdict != tt.wantSta {
				t.Errorf("ours/static %s: verdict %v, want %v", rows[4].Result, rows[4].Verdict, tt.wantSta)
			}
		})
	}
	rows := CompareRows(CompareResult{Ours: 9000, Node: 900, Static: 10000, Rounds: 3, OursCPU: 55 * time.Microsecond})
	if !strings.Contains(rows[0].Result, "55.0 µs server CPU per request") || strings.Contains(rows[1].Result, "CPU") {
		t.Errorf("CPU per request: ours %q, Node %q; want ours's only", rows[0].Result, rows[1].Result)
	}
}
