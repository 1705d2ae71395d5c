package activitypub_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/activitypub"
	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/seed"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const testKey = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n"

func pub() *activitypub.Publication {
	return &activitypub.Publication{
		BaseURL: "https://api.news.example.bg", Handle: "news", Domain: "news.example.bg",
		Name: "Новини", Summary: "Новините на деня", SiteURL: "https://news.example.bg",
		IconURL: "https://news.example.bg/logo.png", HeaderURL: "https://news.example.bg/header.jpg",
		Language: "bg", PublicKeyPEM: testKey,
	}
}

// golden compares v's indented JSON with testdata/name, or rewrites it.
func golden(t *testing.T, name string, v any) []byte {
	t.Helper()
	raw, err := activitypub.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	got := ind.Bytes()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking the diff)\ngot:\n%s", name, got)
	}
	return got
}

// TestActorAsMastodonReadsIt checks the actor the way Mastodon's
// ActivityPub::ProcessAccountService does: a type it takes for an account
// and not a bot, preferredUsername, an inbox, a key owned by the actor,
// and the profile fields it shows.
func TestActorAsMastodonReadsIt(t *testing.T) {
	p := pub()
	b := golden(t, "actor.json", p.Actor(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	switch m["type"] {
	case "Person", "Organization":
	default:
		t.Errorf("type = %v: Mastodon shows Service and Application as bots", m["type"])
	}
	for _, k := range []string{"id", "preferredUsername", "name", "summary", "url", "inbox", "outbox", "followers", "following"} {
		if s, _ := m[k].(string); s == "" {
			t.Errorf("%s is missing", k)
		}
	}
	key := m["publicKey"].(map[string]any)
	if key["owner"] != m["id"] || !strings.HasPrefix(key["id"].(string), m["id"].(string)+"#") {
		t.Errorf("publicKey %v is not the actor's", key)
	}
	if m["endpoints"].(map[string]any)["sharedInbox"] != "https://api.news.example.bg/ap/inbox" {
		t.Errorf("sharedInbox = %v", m["endpoints"])
	}
	if m["manuallyApprovesFollowers"] != false || m["discoverable"] != true || m["indexable"] != true {
		t.Errorf("manuallyApprovesFollowers/discoverable/indexable = %v/%v/%v", m["manuallyApprovesFollowers"], m["discoverable"], m["indexable"])
	}
	for _, k := range []string{"icon", "image"} {
		if im, _ := m[k].(map[string]any); im["type"] != "Image" || im["url"] == "" {
			t.Errorf("%s = %v", k, m[k])
		}
	}
}

func natoArticle() article.Article {
	a := seed.Articles("https://news.example.bg")[0]
	a.Version = 3
	a.UpdatedAt = a.PublishedAt.Add(time.Hour)
	return a
}

// TestNote: the story as a Note in a timeline: the golden document, and
// what Mastodon needs of it (a Note, attributed to the actor, public,
// copied to followers, hashtags with href, the photo with its alt text,
// contentMap in the story's language).
func TestNote(t *testing.T) {
	p := pub()
	a := natoArticle()
	if a.Image == nil || len(a.Tags) == 0 {
		t.Fatal("the seed article needs a photo and tags for this test")
	}
	n := p.Note(&a)
	golden(t, "note.json", n)
	if n.Type != "Note" || n.AttributedTo != p.ActorID() || n.ID != "https://api.news.example.bg/ap/notes/"+a.ID {
		t.Errorf("type %s, attributedTo %s, id %s", n.Type, n.AttributedTo, n.ID)
	}
	if len(n.To) != 1 || n.To[0] != activitypub.Public || len(n.Cc) != 1 || n.Cc[0] != p.FollowersID() {
		t.Errorf("to %v cc %v", n.To, n.Cc)
	}
	if n.ContentMap["bg"] != n.Content || !strings.Contains(n.Content, "<strong>Южна Корея") || !strings.Contains(n.Content, `href="`+a.URL+`"`) {
		t.Errorf("content %q, contentMap %v", n.Content, n.ContentMap)
	}
	if len(n.Tag) != len(a.Tags) {
		t.Errorf("%d hashtags for %d tags", len(n.Tag), len(a.Tags))
	}
	for _, h := range n.Tag {
		if h.Type != "Hashtag" || !strings.HasPrefix(h.Name, "#") || strings.ContainsAny(h.Name, " -") || !strings.HasPrefix(h.Href, "https://") {
			t.Errorf("hashtag %+v", h)
		}
		if !strings.Contains(n.Content, ">"+strings.TrimPrefix(h.Name, "#")+"</span>") {
			t.Errorf("hashtag %s not linked in the content", h.Name)
		}
	}
	if len(n.Attachment) != 1 || n.Attachment[0].Name != a.Image.Alt || n.Attachment[0].Type != "Image" {
		t.Errorf("attachment %+v", n.Attachment)
	}
	if n.Updated == "" || n.Published == "" {
		t.Errorf("published %q updated %q", n.Published, n.Updated)
	}

	t.Run("same id after a rename", func(t *testing.T) {
		b := a
		b.Slug, b.PreviousSlugs = "novo-ime", []string{a.Slug}
		if p.Note(&b).ID != n.ID || p.Create(&b).ID != p.Create(&a).ID {
			t.Error("a renamed story changed id")
		}
	})
	t.Run("escaped", func(t *testing.T) {
		b := a
		b.Title, b.Lead, b.Tags = `<script>alert(1)</script> & "x"`, "<img src=x>", []string{`"><b>`}
		c := p.Note(&b).Content
		if strings.Contains(c, "<script") || strings.Contains(c, "<img") || strings.Contains(c, `"><b>`) {
			t.Errorf("content not escaped: %s", c)
		}
	})
	t.Run("no photo, no tags", func(t *testing.T) {
		b := a
		b.Image, b.Tags = nil, nil
		n := p.Note(&b)
		out, _ := json.Marshal(n)
		if !bytes.Contains(out, []byte(`"tag":[]`)) || !bytes.Contains(out, []byte(`"attachment":[]`)) {
			t.Errorf("empty tag/attachment must be [] : %s", out)
		}
	})
}

func TestActivities(t *testing.T) {
	p := pub()
	a := natoArticle()
	golden(t, "create.json", p.Create(&a))
	u := p.Update(&a)
	if u.Type != "Update" || !strings.HasSuffix(u.ID, "/update/3") {
		t.Errorf("update %s %s", u.Type, u.ID)
	}
	d := p.Delete(a.ID, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	golden(t, "delete.json", d)
	if again := p.Delete(a.ID, time.Date(2026, 1, 3, 3, 4, 5, 0, time.UTC)); again.ID == d.ID {
		t.Errorf("two deletes of one story at different times share the id %s", d.ID)
	}
	acc := p.Accept("https://mastodon.example/1", "https://mastodon.example/users/ana")
	if acc.Type != "Accept" || acc.To[0] != "https://mastodon.example/users/ana" {
		t.Errorf("accept %+v", acc)
	}
	if id, ok := p.ArticleIDOf(p.NoteID(a.ID)); !ok || id != a.ID {
		t.Errorf("ArticleIDOf(NoteID) = %q, %v", id, ok)
	}
	if id, ok := p.ArticleIDOf(p.CreateID(a.ID)); !ok || id != a.ID {
		t.Errorf("ArticleIDOf(CreateID) = %q, %v", id, ok)
	}
	if _, ok := p.ArticleIDOf("https://elsewhere.example/ap/notes/x"); ok {
		t.Error("ArticleIDOf took another host's note")
	}
}

func TestWebFinger(t *testing.T) {
	p := pub()
	tests := []struct {
		resource string
		want     error
	}{
		{"acct:news@news.example.bg", nil},
		{"acct:NEWS@News.Example.BG", nil},
		{"news@news.example.bg", nil},
		{"@news@news.example.bg", nil},
		{"https://api.news.example.bg/ap/actor", nil},
		{"acct:other@news.example.bg", activitypub.ErrNoSuchAccount},
		{"acct:news@elsewhere.example", activitypub.ErrNoSuchAccount},
		{"https://elsewhere.example/users/news", activitypub.ErrNoSuchAccount},
		{"acct:news", activitypub.ErrBadResource},
		{"", activitypub.ErrBadResource},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			got, err := p.WebFinger(tt.resource)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			if got.Subject != "acct:news@news.example.bg" || got.Links[0].Rel != "self" ||
				got.Links[0].Type != activitypub.ContentType || got.Links[0].Href != p.ActorID() {
				t.Errorf("JRD = %+v", got)
			}
		})
	}
}

func TestHashtagName(t *testing.T) {
	for in, want := range map[string]string{
		"НАТО": "НАТО", "Западни Балкани": "ЗападниБалкани", "covid-19": "covid19", "a_b": "a_b", "  ": "",
	} {
		if got := activitypub.HashtagName(in); got != want {
			t.Errorf("HashtagName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, body string
		ok         bool
		object     string
	}{
		{"follow", `{"id":"https://m.example/1","type":"Follow","actor":"https://m.example/users/a","object":"https://api.news.example.bg/ap/actor"}`, true, "https://api.news.example.bg/ap/actor"},
		{"actor as object", `{"id":"https://m.example/1","type":"Like","actor":{"id":"https://m.example/users/a"},"object":{"id":"https://x.example/n/1"}}`, true, "https://x.example/n/1"},
		{"no id", `{"type":"Follow","actor":"https://m.example/users/a"}`, false, ""},
		{"relative actor", `{"id":"https://m.example/1","type":"Follow","actor":"/users/a"}`, false, ""},
		{"not json", `{"id":`, false, ""},
		{"array", `[]`, false, ""},
		{"number actor", `{"id":"https://m.example/1","type":"Follow","actor":5}`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := activitypub.Decode([]byte(tt.body))
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if err != nil && !errors.Is(err, activitypub.ErrMalformed) {
				t.Errorf("err %v is not ErrMalformed", err)
			}
			if tt.ok && in.ObjectRef() != tt.object {
				t.Errorf("ObjectRef = %q", in.ObjectRef())
			}
		})
	}
}
