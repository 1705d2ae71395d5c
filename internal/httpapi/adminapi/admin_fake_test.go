package adminapi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/newsroom"
)

// memStore is an in-memory newsroom.Store for handler tests, with fault
// injection: while fault is set, every call fails with it. It counts the
// calls that reach it, so tests can check bad input never does.
type memStore struct {
	mu     sync.Mutex
	byID   map[string]article.Article
	fault  error
	calls  int
	writes int
}

var _ newsroom.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{byID: map[string]article.Article{}} }

func (s *memStore) enter() error {
	s.mu.Lock()
	s.calls++
	return s.fault
}

func (s *memStore) Get(_ context.Context, id string) (article.Article, error) {
	err := s.enter()
	defer s.mu.Unlock()
	if err != nil {
		return article.Article{}, err
	}
	a, ok := s.byID[id]
	if !ok {
		return article.Article{}, fmt.Errorf("mem: get %q: %w", id, article.ErrNotFound)
	}
	return a, nil
}

func (s *memStore) GetBySlug(_ context.Context, slug string) (article.Article, error) {
	err := s.enter()
	defer s.mu.Unlock()
	if err != nil {
		return article.Article{}, err
	}
	for _, a := range s.byID {
		if a.Slug == slug {
			return a, nil
		}
	}
	return article.Article{}, fmt.Errorf("mem: slug %q: %w", slug, article.ErrNotFound)
}

func (s *memStore) Save(_ context.Context, a article.Article, prev int64) error {
	err := s.enter()
	defer s.mu.Unlock()
	if err != nil {
		return err
	}
	cur, ok := s.byID[a.ID]
	if (ok && cur.Version != prev) || (!ok && prev != 0) {
		return fmt.Errorf("mem: save %q: %w", a.ID, article.ErrVersionMismatch)
	}
	for _, o := range s.byID {
		if o.ID != a.ID && o.Slug == a.Slug {
			return fmt.Errorf("mem: save %q: slug %q: %w", a.ID, a.Slug, article.ErrConflict)
		}
	}
	s.writes++
	s.byID[a.ID] = a
	return nil
}

func (s *memStore) List(_ context.Context, opts article.ListOptions) (article.Page, error) {
	err := s.enter()
	defer s.mu.Unlock()
	if err != nil {
		return article.Page{}, err
	}
	var all []article.Article
	for _, a := range s.byID {
		if !a.Deleted {
			all = append(all, a)
		}
	}
	newestFirst := func(a, b article.Article) int {
		if c := b.SortTime().Compare(a.SortTime()); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	}
	slices.SortFunc(all, newestFirst)
	if !opts.After.IsZero() {
		pos := article.Article{ID: opts.After.ID, CreatedAt: opts.After.Time}
		all = slices.DeleteFunc(all, func(a article.Article) bool { return newestFirst(a, pos) <= 0 })
	}
	var page article.Page
	if len(all) > opts.Limit {
		all = all[:opts.Limit]
		last := all[len(all)-1]
		page.Next = article.Position{Time: last.SortTime(), ID: last.ID}
	}
	page.Articles = all
	return page, nil
}

func (s *memStore) setFault(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = err
}

func (s *memStore) counts() (calls, writes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, s.writes
}
