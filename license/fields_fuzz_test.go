package license

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseFields: the admin form's field lines either fail with a message
// naming the line, or read as fields that write back to the same fields.
func FuzzParseFields(f *testing.F) {
	for _, s := range []string{"经营场所=form:premises\n办件编号=case_no", "名称＝item", "=x", "a=", "\r\n\r\n", "类型=个体工商户=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fs, err := ParseFields(text)
		if err != nil {
			if !strings.Contains(err.Error(), "行") {
				t.Fatalf("error without the line: %v", err)
			}
			return
		}
		lines := make([]string, len(fs))
		for i, fl := range fs {
			if fl.Name == "" || fl.From == "" || fl.Name != strings.TrimSpace(fl.Name) {
				t.Fatalf("field %+v from %q", fl, text)
			}
			lines[i] = fl.FieldLine()
		}
		back, err := ParseFields(strings.Join(lines, "\n"))
		if err != nil || !reflect.DeepEqual(back, fs) {
			t.Fatalf("%q read as %+v, back as %+v (%v)", text, fs, back, err)
		}
	})
}
