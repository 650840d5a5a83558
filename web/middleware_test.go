package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/yushan-gov/yiwang"
)

// TestMarkWrites: requests that may change something are marked
// yiwang.Writes (their reads then avoid SQLite's mapped readers); GET,
// HEAD and OPTIONS are not.
func TestMarkWrites(t *testing.T) {
	for method, want := range map[string]bool{http.MethodGet: false, http.MethodHead: false, http.MethodOptions: false,
		http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true} {
		var got bool
		h := markWrites(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = yiwang.IsWrites(r.Context()) }))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/api/v1/cases", nil))
		if got != want {
			t.Errorf("%s marked %v, want %v", method, got, want)
		}
	}
}
