package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
)

func TestSortKey(t *testing.T) {
	eet := time.FixedZone("EET", 2*60*60)
	tests := []struct {
		at   time.Time
		id   string
		want string
	}{
		{time.Date(2026, 3, 1, 12, 0, 0, 0, eet), "a", "2026-03-01T10:00:00.000000000Z#a"},
		{time.Date(2026, 3, 1, 10, 0, 0, 5, time.UTC), "b", "2026-03-01T10:00:00.000000005Z#b"},
		{time.Time{}, "z", "0001-01-01T00:00:00.000000000Z#z"},
	}
	for _, tc := range tests {
		if got := SortKey(tc.at, tc.id); got != tc.want {
			t.Errorf("SortKey(%s, %q) = %q, want %q", tc.at, tc.id, got, tc.want)
		}
	}
	// String order is time order, then ID order, whatever the ID's length.
	early := SortKey(time.Date(2026, 3, 1, 9, 59, 59, 999999999, time.UTC), "zzzzzzzz")
	late := SortKey(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), "A")
	if !(early < late) {
		t.Errorf("%q sorts after %q", early, late)
	}
}

func TestLimit(t *testing.T) {
	for in, want := range map[int]int{-1: 20, 0: 20, 1: 1, 20: 20, 100: 100, 101: 100, 1 << 30: 100} {
		if got := Limit(in); got != want {
			t.Errorf("Limit(%d) = %d, want %d", in, got, want)
		}
	}
}

func TestCheckSave(t *testing.T) {
	tests := []struct {
		name string
		a    article.Article
		prev int64
		ok   bool
	}{
		{"new", article.Article{ID: "a", Slug: "a", Version: 1}, 0, true},
		{"update", article.Article{ID: "a", Slug: "a", Version: 5}, 4, true},
		{"no ID", article.Article{Slug: "a", Version: 1}, 0, false},
		{"no slug", article.Article{ID: "a", Version: 1}, 0, false},
		{"skipped version", article.Article{ID: "a", Slug: "a", Version: 3}, 1, false},
		{"negative prev", article.Article{ID: "a", Slug: "a", Version: 0}, -1, false},
	}
	for _, tc := range tests {
		if err := CheckSave(&tc.a, tc.prev); (err == nil) != tc.ok {
			t.Errorf("%s: CheckSave = %v, want ok %t", tc.name, err, tc.ok)
		}
	}
}

func TestCheckNetwork(t *testing.T) {
	for network, ok := range map[string]bool{
		"facebook": true, "x": true, "linked_in-2": true, "Viber": true,
		"": false, "pk": false, "sk": false, "a.b": false, "a[0]": false, "мрежа": false,
		strings.Repeat("a", 64): true, strings.Repeat("a", 65): false,
	} {
		if err := CheckNetwork(network); (err == nil) != ok {
			t.Errorf("CheckNetwork(%q) = %v, want ok %t", network, err, ok)
		}
	}
}

func TestLiveBound(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	b := LiveBound(at)
	for _, tc := range []struct {
		t    time.Time
		id   string
		live bool
	}{
		{at, "zzzzzzzz", true},
		{at.Add(-time.Nanosecond), "z", true},
		{at.Add(time.Nanosecond), "", false},
		{at.Add(time.Nanosecond), "A", false},
		{at.Add(time.Hour), "0", false},
	} {
		if got := SortKey(tc.t, tc.id) < b; got != tc.live {
			t.Errorf("SortKey(%s, %q) < LiveBound(%s) = %t, want %t", tc.t, tc.id, at, got, tc.live)
		}
	}
}

func TestSharesKey(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	keys := []string{ // ascending
		SharesKey(0, at, "z"),
		SharesKey(9, at.Add(time.Hour), "a"),
		SharesKey(10, at, "a"),
		SharesKey(10, at, "b"),
		SharesKey(10, at.Add(time.Nanosecond), "a"),
		SharesKey(1<<62, at, "a"),
	}
	for i := 1; i < len(keys); i++ {
		if !(keys[i-1] < keys[i]) {
			t.Errorf("%q does not sort below %q", keys[i-1], keys[i])
		}
	}
	if got, want := SharesKey(42, at, "a"), "0000000000000000042#2026-03-01T10:00:00.000000000Z#a"; got != want {
		t.Errorf("SharesKey(42, …) = %q, want %q", got, want)
	}
	if got := SharesCursorKey(article.SharesPosition{Total: 42, Time: at, ID: "a"}); got != SharesKey(42, at, "a") {
		t.Errorf("SharesCursorKey = %q, want SharesKey's", got)
	}
}

func TestParseSharesKey(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 5, time.UTC)
	want := article.SharesPosition{Total: 1234, Time: at, ID: "a-b_c"}
	got, err := ParseSharesKey(SharesKey(want.Total, want.Time, want.ID))
	if err != nil || !got.Time.Equal(want.Time) || got.Total != want.Total || got.ID != want.ID {
		t.Errorf("ParseSharesKey(SharesKey(%+v)) = %+v, %v", want, got, err)
	}
	for _, bad := range []string{"", "12#x", "0000000000000000042#2026-03-01", "000000000000000004x#2026-03-01T10:00:00.000000000Z#a",
		"0000000000000000042#2026-03-01T10:00:00.000000000Z-a"} {
		if _, err := ParseSharesKey(bad); err == nil {
			t.Errorf("ParseSharesKey(%q) = nil error, want one", bad)
		}
	}
}

func TestHeadChanges(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	art := func(section string, status article.Status, at time.Time) *article.Article {
		return &article.Article{ID: "a", Slug: "a", Section: section, Status: status, PublishedAt: at}
	}
	live := art("Свят", article.StatusPublished, now.Add(-time.Hour))
	due := art("Свят", article.StatusPublished, now.Add(-time.Second)) // scheduled, its time come, unreleased
	sched := art("Свят", article.StatusPublished, now.Add(time.Hour))
	schedSport := art("Спорт", article.StatusPublished, now.Add(2*time.Hour))
	draft := art("Свят", article.StatusDraft, time.Time{})
	gone := live.Tombstone(now)
	world, sport := "section/svyat", "section/sport"
	tests := []struct {
		name    string
		feed    string
		old, a  *article.Article
		changes bool
	}{
		{"new live", world, nil, live, true},
		{"new scheduled", world, nil, sched, false},
		{"scheduled, new time and section (old feed)", world, sched, schedSport, false},
		{"scheduled, new time and section (new feed)", sport, sched, schedSport, false},
		{"scheduled back to a draft", world, sched, draft, false},
		{"scheduled deleted", world, sched, &gone, false},
		{"live edited", world, live, live, true},
		{"live moved into the future", world, live, sched, true},
		{"live deleted", world, live, &gone, true},
		{"saved after its time, unreleased", world, due, due, true},
		{"a feed it is in neither before nor after", sport, live, live, false},
		{"site feed of a scheduled save", article.SiteFeed.String(), nil, sched, false},
		{"site feed of a live save", article.SiteFeed.String(), nil, live, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := HeadChanges(tc.feed, tc.old, tc.a, now); got != tc.changes {
				t.Errorf("HeadChanges(%s) = %t, want %t", tc.feed, got, tc.changes)
			}
		})
	}
}
