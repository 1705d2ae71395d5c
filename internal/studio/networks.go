package studio

import (
	"unicode/utf8"
)

// Unit is what a network counts when it cuts text.
type Unit int

const (
	// Runes: characters, as most networks count.
	Runes Unit = iota
	// Bytes: UTF-8 bytes, as Discord counts (a Cyrillic letter is two).
	Bytes
)

// Network is how one network shows a shared link: which texts it shows,
// where it cuts them, how it crops the image, and the image limits that
// make it drop or shrink the picture. The numbers, and where each comes
// from, are in docs/preview.md; lines are what the mock-up clamps to on
// top of the cut, as the network's CSS does.
type Network struct {
	ID   string // facebook, x, ...; also the share counters' name where one exists
	Name string
	// TitleMax and DescriptionMax are where the network cuts, in Unit;
	// DescriptionMax 0 means it shows no description. Ellipsis is what
	// it puts at the cut.
	TitleMax       int
	DescriptionMax int
	Unit           Unit
	Ellipsis       string
	TitleLines     int
	DescLines      int
	// AspectW:AspectH is the image frame the network crops to; 0:0
	// shows the image at its own aspect ratio (messengers).
	AspectW, AspectH int
	// MinWidth is the narrowest image shown large; MaxBytes the heaviest
	// shown at all (0: no known limit).
	MinWidth int
	MaxBytes int64
	// Twitter is true for the network that reads twitter:* first.
	Twitter bool
	// Dark is true when the network has a dark theme worth a mock-up;
	// DarkFirst when dark is its default (Discord).
	Dark      bool
	DarkFirst bool
	// Layout picks the mock-up's markup.
	Layout string
}

// Networks are the mock-ups, in the page's order.
var Networks = []Network{
	{ID: "facebook", Name: "Facebook", TitleMax: 88, DescriptionMax: 110, Ellipsis: "…", TitleLines: 2, DescLines: 1,
		AspectW: 191, AspectH: 100, MinWidth: 600, MaxBytes: 8 << 20, Dark: true, Layout: "feed"},
	{ID: "x", Name: "X", TitleMax: 70, Ellipsis: "…", TitleLines: 1,
		AspectW: 2, AspectH: 1, MinWidth: 300, MaxBytes: 5 << 20, Twitter: true, Dark: true, Layout: "x"},
	{ID: "linkedin", Name: "LinkedIn", TitleMax: 70, Ellipsis: "…", TitleLines: 2,
		AspectW: 191, AspectH: 100, MinWidth: 401, MaxBytes: 5 << 20, Dark: true, Layout: "feed"},
	{ID: "telegram", Name: "Telegram", TitleMax: 100, DescriptionMax: 200, Ellipsis: "…", TitleLines: 2, DescLines: 4,
		MinWidth: 200, MaxBytes: 5 << 20, Dark: true, Layout: "bubble"},
	{ID: "viber", Name: "Viber", TitleMax: 60, DescriptionMax: 100, Ellipsis: "…", TitleLines: 2, DescLines: 2,
		AspectW: 191, AspectH: 100, MinWidth: 200, Dark: true, Layout: "bubble"},
	{ID: "whatsapp", Name: "WhatsApp", TitleMax: 65, DescriptionMax: 100, Ellipsis: "…", TitleLines: 2, DescLines: 2,
		AspectW: 191, AspectH: 100, MinWidth: 300, MaxBytes: 300 << 10, Dark: true, Layout: "bubble"},
	{ID: "slack", Name: "Slack", TitleMax: 150, DescriptionMax: 300, Ellipsis: "…", TitleLines: 2, DescLines: 3,
		MinWidth: 0, Dark: true, Layout: "attachment"},
	{ID: "discord", Name: "Discord", TitleMax: 67, DescriptionMax: 347, Unit: Bytes, Ellipsis: "...", TitleLines: 2, DescLines: 4,
		MinWidth: 0, MaxBytes: 8 << 20, Dark: true, DarkFirst: true, Layout: "attachment"},
}

// NetworkByID finds a network of Networks.
func NetworkByID(id string) (Network, bool) {
	for _, n := range Networks {
		if n.ID == id {
			return n, true
		}
	}
	return Network{}, false
}

// Length is s's length as n counts it.
func (n Network) Length(s string) int {
	if n.Unit == Bytes {
		return len(s)
	}
	return utf8.RuneCountInString(s)
}

// Cut is s as n shows it with at most max units: unchanged when it fits,
// else cut where the network cuts (inside a word: networks do not look for
// spaces) with its ellipsis appended. For Bytes the cut never splits a
// character.
func (n Network) Cut(s string, max int) string {
	if max <= 0 || n.Length(s) <= max {
		return s
	}
	end, count := 0, 0
	for i, r := range s {
		size := 1
		if n.Unit == Bytes {
			size = utf8.RuneLen(r)
		}
		if count+size > max {
			break
		}
		count += size
		end = i + utf8.RuneLen(r)
	}
	return s[:end] + n.Ellipsis
}

// CutTitle and CutDescription cut the title and description that the
// network reads.
func (n Network) CutTitle(s string) string { return n.Cut(s, n.TitleMax) }

// CutDescription is the description as n shows it; "" when n shows none.
func (n Network) CutDescription(s string) string {
	if n.DescriptionMax == 0 {
		return ""
	}
	return n.Cut(s, n.DescriptionMax)
}
