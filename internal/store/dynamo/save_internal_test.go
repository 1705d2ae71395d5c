package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/newsdesk/syndicate/internal/article"
)

// fakeDynamo answers DynamoDB requests with canned responses, for the
// failures moto cannot produce: transaction conflicts, throttling, 5xx and
// network errors.
type fakeDynamo struct {
	mu       sync.Mutex
	answer   func(target string, n int) (status int, body string, err error)
	calls    map[string]int
	requests []map[string]any
}

func (f *fakeDynamo) Do(r *http.Request) (*http.Response, error) {
	target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "DynamoDB_20120810.")
	raw, _ := io.ReadAll(r.Body)
	var req map[string]any
	_ = json.Unmarshal(raw, &req)
	f.mu.Lock()
	f.calls[target]++
	n := f.calls[target]
	f.requests = append(f.requests, req)
	f.mu.Unlock()
	status, body, err := f.answer(target, n)
	if err != nil {
		return nil, err
	}
	return &http.Response{
		StatusCode: status,
		Header:     http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:       io.NopCloser(strings.NewReader(body)),
		Request:    r,
	}, nil
}

func fakeStore(t *testing.T, answer func(target string, n int) (int, string, error), opts ...Option) (*Store, *fakeDynamo) {
	f := &fakeDynamo{answer: answer, calls: map[string]int{}}
	client := dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://dynamodb.invalid"),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:   f,
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 2
			o.Backoff = retry.NewExponentialJitterBackoff(5 * time.Millisecond)
			o.RateLimiter = ratelimit.None
		}),
	})
	return New(client, "t", opts...), f
}

func canceled(codes ...string) string {
	reasons := make([]string, len(codes))
	for i, c := range codes {
		reasons[i] = fmt.Sprintf(`{"Code":%q}`, c)
	}
	return `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled","CancellationReasons":[` + strings.Join(reasons, ",") + `]}`
}

func testArticle() article.Article {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	return article.Article{ID: "a", Slug: "a", Title: "А", PublishedAt: at, CreatedAt: at, UpdatedAt: at,
		Status: article.StatusPublished, Section: "Свят", Version: 1}
}

func TestSaveCancellation(t *testing.T) {
	tests := []struct {
		name    string
		answers []string // TransactWriteItems answers in turn; "" is success
		want    error
		calls   int
	}{
		{"version condition", []string{canceled("ConditionalCheckFailed", "None", "None")}, article.ErrVersionMismatch, 1},
		{"version and slug conditions", []string{canceled("ConditionalCheckFailed", "ConditionalCheckFailed")}, article.ErrVersionMismatch, 1},
		{"slug condition", []string{canceled("None", "ConditionalCheckFailed", "None")}, article.ErrConflict, 1},
		{"conflict, then success", []string{canceled("None", "None", "TransactionConflict"), canceled("TransactionConflict"), ""}, nil, 3},
		{"conflict, then version condition", []string{canceled("None", "None", "TransactionConflict"), canceled("ConditionalCheckFailed")}, article.ErrVersionMismatch, 2},
		{"endless conflict", []string{canceled("TransactionConflict")}, article.ErrUnavailable, conflictRetries + 1},
		{"throttled item", []string{canceled("None", "ThrottlingError")}, article.ErrUnavailable, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, f := fakeStore(t, func(target string, n int) (int, string, error) {
				switch target {
				case "GetItem":
					return 200, `{}`, nil
				case "TransactWriteItems":
					a := tc.answers[min(n, len(tc.answers))-1]
					if a == "" {
						return 200, `{}`, nil
					}
					return 400, a, nil
				}
				return 400, `{"__type":"ValidationException"}`, nil
			})
			err := s.Save(t.Context(), testArticle(), 0)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Save = %v, want %v", err, tc.want)
			}
			if got := f.calls["TransactWriteItems"]; got != tc.calls {
				t.Errorf("TransactWriteItems sent %d times, want %d", got, tc.calls)
			}
			tokens := map[any]bool{}
			for _, r := range f.requests {
				if tok, ok := r["ClientRequestToken"]; ok {
					tokens[tok] = true
				}
			}
			if len(tokens) != tc.calls {
				t.Errorf("%d distinct ClientRequestTokens over %d attempts, want one each", len(tokens), tc.calls)
			}
		})
	}
}

