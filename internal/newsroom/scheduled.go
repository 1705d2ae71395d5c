package newsroom

import (
	"context"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

// Lister lists articles for the newsroom, newest first, drafts included
// (Service.List, or a store).
type Lister interface {
	List(ctx context.Context, opts article.ListOptions) (article.Page, error)
}

// Scheduled is one page of up to limit articles scheduled to go live after
// now, latest first, from after (zero: the top). They sort above now in
// the newsroom's list, which is ordered by PublishedAt, so the walk reads
// from the top (or the cursor) and stops at the first article not after
// now: it reads only future-dated articles (scheduled ones, and drafts
// given a future publishedAt), never the archive below them.
func Scheduled(ctx context.Context, l Lister, limit int, after article.Position, now time.Time) (article.Page, error) {
	out := article.Page{Articles: make([]article.Article, 0, limit)}
	for {
		page, err := l.List(ctx, article.ListOptions{Limit: limit, After: after})
		if err != nil {
			return article.Page{}, err
		}
		for i := range page.Articles {
			art := &page.Articles[i]
			if !art.SortTime().After(now) {
				return out, nil
			}
			after = article.Position{Time: art.SortTime(), ID: art.ID}
			if art.ScheduledAt(now) {
				out.Articles = append(out.Articles, *art)
				if len(out.Articles) == limit {
					out.Next = after
					return out, nil
				}
			}
		}
		if page.Next.IsZero() {
			return out, nil
		}
	}
}
