package storetest

import (
	"testing"

	"github.com/newsdesk/syndicate/internal/article"
)

// BenchFeedHead measures the conditional-request path: reading one feed
// head of a section with 100 articles.
func BenchFeedHead(b *testing.B, s Store) {
	seedSection(b, s, 100)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.FeedHead(b.Context(), economyFeed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchListFeed20 measures a feed page of 20 articles with ordinary
// bodies, the work behind every uncached feed request.
func BenchListFeed20(b *testing.B, s Store) {
	seedSection(b, s, 100)
	b.ResetTimer()
	for b.Loop() {
		p, err := s.ListFeed(b.Context(), economyFeed, article.ListOptions{Limit: 20})
		if err != nil || len(p.Articles) != 20 {
			b.Fatalf("ListFeed = %d articles, %v", len(p.Articles), err)
		}
	}
}
