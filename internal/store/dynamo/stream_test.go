package dynamo

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/seed"
)

type image = map[string]events.DynamoDBAttributeValue

func str(v string) events.DynamoDBAttributeValue { return events.NewStringAttribute(v) }

func strList(vs ...string) events.DynamoDBAttributeValue {
	l := make([]events.DynamoDBAttributeValue, len(vs))
	for i, v := range vs {
		l[i] = str(v)
	}
	return events.NewListAttribute(l)
}

// articleImage is a published article's item as the stream carries it:
// section Свят, tags НАТО (twice, in two cases) and Южна Корея, author БТА.
func articleImage(status string) image {
	return image{
		"pk": str("ARTICLE#01"), "sk": str("ARTICLE"), "id": str("01"), "slug": str("yuzhna-koreya-i-nato"),
		"title": str("Южна Корея и НАТО"), "body": str(strings.Repeat("<p>Текст.</p>", 100)),
		"status": str(status), "section": str("Свят"),
		"tags": strList("НАТО", "Южна Корея", "нато"),
		"authors": events.NewListAttribute([]events.DynamoDBAttributeValue{events.NewMapAttribute(image{
			"name": str("БТА"), "url": str("https://news.example.bg/a/bta"),
		})}),
		"related":     events.NewNullAttribute(),
		"version":     events.NewNumberAttribute("3"),
		"publishedAt": str("2025-12-01T09:30:00+02:00"),
		"image":       events.NewMapAttribute(image{"url": str("https://news.example.bg/i.jpg"), "width": events.NewNumberAttribute("1200")}),
	}
}

func withAttr(m image, k string, v events.DynamoDBAttributeValue) image {
	out := make(image, len(m)+1)
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func tombstoneImage() image {
	return image{
		"pk": str("ARTICLE#01"), "sk": str("ARTICLE"), "id": str("01"), "slug": str("yuzhna-koreya-i-nato"),
		"status": str("published"), "deleted": events.NewBooleanAttribute(true),
		"tags": events.NewNullAttribute(), "authors": events.NewNullAttribute(),
		"version": events.NewNumberAttribute("4"),
	}
}

var articleKeys = image{"pk": str("ARTICLE#01"), "sk": str("ARTICLE")}

// feedIDs names feeds by kind and slug, the identity notify pings by.
func feedIDs(ks []article.FeedKey) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.String())
	}
	return out
}

