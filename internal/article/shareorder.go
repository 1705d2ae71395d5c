package article

import "time"

// SharesPosition is a place in the most-shared list: the share total,
// sort time and ID of the last article already returned. The list is
// ordered by total, descending, then as the newest-first list (sort time,
// then ID, both descending). The HTTP layer seals it (package cursor).
type SharesPosition struct {
	Total int64
	Time  time.Time
	ID    string
}

// IsZero reports whether p is the start of the list.
func (p SharesPosition) IsZero() bool { return p.ID == "" }

// SharesListOptions selects one page of the most-shared list.
type SharesListOptions struct {
	Limit int
	After SharesPosition
}

// SharesPage is one page of the most-shared list: Totals[i] is the share
// total Articles[i] was ranked by. Next is zero on the last page.
type SharesPage struct {
	Articles []Article
	Totals   []int64
	Next     SharesPosition
}
