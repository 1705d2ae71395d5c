package share

import (
	"context"
	"time"
)

// Counter reads one article's share counters: the all-time counts by
// network, and the counts by day (yyyy-mm-dd in the site's time zone, the
// store's WithLocation) and network. Both stores implement it.
type Counter interface {
	ShareCounts(ctx context.Context, id string) (map[string]int64, error)
	DailyShares(ctx context.Context, id string, from, to time.Time) (map[string]map[string]int64, error)
}

// CountDays is how many days Counts lists, today (in the site's time
// zone) included.
const CountDays = 30

// Counts is an article's share counts: all-time totals by network and one
// entry per day of the last CountDays, oldest first, days without shares
// included with empty networks. It is the admin API's GET
// /articles/{id}/shares answer, and what the preview studio charts.
type Counts struct {
	Total    int64            `json:"total"`
	Networks map[string]int64 `json:"networks"`
	Days     []Day            `json:"days"`
}

// Day is one day's counts by network.
type Day struct {
	Date     string           `json:"date"`
	Networks map[string]int64 `json:"networks"`
}

// ReadCounts reads id's share counts from st as of now, days being those
// of loc.
func ReadCounts(ctx context.Context, st Counter, id string, now time.Time, loc *time.Location) (Counts, error) {
	totals, err := st.ShareCounts(ctx, id)
	if err != nil {
		return Counts{}, err
	}
	today := now.In(loc)
	first := today.AddDate(0, 0, -(CountDays - 1))
	daily, err := st.DailyShares(ctx, id, first, today)
	if err != nil {
		return Counts{}, err
	}
	out := Counts{Networks: totals, Days: make([]Day, 0, CountDays)}
	if out.Networks == nil {
		out.Networks = map[string]int64{}
	}
	for _, n := range out.Networks {
		out.Total += n
	}
	y, m, d := first.Date()
	for i := range CountDays {
		date := time.Date(y, m, d+i, 12, 0, 0, 0, loc).Format(time.DateOnly)
		counts := daily[date]
		if counts == nil {
			counts = map[string]int64{}
		}
		out.Days = append(out.Days, Day{Date: date, Networks: counts})
	}
	return out, nil
}
