package adminapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequireBearerEmptyTokenRefusesEveryone(t *testing.T) {
	h := RequireBearer(StaticToken(""), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("handler reached with an empty configured token")
	}))
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		r := httptest.NewRequest(http.MethodGet, "/articles", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if got, want := w.Code, http.StatusServiceUnavailable; got != want {
			t.Errorf("Authorization %q: status %d, want %d", auth, got, want)
		}
	}
}