// TestSlugTakenOwner checks how a refused slug names its holder: from the
// item the failed condition returns (ReturnValuesOnConditionCheckFailure,
// which DynamoDB and moto honour), or, when a reason comes without it, from
// one more read of the slug item.
func TestSlugTakenOwner(t *testing.T) {
	const slugItem = `{"Item":{"pk":{"S":"SLUG#a"},"sk":{"S":"SLUG"},"id":{"S":"holder"}}}`
	withItem := `{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled","CancellationReasons":[` +
		`{"Code":"None"},{"Code":"ConditionalCheckFailed","Item":{"pk":{"S":"SLUG#a"},"sk":{"S":"SLUG"},"id":{"S":"holder"}}},{"Code":"None"}]}`
	tests := []struct {
		name     string
		canceled string
		getItems int
	}{
		{"item in the reason", withItem, 1},
		{"reason without the item", canceled("None", "ConditionalCheckFailed", "None"), 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, f := fakeStore(t, func(target string, n int) (int, string, error) {
				switch {
				case target == "GetItem" && n == 1:
					return 200, `{}`, nil // the pre-read: a new article
				case target == "GetItem":
					return 200, slugItem, nil
				case target == "TransactWriteItems":
					return 400, tc.canceled, nil
				}
				return 400, `{"__type":"ValidationException"}`, nil
			})
			err := s.Save(t.Context(), testArticle(), 0)
			var taken *article.SlugTakenError
			if !errors.As(err, &taken) || taken.Slug != "a" || taken.Owner != "holder" || !errors.Is(err, article.ErrConflict) {
				t.Errorf("Save = %v, want slug \"a\" taken by \"holder\"", err)
			}
			if got := f.calls["GetItem"]; got != tc.getItems {
				t.Errorf("%d GetItems, want %d", got, tc.getItems)
			}
			for _, r := range f.requests {
				items, _ := r["TransactItems"].([]any)
				if len(items) < 2 {
					continue
				}
				put, _ := items[posSlug].(map[string]any)["Put"].(map[string]any)
				if got := put["ReturnValuesOnConditionCheckFailure"]; got != "ALL_OLD" {
					t.Errorf("slug Put ReturnValuesOnConditionCheckFailure = %v, want ALL_OLD", got)
				}
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		body        string
		netErr      error
		unavailable bool
	}{
		{"throttled", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}`, nil, true},
		{"provisioned throughput", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"}`, nil, true},
		{"server error", 500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"}`, nil, true},
		{"bad gateway without body", 502, ``, nil, true},
		{"network", 0, ``, errors.New("connection refused"), true},
		{"missing table", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no table"}`, nil, false},
		{"validation", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException"}`, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := fakeStore(t, func(string, int) (int, string, error) { return tc.status, tc.body, tc.netErr })
			calls := map[string]func() error{
				"Get":            func() error { _, err := s.Get(t.Context(), "a"); return err },
				"GetBySlug":      func() error { _, err := s.GetBySlug(t.Context(), "a"); return err },
				"Save":           func() error { return s.Save(t.Context(), testArticle(), 0) },
				"List":           func() error { _, err := s.List(t.Context(), article.ListOptions{}); return err },
				"ListFeed":       func() error { _, err := s.ListFeed(t.Context(), article.SiteFeed, article.ListOptions{}); return err },
				"FeedHead":       func() error { _, err := s.FeedHead(t.Context(), article.SiteFeed); return err },
				"IncrementShare": func() error { return s.IncrementShare(t.Context(), "a", "x") },
				"ShareCounts":    func() error { _, err := s.ShareCounts(t.Context(), "a"); return err },
			}
			for name, call := range calls {
				err := call()
				switch {
				case err == nil:
					t.Errorf("%s = nil error", name)
				case errors.Is(err, article.ErrUnavailable) != tc.unavailable:
					t.Errorf("%s = %v; wraps ErrUnavailable: %t, want %t", name, err, !tc.unavailable, tc.unavailable)
				case errors.Is(err, article.ErrNotFound):
					t.Errorf("%s = %v, must not wrap ErrNotFound", name, err)
				case !strings.HasPrefix(err.Error(), "dynamo: "):
					t.Errorf("%s = %v, want the dynamo: prefix", name, err)
				}
			}
		})
	}
}

func TestConsistentReads(t *testing.T) {
	for _, consistent := range []bool{false, true} {
		var opts []Option
		if consistent {
			opts = append(opts, WithConsistentReads())
		}
		s, f := fakeStore(t, func(string, int) (int, string, error) { return 200, `{}`, nil }, opts...)
		_, _ = s.Get(context.Background(), "a")
		_, _ = s.FeedHead(context.Background(), article.SiteFeed)
		_ = s.Save(context.Background(), testArticle(), 0)
		for i, r := range f.requests[:3] {
			want := consistent
			if i == 2 {
				want = true // Save's pre-read is always strongly consistent.
			}
			if got, _ := r["ConsistentRead"].(bool); got != want {
				t.Errorf("consistent=%t: request %d ConsistentRead = %t, want %t", consistent, i, got, want)
			}
			if got := r["ReturnConsumedCapacity"]; got != "TOTAL" {
				t.Errorf("request %d ReturnConsumedCapacity = %v, want TOTAL", i, got)
			}
		}
	}
}

func TestSaveItemLimit(t *testing.T) {
	s := New(nil, "t")
	old, a := testArticle(), testArticle()
	for i := 0; i < 40; i++ {
		old.Tags = append(old.Tags, fmt.Sprintf("стар %d", i))
		a.Tags = append(a.Tags, fmt.Sprintf("нов %d", i))
	}
	a.Version = 2
	_, err := s.saveItems(&a, &old, 1)
	if err == nil || !strings.Contains(err.Error(), "more than the 100") {
		t.Errorf("saveItems(40 tags out, 40 in) = %v, want the transaction limit error", err)
	}

	// The largest save package article allows: every tag, author, the
	// section and the slug change.
	old, a = testArticle(), testArticle()
	for i := 0; i < article.MaxTags; i++ {
		old.Tags = append(old.Tags, fmt.Sprintf("стар %d", i))
		a.Tags = append(a.Tags, fmt.Sprintf("нов %d", i))
	}
	for i := 0; i < article.MaxAuthors; i++ {
		old.Authors = append(old.Authors, article.Author{Name: fmt.Sprintf("Стар %d", i)})
		a.Authors = append(a.Authors, article.Author{Name: fmt.Sprintf("Нов %d", i)})
	}
	a.Section, a.Slug, a.Version = "Спорт", "b", 2
	items, err := s.saveItems(&a, &old, 1)
	if err != nil {
		t.Fatalf("saveItems(largest move) = %v", err)
	}
	if len(items) > maxTransactItems {
		t.Errorf("largest move needs %d items", len(items))
	}
	t.Logf("largest move: %d of %d transaction items", len(items), maxTransactItems)
}

// itemSize is an item's size as DynamoDB counts it against the 400 KB item
// and 4 MB transaction limits: attribute names plus values, strings in
// UTF-8 bytes, 3 bytes per list or map plus 1 per element, numbers at most
// 21 bytes.
func itemSize(av map[string]types.AttributeValue) int {
	n := 0
	for name, v := range av {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return 21
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		return 3 + len(v.Value) + itemSize(v.Value)
	}
	panic(fmt.Sprintf("itemSize: unhandled attribute type %T", v))
}

// transactionSize sums the items a Save transaction writes in full (its
// Puts) and the keys of its Deletes and Updates.
func transactionSize(items []types.TransactWriteItem) (total, largest int) {
	for _, it := range items {
		var n int
		switch {
		case it.Put != nil:
			n = itemSize(it.Put.Item)
		case it.Delete != nil:
			n = itemSize(it.Delete.Key)
		case it.Update != nil:
			n = itemSize(it.Update.Key) + 64 // rev, updatedAt, name
		}
		total += n
		largest = max(largest, n)
	}
	return total, largest
}

// largestArticle is an article at every limit of package article, its
// rune-limited text made of r: 'ж' (2 bytes, the Bulgarian case) or '😀'
// (4 bytes, the worst case).
func largestArticle(round string, r rune) article.Article {
	text := func(n int) string { return strings.Repeat(string(r), n) }
	url := "https://news.example.bg/" + strings.Repeat("u", article.MaxURLBytes-len("https://news.example.bg/"))
	a := testArticle()
	a.Slug = "golyama-" + strings.ToLower(round)
	a.Title, a.Lead = text(article.MaxTitleRunes), text(article.MaxLeadRunes)
	a.Body = strings.Repeat("ж", article.MaxBodyBytes/2)
	a.URL, a.Source = url, text(article.MaxSourceRunes)
	a.Section = round + text(article.MaxSectionRunes-1)
	for i := range article.MaxTags {
		a.Tags = append(a.Tags, fmt.Sprintf("%s%d", round, i)+text(article.MaxTagRunes-3))
	}
	for i := range article.MaxAuthors {
		a.Authors = append(a.Authors, article.Author{Name: fmt.Sprintf("%s%d", round, i) + text(article.MaxNameRunes-3), URL: url})
	}
	for i := range article.MaxRelated {
		a.Related = append(a.Related, fmt.Sprintf("%064d", i))
	}
	a.Image = &article.Image{URL: url, Width: article.MaxImageSide, Height: article.MaxImageSide,
		Alt: text(article.MaxAltRunes), Credit: text(article.MaxCreditRunes)}
	a.CommentCount = 1 << 40
	// Every field at its own limit is more than all of them may be
	// together: shorten the body until the article is exactly at
	// article.MaxArticleBytes, the largest one Validate accepts.
	if over := article.TextBytes(&a) - article.MaxArticleBytes; over > 0 {
		a.Body = a.Body[:len(a.Body)-(over+1)/2*2]
	}
	return a
}

// TestSaveSizeBudget measures the largest Save transaction, with the slug
// item's full copy of the article: every feed but the site changes and so
// does the slug, for the largest article Validate accepts. Whatever the
// characters, it must fit DynamoDB's 4 MB.
func TestSaveSizeBudget(t *testing.T) {
	const maxItem, maxTransaction = 400 << 10, 4 << 20
	s := New(nil, "t")
	for _, tc := range []struct {
		name string
		r    rune
	}{
		{"Cyrillic", 'ж'},
		{"4-byte runes", '😀'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, a := largestArticle("A", tc.r), largestArticle("B", tc.r)
			a.Version = 2
			// The longest history there may be after this rename, of the
			// longest slugs: it is in the canonical and the slug item.
			for i := range article.MaxPreviousSlugs - 1 {
				s := fmt.Sprintf("ime-%03d-", i)
				old.PreviousSlugs = append(old.PreviousSlugs, s+strings.Repeat("x", 128-len(s)))
			}
			if err := article.Validate(&a); err != nil {
				t.Fatalf("fixture is invalid: %v", err)
			}
			items, err := s.saveItems(&a, &old, 1)
			if err != nil {
				t.Fatal(err)
			}
			total, largest := transactionSize(items)
			t.Logf("%d items, %d bytes (%.2f MiB), largest item %d bytes", len(items), total, float64(total)/(1<<20), largest)
			if largest > maxItem {
				t.Errorf("largest item is %d bytes, over DynamoDB's %d", largest, maxItem)
			}
			if total > maxTransaction {
				t.Errorf("transaction is %d bytes, over DynamoDB's %d", total, maxTransaction)
			}
		})
	}
}

// TestRenameCost checks that a rename writes one item more than a save
// that keeps the slug (the alias of the slug it leaves), however long the
// history, and logs the bytes each costs.
func TestRenameCost(t *testing.T) {
	s := New(nil, "t")
	measure := func(name string, history int, newSlug string) int {
		t.Helper()
		old := testArticle()
		old.Slug = "yuzhna-koreya-i-nato-se-sporazumyaha"
		for i := range history {
			old.PreviousSlugs = append(old.PreviousSlugs, fmt.Sprintf("%s-%d", old.Slug, i))
		}
		a := old
		a.Slug, a.Version = newSlug, 2
		items, err := s.saveItems(&a, &old, 1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		total, _ := transactionSize(items)
		t.Logf("%s: %d items, %d bytes", name, len(items), total)
		return len(items)
	}
	same := measure("edit keeping the slug", 0, "yuzhna-koreya-i-nato-se-sporazumyaha")
	first := measure("first rename", 0, "yuzhna-koreya-i-nato-podpisaha")
	later := measure("rename after 10 renames", 10, "yuzhna-koreya-i-nato-podpisaha")
	if first != same+1 || later != same+1 {
		t.Errorf("a rename writes %d and %d items (first, after 10), want %d: one alias more than %d", first, later, same+1, same)
	}
}
