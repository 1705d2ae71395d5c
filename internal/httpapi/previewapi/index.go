package previewapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/httpapi"
	"github.com/newsdesk/syndicate/internal/studio"
)

// index is the studio's list: a page of the newest articles from ?cursor=,
// or with ?q= the articles matching a search (studio.Matches).
func (h *handler) index(w http.ResponseWriter, r *http.Request) {
	if h.opts.Studio == nil {
		httpapi.Error(w, r, errNoStudio)
		return
	}
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(query) || utf8.RuneCountInString(query) > studio.MaxQuery {
		h.message(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-query",
			fmt.Sprintf("q must be valid UTF-8 of at most %d characters", studio.MaxQuery)), "Твърде дълго търсене",
			fmt.Sprintf("Търсенето може да е до %d знака: част от заглавие, slug или id.", studio.MaxQuery))
		return
	}
	after, err := h.opts.Cursors.Open(cursorScope, q.Get("cursor"))
	if err != nil {
		h.message(w, r, httpapi.NewRequestError(http.StatusBadRequest, "bad-cursor",
			"cursor is not one this list handed out; start again without it"), "Връзката към страницата не важи",
			"Тази страница на списъка не е от студиото или е от друг ключ. Започнете от най-новите статии.")
		return
	}
	var (
		rows []article.Article
		next article.Position
		note string
	)
	if query == "" {
		ctx, cancel := h.ctx(r)
		list, err := h.svc.List(ctx, article.ListOptions{Limit: h.opts.IndexSize, After: after})
		cancel()
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		rows, next = list.Articles, list.Next
	} else {
		var (
			scanned int
			last    time.Time
		)
		rows, next, scanned, last, err = h.search(r, query, after)
		if err != nil {
			httpapi.Error(w, r, err)
			return
		}
		if !next.IsZero() && len(rows) < h.opts.IndexSize {
			note = fmt.Sprintf("Прегледани са %d статии, до %s. „Търси по-назад“ продължава с по-старите.",
				scanned, studio.When(last, h.opts.Location))
		}
	}
	ctx, cancel := h.ctx(r)
	defer cancel()
	now := h.opts.Now()
	n := nonce()
	page := &studio.IndexPage{Chrome: h.chrome(n), Query: query, Searched: note}
	if !next.IsZero() {
		page.Next = indexURL(query, h.opts.Cursors.Seal(cursorScope, next))
	}
	if !after.IsZero() {
		page.First = indexURL(query, "")
	}
	for i := range rows {
		a := &rows[i]
		row := studio.IndexRow{ID: a.ID, Title: article.OneLine(a.Title), URL: PreviewPath(a.ID), Status: studio.StatusOf(a, now)}
		if t := a.SortTime(); !t.IsZero() {
			row.When = studio.When(t, h.opts.Location)
		}
		if h.opts.Shares != nil {
			counts, err := h.opts.Shares.ShareCounts(ctx, a.ID)
			if err != nil {
				httpapi.Error(w, r, err)
				return
			}
			for _, c := range counts {
				row.Shares += c
			}
		}
		_, checks, _ := h.opts.Studio.Inspect(ctx, a, now, false)
		row.Warnings = studio.Warnings(checks)
		page.Rows = append(page.Rows, row)
	}
	var buf bytes.Buffer
	if err := studio.Render(&buf, page); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	writePage(w, r, http.StatusOK, csp(n, nil), buf.Bytes())
}

// indexURL is the index page of query ("" for none) starting at the
// sealed cursor token ("" for the first page).
func indexURL(query, token string) string {
	v := url.Values{}
	if query != "" {
		v.Set("q", query)
	}
	if token != "" {
		v.Set("cursor", token)
	}
	if len(v) == 0 {
		return IndexPath
	}
	return IndexPath + "?" + v.Encode()
}

// search reads the list newest first from after, keeping the articles
// that match query (studio.Matches), until a page of them is found, the
// list ends, or SearchScan articles were read: there is no search index,
// so one request's work is bounded, and next (zero at the end of the
// list) is where the following request goes on. scanned and last say how
// many it read and the sort time of the last one.
func (h *handler) search(r *http.Request, query string, after article.Position) (found []article.Article, next article.Position, scanned int, last time.Time, err error) {
	for scanned < h.opts.SearchScan {
		ctx, cancel := h.ctx(r)
		page, err := h.svc.List(ctx, article.ListOptions{Limit: min(searchPage, h.opts.SearchScan-scanned), After: after})
		cancel()
		if err != nil {
			return nil, article.Position{}, 0, time.Time{}, err
		}
		for i := range page.Articles {
			a := &page.Articles[i]
			scanned++
			last = a.SortTime()
			if studio.Matches(a, query) {
				found = append(found, *a)
			}
			if len(found) == h.opts.IndexSize {
				if i < len(page.Articles)-1 || !page.Next.IsZero() {
					next = article.Position{Time: a.SortTime(), ID: a.ID}
				}
				return found, next, scanned, last, nil
			}
		}
		if page.Next.IsZero() {
			return found, article.Position{}, scanned, last, nil
		}
		after = page.Next
	}
	return found, after, scanned, last, nil
}

// message answers a browser with a studio page saying what went wrong, in
// Bulgarian, with err's status; any other client gets err, a problem.
func (h *handler) message(w http.ResponseWriter, r *http.Request, err error, title, text string) {
	if !wantsHTML(r) {
		httpapi.Error(w, r, err)
		return
	}
	status := httpapi.ProblemFor(err).Status
	n := nonce()
	var buf bytes.Buffer
	if err := studio.Render(&buf, &studio.MessagePage{Chrome: h.chrome(n), Title: title, Text: text}); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	writePage(w, r, status, csp(n, nil), buf.Bytes())
}

// articleError answers a preview whose article cannot be read. A browser
// gets a studio page for a missing (404) or deleted (410) article, as an
// editor following a stale link would; everything else, and every API
// client, gets the problem as any admin route answers it.
func (h *handler) articleError(w http.ResponseWriter, r *http.Request, err error) {
	id := r.PathValue("id")
	switch {
	case errors.Is(err, article.ErrGone):
		h.message(w, r, err, "Статията е изтрита",
			"Статия „"+id+"“ е изтрита: страницата ѝ за споделяне отговаря 410 и няма какво да се прегледа.")
	case errors.Is(err, article.ErrNotFound):
		h.message(w, r, err, "Няма такава статия",
			"Няма статия с id „"+id+"“. Може връзката да е сгрешена; потърсете статията в списъка.")
	default:
		httpapi.Error(w, r, err)
	}
}
