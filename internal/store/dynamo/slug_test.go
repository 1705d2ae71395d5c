package dynamo_test

import (
	"errors"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/store/dynamo"
	"github.com/newsdesk/syndicate/internal/testing/dynamotest"
)

// counter records the DynamoDB operation of every HTTP request the client
// sends, retries included: the round trips, not the store's own account.
type counter struct {
	next dynamodb.HTTPClient
	mu   sync.Mutex
	ops  []string
}

func (c *counter) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.ops = append(c.ops, strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810."))
	c.mu.Unlock()
	return c.next.Do(r)
}

// take returns the operations sent since the last take.
func (c *counter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := c.ops
	c.ops = nil
	return ops
}

// rawTable is a store on a fresh table with a counting client, and the raw
// client and table name for looking at the items themselves.
type rawTable struct {
	store  *dynamo.Store
	client *dynamodb.Client
	table  string
	trips  *counter
}

func openRaw(t *testing.T, opts ...dynamo.Option) rawTable {
	t.Helper()
	base := dynamotest.Client(t)
	table := dynamotest.Table(t, base)
	c := &counter{}
	client := dynamodb.New(base.Options(), func(o *dynamodb.Options) {
		c.next = o.HTTPClient
		o.HTTPClient = c
	})
	return rawTable{store: dynamo.New(client, table, opts...), client: base, table: table, trips: c}
}

