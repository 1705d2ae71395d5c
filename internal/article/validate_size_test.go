package article

import (
	"strings"
	"testing"
)

// TestValidateTotalSize: every field within its own limit, but 4-byte
// characters everywhere, must still be refused as a whole, so that 24
// stored copies stay inside DynamoDB's 4 MB transaction limit.
func TestValidateTotalSize(t *testing.T) {
	emoji := "😀" // 4 bytes of UTF-8
	a := Article{
		Title: strings.Repeat(emoji, MaxTitleRunes),
		Lead:  strings.Repeat(emoji, MaxLeadRunes),
		Body:  strings.Repeat("ж", MaxBodyBytes/2),
		Image: &Image{URL: "https://img.example.bg/a.jpg", Alt: strings.Repeat(emoji, MaxAltRunes)},
	}
	for i := 0; i < MaxAuthors; i++ {
		a.Authors = append(a.Authors, Author{Name: strings.Repeat(emoji, MaxNameRunes-1) + string(rune('a'+i)),
			URL: "https://news.example.bg/avtori/" + strings.Repeat("a", MaxURLBytes-40)})
	}
	err := Validate(&a)
	ve, ok := err.(*ValidationError)
	if !ok {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	if len(ve.Fields) != 1 || ve.Fields[0].Field != "article" {
		t.Errorf("got fields %+v, want only \"article\"", ve.Fields)
	}
	if got := TextBytes(&a); got <= MaxArticleBytes {
		t.Errorf("TextBytes = %d, want over %d", got, MaxArticleBytes)
	}

	// The largest Bulgarian article the field limits allow is accepted.
	b := Article{Title: strings.Repeat("ж", MaxTitleRunes), Lead: strings.Repeat("ж", MaxLeadRunes),
		Body: strings.Repeat("ж", MaxBodyBytes/2)}
	if err := Validate(&b); err != nil {
		t.Errorf("largest Cyrillic article: %v", err)
	}
}
