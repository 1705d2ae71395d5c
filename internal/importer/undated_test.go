package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// TestUndatedAndJunkDates: an item with an empty pubDate (and dc:date) is
// not published at the import time at the top of the feeds: it is
// created as a draft with a warning, and later runs leave it alone; a
// year like 2999 is refused, not held back as a scheduled story for ever.
func TestUndatedAndJunkDates(t *testing.T) {
	sink, st := boltSink(t)
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	im := &Importer{Sink: sink, Workers: 2, Now: func() time.Time { return now }}
	item := func(guid, title, date string) string {
		return `<item><title>` + title + `</title><link>https://site.example/` + guid + `/</link><guid>` + guid + `</guid>` +
			`<pubDate>` + date + `</pubDate><dc:date></dc:date><description>Текст на ` + title + `</description></item>`
	}
	doc := rssItems(
		item("dated", "С дата", "Thu, 18 Dec 2025 08:30:00 +0000"),
		item("undated", "Без дата", ""),
		item("junk", "Година 2999", "Tue, 01 Jan 2999 00:00:00 +0000"),
		item("soon", "Насрочена", "Fri, 01 Jan 2027 00:00:00 +0000"),
	)
	ctx := context.Background()
	sum, err := im.Run(ctx, feedItems(t, doc))
	if err != nil || sum.Created != 3 || len(sum.Failed) != 1 || len(sum.Warnings) != 1 {
		t.Fatalf("first run: %s, %v; want 3 created, 1 failed, 1 warning", sum.String(), err)
	}
	if f := sum.Failed[0]; !strings.Contains(f.Ref, "junk") || !strings.Contains(f.Reason, "2999") {
		t.Errorf("failure %s: want the 2999 item refused, naming its date", f)
	}
	if w := sum.Warnings[0]; !strings.Contains(w.Ref, "undated") || !strings.Contains(w.Reason, "draft") {
		t.Errorf("warning %s: want the undated item named, as a draft", w)
	}
	byTitle := map[string]article.Article{}
	page, err := st.List(ctx, article.ListOptions{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range page.Articles {
		byTitle[a.Title] = a
	}
	if a := byTitle["Без дата"]; a.Status != article.StatusDraft || !a.PublishedAt.IsZero() {
		t.Errorf("undated: status %s, publishedAt %v; want a draft without a time", a.Status, a.PublishedAt)
	}
	if a := byTitle["С дата"]; a.Status != article.StatusPublished || a.PublishedAt.Year() != 2025 {
		t.Errorf("dated: status %s, publishedAt %v", a.Status, a.PublishedAt)
	}
	if _, ok := byTitle["Година 2999"]; ok {
		t.Error("the 2999 item was stored")
	}
	if a := byTitle["Насрочена"]; a.Status != article.StatusPublished || a.PublishedAt.Year() != 2027 {
		t.Errorf("a date weeks ahead is a scheduled story: status %s, publishedAt %v", a.Status, a.PublishedAt)
	}

	// The follow function's next run: nothing written, no new warning.
	sum, err = im.Run(ctx, feedItems(t, doc))
	if err != nil || sum.Unchanged != 3 || sum.Updated != 0 || len(sum.Warnings) != 0 {
		t.Fatalf("second run: %s, %v; want 3 unchanged, no warning", sum.String(), err)
	}
}
