package bolt

import (
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// record is the stored form of an article. It is kept apart from
// article.Article, whose JSON names are the admin API's contract, so that
// the API can change its JSON without changing the files on disk.
type record struct {
	ID           string         `json:"id"`
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	Lead         string         `json:"lead,omitempty"`
	Body         string         `json:"body,omitempty"`
	URL          string         `json:"url,omitempty"`
	PublishedAt  time.Time      `json:"publishedAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
	CreatedAt    time.Time      `json:"createdAt"`
	Authors      []authorRecord `json:"authors"`
	Source       string         `json:"source,omitempty"`
	Section      string         `json:"section,omitempty"`
	Tags         []string       `json:"tags"`
	Image        *imageRecord   `json:"image,omitempty"`
	Language     string         `json:"language,omitempty"`
	Status       string         `json:"status,omitempty"`
	CommentCount int            `json:"commentCount,omitempty"`
	Related      []string       `json:"related"`
	Version      int64          `json:"version"`
	Deleted      bool           `json:"deleted,omitempty"`
	// Oldest first; absent until the article's first rename.
	PreviousSlugs []string `json:"previousSlugs,omitempty"`
	// Pending marks a scheduled article the store has not released yet
	// (see Release); it is store bookkeeping, not part of the article.
	Pending bool `json:"pending,omitempty"`
}

type authorRecord struct {
	Name      string `json:"name"`
	URL       string `json:"url,omitempty"`
	Fediverse string `json:"fediverse,omitempty"`
}

type imageRecord struct {
	URL    string `json:"url"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Alt    string `json:"alt,omitempty"`
	Credit string `json:"credit,omitempty"`
}

func toRecord(a *article.Article) record {
	r := record{
		ID: a.ID, Slug: a.Slug, Title: a.Title, Lead: a.Lead, Body: a.Body, URL: a.URL,
		PublishedAt: a.PublishedAt, UpdatedAt: a.UpdatedAt, CreatedAt: a.CreatedAt,
		Source: a.Source, Section: a.Section, Tags: a.Tags, Language: a.Language,
		Status: string(a.Status), CommentCount: a.CommentCount, Related: a.Related,
		Version: a.Version, Deleted: a.Deleted, PreviousSlugs: a.PreviousSlugs,
	}
	if a.Authors != nil {
		r.Authors = make([]authorRecord, len(a.Authors))
		for i, au := range a.Authors {
			r.Authors[i] = authorRecord(au)
		}
	}
	if a.Image != nil {
		img := imageRecord(*a.Image)
		r.Image = &img
	}
	return r
}

func (r *record) article() article.Article {
	a := article.Article{
		ID: r.ID, Slug: r.Slug, Title: r.Title, Lead: r.Lead, Body: r.Body, URL: r.URL,
		PublishedAt: r.PublishedAt, UpdatedAt: r.UpdatedAt, CreatedAt: r.CreatedAt,
		Source: r.Source, Section: r.Section, Tags: r.Tags, Language: r.Language,
		Status: article.Status(r.Status), CommentCount: r.CommentCount, Related: r.Related,
		Version: r.Version, Deleted: r.Deleted, PreviousSlugs: r.PreviousSlugs,
	}
	if r.Authors != nil {
		a.Authors = make([]article.Author, len(r.Authors))
		for i, au := range r.Authors {
			a.Authors[i] = article.Author(au)
		}
	}
	if r.Image != nil {
		img := article.Image(*r.Image)
		a.Image = &img
	}
	return a
}

// head is the stored form of a feed head.
type head struct {
	Rev       int64     `json:"rev"`
	UpdatedAt time.Time `json:"updatedAt"`
	Name      string    `json:"name,omitempty"`
	// Files written before pending articles left the heads may still have
	// a "scheduled" map here: it is ignored, and dropped by the head's
	// next write.
}
