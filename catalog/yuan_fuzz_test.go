package catalog

import (
	"math/big"
	"strings"
	"testing"
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
				if r, _ := new(big.Rat).SetString(strings.TrimSpace(s)); r.Cmp(big.NewRat(MaxFen, 100)) <= 0 {
					t.Fatalf("%q refused", s)
				}
			}
			return
		}
		if !plainYuan(s) || fen < 0 || fen > MaxFen {
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
