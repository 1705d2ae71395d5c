package notify

import (
	"slices"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// TestRealStreamScheduled writes a scheduled article, and an edit of it,
// through the real store to moto with the stream on: the notifier pings
// nothing for those records. Release at its time then writes the record
// that pings every feed of the article, once.
func TestRealStreamScheduled(t *testing.T) {
	client := dynamotest.Client(t)
	table := dynamotest.Table(t, client)
	ctx := t.Context()
	stream := dynamotest.EnableStream(t, client, table)

	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := dynamo.New(client, table, dynamo.WithConsistentReads(), dynamo.WithClock(clock))
	svc := newsroom.NewService(store, newsroom.Options{SiteURL: "https://news.example.bg", Now: clock})
	at := now.Add(time.Minute)
	a, err := svc.Create(ctx, article.Article{
		Title: "Ембарго", Body: "<p>x</p>", Section: "Свят", Tags: []string{"НАТО"},
		Authors: []article.Author{{Name: "БТА"}}, Status: article.StatusPublished, PublishedAt: at,
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	edit := a
	edit.Title = "Ембарго, поправено"
	if _, _, err := svc.Replace(ctx, a.ID, edit, &a.Version); err != nil {
		t.Fatalf("edit: %v", err)
	}

	saves := stream.Next(t)
	hub := newHub(t, nil)
	if res, err := testNotifier(hub.srv.URL).Handle(ctx, saves); err != nil || len(res.BatchItemFailures) != 0 {
		t.Fatalf("Handle(saves) = %v, %v", res, err)
	}
	if got := hub.topics(); len(got) != 0 {
		t.Errorf("saves of a scheduled article pinged %q, want nothing", got)
	}

	released, err := store.Release(ctx, at.Add(20*time.Second))
	if err != nil || len(released) != 1 || released[0].ID != a.ID {
		t.Fatalf("Release = %v, %v; want the article", released, err)
	}
	fresh := stream.Next(t)
	if len(fresh.Records) == 0 {
		t.Fatalf("the release wrote no stream record (%d records before)", len(saves.Records))
	}
	if res, err := testNotifier(hub.srv.URL).Handle(ctx, fresh); err != nil || len(res.BatchItemFailures) != 0 {
		t.Fatalf("Handle(release) = %v, %v", res, err)
	}
	want := topicsOf("", "section/svyat", "tag/nato", "author/bta")
	if got := hub.topics(); !slices.Equal(got, want) {
		t.Errorf("the release pinged:\n got %q\nwant %q", got, want)
	}
}