func TestStreamFeeds(t *testing.T) {
	all := []string{"site", "section/svyat", "tag/nato", "tag/yuzhna-koreya", "author/bta"}
	tests := []struct {
		name      string
		keys      image
		old, cur  image
		wantOK    bool
		wantOld   []string
		wantCur   []string
		wantError string
	}{
		{name: "insert of a published article", keys: articleKeys, cur: articleImage("published"),
			wantOK: true, wantCur: all},
		{name: "insert of a draft", keys: articleKeys, cur: articleImage("draft"), wantOK: true},
		{name: "publishing a draft", keys: articleKeys, old: articleImage("draft"), cur: articleImage("published"),
			wantOK: true, wantCur: all},
		{name: "moving section", keys: articleKeys, old: articleImage("published"),
			cur:    withAttr(articleImage("published"), "section", str("България")),
			wantOK: true, wantOld: all,
			wantCur: []string{"site", "section/bulgaria", "tag/nato", "tag/yuzhna-koreya", "author/bta"}},
		{name: "no section, no tags, no authors", keys: articleKeys, old: nil,
			cur: withAttr(withAttr(withAttr(articleImage("published"), "section", str("")),
				"tags", events.NewNullAttribute()), "authors", events.NewListAttribute(nil)),
			wantOK: true, wantCur: []string{"site"}},
		{name: "missing feed attributes", keys: articleKeys,
			cur:    image{"pk": str("ARTICLE#01"), "sk": str("ARTICLE"), "status": str("published")},
			wantOK: true, wantCur: []string{"site"}},
		{name: "insert of a scheduled (pending) article", keys: articleKeys,
			cur: withAttr(articleImage("published"), "pending", events.NewBooleanAttribute(true)), wantOK: true},
		{name: "edit of a pending article", keys: articleKeys,
			old: withAttr(articleImage("published"), "pending", events.NewBooleanAttribute(true)),
			cur: withAttr(articleImage("published"), "pending", events.NewBooleanAttribute(true)), wantOK: true},
		{name: "release", keys: articleKeys,
			old: withAttr(articleImage("published"), "pending", events.NewBooleanAttribute(true)),
			cur: articleImage("published"), wantOK: true, wantCur: all},
		{name: "rescheduling a live article", keys: articleKeys, old: articleImage("published"),
			cur: withAttr(articleImage("published"), "pending", events.NewBooleanAttribute(true)), wantOK: true, wantOld: all},
		{name: "deletion (tombstone)", keys: articleKeys, old: articleImage("published"), cur: tombstoneImage(),
			wantOK: true, wantOld: all},
		{name: "remove", keys: articleKeys, old: articleImage("published"), wantOK: true, wantOld: all},
		{name: "empty images", keys: articleKeys, old: image{}, cur: image{}, wantOK: true},
		{name: "attributes other than the feed's are not read", keys: articleKeys,
			cur:    withAttr(withAttr(articleImage("published"), "publishedAt", str("not a time")), "commentCount", str("many")),
			wantOK: true, wantCur: all},
		{name: "feed entry", keys: image{"pk": str("ARTICLE#01"), "sk": str("FEED#site")},
			cur: withAttr(articleImage("published"), "sk", str("FEED#site"))},
		{name: "share counters", keys: image{"pk": str("ARTICLE#01"), "sk": str("SHARES")},
			old: image{"facebook": events.NewNumberAttribute("1")}, cur: image{"facebook": events.NewNumberAttribute("2")}},
		{name: "feed head", keys: image{"pk": str("HEAD#site"), "sk": str("HEAD")}, cur: image{"rev": events.NewNumberAttribute("2")}},
		{name: "slug item", keys: image{"pk": str("SLUG#x"), "sk": str("SLUG")}, cur: articleImage("published")},
		{name: "sort key not a string", keys: image{"pk": str("ARTICLE#01"), "sk": events.NewNumberAttribute("1")},
			cur: articleImage("published")},
		{name: "no sort key", keys: image{"pk": str("ARTICLE#01")}, cur: articleImage("published")},
		{name: "tags of the wrong type", keys: articleKeys, old: articleImage("published"),
			cur:    withAttr(articleImage("published"), "tags", events.NewNumberAttribute("7")),
			wantOK: true, wantError: "new image"},
		{name: "status of the wrong type", keys: articleKeys,
			old:    withAttr(articleImage("published"), "status", events.NewBooleanAttribute(true)),
			wantOK: true, wantError: "old image"},
		{name: "author of the wrong type", keys: articleKeys,
			cur:    withAttr(articleImage("published"), "authors", strList("БТА")),
			wantOK: true, wantError: "new image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := events.DynamoDBStreamRecord{Keys: tt.keys, OldImage: tt.old, NewImage: tt.cur}
			old, cur, ok, err := StreamFeeds(&r)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("error = %v, want one about the %s", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got := feedIDs(old); !slices.Equal(got, tt.wantOld) {
				t.Errorf("old feeds = %q, want %q", got, tt.wantOld)
			}
			if got := feedIDs(cur); !slices.Equal(got, tt.wantCur) {
				t.Errorf("new feeds = %q, want %q", got, tt.wantCur)
			}
		})
	}
}

