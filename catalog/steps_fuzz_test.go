package catalog

import (
	"reflect"
	"testing"
)

// FuzzParseStepLine: any line either fails with a message or reads as a
// step that writes back to a line reading as the same step.
func FuzzParseStepLine(f *testing.F) {
	for _, s := range []string{"受理｜0", "审查及现场核查｜6｜审查｜城管局；公安分局｜部门负责人", "决定,2", "制证，1，制证",
		"｜", "a｜b", "审查｜1｜送达｜｜", "审查｜99999999999999999999"} {
		f.Add(s)
	}
	orgs := map[string]string{"城管局": "org-urban", "公安分局": "org-police"}
	names := map[string]string{"org-urban": "城管局", "org-police": "公安分局"}
	f.Fuzz(func(t *testing.T, line string) {
		s, err := ParseStepLine(line, func(n string) string { return orgs[n] })
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		back, err := ParseStepLine(StepLine(s, func(id string) string { return names[id] }), func(n string) string { return orgs[n] })
		if err != nil || !reflect.DeepEqual(back, s) {
			t.Fatalf("%q read as %+v, written as %q, read back as %+v (%v)", line, s, StepLine(s, func(id string) string { return names[id] }), back, err)
		}
	})
}
