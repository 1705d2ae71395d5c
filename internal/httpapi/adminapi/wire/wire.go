package wire

import (
	"fmt"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Article is an article on the admin API's wire. A stored article's
// answer always carries id, slug, url, createdAt, updatedAt, language,
// status and version; in a write, createdAt, updatedAt, version,
// previousSlugs and scheduled are ignored (the server sets them).
type Article struct {
	ID           string   `json:"id"`
	Slug         string   `json:"slug,omitempty"`
	Title        string   `json:"title"`
	Lead         string   `json:"lead"`
	Body         string   `json:"body"`
	URL          string   `json:"url,omitempty"`
	PublishedAt  string   `json:"publishedAt,omitempty"`
	UpdatedAt    string   `json:"updatedAt,omitempty"`
	CreatedAt    string   `json:"createdAt,omitempty"`
	Authors      []Author `json:"authors"`
	Source       string   `json:"source,omitempty"`
	Section      string   `json:"section,omitempty"`
	Tags         []string `json:"tags"`
	Image        *Image   `json:"image,omitempty"`
	Language     string   `json:"language,omitempty"`
	Status       string   `json:"status,omitempty"`
	CommentCount int      `json:"commentCount"`
	Related      []string `json:"related"`
	Version      int64    `json:"version,omitempty"`
	// PreviousSlugs is read-only: the slugs the article held before,
	// oldest first.
	PreviousSlugs []string `json:"previousSlugs"`
	// Scheduled is true for a published article whose publishedAt is
	// still to come: it is on no public surface until then. Computed,
	// never stored.
	Scheduled bool `json:"scheduled,omitempty"`
}

// Author is a byline on the wire.
type Author struct {
	Name      string `json:"name"`
	URL       string `json:"url,omitempty"`
	Fediverse string `json:"fediverse,omitempty"`
}

// Image is an article's picture on the wire.
type Image struct {
	URL    string `json:"url"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Alt    string `json:"alt,omitempty"`
	Credit string `json:"credit,omitempty"`
}

// From is a's wire form. Lists are never null; Scheduled is left false
// (it depends on the clock: the API sets it).
func From(a *article.Article) Article {
	out := Article{
		ID:            a.ID,
		Slug:          a.Slug,
		Title:         a.Title,
		Lead:          a.Lead,
		Body:          a.Body,
		URL:           a.URL,
		PublishedAt:   Stamp(a.PublishedAt),
		UpdatedAt:     Stamp(a.UpdatedAt),
		CreatedAt:     Stamp(a.CreatedAt),
		Authors:       make([]Author, len(a.Authors)),
		Source:        a.Source,
		Section:       a.Section,
		Tags:          nonNil(a.Tags),
		Language:      a.Language,
		Status:        string(a.Status),
		CommentCount:  a.CommentCount,
		Related:       nonNil(a.Related),
		Version:       a.Version,
		PreviousSlugs: nonNil(a.PreviousSlugs),
	}
	for i, au := range a.Authors {
		out.Authors[i] = Author(au)
	}
	if img := a.Image; img != nil {
		out.Image = &Image{URL: img.URL, Width: img.Width, Height: img.Height, Alt: img.Alt, Credit: img.Credit}
	}
	return out
}

// Article is the article w describes (a client reading an answer); a time
// that is not RFC 3339 is an error naming the member.
func (w *Article) Article() (article.Article, error) {
	a := article.Article{ID: w.ID, Slug: w.Slug, Title: w.Title, Lead: w.Lead, Body: w.Body, URL: w.URL,
		Source: w.Source, Section: w.Section, Tags: w.Tags, Language: w.Language, Status: article.Status(w.Status),
		CommentCount: w.CommentCount, Related: w.Related, Version: w.Version, PreviousSlugs: w.PreviousSlugs,
		Authors: make([]article.Author, len(w.Authors))}
	for i, au := range w.Authors {
		a.Authors[i] = article.Author(au)
	}
	if img := w.Image; img != nil {
		a.Image = &article.Image{URL: img.URL, Width: img.Width, Height: img.Height, Alt: img.Alt, Credit: img.Credit}
	}
	for _, t := range []struct {
		name, s string
		dst     *time.Time
	}{{"publishedAt", w.PublishedAt, &a.PublishedAt}, {"createdAt", w.CreatedAt, &a.CreatedAt}, {"updatedAt", w.UpdatedAt, &a.UpdatedAt}} {
		if t.s == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, t.s)
		if err != nil {
			return article.Article{}, fmt.Errorf("wire: %s %q is not an RFC 3339 time", t.name, t.s)
		}
		*t.dst = v
	}
	return a, nil
}

// Stamp is t as the wire writes it: RFC 3339 with nanoseconds, or "" for
// the zero time.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
