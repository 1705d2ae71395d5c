package article

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of one article. Byte limits count UTF-8 bytes, not characters: a
// Cyrillic letter is two bytes. They keep an article, stored once per feed it
// appears in, inside DynamoDB's 400 KB item and 4 MB transaction limits.
const (
	MaxTitleRunes   = 500
	MaxLeadRunes    = 2000
	MaxBodyBytes    = 128 << 10
	MaxURLBytes     = 2048
	MaxTags         = 10
	MaxTagRunes     = 100
	MaxAuthors      = 10
	MaxNameRunes    = 200
	MaxSectionRunes = 100
	MaxSourceRunes  = 200
	MaxRelated      = 20
	MaxAltRunes     = 500
	MaxCreditRunes  = 200
	MaxImageSide    = 20000
	// MaxArticleBytes bounds the UTF-8 bytes of all text fields together.
	// An article is stored up to 24 times in one write (itself, its slug
	// item and one copy per feed), and 24 copies of it must stay inside
	// DynamoDB's 4 MB transaction limit whatever the characters.
	MaxArticleBytes = 150 << 10
)

// Validate checks a, as a client sent it after defaults were applied, and
// returns a *ValidationError naming every bad field, or nil.
func Validate(a *Article) error {
	var v ValidationError
	if a.ID != "" && !ValidID(a.ID) {
		v.Add("id", "must be 1-64 characters of A-Z, a-z, 0-9, '-' and '_'")
	}
	if a.Slug != "" && !ValidSlug(a.Slug) {
		v.Add("slug", "must be lower-case letters and digits separated by single hyphens, at most 128 bytes")
	}
	text(&v, "title", a.Title, MaxTitleRunes, true)
	text(&v, "lead", a.Lead, MaxLeadRunes, false)
	if !utf8.ValidString(a.Body) {
		v.Add("body", "is not valid UTF-8")
	} else if len(a.Body) > MaxBodyBytes {
		v.Add("body", "is %d bytes of UTF-8; the limit is %d", len(a.Body), MaxBodyBytes)
	}
	if a.URL != "" {
		httpURL(&v, "url", a.URL)
	}
	if len(a.Authors) > MaxAuthors {
		v.Add("authors", "has %d entries; the limit is %d", len(a.Authors), MaxAuthors)
	}
	for i, au := range a.Authors {
		f := fmt.Sprintf("authors[%d]", i)
		text(&v, f+".name", au.Name, MaxNameRunes, true)
		if au.Name != "" && Slugify(au.Name) == "" {
			v.Add(f+".name", "must contain a letter or digit")
		}
		if au.URL != "" {
			httpURL(&v, f+".url", au.URL)
		}
		if au.Fediverse != "" && !ValidFediverseAddress(au.Fediverse) {
			v.Add(f+".fediverse", "must be a fediverse address such as @name@server.example, at most %d characters", MaxFediverseAddress)
		}
	}
	text(&v, "source", a.Source, MaxSourceRunes, false)
	text(&v, "section", a.Section, MaxSectionRunes, false)
	if a.Section != "" && utf8.ValidString(a.Section) && Slugify(a.Section) == "" {
		v.Add("section", "must contain a letter or digit")
	}
	if len(a.Tags) > MaxTags {
		v.Add("tags", "has %d entries; the limit is %d", len(a.Tags), MaxTags)
	}
	seen := make(map[string]int, len(a.Tags))
	for i, t := range a.Tags {
		f := fmt.Sprintf("tags[%d]", i)
		if !text(&v, f, t, MaxTagRunes, true) {
			continue
		}
		s := Slugify(t)
		if s == "" {
			v.Add(f, "must contain a letter or digit")
		} else if j, dup := seen[s]; dup {
			v.Add(f, "is the same tag as tags[%d]", j)
		} else {
			seen[s] = i
		}
	}
	if img := a.Image; img != nil {
		if img.URL == "" {
			v.Add("image.url", "is required when image is given")
		} else {
			httpURL(&v, "image.url", img.URL)
		}
		if img.Width < 0 || img.Width > MaxImageSide {
			v.Add("image.width", "must be between 0 and %d", MaxImageSide)
		}
		if img.Height < 0 || img.Height > MaxImageSide {
			v.Add("image.height", "must be between 0 and %d", MaxImageSide)
		}
		text(&v, "image.alt", img.Alt, MaxAltRunes, false)
		text(&v, "image.credit", img.Credit, MaxCreditRunes, false)
	}
	if a.Language != "" && !validLanguage(a.Language) {
		v.Add("language", "must be a language tag such as \"bg\" or \"en-GB\"")
	}
	switch a.Status {
	case "", StatusPublished, StatusDraft:
	default:
		v.Add("status", "must be \"published\" or \"draft\"")
	}
	if a.CommentCount < 0 {
		v.Add("commentCount", "must not be negative")
	}
	if len(a.Related) > MaxRelated {
		v.Add("related", "has %d entries; the limit is %d", len(a.Related), MaxRelated)
	}
	for i, id := range a.Related {
		if !ValidID(id) {
			v.Add(fmt.Sprintf("related[%d]", i), "is not a valid article id")
		} else if a.ID != "" && id == a.ID {
			v.Add(fmt.Sprintf("related[%d]", i), "must not name the article itself")
		}
	}
	if n := TextBytes(a); n > MaxArticleBytes {
		v.Add("article", "its text fields are %d bytes of UTF-8 together; the limit is %d", n, MaxArticleBytes)
	}
	if !a.PublishedAt.IsZero() && (a.PublishedAt.Year() < 1900 || a.PublishedAt.Year() > 9999) {
		v.Add("publishedAt", "must be a year between 1900 and 9999")
	}
	return v.Err()
}