// items returns every item of the table whose pk starts with prefix, by pk
// and then sk.
func (r rawTable) items(t *testing.T, prefix string) []map[string]types.AttributeValue {
	t.Helper()
	var all []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(r.client, &dynamodb.ScanInput{TableName: aws.String(r.table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		for _, it := range out.Items {
			if strings.HasPrefix(str(it[dynamo.AttrPK]), prefix) {
				all = append(all, it)
			}
		}
	}
	slices.SortFunc(all, func(a, b map[string]types.AttributeValue) int {
		return strings.Compare(str(a[dynamo.AttrPK])+"\x00"+str(a[dynamo.AttrSK]), str(b[dynamo.AttrPK])+"\x00"+str(b[dynamo.AttrSK]))
	})
	return all
}

func str(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// checkSlugItems checks the invariant GetBySlug relies on: every canonical
// item has exactly one slug item, under its slug, holding the same
// attributes but for the keys and the admin index keys, and one alias item
// (the keys and its ID, nothing else) per previous slug; no other slug item
// exists.
func (r rawTable) checkSlugItems(t *testing.T) {
	t.Helper()
	slugItems := map[string]map[string]types.AttributeValue{}
	for _, it := range r.items(t, "SLUG#") {
		slugItems[str(it[dynamo.AttrPK])] = it
	}
	for _, it := range r.items(t, "ARTICLE#") {
		if str(it[dynamo.AttrSK]) != "ARTICLE" {
			continue
		}
		pk := "SLUG#" + str(it["slug"])
		got, ok := slugItems[pk]
		if !ok {
			t.Errorf("article %s has no slug item %s", str(it["id"]), pk)
			continue
		}
		delete(slugItems, pk)
		want := maps.Clone(it)
		delete(want, dynamo.AttrGSI1PK)
		delete(want, dynamo.AttrGSI1SK)
		want[dynamo.AttrPK] = &types.AttributeValueMemberS{Value: pk}
		want[dynamo.AttrSK] = &types.AttributeValueMemberS{Value: "SLUG"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("slug item %s differs from article %s:\n got %v\nwant %v", pk, str(it["id"]), got, want)
		}
		prev, _ := it["previousSlugs"].(*types.AttributeValueMemberL)
		if prev == nil {
			continue
		}
		for _, v := range prev.Value {
			pk := "SLUG#" + str(v)
			got, ok := slugItems[pk]
			if !ok {
				t.Errorf("article %s has no alias item %s", str(it["id"]), pk)
				continue
			}
			delete(slugItems, pk)
			want := map[string]types.AttributeValue{
				dynamo.AttrPK: &types.AttributeValueMemberS{Value: pk},
				dynamo.AttrSK: &types.AttributeValueMemberS{Value: "SLUG"},
				"id":          it["id"],
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("alias item %s of article %s:\n got %v\nwant %v", pk, str(it["id"]), got, want)
			}
		}
	}
	for pk := range slugItems {
		t.Errorf("stale slug item %s", pk)
	}
}

func slugArticle(id, slug string) article.Article {
	at := time.Date(2025, 12, 18, 9, 30, 0, 0, time.FixedZone("EET", 2*3600))
	return article.Article{
		ID: id, Slug: slug, Title: "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
		Lead: "Южна Корея и НАТО ще работят по общи проекти.", Body: "<p>Сеул и Алиансът се споразумяха.</p>",
		PublishedAt: at, CreatedAt: at, UpdatedAt: at, Status: article.StatusPublished,
		Section: "Свят", Tags: []string{"НАТО"}, Authors: []article.Author{{Name: "БТА"}},
		Image:   &article.Image{URL: "https://news.example.bg/img/nato.jpg", Credit: "Снимка: EPA/BGNES"},
		Version: 1,
	}
}

// TestGetBySlugOneRequest checks that a share page costs one round trip:
// GetBySlug is one GetItem for a live article, a draft, a tombstone and a
// slug nobody holds.
func TestGetBySlugOneRequest(t *testing.T) {
	r := openRaw(t)
	live := slugArticle("live", "yuzhna-koreya-i-nato")
	draft := slugArticle("draft", "chernova")
	draft.Status = article.StatusDraft
	gone := slugArticle("gone", "iztrita")
	for _, a := range []article.Article{live, draft, gone} {
		if err := r.store.Save(t.Context(), a, 0); err != nil {
			t.Fatalf("Save(%s) = %v", a.ID, err)
		}
	}
	tomb := gone.Tombstone(gone.UpdatedAt.Add(time.Hour))
	if err := r.store.Save(t.Context(), tomb, gone.Version); err != nil {
		t.Fatalf("Save(tombstone) = %v", err)
	}
	r.checkSlugItems(t)

	tests := []struct {
		name    string
		slug    string
		id      string // "" when the slug is free
		deleted bool
	}{
		{"live", live.Slug, "live", false},
		{"draft", draft.Slug, "draft", false},
		{"tombstone", gone.Slug, "gone", true},
		{"free slug", "nyama-takava", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r.trips.take()
			got, err := r.store.GetBySlug(t.Context(), tc.slug)
			if ops := r.trips.take(); !slices.Equal(ops, []string{"GetItem"}) {
				t.Errorf("GetBySlug(%q) sent %q, want one GetItem", tc.slug, ops)
			}
			if tc.id == "" {
				if !errors.Is(err, article.ErrNotFound) {
					t.Errorf("GetBySlug(%q) = %v, want ErrNotFound", tc.slug, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("GetBySlug(%q) = %v", tc.slug, err)
			}
			want, err := r.store.Get(t.Context(), tc.id)
			if err != nil {
				t.Fatalf("Get(%q) = %v", tc.id, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("GetBySlug(%q) =\n%+v\nwant Get(%q) =\n%+v", tc.slug, got, tc.id, want)
			}
			if got.Deleted != tc.deleted {
				t.Errorf("GetBySlug(%q).Deleted = %t, want %t", tc.slug, got.Deleted, tc.deleted)
			}
		})
	}
}

// TestSlugItemsFollowSaves checks that the slug item moves with the slug,
// leaving an alias item behind for each previous slug and no other, and
// mirrors the canonical item after every kind of save.
func TestSlugItemsFollowSaves(t *testing.T) {
	r := openRaw(t)
	a := slugArticle("a", "parvo")
	if err := r.store.Save(t.Context(), a, 0); err != nil {
		t.Fatal(err)
	}
	r.checkSlugItems(t)

	steps := []struct {
		name   string
		change func(*article.Article)
	}{
		{"title changes", func(a *article.Article) { a.Title = "Ново заглавие" }},
		{"slug changes", func(a *article.Article) { a.Slug = "vtoro" }},
		{"slug changes again", func(a *article.Article) { a.Slug = "treto" }},
		{"takes its first slug back", func(a *article.Article) { a.Slug = "parvo" }},
		{"slug changes once more", func(a *article.Article) { a.Slug = "chetvarto" }},
		{"becomes a draft", func(a *article.Article) { a.Status = article.StatusDraft }},
		{"is deleted", func(a *article.Article) { *a = a.Tombstone(a.UpdatedAt.Add(time.Hour)) }},
	}
	for _, step := range steps {
		prev := a.Version
		step.change(&a)
		a.Version = prev + 1
		if err := r.store.Save(t.Context(), a, prev); err != nil {
			t.Fatalf("%s: Save = %v", step.name, err)
		}
		t.Run(step.name, func(t *testing.T) {
			r.checkSlugItems(t)
			got, err := r.store.GetBySlug(t.Context(), a.Slug)
			if err != nil || got.Version != a.Version || got.Deleted != a.Deleted {
				t.Errorf("GetBySlug(%q) = version %d, deleted %t, %v; want version %d, deleted %t",
					a.Slug, got.Version, got.Deleted, err, a.Version, a.Deleted)
			}
		})
	}
	// A previous slug costs GetBySlug a second GetItem, through the alias.
	for _, old := range []string{"vtoro", "treto", "parvo"} {
		r.trips.take()
		got, err := r.store.GetBySlug(t.Context(), old)
		if err != nil || got.ID != "a" || got.Slug != "chetvarto" || !got.Deleted {
			t.Errorf("GetBySlug(old slug %q) = %q at %q (deleted %t), %v; want the tombstone of a at chetvarto",
				old, got.ID, got.Slug, got.Deleted, err)
		}
		if ops := r.trips.take(); !slices.Equal(ops, []string{"GetItem", "GetItem"}) {
			t.Errorf("GetBySlug(old slug %q) sent %q, want two GetItems", old, ops)
		}
	}
}

// TestGetBySlugOldLock checks a slug item written before slug items carried
// the article (pk, sk and id only): GetBySlug still finds the article, with
// a second read, and the article's next save upgrades the item.
func TestGetBySlugOldLock(t *testing.T) {
	r := openRaw(t)
	a := slugArticle("a", "staro")
	if err := r.store.Save(t.Context(), a, 0); err != nil {
		t.Fatal(err)
	}
	_, err := r.client.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(r.table), Item: map[string]types.AttributeValue{
		dynamo.AttrPK: &types.AttributeValueMemberS{Value: "SLUG#staro"},
		dynamo.AttrSK: &types.AttributeValueMemberS{Value: "SLUG"},
		"id":          &types.AttributeValueMemberS{Value: "a"},
	}})
	if err != nil {
		t.Fatal(err)
	}

	r.trips.take()
	got, err := r.store.GetBySlug(t.Context(), "staro")
	if err != nil || got.ID != "a" || got.Title != a.Title || got.Version != 1 {
		t.Fatalf("GetBySlug(old lock) = %q %q v%d, %v; want the article", got.ID, got.Title, got.Version, err)
	}
	if ops := r.trips.take(); !slices.Equal(ops, []string{"GetItem", "GetItem"}) {
		t.Errorf("GetBySlug(old lock) sent %q, want two GetItems", ops)
	}

	a.Title, a.Version = "Обновено", 2
	if err := r.store.Save(t.Context(), a, 1); err != nil {
		t.Fatalf("Save over the old lock = %v", err)
	}
	r.checkSlugItems(t)
	r.trips.take()
	if got, err := r.store.GetBySlug(t.Context(), "staro"); err != nil || got.Title != "Обновено" {
		t.Errorf("GetBySlug after the save = %q, %v; want the new title", got.Title, err)
	}
	if ops := r.trips.take(); !slices.Equal(ops, []string{"GetItem"}) {
		t.Errorf("GetBySlug after the save sent %q, want one GetItem", ops)
	}
}

// TestSlugTakenOwner checks that a save refused for a slug another article
// holds, as its slug or a previous one, names that article, and what it
// costs.
func TestSlugTakenNamesOwner(t *testing.T) {
	r := openRaw(t)
	a := slugArticle("a", "parvo")
	if err := r.store.Save(t.Context(), a, 0); err != nil {
		t.Fatal(err)
	}
	a.Slug, a.Version = "vtoro", 2
	if err := r.store.Save(t.Context(), a, 1); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"vtoro", "parvo"} {
		b := slugArticle("b", slug)
		r.trips.take()
		err := r.store.Save(t.Context(), b, 0)
		var taken *article.SlugTakenError
		if !errors.As(err, &taken) || taken.Owner != "a" || taken.Slug != slug {
			t.Errorf("Save(b at %q) = %v, want the slug taken by a", slug, err)
		}
		if ops := r.trips.take(); !slices.Equal(ops, []string{"GetItem", "TransactWriteItems"}) {
			t.Errorf("refused save at %q sent %q, want the pre-read and the transaction only", slug, ops)
		}
	}
}
