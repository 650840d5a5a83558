package casework

import (
	"fmt"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"
)

// plainYuan reports whether s (trimmed) is an amount as people write it:
// 1 to 12 ASCII digits, then at most a point and one or two digits.
func plainYuan(s string) bool {
	whole, frac, dot := strings.Cut(strings.TrimSpace(s), ".")
	digits := func(x string, lo, hi int) bool {
		if len(x) < lo || len(x) > hi {
			return false
		}
		for i := 0; i < len(x); i++ {
			if x[i] < '0' || x[i] > '9' {
				return false
			}
		}
		return true
	}
	return digits(whole, 1, 12) && (!dot || digits(frac, 1, 2))
}

// FuzzParseYuan: an amount is accepted exactly when it is plain digits
// with at most two decimals and at most 100 million yuan; the fen read are
// exactly the yuan written, and write back to the same fen.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"0", "12.5", " 3.07 ", "100000000", "100000000.01", "999999999999", "000000000001.00", "1e3", "NaN",
		"Inf", "-0", "+1", "0x10", "1,000", "１２", ".5", "5.", "1.234", "\u00a012\u3000", "1_0", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, ok := ParseYuan(s)
		if !ok {
			if fen != 0 {
				t.Fatalf("%q refused with %d fen", s, fen)
			}
			if plainYuan(s) {
				if r, _ := new(big.Rat).SetString(strings.TrimSpace(s)); r.Cmp(big.NewRat(maxFen, 100)) <= 0 {
					t.Fatalf("%q refused", s)
				}
			}
			return
		}
		if !plainYuan(s) || fen < 0 || fen > maxFen {
			t.Fatalf("%q accepted as %d fen", s, fen)
		}
		r, _ := new(big.Rat).SetString(strings.TrimSpace(s))
		if r.Mul(r, big.NewRat(100, 1)).Cmp(big.NewRat(fen, 1)) != 0 {
			t.Fatalf("%q read as %d fen", s, fen)
		}
		if back, ok := ParseYuan(Yuan(fen)); !ok || back != fen {
			t.Fatalf("%d fen written as %q, read back as %d, %v", fen, Yuan(fen), back, ok)
		}
	})
}

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
			if want, ok := ParseYuan(kept[i].Amount); !ok || fe.Fen != want {
				t.Fatalf("amount %q kept as %d fen", kept[i].Amount, fe.Fen)
			}
		}
	})
}
