package importer

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// KindDeleted counts articles deleted in this service since an earlier
// import: an import does not bring them back.
const KindDeleted Kind = "deleted here"

// Importer writes items to a Sink, Workers at a time.
type Importer struct {
	Sink Sink
	// Workers bounds the writes in flight; 8 if zero.
	Workers int
	// DryRun reads but writes nothing; the summary says what would change.
	DryRun bool
	// Progress, if set, is told about every item done.
	Progress *Progress
	// Now is the clock that tells a publication time too far ahead (a
	// junk year); time.Now if nil.
	Now func() time.Time
}

// MaxAhead is how far ahead of the import a source's publication time may
// be: WordPress schedules posts days or months ahead; a year like 2999 is
// a typo or a placeholder, which would be held back as a scheduled story
// for ever. Such an item is refused.
const MaxAhead = 366 * 24 * time.Hour

// Warnings about items imported otherwise than the source has them.
const (
	warnUndated = "no publication date at the source (empty pubDate, dc:date, published): imported as a draft, out of the feeds and the news sitemap; publish it here with its date"
)

// Summary is what an import did (or, dry, would do).
type Summary struct {
	Created, Updated, Unchanged int
	Skipped                     map[Kind]int
	Failed                      []Failure
	// Warnings are items imported (or withdrawn) otherwise than the source
	// has them: a password-protected post made a draft, an undated item.
	Warnings []Failure
	Elapsed  time.Duration
}

// Failure is one item not imported.
type Failure struct {
	Ref    string // the source item
	ID     string // the article ID it maps to, if any
	Reason string
	// Err is the error behind Reason, when a write failed.
	Err error
}

func (f Failure) String() string {
	if f.ID == "" {
		return fmt.Sprintf("%s: %s", f.Ref, f.Reason)
	}
	return fmt.Sprintf("%s (id %s): %s", f.Ref, f.ID, f.Reason)
}

// Done is how many items the summary accounts for.
func (s *Summary) Done() int {
	n := s.Created + s.Updated + s.Unchanged + len(s.Failed)
	for _, c := range s.Skipped {
		n += c
	}
	return n
}

// SkippedTotal is the number of items skipped, all kinds.
func (s *Summary) SkippedTotal() int {
	n := 0
	for _, c := range s.Skipped {
		n += c
	}
	return n
}

// String is the one-line summary.
func (s *Summary) String() string {
	kinds := make([]string, 0, len(s.Skipped))
	for k, n := range s.Skipped {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	skipped := ""
	if len(kinds) > 0 {
		skipped = " (" + strings.Join(kinds, ", ") + ")"
	}
	line := fmt.Sprintf("created %d, updated %d, unchanged %d, skipped %d%s, failed %d",
		s.Created, s.Updated, s.Unchanged, s.SkippedTotal(), skipped, len(s.Failed))
	if len(s.Warnings) > 0 {
		line += fmt.Sprintf(", warnings %d", len(s.Warnings))
	}
	return line
}

type outcome int

const (
	created outcome = iota
	updated
	unchanged
	skipped
	failed
)

// Run imports items and returns the summary. Items fail one by one (a
// validation error, a conflict); Run itself fails only when nothing more
// can be written (the token refused, ctx done), with the summary so far.
func (im *Importer) Run(ctx context.Context, items []Item) (Summary, error) {
	start := time.Now()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := im.Workers
	if workers <= 0 {
		workers = 8
	}
	sum := Summary{Skipped: map[Kind]int{}}
	var mu sync.Mutex
	if im.Progress != nil {
		im.Progress.Start(len(items))
		defer im.Progress.Stop()
	}
	record := func(it *Item, o outcome, kind Kind, reason string, cause error, warning string) {
		mu.Lock()
		defer mu.Unlock()
		if warning != "" {
			sum.Warnings = append(sum.Warnings, Failure{Ref: it.Ref, ID: it.Article.ID, Reason: warning})
		}
		switch o {
		case created:
			sum.Created++
		case updated:
			sum.Updated++
		case unchanged:
			sum.Unchanged++
		case skipped:
			sum.Skipped[kind]++
		case failed:
			sum.Failed = append(sum.Failed, Failure{Ref: it.Ref, ID: it.Article.ID, Reason: reason, Err: cause})
		}
		if im.Progress != nil {
			im.Progress.Set(sum)
		}
	}
	next := make(chan *Item)
	var wg sync.WaitGroup
	sanitizer := newsroom.NewSanitizer()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range next {
				if it.Kind == KindDuplicate {
					record(it, skipped, KindDuplicate, "", nil, "")
					continue
				}
				r := im.one(ctx, sanitizer, it)
				if r.fatal != nil {
					cancel(r.fatal)
					return
				}
				if r.o == failed && ctx.Err() != nil {
					continue // not the item's fault: the import stopped
				}
				record(it, r.o, r.kind, r.reason, r.cause, r.warning)
			}
		}()
	}
	// One article is written by one item of a run at most: two items with
	// one ID would race (412) and flip the article between them.
	seen := make(map[string]bool, len(items))
