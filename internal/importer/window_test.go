package importer

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"golang.org/x/text/encoding/charmap"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// syntheticRSS is an RSS 2.0 feed of items numbered first..last, newest
// (the highest number) first, each with its own guid, link and date.
func syntheticRSS(first, last int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<rss version="2.0"><channel><title>Новини</title><link>https://feed.example.bg/</link><language>bg</language>` + "\n")
	day := time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)
	for i := last; i >= first; i-- {
		fmt.Fprintf(&b, "<item><title>Новина %d</title><link>https://feed.example.bg/novina-%d</link>"+
			"<guid isPermaLink=\"false\">feed-%d</guid><pubDate>%s</pubDate>"+
			"<description>Кратко описание на новина %d. Снимка: БТА</description><category>България</category></item>\n",
			i, i, i, day.Add(time.Duration(i)*time.Minute).Format(time.RFC1123Z), i)
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}

// TestFollowerReadsAWindowPerRun: a feed larger than MaxItems is read a
// window per run, each run resuming where the last stopped and fetching
// unconditionally; the pass keeps its first run's validators, so after
// it an unchanged feed is 304 and a changed one starts a new pass from
// the top, where the new items are.
func TestFollowerReadsAWindowPerRun(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var (
		mu          sync.Mutex
		doc         = syntheticRSS(1, 23)
		conditional []bool
	)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		tag := fmt.Sprintf(`"%d"`, len(doc))
		conditional = append(conditional, r.Header.Get("If-None-Match") != "")
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(doc)
	}))
	defer src.Close()
	params := &memoryParameters{values: map[string]string{}}
	f := &Follower{URL: src.URL, Loader: &Loader{Fetcher: &Fetcher{}},
		Importer: &Importer{Sink: ServiceSink{Service: newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})}, Workers: 2},
		State:    ParameterState{Client: params, Name: "/s/follow-state"}, MaxItems: 10}
	ctx := context.Background()
	// stored counts the articles and checks that no title is stored twice.
	stored := func() int {
		t.Helper()
		page, err := st.List(ctx, article.ListOptions{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, a := range page.Articles {
			if seen[a.Title] {
				t.Errorf("%q stored twice", a.Title)
			}
			seen[a.Title] = true
		}
		return len(page.Articles)
	}
	type want struct {
		notModified                 bool
		items, total, next, created int
		conditional                 bool
	}
	runs := []struct {
		name   string
		change func()
		want   want
	}{
		{"the first window", nil, want{items: 10, total: 23, next: 10, created: 10}},
		{"the second, unconditional", nil, want{items: 10, total: 23, next: 20, created: 10}},
		{"the last, ending the pass", nil, want{items: 3, total: 23, created: 3}},
		{"unchanged since the pass began", nil, want{notModified: true, conditional: true}},
		{"two new items: a new pass from the top", func() { doc = syntheticRSS(1, 25) },
			want{items: 10, total: 25, next: 10, created: 2, conditional: true}},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			if run.change != nil {
				mu.Lock()
				run.change()
				mu.Unlock()
			}
			res, err := f.Handle(ctx, events.CloudWatchEvent{})
			if err != nil {
				t.Fatal(err)
			}
			got := want{notModified: res.NotModified, items: res.Items, total: res.Total, next: res.Next, created: res.Created}
			mu.Lock()
			got.conditional = conditional[len(conditional)-1]
			mu.Unlock()
			if got != run.want {
				t.Errorf("run = %+v, want %+v (result %+v)", got, run.want, res)
			}
		})
	}
	if n := stored(); n != 25 {
		t.Errorf("%d of the 25 items stored", n)
	}
	s, err := (ParameterState{Client: params, Name: "/s/follow-state"}).Load(ctx)
	if err != nil || s.Next != 10 || s.ETag != fmt.Sprintf(`"%d"`, len(syntheticRSS(1, 25))) {
		t.Errorf("state after the new pass's first run = %+v, %v; want next 10 and the new document's ETag", s, err)
	}
}

// TestParseFeedWindow: each format gives the items its window selects,
// in document order, as the whole document's parse has them, and counts
// all of the document's items.
func TestParseFeedWindow(t *testing.T) {
	var atom, jsonFeed bytes.Buffer
	atom.WriteString(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Новини</title><id>urn:x</id><updated>2025-12-01T10:00:00Z</updated>`)
	jsonFeed.WriteString(`{"version":"https://jsonfeed.org/version/1.1","title":"Новини","items":[`)
	for i := 10; i >= 1; i-- {
		fmt.Fprintf(&atom, `<entry><title>Новина %d</title><id>urn:n:%d</id><link href="https://feed.example.bg/novina-%d"/><updated>2025-12-01T08:%02d:00Z</updated><summary>Лийд %d.</summary></entry>`, i, i, i, i, i)
		sep := ","
		if i == 1 {
			sep = ""
		}
		fmt.Fprintf(&jsonFeed, `{"id":"n-%d","url":"https://feed.example.bg/novina-%d","title":"Новина %d","content_text":"Лийд %d.","date_published":"2025-12-01T08:%02d:00Z"}%s`, i, i, i, i, i, sep)
	}
	atom.WriteString(`</feed>`)
	jsonFeed.WriteString(`]}`)
	cp1251 := bytes.Replace(syntheticRSS(1, 10), []byte(`encoding="UTF-8"`), []byte(`encoding="windows-1251"`), 1)
	cp1251, err := charmap.Windows1251.NewEncoder().Bytes(cp1251)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{"RSS": syntheticRSS(1, 10), "Atom": atom.Bytes(), "JSON Feed": jsonFeed.Bytes(), "RSS in windows-1251": cp1251}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			whole, err := ParseFeed(doc, "https://feed.example.bg/feed", Options{})
			if err != nil || len(whole.Items) != 10 {
				t.Fatalf("whole document: %d items, %v", len(whole.Items), err)
			}
			for _, w := range []Window{{}, {Skip: 3, Limit: 4}, {Skip: 8, Limit: 5}, {Skip: 12, Limit: 5}} {
				p, total, err := parseFeedWindow(doc, "https://feed.example.bg/feed", Options{}, w)
				if err != nil || total != 10 {
					t.Fatalf("window %+v: total %d, %v", w, total, err)
				}
				want := window(w, append([]Item(nil), whole.Items...))
				if len(p.Items) != len(want) {
					t.Fatalf("window %+v: %d items, want %d", w, len(p.Items), len(want))
				}
				for i := range want {
					if p.Items[i].Article.Title != want[i].Article.Title || p.Items[i].Article.Lead != want[i].Article.Lead {
						t.Errorf("window %+v item %d: %q, want %q", w, i, p.Items[i].Article.Title, want[i].Article.Title)
					}
				}
			}
		})
	}
}
