package catalog

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseFieldLine: a form-field line of the edit form or workbook either
// fails with a message, or reads as a field whose parts are trimmed and
// hold no separator, and which writes back to a line reading as the same
// field.
func FuzzParseFieldLine(f *testing.F) {
	for _, s := range []string{"operator｜经营者｜text｜是｜｜name｜", "kind｜组成形式｜select｜否｜个人经营、家庭经营｜｜",
		"family｜家庭成员｜textarea｜｜｜｜kind=家庭经营", " a ｜ b ｜ c ｜ 是 ｜ 、x、 、 ｜ p ｜ w ", "｜｜｜｜｜｜", "a｜b｜c｜也许｜｜｜",
		"a｜b｜c｜是｜｜｜｜", "a|b|c|是|||", "a｜b\n｜c｜是｜｜｜", "a｜b｜c｜\u3000是\u3000｜｜｜"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fl, err := ParseFieldLine(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		for _, p := range append([]string{fl.Key, fl.Label, fl.Type, fl.Prefill, fl.When}, fl.Options...) {
			if p != strings.TrimSpace(p) || strings.Contains(p, "｜") {
				t.Fatalf("%q read as %+v", line, fl)
			}
		}
		for _, o := range fl.Options {
			if o == "" || strings.Contains(o, "、") {
				t.Fatalf("%q read with option %q", line, o)
			}
		}
		back, err := ParseFieldLine(FieldLine(fl))
		if err != nil || !reflect.DeepEqual(back, fl) {
			t.Fatalf("%q read as %+v, written as %q, read back as %+v (%v)", line, fl, FieldLine(fl), back, err)
		}
	})
}
