package dynamo

import (
	"fmt"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// item is the wire form of an article: the canonical item and every feed
// entry. It is kept apart from article.Article so the domain type carries no
// DynamoDB tags and the table can evolve on its own. Key attributes that do
// not apply are omitted: an empty string may not be an index key.
type item struct {
	PK       string `dynamodbav:"pk"`
	SK       string `dynamodbav:"sk"`
	GSI1PK   string `dynamodbav:"gsi1pk,omitempty"`
	GSI1SK   string `dynamodbav:"gsi1sk,omitempty"`
	Feed     string `dynamodbav:"feed,omitempty"`
	FeedSort string `dynamodbav:"feedSort,omitempty"`

	ID    string `dynamodbav:"id"`
	Slug  string `dynamodbav:"slug"`
	Title string `dynamodbav:"title"`
	Lead  string `dynamodbav:"lead,omitempty"`
	Body  string `dynamodbav:"body,omitempty"`
	URL   string `dynamodbav:"url,omitempty"`
	// Times are RFC 3339 with nanoseconds and the original offset, so an
	// article reads back as it was written; "" is the zero time.
	PublishedAt  string       `dynamodbav:"publishedAt,omitempty"`
	UpdatedAt    string       `dynamodbav:"updatedAt,omitempty"`
	CreatedAt    string       `dynamodbav:"createdAt,omitempty"`
	Authors      []authorItem `dynamodbav:"authors"`
	Source       string       `dynamodbav:"source,omitempty"`
	Section      string       `dynamodbav:"section,omitempty"`
	Tags         []string     `dynamodbav:"tags"`
	Image        *imageItem   `dynamodbav:"image,omitempty"`
	Language     string       `dynamodbav:"language,omitempty"`
	Status       string       `dynamodbav:"status,omitempty"`
	CommentCount int          `dynamodbav:"commentCount,omitempty"`
	Related      []string     `dynamodbav:"related"`
	Version      int64        `dynamodbav:"version"`
	Deleted      bool         `dynamodbav:"deleted,omitempty"`
	// Only in the canonical item and the current slug item: feed entries
	// leave it out (attrPreviousSlugs).
	PreviousSlugs []string `dynamodbav:"previousSlugs,omitempty"`
	// Pending marks the canonical item of a scheduled article not yet
	// released (see Release): store bookkeeping, not part of the article.
	Pending bool `dynamodbav:"pending,omitempty"`
}

type authorItem struct {
	Name      string `dynamodbav:"name"`
	URL       string `dynamodbav:"url,omitempty"`
	Fediverse string `dynamodbav:"fediverse,omitempty"`
}

type imageItem struct {
	URL    string `dynamodbav:"url"`
	Width  int    `dynamodbav:"width,omitempty"`
	Height int    `dynamodbav:"height,omitempty"`
	Alt    string `dynamodbav:"alt,omitempty"`
	Credit string `dynamodbav:"credit,omitempty"`
}

// headItem is the wire form of a feed head.
type headItem struct {
	Rev       int64  `dynamodbav:"rev"`
	UpdatedAt string `dynamodbav:"updatedAt"`
	Name      string `dynamodbav:"name"`
}

func articlePK(id string) string { return prefixArticle + id }
func slugPK(slug string) string  { return prefixSlug + slug }
func headPK(feed string) string  { return prefixHead + feed }
func feedSK(feed string) string  { return prefixFeed + feed }

// toItem maps an article to its canonical item, without the admin index
// keys, which the caller sets for live articles.
func toItem(a *article.Article) item {
	it := item{
		PK: articlePK(a.ID), SK: skArticle,
		ID: a.ID, Slug: a.Slug, Title: a.Title, Lead: a.Lead, Body: a.Body, URL: a.URL,
		PublishedAt: formatTime(a.PublishedAt), UpdatedAt: formatTime(a.UpdatedAt), CreatedAt: formatTime(a.CreatedAt),
		Source: a.Source, Section: a.Section, Tags: a.Tags, Language: a.Language,
		Status: string(a.Status), CommentCount: a.CommentCount, Related: a.Related,
		Version: a.Version, Deleted: a.Deleted, PreviousSlugs: a.PreviousSlugs,
	}
	if a.Authors != nil {
		it.Authors = make([]authorItem, len(a.Authors))
		for i, au := range a.Authors {
			it.Authors[i] = authorItem(au)
		}
	}
	if a.Image != nil {
		img := imageItem(*a.Image)
		it.Image = &img
	}
	return it
}

func (it *item) article() (article.Article, error) {
	a := article.Article{
		ID: it.ID, Slug: it.Slug, Title: it.Title, Lead: it.Lead, Body: it.Body, URL: it.URL,
		Source: it.Source, Section: it.Section, Tags: it.Tags, Language: it.Language,
		Status: article.Status(it.Status), CommentCount: it.CommentCount, Related: it.Related,
		Version: it.Version, Deleted: it.Deleted, PreviousSlugs: it.PreviousSlugs,
	}
	var err error
	if a.PublishedAt, err = parseTime(it.PublishedAt); err != nil {
		return article.Article{}, fmt.Errorf("publishedAt: %w", err)
	}
	if a.UpdatedAt, err = parseTime(it.UpdatedAt); err != nil {
		return article.Article{}, fmt.Errorf("updatedAt: %w", err)
	}
	if a.CreatedAt, err = parseTime(it.CreatedAt); err != nil {
		return article.Article{}, fmt.Errorf("createdAt: %w", err)
	}
	if it.Authors != nil {
		a.Authors = make([]article.Author, len(it.Authors))
		for i, au := range it.Authors {
			a.Authors[i] = article.Author(au)
		}
	}
	if it.Image != nil {
		img := article.Image(*it.Image)
		a.Image = &img
	}
	return a, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