feed:
	for i := range items {
		it := &items[i]
		if id := it.Article.ID; id != "" && (it.Kind == KindArticle || it.Kind == KindProtected) {
			if seen[id] {
				dup := *it
				dup.Kind = KindDuplicate
				it = &dup
			}
			seen[id] = true
		}
		select {
		case next <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	sort.SliceStable(sum.Failed, func(i, j int) bool { return sum.Failed[i].Ref < sum.Failed[j].Ref })
	sum.Elapsed = time.Since(start)
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// result is what became of one item: its outcome, the kind skipped, or
// the reason it failed and the error behind it; a warning to report;
// fatal is set when no further write can succeed.
type result struct {
	o               outcome
	kind            Kind
	reason, warning string
	cause, fatal    error
}

// one imports one item.
func (im *Importer) one(ctx context.Context, sanitizer *newsroom.Sanitizer, it *Item) result {
	if it.Err != nil {
		return result{o: failed, reason: it.Err.Error(), cause: it.Err}
	}
	if it.Kind == KindProtected {
		return im.withdraw(ctx, it)
	}
	if it.Kind != KindArticle {
		return result{o: skipped, kind: it.Kind}
	}
	now := time.Now
	if im.Now != nil {
		now = im.Now
	}
	if p := it.Article.PublishedAt; p.After(now().Add(MaxAhead)) {
		err := fmt.Errorf("publishedAt %s is more than a year ahead: a junk date, refused (fix it at the source)", p.Format(time.RFC3339))
		return result{o: failed, reason: err.Error(), cause: err}
	}
	warning := ""
	if it.Article.Status == article.StatusPublished && it.Article.PublishedAt.IsZero() {
		// Undated: published now, it would take the top of every feed
		// and the news sitemap. A new article is a draft; a stored one
		// keeps its status and time.
		undated := *it
		undated.Article.Status = article.StatusDraft
		undated.carries = it.fields() &^ (fieldStatus | fieldPublishedAt)
		it, warning = &undated, warnUndated
	}
	if err := check(sanitizer, it.Article); err != nil {
		return result{o: failed, reason: err.Error(), cause: err}
	}
	// A write that meets a version it did not expect (another writer, or
	// an earlier attempt whose answer was lost) is looked at once more.
	for attempt := 0; ; attempt++ {
		o, kind, err := im.write(ctx, sanitizer, it)
		switch {
		case err == nil && o == created:
			return result{o: o, kind: kind, warning: joinWarnings(warning, it.note)}
		case err == nil && o == updated:
			return result{o: o, kind: kind, warning: it.note}
		case err == nil:
			return result{o: o, kind: kind}
		case errors.Is(err, ErrUnauthorized):
			return result{o: failed, reason: err.Error(), cause: err, fatal: err}
		case errors.Is(err, article.ErrVersionMismatch) && attempt == 0:
			continue
		case errors.Is(err, article.ErrVersionMismatch):
			return result{o: failed, reason: "the article changed in this service while it was imported; run the import again", cause: err}
		}
		return result{o: failed, reason: reasonOf(err), cause: err}
	}
}

// withdraw handles a password-protected post: it is skipped, and if it
// was imported while it was public, its article is made a draft (its
// content is left as it was, out of every public view).
func (im *Importer) withdraw(ctx context.Context, it *Item) result {
	skip := result{o: skipped, kind: KindProtected}
	if it.Article.ID == "" {
		return skip
	}
	for attempt := 0; ; attempt++ {
		cur, err := im.Sink.Get(ctx, it.Article.ID)
		switch {
		case errors.Is(err, article.ErrNotFound), errors.Is(err, article.ErrGone):
			return skip
		case errors.Is(err, ErrUnauthorized):
			return result{o: failed, reason: err.Error(), cause: err, fatal: err}
		case err != nil:
			return result{o: failed, reason: reasonOf(err), cause: err}
		}
		if cur.Status == article.StatusDraft {
			return skip
		}
		const why = "password-protected at the source: made a draft here"
		if im.DryRun {
			return result{o: updated, warning: why}
		}
		cur.Status = article.StatusDraft
		_, _, err = im.Sink.Put(ctx, cur, cur.Version)
		switch {
		case err == nil:
			return result{o: updated, warning: why}
		case errors.Is(err, article.ErrVersionMismatch) && attempt == 0:
			continue
		case errors.Is(err, ErrUnauthorized):
			return result{o: failed, reason: err.Error(), cause: err, fatal: err}
		}
		return result{o: failed, reason: "password-protected at the source, and not made a draft here: " + reasonOf(err), cause: err}
	}
}

// write brings the stored article in line with the item: created as the
// source has it, or the fields the source carries merged onto the stored
// article (merge).
func (im *Importer) write(ctx context.Context, sanitizer *newsroom.Sanitizer, it *Item) (outcome, Kind, error) {
	want := clone(it.Article)
	cur, err := im.Sink.Get(ctx, want.ID)
	switch {
	case errors.Is(err, article.ErrNotFound):
		if im.DryRun {
			return created, "", nil
		}
		if _, _, err := im.Sink.Put(ctx, want, 0); err != nil {
			return failed, "", err
		}
		return created, "", nil
	case errors.Is(err, article.ErrGone):
		return skipped, KindDeleted, nil
	case err != nil:
		return failed, "", err
	}
	merge(&want, &cur, it.fields())
	if body := sanitizer.HTML(article.DropXMLForbidden(want.Body), want.URL); sameHTML(body, cur.Body) || it.rendered && sameContent(body, cur.Body) {
		// A rendering of the same text: nothing new.
		want.Body = cur.Body
	}
	if same(sanitizer, want, cur) {
		return unchanged, "", nil
	}
	if im.DryRun {
		return updated, "", nil
	}
	out, _, err := im.Sink.Put(ctx, want, cur.Version)
	if err != nil {
		return failed, "", err
	}
	if out.Version == cur.Version {
		// The service found nothing to change (its own comparison).
		return unchanged, "", nil
	}
	return updated, "", nil
}

// check validates a as the service would store it, so that a dry run
// reports what a real one would refuse.
func check(sanitizer *newsroom.Sanitizer, a article.Article) error {
	a = clone(a)
	sanitizer.Sanitize(&a)
	if a.Status == "" {
		a.Status = article.StatusPublished
	}
	return article.Validate(&a)
}

// same reports whether writing want would change nothing in cur: want is
// cleaned as the service cleans it, and every field the import sets is
// compared.
func same(sanitizer *newsroom.Sanitizer, want, cur article.Article) bool {
	want = clone(want)
	sanitizer.Sanitize(&want)
	if want.Tags == nil {
		want.Tags = []string{}
	}
	if want.Authors == nil {
		want.Authors = []article.Author{}
	}
	norm := func(a article.Article) article.Article {
		return article.Article{ID: a.ID, Slug: a.Slug, Title: a.Title, Lead: a.Lead, Body: a.Body, URL: a.URL,
			Authors: nonNil(a.Authors), Source: a.Source, Section: a.Section, Tags: nonNil(a.Tags), Image: a.Image,
			Language: a.Language, Status: a.Status, CommentCount: a.CommentCount, Related: nonNil(a.Related)}
	}
	return want.PublishedAt.Equal(cur.PublishedAt) && reflect.DeepEqual(norm(want), norm(cur))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func clone(a article.Article) article.Article {
	a.Tags = append([]string(nil), a.Tags...)
	a.Authors = append([]article.Author(nil), a.Authors...)
	a.Related = append([]string(nil), a.Related...)
	if a.Image != nil {
		img := *a.Image
		a.Image = &img
	}
	return a
}

// joinWarnings joins the non-empty warnings with "; ".
func joinWarnings(w ...string) string {
	var out []string
	for _, s := range w {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// reasonOf is the report line's reason for err.
func reasonOf(err error) string {
	var ve *article.ValidationError
	if errors.As(err, &ve) {
		return ve.Error()
	}
	return err.Error()
}