// TestStreamFeedsReadsWhatSaveWrites encodes articles as Save does and
// converts the items as Lambda delivers stream images: the feeds read back
// are the article's own, with their names.
func TestStreamFeedsReadsWhatSaveWrites(t *testing.T) {
	type named struct {
		name string
		a    article.Article
	}
	var cases []named
	for _, a := range seed.Articles("https://news.example.bg") {
		cases = append(cases, named{a.ID + " " + string(a.Status), a})
	}
	first := cases[0].a
	cases = append(cases, named{"tombstone", first.Tombstone(time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC))})
	noSection := first
	noSection.Section, noSection.Tags = "", []string{"НАТО", "нато", "  "}
	cases = append(cases, named{"no section, a tag twice, a blank tag", noSection})
	for _, c := range cases {
		a := c.a
		t.Run(c.name, func(t *testing.T) {
			m, err := attributevalue.MarshalMap(toItem(&a))
			if err != nil {
				t.Fatal(err)
			}
			img := toStreamImage(m)
			keys := image{AttrPK: img[AttrPK], AttrSK: img[AttrSK]}
			old, cur, ok, err := StreamFeeds(&events.DynamoDBStreamRecord{Keys: keys, OldImage: img, NewImage: img})
			if !ok || err != nil {
				t.Fatalf("ok = %v, error = %v", ok, err)
			}
			want := a.Feeds()
			for _, got := range [][]article.FeedKey{old, cur} {
				if !slices.Equal(got, want) {
					t.Errorf("feeds = %v, want %v", got, want)
				}
			}
		})
	}
}

// TestFeedAttrsAreItemAttributes holds feedAttrs and pathAttrs to item's names.
func TestFeedAttrsAreItemAttributes(t *testing.T) {
	names := map[string]bool{}
	typ := reflect.TypeFor[item]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("dynamodbav"), ",")
		names[name] = true
	}
	for _, a := range append(slices.Clip(feedAttrs), pathAttrs...) {
		if !names[a] {
			t.Errorf("feedAttrs has %q, which item does not", a)
		}
	}
}

// toStreamImage converts the SDK's attribute values to the Lambda event's.
func toStreamImage(m map[string]types.AttributeValue) image {
	out := make(image, len(m))
	for k, v := range m {
		out[k] = toStreamValue(v)
	}
	return out
}

func toStreamValue(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = toStreamValue(e)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(toStreamImage(v.Value))
	}
	return events.NewNullAttribute()
}

// TestStreamArticlesReadsTheAddresses: the ID, slugs and status a notifier
// needs for the share paths come back from an item as
// Save writes it, a pending article's image is nil, and so is a missing one.
func TestStreamArticlesReadsTheAddresses(t *testing.T) {
	a := seed.Articles("https://news.example.bg")[0]
	a.PreviousSlugs = []string{"staro-ime", "oshte-po-staro"}
	a.Version = 7
	m, err := attributevalue.MarshalMap(toItem(&a))
	if err != nil {
		t.Fatal(err)
	}
	img := toStreamImage(m)
	keys := image{AttrPK: img[AttrPK], AttrSK: img[AttrSK]}
	old, cur, ok, err := StreamArticles(&events.DynamoDBStreamRecord{Keys: keys, NewImage: img})
	if !ok || err != nil || old != nil || cur == nil {
		t.Fatalf("StreamArticles = %v, %v, %v, %v; want no old image and the new one", old, cur, ok, err)
	}
	if cur.ID != a.ID || cur.Slug != a.Slug || !slices.Equal(cur.PreviousSlugs, a.PreviousSlugs) || cur.Status != a.Status {
		t.Errorf("decoded %+v, want the ID, slugs and status of %+v", *cur, a)
	}
	if cur.Body != "" || cur.Title != "" || cur.Version != 0 {
		t.Errorf("body or title decoded (%q, %q): only the address attributes should be", cur.Body, cur.Title)
	}
	m[attrPending] = &types.AttributeValueMemberBOOL{Value: true}
	pending := toStreamImage(m)
	old, cur, ok, err = StreamArticles(&events.DynamoDBStreamRecord{Keys: keys, OldImage: img, NewImage: pending})
	if !ok || err != nil || old == nil || cur != nil {
		t.Errorf("pending new image: StreamArticles = %v, %v, %v, %v; want the old article and nil", old, cur, ok, err)
	}
}
