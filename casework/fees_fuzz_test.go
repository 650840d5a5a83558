package casework

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/catalog"
)

// FuzzCheckFees: a decision's fee lines are refused with Chinese messages
// keyed by the line as sent, or kept as fees whose names are one line of
// 1 to 100 characters the database can hold and whose amounts are the
// yuan written; blank lines are skipped.
func FuzzCheckFees(f *testing.F) {
	for _, s := range [][6]string{
		{"工本费", "10", "", "", "检测费", "12.50"},
		{"  检验\n费 ", "30.5", "", "5", "\x00", "1"},
		{"\xff", "1", "费", "1.005", "费", "-1"},
		{strings.Repeat("费", 101), "0", "费\u2028用", "0", "a", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	f.Fuzz(func(t *testing.T, n0, a0, n1, a1, n2, a2 string) {
		lines := []FeeLine{{n0, a0}, {n1, a1}, {n2, a2}}
		bad := map[string]string{}
		fees := checkFees(lines, bad)
		for k, msg := range bad {
			ok := false
			for i := range lines {
				ok = ok || k == fmt.Sprintf("fees[%d].name", i) || k == fmt.Sprintf("fees[%d].amount", i)
			}
			if !ok || !utf8.ValidString(msg) || !strings.ContainsRune(msg, '费') {
				t.Fatalf("problem %q: %q", k, msg)
			}
		}
		if len(bad) > 0 {
			return
		}
		var kept []FeeLine
		for _, l := range lines {
			if strings.TrimSpace(l.Name) != "" || strings.TrimSpace(l.Amount) != "" {
				kept = append(kept, l)
			}
		}
		if len(fees) != len(kept) {
			t.Fatalf("%q: %d lines kept as %d fees", lines, len(kept), len(fees))
		}
		for i, fe := range fees {
			if fe.Name != strings.Join(strings.Fields(kept[i].Name), " ") || !utf8.ValidString(fe.Name) || strings.ContainsRune(fe.Name, 0) ||
				strings.ContainsAny(fe.Name, "\r\n") || fe.Name == "" || utf8.RuneCountInString(fe.Name) > 100 {
				t.Fatalf("name %q kept as %q", kept[i].Name, fe.Name)
			}
			if want, ok := catalog.ParseYuan(kept[i].Amount); !ok || fe.Fen != want {
				t.Fatalf("amount %q kept as %d fen", kept[i].Amount, fe.Fen)
			}
		}
	})
}
