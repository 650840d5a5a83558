package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON: any API body either decodes into the request (with text
// the database can hold: valid UTF-8, no NUL) or is refused with EINVALID
// (or as too large), never a panic or another kind of error.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"entry_code":"1134","fields":{"operator":"张三"},"materials":[{"index":0,"file":"ab"}],"note":"x"}`,
		`{}`, `{"entry_code":1}`, `{"evil":1}`, `{"note":"\u0000"}`, `{"note":"\ud800"}`, `[]`, `{"a":`, `{} {}`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var in struct {
			EntryCode string            `json:"entry_code"`
			Fields    map[string]string `json:"fields"`
			Materials []apiMaterialIn   `json:"materials"`
			Note      string            `json:"note"`
		}
		r := httptest.NewRequest(http.MethodPost, "/api/v1/cases", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		err := decodeJSON(httptest.NewRecorder(), r, &in)
		if err != nil {
			var mbe *http.MaxBytesError
			if pe := publicError(err); pe.Code != "EINVALID" && !errors.As(err, &mbe) {
				t.Fatalf("%q: %v (%s)", body, err, pe.Code)
			}
			return
		}
		texts := []string{in.EntryCode, in.Note}
		for k, v := range in.Fields {
			texts = append(texts, k, v)
		}
		for _, m := range in.Materials {
			texts = append(texts, m.File)
		}
		for _, s := range texts {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("%q decoded to unclean text %q", body, s)
			}
		}
	})
}
