package article

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxSlugLen bounds slugs made from titles; longer ones are cut at a hyphen.
const MaxSlugLen = 96

// bgLatin is the official Bulgarian Streamlined System (Закон за
// транслитерацията, 2009), plus the few letters of Russian and Ukrainian that
// turn up in agency copy.
var bgLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n",
	'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f",
	'х': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "sht", 'ъ': "a", 'ь': "y",
	'ю': "yu", 'я': "ya",
	'ё': "yo", 'ы': "y", 'э': "e", 'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g",
	'ѝ': "i",
}

// Transliterate writes s in Latin letters by the Bulgarian Streamlined
// System, keeping case as far as the system allows: "Ж" is "Zh" in a word
// and "ZH" in an all-capitals one ("ЖЪЛТ" → "ZHALT"). The law's two special
// rules apply: "ия" at the end of a word is "ia" (София → Sofia), and the
// country's name is "Bulgaria", not "Balgaria" (Art. 4(2)).
func Transliterate(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if wordStart(rs, i) && isWord(rs, i, bulgaria) {
			writeCased(&b, "bulgaria", rs, i, len(bulgaria))
			i += len(bulgaria) - 1
			continue
		}
		lower := unicode.ToLower(r)
		if lower == 'и' && i+1 < len(rs) && unicode.ToLower(rs[i+1]) == 'я' &&
			(i+2 == len(rs) || !unicode.IsLetter(rs[i+2])) {
			writeCased(&b, "i", rs, i, 1)
			writeCased(&b, "a", rs, i+1, 1)
			i++
			continue
		}
		lat, ok := bgLatin[lower]
		if !ok {
			b.WriteRune(r)
			continue
		}
		switch {
		case !unicode.IsUpper(r):
			b.WriteString(lat)
		case allCaps(rs, i):
			b.WriteString(strings.ToUpper(lat))
		default:
			// Capitalise the first letter only: "Ж" → "Zh", as the law does.
			b.WriteString(strings.ToUpper(lat[:1]))
			b.WriteString(lat[1:])
		}
	}
	return b.String()
}

// bulgaria is the one word the law transliterates by name.
var bulgaria = []rune("българия")

func wordStart(rs []rune, i int) bool { return i == 0 || !unicode.IsLetter(rs[i-1]) }

// isWord reports whether the whole word at rs[i:] is w, ignoring case.
func isWord(rs []rune, i int, w []rune) bool {
	if len(rs)-i < len(w) || (len(rs)-i > len(w) && unicode.IsLetter(rs[i+len(w)])) {
		return false
	}
	for j, c := range w {
		if unicode.ToLower(rs[i+j]) != c {
			return false
		}
	}
	return true
}

// writeCased writes lat in the case of the n Cyrillic letters at rs[i]
// it stands for: lower, capitalised, or all capitals.
func writeCased(b *strings.Builder, lat string, rs []rune, i, n int) {
	switch {
	case !unicode.IsUpper(rs[i]):
		b.WriteString(lat)
	case n > 1 && unicode.IsUpper(rs[i+n-1]), n == 1 && allCaps(rs, i):
		b.WriteString(strings.ToUpper(lat))
	default:
		b.WriteString(strings.ToUpper(lat[:1]))
		b.WriteString(lat[1:])
	}
}

// allCaps reports whether the capital at rs[i] stands in a run of capitals
// (a neighbouring letter is upper case too), such as "НАТО" or "ЖЪЛТ".
func allCaps(rs []rune, i int) bool {
	return i+1 < len(rs) && unicode.IsUpper(rs[i+1]) || i > 0 && unicode.IsUpper(rs[i-1])
}

// Slugify makes a URL slug from text: Cyrillic transliterated, Latin
// accents dropped, everything else but letters and digits turned into single
// hyphens, lower case, at most MaxSlugLen bytes cut at a word boundary.
// "Южна Корея и НАТО" → "yuzhna-koreya-i-nato". It returns "" when text has
// no letters or digits at all.
func Slugify(text string) string {
	t := norm.NFKD.String(Transliterate(strings.ToLower(text)))
	var b strings.Builder
	b.Grow(len(t))
	hyphen := false
	for _, r := range t {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r):
			// Combining marks left by NFKD: "é" → "e".
		case r == '\'' || r == '’':
			// Apostrophes join words: "д'Артанян" → "dartanyan".
		default:
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > MaxSlugLen {
		s = s[:MaxSlugLen]
		if i := strings.LastIndexByte(s, '-'); i > MaxSlugLen/2 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	return s
}

// ValidSlug reports whether s is a well-formed slug: lower-case ASCII letters
// and digits in hyphen-separated runs, at most 128 bytes.
func ValidSlug(s string) bool {
	if s == "" || len(s) > 128 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	prevHyphen := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
			prevHyphen = false
		case c == '-':
			if prevHyphen {
				return false
			}
			prevHyphen = true
		default:
			return false
		}
	}
	return true
}

// ValidID reports whether s is a usable article ID: 1 to 64 URL-safe
// characters (ASCII letters, digits, '-' and '_'), not starting with '-' or
// '_'.
func ValidID(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[0] == '_' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// MaxPreviousSlugs bounds an article's slug history. Each previous slug
// stays reserved and redirects for good, so a history cannot be trimmed;
// instead a rename beyond the bound is refused (the article may still take
// back any of its previous slugs). 32 slugs of at most 128 bytes are 4 KiB
// in the two items of a DynamoDB save that carry the list.
const MaxPreviousSlugs = 32

// SlugHistory returns the previous slugs, oldest first, of an article that
// held slug cur after the slugs prev and now takes slug next: cur joins the
// end when it changes, and next leaves the list when the article takes one
// of its old slugs back. It returns nil for an empty history, and never
// changes prev.
func SlugHistory(prev []string, cur, next string) []string {
	out := make([]string, 0, len(prev)+1)
	for _, s := range prev {
		if s != next && s != cur {
			out = append(out, s)
		}
	}
	if cur != "" && cur != next {
		out = append(out, cur)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
