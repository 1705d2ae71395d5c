package importer

import "testing"

func TestTakeSourceCredit(t *testing.T) {
	for _, tc := range []struct {
		name, body, wantBody, wantSource string
	}{
		{"own credit", `<p>Текст.</p><p class="source">Източник: БТА</p>`, `<p>Текст.</p>`, "БТА"},
		{"entities and trailing space", "<p>Текст.</p>\n<p class=\"source\">Източник: Reuters &amp; AP</p>\n", "<p>Текст.</p>\n", "Reuters & AP"},
		{"a credit line of the body itself", `<p>Текст.</p><p>Източник: БТА</p>`, `<p>Текст.</p><p>Източник: БТА</p>`, ""},
		{"not at the end", `<p class="source">Източник: БТА</p><p>Текст.</p>`, `<p class="source">Източник: БТА</p><p>Текст.</p>`, ""},
		{"markup inside", `<p class="source">Източник: <a href="x">БТА</a></p>`, `<p class="source">Източник: <a href="x">БТА</a></p>`, ""},
		{"empty", ``, ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, src := takeSourceCredit(tc.body)
			if body != tc.wantBody || src != tc.wantSource {
				t.Errorf("takeSourceCredit(%q) = %q, %q; want %q, %q", tc.body, body, src, tc.wantBody, tc.wantSource)
			}
		})
	}
}
