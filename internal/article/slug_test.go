package article

import (
	"slices"
	"strings"
	"testing"
)

func TestTransliterate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Южна Корея и НАТО", "Yuzhna Koreya i NATO"},
		{"България", "Bulgaria"},
		{"Република България", "Republika Bulgaria"},
		{"БЪЛГАРИЯ", "BULGARIA"},
		{"българин", "balgarin"}, // only the country's name is special
		{"София", "Sofia"},
		{"Щастие", "Shtastie"},
		{"Ъгъл", "Agal"},
		{"Жълт", "Zhalt"},
		{"ЖЪЛТ", "ZHALT"},
		{"Цветя", "Tsvetya"},
		{"Юлия", "Yulia"},
		{"ЮЛИЯ", "YULIA"},
		{"Юлия Петрова", "Yulia Petrova"},
		{"партията", "partiyata"}, // ия not at the end of the word
		{"Чайка, Шипка, Ямбол", "Chayka, Shipka, Yambol"},
		{"iPhone 17 в България", "iPhone 17 v Bulgaria"},
		{"„Белбек“", "„Belbek“"},
		{"Ё ы э є і ї ґ ѝ", "Yo y e ye i yi g i"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Transliterate(tt.in); got != tt.want {
				t.Errorf("Transliterate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSlugify(t *testing.T) {
	long := strings.Repeat("Южна Корея и НАТО се споразумяха ", 10)
	tests := []struct {
		name, in, want string
	}{
		{"title", "Южна Корея и НАТО", "yuzhna-koreya-i-nato"},
		{"country", "България", "bulgaria"},
		{"capital", "София", "sofia"},
		{"sht", "Щастие", "shtastie"},
		{"er", "Ъгъл", "agal"},
		{"zh", "Жълт", "zhalt"},
		{"ts", "Цветя", "tsvetya"},
		{"ia at word end", "Юлия", "yulia"},
		{"mixed scripts", "iPhone 17 в България", "iphone-17-v-bulgaria"},
		{"quotes", "СБУ унищожи техника на летище „Белбек“", "sbu-unishtozhi-tehnika-na-letishte-belbek"},
		{"straight quotes", `Легионът "Свобода на Русия": скоро`, "legionat-svoboda-na-rusia-skoro"},
		{"emoji", "Новини 🎉 днес", "novini-dnes"},
		{"accents", "Crème brûlée", "creme-brulee"},
		{"apostrophe", "д'Артанян", "dartanyan"},
		{"edges", "  --Кирил--  ", "kiril"},
		{"currency", "$30-50 млн.", "30-50-mln"},
		{"only punctuation", "!!!", ""},
		{"only emoji", "🎉🎉", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Slugify(tt.in); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}

	t.Run("long title cut at a word boundary", func(t *testing.T) {
		got := Slugify(long)
		if len(got) > MaxSlugLen {
			t.Errorf("len = %d, want <= %d", len(got), MaxSlugLen)
		}
		if !strings.HasSuffix(got, "-nato") || !strings.HasPrefix(long2slug(long), got) {
			t.Errorf("Slugify(long) = %q, want a prefix of the full slug ending at a whole word", got)
		}
		if !ValidSlug(got) {
			t.Errorf("Slugify(long) = %q is not a valid slug", got)
		}
	})
	t.Run("one long word is cut hard", func(t *testing.T) {
		got := Slugify(strings.Repeat("щ", 100))
		if len(got) != MaxSlugLen || !ValidSlug(got) {
			t.Errorf("len = %d (%q), want %d and valid", len(got), got, MaxSlugLen)
		}
	})
}

// long2slug is the uncut slug of the repeated test title.
func long2slug(s string) string {
	return strings.TrimSuffix(strings.Repeat("yuzhna-koreya-i-nato-se-sporazumyaha-", strings.Count(s, "Южна")), "-")
}

func TestValidSlugAndID(t *testing.T) {
	slugs := []struct {
		in   string
		want bool
	}{
		{"yuzhna-koreya", true}, {"a", true}, {"2025", true},
		{"", false}, {"-a", false}, {"a-", false}, {"a--b", false}, {"A", false},
		{"юг", false}, {"a b", false}, {strings.Repeat("a", 128), true}, {strings.Repeat("a", 129), false},
	}
	for _, tt := range slugs {
		if got := ValidSlug(tt.in); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	ids := []struct {
		in   string
		want bool
	}{
		{"abc123", true}, {"A_b-C", true}, {strings.Repeat("x", 64), true},
		{"", false}, {"-a", false}, {"_a", false}, {"a/b", false}, {"a.b", false}, {"юг", false}, {strings.Repeat("x", 65), false},
	}
	for _, tt := range ids {
		if got := ValidID(tt.in); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func BenchmarkSlugify(b *testing.B) {
	title := "Южна Корея и НАТО се споразумяха за общи проекти във военната индустрия"
	b.ReportAllocs()
	for b.Loop() {
		_ = Slugify(title)
	}
}

func TestSlugHistory(t *testing.T) {
	tests := []struct {
		name      string
		prev      []string
		cur, next string
		want      []string
	}{
		{"new article", nil, "", "a", nil},
		{"same slug", nil, "a", "a", nil},
		{"same slug keeps history", []string{"x", "y"}, "a", "a", []string{"x", "y"}},
		{"rename", nil, "a", "b", []string{"a"}},
		{"second rename", []string{"a"}, "b", "c", []string{"a", "b"}},
		{"take back the oldest", []string{"a", "b"}, "c", "a", []string{"b", "c"}},
		{"take back the latest", []string{"a", "b"}, "c", "b", []string{"a", "c"}},
		{"history holding cur is not doubled", []string{"a", "c"}, "c", "d", []string{"a", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.prev)
			got := SlugHistory(tc.prev, tc.cur, tc.next)
			if !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("SlugHistory(%q, %q, %q) = %#v, want %#v", tc.prev, tc.cur, tc.next, got, tc.want)
			}
			if !slices.Equal(tc.prev, before) {
				t.Errorf("SlugHistory changed prev to %q", tc.prev)
			}
		})
	}
}
