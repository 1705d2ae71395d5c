package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/parameter"
	"github.com/newsdesk/syndicate/internal/store/bolt"
)

// memoryParameters is an SSM stand-in: one map of parameters.
type memoryParameters struct{ values map[string]string }

func (m *memoryParameters) GetParameter(_ context.Context, name string) (string, error) {
	v, ok := m.values[name]
	if !ok {
		return "", parameter.ErrMissing
	}
	return v, nil
}

func (m *memoryParameters) PutParameter(_ context.Context, name, value string) error {
	m.values[name] = value
	return nil
}

// failingSink refuses every write as a store down would.
type failingSink struct{ Sink }

func (f failingSink) Put(context.Context, article.Article, int64) (article.Article, bool, error) {
	return article.Article{}, false, fmt.Errorf("store: %w", article.ErrUnavailable)
}

func TestFollower(t *testing.T) {
	st, err := bolt.Open(filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sink := ServiceSink{Service: newsroom.NewService(st, newsroom.Options{SiteURL: "https://news.example.bg"})}
	var doc atomic.Value
	doc.Store(readFixture(t, "news.rss"))
	var full, notModified atomic.Int64
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := doc.Load().([]byte)
		tag := fmt.Sprintf(`"%d"`, len(b))
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full.Add(1)
		w.Write(b)
	}))
	defer src.Close()
	params := &memoryParameters{values: map[string]string{"/s/follow-state": "{}"}}
	f := &Follower{URL: src.URL, Loader: &Loader{Fetcher: &Fetcher{}}, Importer: &Importer{Sink: sink, Workers: 2},
		State: ParameterState{Client: params, Name: "/s/follow-state"}}
	ctx := context.Background()

	res, err := f.Handle(ctx, events.CloudWatchEvent{})
	if err != nil || res.Created != 4 {
		t.Fatalf("first run: %+v, %v; want 4 created", res, err)
	}
	if !strings.Contains(params.values["/s/follow-state"], `"etag"`) {
		t.Errorf("state %q: want the ETag kept", params.values["/s/follow-state"])
	}
	res, err = f.Handle(ctx, events.CloudWatchEvent{})
	if err != nil || !res.NotModified || notModified.Load() != 1 {
		t.Fatalf("second run: %+v, %v; want not modified", res, err)
	}

	// The feed changes: one item gains a title, one loses its title and
	// text, so it fails; the state is not saved and the next run reads
	// the feed in full again.
	changed := strings.Replace(string(readFixture(t, "news.rss")), "Нова година на площада: програмата", "Нова година на площада: програмата и маршрутите", 1)
	changed = strings.Replace(changed, "<title>Курс на еврото: 1 EUR = 1.95583 лв. &amp; без промяна</title>", "", 1)
	changed = strings.Replace(changed, "<description>БНБ потвърди фиксирания курс.</description>", "", 1)
	doc.Store([]byte(changed))
	res, err = f.Handle(ctx, events.CloudWatchEvent{})
	if err != nil || res.Updated != 1 || len(res.Failed) != 1 || !strings.Contains(res.Failed[0], "dnevnik-4862201") {
		t.Fatalf("third run: %+v, %v; want 1 updated, 1 failed (dnevnik-4862201)", res, err)
	}
	before := full.Load()
	if _, err := f.Handle(ctx, events.CloudWatchEvent{}); err != nil || full.Load() != before+1 {
		t.Errorf("after a failed item the next run must read the feed in full: %v, full %d -> %d", err, before, full.Load())
	}

	// The store down: the run fails, for Lambda's Errors alarm.
	doc.Store([]byte(strings.Replace(changed, "маршрутите", "маршрутите (обновено)", 1)))
	down := *f
	down.Importer = &Importer{Sink: failingSink{sink}, Workers: 2}
	if _, err := down.Handle(ctx, events.CloudWatchEvent{}); err == nil {
		t.Error("every write refused: want the run to fail")
	}

	// The source down: the run fails.
	src.Close()
	if _, err := (&Follower{URL: src.URL, Loader: &Loader{Fetcher: &Fetcher{Attempts: 1}}, Importer: f.Importer}).Handle(ctx, events.CloudWatchEvent{}); err == nil {
		t.Error("source unreachable: want the run to fail")
	}
}
