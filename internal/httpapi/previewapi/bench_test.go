package previewapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPreviewPage is one GET /articles/{id}/preview of a draft with a
// photo (not probed: no network in a benchmark), share counts and every
// check, through the router and Observe.
func BenchmarkPreviewPage(b *testing.B) {
	h, _ := newHandler(b)
	r := httptest.NewRequest(http.MethodGet, "/articles/draft1/preview", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		size = w.Body.Len()
	}
	b.ReportMetric(float64(size), "page-bytes")
}
