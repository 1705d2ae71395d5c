package wpcontent

import (
	"encoding/json"
	"os"
	"testing"
)

// TestAgainstWordPress compares Texturize and Autop with WordPress 6.1's
// wptexturize and wpautop of the same strings (testdata/oracle.golden.json,
// written by scripts/wordpress/oracle.php under a real WordPress; make
// test-wordpress rewrites it).
func TestAgainstWordPress(t *testing.T) {
	b, err := os.ReadFile("testdata/oracle.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var pairs []struct{ In, Texturize, Autop string }
	if err := json.Unmarshal(b, &pairs); err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if got := Texturize(p.In); got != p.Texturize {
			t.Errorf("Texturize(%q)\n got %q\nwant %q", p.In, got, p.Texturize)
		}
		if got := Autop(p.In); got != p.Autop {
			t.Errorf("Autop(%q)\n got %q\nwant %q", p.In, got, p.Autop)
		}
	}
}
