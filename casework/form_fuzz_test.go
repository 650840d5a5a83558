package casework

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/catalog"
)

// fuzzFields is a form with every kind of field, one conditional.
var fuzzFields = []catalog.Field{
	{Key: "name", Label: "经营者", Type: "text", Required: true},
	{Key: "about", Label: "说明", Type: "textarea"},
	{Key: "capital", Label: "资金数额", Type: "number"},
	{Key: "day", Label: "开业日期", Type: "date"},
	{Key: "kind", Label: "组成形式", Type: "select", Options: []string{"个人经营", "家庭经营"}},
	{Key: "family", Label: "家庭成员", Type: "text", When: "kind=家庭经营"},
}

// FuzzFormValues: whatever a browser or API client sends, the form either
// refuses it with a message keyed by field, or keeps values that the
// database and every page can hold: valid UTF-8 without NUL, at most 1,000
// characters, finite numbers, real dates, offered choices, one-line text.
func FuzzFormValues(f *testing.F) {
	for _, seed := range [][5]string{
		{"张三", "", "5", "2026-11-26", "个人经营"},
		{"李四", "多行\n说明", "1e3", "2026-02-30", "家庭经营"},
		{"", "", "NaN", "2026-1-1", "别的"},
		{"王\x00五", "\xff\xfe", "Inf", "0000-00-00", ""},
		{strings.Repeat("长", 1001), "", "-0", "2026-11-26T00:00:00Z", "个人经营"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4])
	}
	f.Fuzz(func(t *testing.T, name, about, capital, day, kind string) {
		in := map[string]string{"name": name, "about": about, "capital": capital, "day": day, "kind": kind, "family": name}
		out, bad := formValues(fuzzFields, in, Applicant{})
		for k, msg := range bad {
			if !strings.HasPrefix(k, "f.") || msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("problem %q: %q", k, msg)
			}
			if _, kept := out[strings.TrimPrefix(k, "f.")]; kept {
				t.Fatalf("%s both refused and kept", k)
			}
		}
		for k, v := range out {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || utf8.RuneCountInString(v) > 1000 || v == "" {
				t.Fatalf("%s kept as %q", k, v)
			}
		}
		if v, ok := out["capital"]; ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				t.Fatalf("capital kept as %q", v)
			}
		}
		if v, ok := out["day"]; ok {
			if _, err := time.Parse("2006-01-02", v); err != nil {
				t.Fatalf("day kept as %q", v)
			}
		}
		if v, ok := out["kind"]; ok && v != "个人经营" && v != "家庭经营" {
			t.Fatalf("kind kept as %q", v)
		}
		if v, ok := out["name"]; ok && strings.ContainsAny(v, "\r\n") {
			t.Fatalf("one-line field kept with a line break: %q", v)
		}
		if _, ok := out["family"]; ok && out["kind"] != "家庭经营" {
			t.Fatal("a field whose condition does not hold was kept")
		}
		if _, ok := out["name"]; !ok && bad["f.name"] == "" {
			t.Fatal("a required field is neither kept nor refused")
		}
	})
}
