package studio

import (
	"sort"
	"time"

	"github.com/newsdesk/syndicate/internal/article"
	"github.com/newsdesk/syndicate/internal/share"
)

// Status is an article's state as the studio names it.
type Status struct {
	// Key is draft, scheduled, published or deleted.
	Key string
	// Label is its Bulgarian name; Public false marks a story no network
	// can see yet.
	Label  string
	Public bool
}

// StatusOf says whether a is a draft, scheduled (published with a
// publication time still ahead of now: on no public surface yet),
// published or deleted.
func StatusOf(a *article.Article, now time.Time) Status {
	switch {
	case a.Deleted:
		return Status{Key: "deleted", Label: "изтрита"}
	case a.Status != article.StatusPublished:
		return Status{Key: "draft", Label: "чернова"}
	case a.ScheduledAt(now):
		return Status{Key: "scheduled", Label: "насрочена"}
	}
	return Status{Key: "published", Label: "публикувана", Public: true}
}

// Mockup is one network's rendering of the link.
type Mockup struct {
	Network
	// Title and Description are as the network shows them (cut);
	// Truncated says whether either was cut.
	Title       string
	Description string
	Truncated   bool
	// Image is the picture shown (a URL the studio page may load) and
	// its alt; Portrait is true when the image is taller than wide.
	Image    string
	ImageAlt string
	// Domain is the host networks show: the share URL's.
	Domain   string
	SiteName string
	// Themes are the mock-ups drawn: "light" and/or "dark", default first.
	Themes []string
}

// Mockups builds every network's mock-up from m. display maps an image URL
// the crawlers get to one the studio page can load (the card of a draft is
// not public yet).
func Mockups(m share.Meta, display func(string) string) []Mockup {
	out := make([]Mockup, 0, len(Networks))
	domain := hostOf(m.ShareURL)
	for _, n := range Networks {
		title, img := m.Title, m.Image
		if n.Twitter {
			title, img = m.TwitterTitle, m.TwitterImage
		}
		mk := Mockup{Network: n, Title: n.CutTitle(title), Description: n.CutDescription(m.Description),
			Image: display(img.URL), ImageAlt: img.Alt, Domain: domain, SiteName: m.SiteName}
		mk.Truncated = mk.Title != m.FullTitle || (n.DescriptionMax > 0 && mk.Description != m.Lead)
		switch {
		case n.DarkFirst:
			mk.Themes = []string{"dark", "light"}
		case n.Dark:
			mk.Themes = []string{"light", "dark"}
		default:
			mk.Themes = []string{"light"}
		}
		out = append(out, mk)
	}
	return out
}

// Day is one day's shares by network.
type Day struct {
	Date     string
	Networks map[string]int64
}

// Shares is the share counts shown: all-time totals by network and the
// last days, oldest first.
type Shares struct {
	Totals map[string]int64
	Days   []Day
}

// Total is the sum of Totals.
func (s Shares) Total() int64 {
	var t int64
	for _, n := range s.Totals {
		t += n
	}
	return t
}

// NetworkTotal is one network's total and name, for the legend.
type NetworkTotal struct {
	ID    string
	Name  string
	Count int64
}

// shareNames are the share counters' networks as the page names them.
var shareNames = map[string]string{"facebook": "Facebook", "x": "X", "linkedin": "LinkedIn", "telegram": "Telegram",
	"viber": "Viber", "whatsapp": "WhatsApp", "email": "Имейл"}

// Legend lists every counted network (share.Networks), largest first.
func (s Shares) Legend() []NetworkTotal {
	out := make([]NetworkTotal, 0, len(share.Networks))
	for _, id := range share.Networks {
		out = append(out, NetworkTotal{ID: id, Name: shareNames[id], Count: s.Totals[id]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// Chart geometry: one bar per day, stacked by network.
const (
	chartBarW   = 10
	chartGap    = 4
	chartHeight = 120
	chartTop    = 14
	chartBottom = 18
)

// Bar is one network's part of one day's bar.
type Bar struct {
	Network       string
	X, Y, W, H    int
	Date          string
	Count         int64
	Label         string
	DayTotal      int64
	First, Labels bool
}

// Chart is the server-drawn SVG of the daily counts.
type Chart struct {
	Width, Height int
	Bars          []Bar
	Max           int64
	// Ticks are day labels under some bars.
	Ticks []Tick
	Empty bool
}

// Tick is a date label on the x axis, anchored (SVG text-anchor) so that
// it stays inside the chart.
type Tick struct {
	X      int
	Text   string
	Anchor string
}

// chartTickEvery is how many days apart the date labels are: a label
// ("02.01", at most ~33 units wide at the phone's 11 px) needs far less
// than the 98 units seven bars take, so labels never overlap.
const chartTickEvery = 7

// chartTickHalf is half the widest label, in chart units: a tick nearer
// an edge than that is anchored at its start or end instead of its middle.
const chartTickHalf = 17

// Chart lays out the daily counts as stacked bars.
func (s Shares) Chart() Chart {
	c := Chart{Width: len(s.Days)*(chartBarW+chartGap) + chartGap, Height: chartTop + chartHeight + chartBottom}
	for _, d := range s.Days {
		var t int64
		for _, n := range d.Networks {
			t += n
		}
		c.Max = max(c.Max, t)
	}
	c.Empty = c.Max == 0
	for i, d := range s.Days {
		x := chartGap + i*(chartBarW+chartGap)
		y := chartTop + chartHeight
		for _, id := range share.Networks {
			n := d.Networks[id]
			if n == 0 || c.Max == 0 {
				continue
			}
			h := max(1, int(int64(chartHeight)*n/c.Max))
			y -= h
			c.Bars = append(c.Bars, Bar{Network: id, X: x, Y: y, W: chartBarW, H: h, Date: d.Date, Count: n, Label: shareNames[id]})
		}
		// Labelled: the last day (today) and every seventh before it, so
		// no two labels are closer than a week.
		if (len(s.Days)-1-i)%chartTickEvery == 0 {
			if t, err := time.Parse(time.DateOnly, d.Date); err == nil {
				tk := Tick{X: x + chartBarW/2, Text: t.Format("02.01"), Anchor: "middle"}
				switch {
				case tk.X < chartTickHalf:
					tk.X, tk.Anchor = x, "start"
				case tk.X > c.Width-chartTickHalf:
					tk.X, tk.Anchor = x+chartBarW, "end"
				}
				c.Ticks = append(c.Ticks, tk)
			}
		}
	}
	return c
}
