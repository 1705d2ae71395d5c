package article

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Seeds shared by the fuzz targets: the real article's title and photo
// credit, all-capitals words, the law's special cases, and hostile input.
var fuzzTextSeeds = []string{
	"Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия",
	"Снимка: EPA/BGNES",
	"БТА",
	"ЖЪЛТ ЩИТ",
	"България и София",
	"д'Артанян",
	"Ѝ Ё Є Ї Ґ ы э",
	"Crème brûlée – ½ ℌ ﬁ ²",
	"!!! 🎉",
	"",
	"-",
	strings.Repeat("дълго заглавие ", 20),
	"\x00\x01\xff\xfe\ufffe\ud7ff",
	"a\u0301\u0308",
	"İSTANBUL ǅ ß",
}

// FuzzSlugify checks that Slugify never panics, that it yields a valid
// slug or nothing, and that a slug is its own slug: slugs stored once must
// not change when made again.
func FuzzSlugify(f *testing.F) {
	for _, s := range fuzzTextSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Slugify(s)
		if got == "" {
			return
		}
		if !ValidSlug(got) {
			t.Fatalf("Slugify(%q) = %q, not a valid slug", s, got)
		}
		if len(got) > MaxSlugLen {
			t.Fatalf("Slugify(%q) = %q, %d bytes; want at most %d", s, got, len(got), MaxSlugLen)
		}
		if again := Slugify(got); again != got {
			t.Fatalf("Slugify(Slugify(%q)) = %q, want %q", s, again, got)
		}
	})
}

// FuzzTransliterate checks that Transliterate never panics, keeps valid
// UTF-8 valid, leaves no letter it knows untransliterated, leaves text
// without such letters alone, and that case only ever changes case: the
// Latin of lower-case Cyrillic is the lower case of the Latin.
func FuzzTransliterate(f *testing.F) {
	for _, s := range fuzzTextSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Transliterate(s)
		if !utf8.ValidString(s) {
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Transliterate(%q) = %q, not valid UTF-8", s, got)
		}
		known := func(r rune) bool { _, ok := bgLatin[unicode.ToLower(r)]; return ok }
		if strings.ContainsFunc(got, known) {
			t.Fatalf("Transliterate(%q) = %q, still has Cyrillic it knows", s, got)
		}
		if !strings.ContainsFunc(s, known) && got != s {
			t.Fatalf("Transliterate(%q) = %q, want it unchanged (no Cyrillic)", s, got)
		}
		if onlyCyrillicWords(s) {
			if lower, want := Transliterate(strings.ToLower(s)), strings.ToLower(got); lower != want {
				t.Fatalf("Transliterate(lower(%q)) = %q, want lower(Transliterate) = %q", s, lower, want)
			}
		}
	})
}

// onlyCyrillicWords reports whether s is made only of letters Transliterate
// knows, spaces and hyphens, where case is the only thing that differs.
func onlyCyrillicWords(s string) bool {
	for _, r := range s {
		if _, ok := bgLatin[unicode.ToLower(r)]; !ok && r != ' ' && r != '-' {
			return false
		}
	}
	return true
}