// TextBytes is the UTF-8 size of every text field of a together.
func TextBytes(a *Article) int {
	n := len(a.ID) + len(a.Slug) + len(a.Title) + len(a.Lead) + len(a.Body) + len(a.URL) +
		len(a.Source) + len(a.Section) + len(a.Language) + len(a.Status)
	for _, au := range a.Authors {
		n += len(au.Name) + len(au.URL) + len(au.Fediverse)
	}
	for _, t := range a.Tags {
		n += len(t)
	}
	for _, r := range a.Related {
		n += len(r)
	}
	if img := a.Image; img != nil {
		n += len(img.URL) + len(img.Alt) + len(img.Credit)
	}
	return n
}

// text checks one string field and reports whether it was acceptable.
func text(v *ValidationError, field, s string, maxRunes int, required bool) bool {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(s) > maxRunes:
		v.Add(field, "is %d characters; the limit is %d", utf8.RuneCountInString(s), maxRunes)
	default:
		return true
	}
	return false
}

// httpURL accepts only absolute http and https URLs with a host: no
// javascript:, data:, relative or scheme-relative URLs.
func httpURL(v *ValidationError, field, s string) {
	if !utf8.ValidString(s) {
		v.Add(field, "is not valid UTF-8")
		return
	}
	if len(s) > MaxURLBytes {
		v.Add(field, "is %d bytes; the limit is %d", len(s), MaxURLBytes)
		return
	}
	if !ValidHTTPURL(s) {
		v.Add(field, "must be an absolute http or https URL")
	}
}

// ValidHTTPURL reports whether s is an absolute http(s) URL with a host and
// no control characters or spaces.
func ValidHTTPURL(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

func validLanguage(s string) bool {
	if len(s) > 35 {
		return false
	}
	for i, part := range strings.Split(s, "-") {
		if len(part) < 2 || len(part) > 8 || (i == 0 && len(part) > 3) {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if i == 0 && !alpha || !alpha && !(c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// MaxFediverseAddress bounds an author's fediverse address.
const MaxFediverseAddress = 100

// fediverseAddress is @name@host as Mastodon writes it: a user name of
// letters, digits, _ . and -, and a host name with a dot.
var fediverseAddress = regexp.MustCompile(`^@[A-Za-z0-9_][A-Za-z0-9_.-]*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)

// ValidFediverseAddress reports whether s is a fediverse address,
// @name@server.example, of at most MaxFediverseAddress characters.
func ValidFediverseAddress(s string) bool {
	return len(s) <= MaxFediverseAddress && fediverseAddress.MatchString(s)
}
