package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestUncleanInputRefused: invalid UTF-8 or NUL in a query string or a form
// never reaches a handler (PostgreSQL cannot store it; pages cannot show it).
func TestUncleanInputRefused(t *testing.T) {
	reached := false
	h := limitForms(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	for _, tc := range []struct {
		name string
		req  *http.Request
	}{
		{"query with invalid UTF-8", httptest.NewRequest(http.MethodGet, "/items?q=%ff%fe", nil)},
		{"query with NUL", httptest.NewRequest(http.MethodGet, "/items?q=a%00b", nil)},
		{"form with invalid UTF-8", formRequest("reason=%C3%28")},
		{"form name with NUL", formRequest("re%00ason=x")},
	} {
		reached = false
		w := httptest.NewRecorder()
		h.ServeHTTP(w, tc.req)
		if reached || w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "无法识别的字符") {
			t.Errorf("%s: reached %v, %d", tc.name, reached, w.Code)
		}
	}
	reached = false
	h.ServeHTTP(httptest.NewRecorder(), formRequest("reason="+url.QueryEscape("经营场所伪造")))
	if !reached {
		t.Fatal("a clean Chinese form was refused")
	}
}

func formRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/work/x/refuse", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// TestJSONWithNULRefused: an API body with a NUL character is refused with
// EINVALID before anything is decoded.
func TestJSONWithNULRefused(t *testing.T) {
	var v struct {
		Note string `json:"note"`
	}
	for _, body := range []string{`{"note":"a\u0000b"}`, `{"note":"\U0000"}`} {
		r := httptest.NewRequest(http.MethodPost, "/api/v1/cases", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		err := decodeJSON(httptest.NewRecorder(), r, &v)
		if pe := publicError(err); err == nil || pe.Code != "EINVALID" {
			t.Errorf("%s: %v", body, err)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/api/v1/cases", strings.NewReader(`{"note":"经营场所"}`))
	r.Header.Set("Content-Type", "application/json")
	if err := decodeJSON(httptest.NewRecorder(), r, &v); err != nil || v.Note != "经营场所" {
		t.Fatalf("clean body: %v %q", err, v.Note)
	}
}
