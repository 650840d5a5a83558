package calendar

import (
	"os"
	"testing"
)

// FuzzParse: an administrator's holiday file is either refused with a
// message or names one year whose schedule then loads; loading never
// changes a calendar when the file is refused.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("holidays/2026.json"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{`{}`, `{"year":2027,"days":[]}`, `{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}`,
		`{"year":2027,"days":[{"name":"x","date":"2026-01-01","isOffDay":true}]}`, `[`, `{"year":-1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		year, err := Parse(b)
		c, derr := Default()
		if derr != nil {
			t.Fatal(derr)
		}
		before := c.Years()
		lerr := c.Load(b)
		if err != nil {
			if err.Error() == "" || lerr == nil || len(c.Years()) != len(before) {
				t.Fatalf("refused file: %v; load %v; years %v → %v", err, lerr, before, c.Years())
			}
			return
		}
		if lerr != nil || !c.Covers(year) {
			t.Fatalf("year %d parsed but load: %v, covers %v", year, lerr, c.Covers(year))
		}
	})
}
