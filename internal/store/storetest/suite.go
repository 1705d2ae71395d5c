// Package storetest is the one conformance suite every article store runs:
// the bolt store on a temporary file and the DynamoDB store against
// moto_server both call Run, so the two cannot drift apart.
//
// The suite checks behaviour through the Store interface only. It assumes
// read-after-write consistency, which bbolt and moto give; real DynamoDB
// does not for eventually consistent reads and index queries, so the suite
// is not meant to run against a live AWS table.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Store is every method a store offers: newsroom.Store for the admin
// service, ListFeed and FeedHead for feeds, and the share counters.
type Store interface {
	Get(ctx context.Context, id string) (article.Article, error)
	GetBySlug(ctx context.Context, slug string) (article.Article, error)
	Save(ctx context.Context, a article.Article, prev int64) error
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
	ListFeed(ctx context.Context, key article.FeedKey, opts article.ListOptions) (article.Page, error)
	FeedHead(ctx context.Context, key article.FeedKey) (article.FeedHead, error)
	IncrementShare(ctx context.Context, id, network string) error
	ShareCounts(ctx context.Context, id string) (map[string]int64, error)
	Release(ctx context.Context, now time.Time) ([]article.Article, error)
}

// Run runs the suite. open must return an empty store that lives until t
// ends (close it in t.Cleanup); it is called once per subtest, and the
// subtests run in parallel.
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"Versions", testVersions},
		{"SlugUniqueness", testSlugUniqueness},
		{"SlugChange", testSlugChange},
		{"SlugHistory", testSlugHistory},
		{"SlugHistoryBound", testSlugHistoryBound},
		{"Tombstone", testTombstone},
		{"Drafts", testDrafts},
		{"FeedMembership", testFeedMembership},
		{"Ordering", testOrdering},
		{"Paging", testPaging},
		{"FeedHeads", testFeedHeads},
		{"Scheduling", testScheduling},
		{"SchedulingChanges", testSchedulingChanges},
		{"Shares", testShares},
		{"ConcurrentShares", testConcurrentShares},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ConcurrentCreates", testConcurrentCreates},
		{"ConcurrentSameFeed", testConcurrentSameFeed},
		{"LargestArticle", testLargestArticle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, open(t))
		})
	}
}
