package catalog

import (
	"strings"
	"unicode/utf8"
)

// The guide's fee and FAQ lines as the catalog edit form and the workbook
// import both read them (as ParseStepLine and ParseFieldLine are shared).

// ParseFeeLine reads a fee line: name, amount in yuan and basis separated
// by the first two ｜ (or |), as the form shows and the workbook holds
// them, or else by the first two commas (either kind), as people also
// type them. The basis is kept as typed, its separators too; the amount is
// read by ParseYuan.
func ParseFeeLine(l string) (Fee, bool) {
	for _, seps := range []string{"｜|", ",，"} {
		name, rest, ok1 := cutAny(l, seps)
		amount, basis, ok2 := cutAny(rest, seps)
		if fen, ok := ParseYuan(amount); ok1 && ok2 && ok {
			return Fee{Name: strings.TrimSpace(name), Fen: fen, Basis: strings.TrimSpace(basis)}, true
		}
	}
	return Fee{}, false
}

// FeeLine writes f as ParseFeeLine reads it back: with ｜, since a name
// may hold commas (工本费（含照片，每本）).
func FeeLine(f Fee) string { return f.Name + "｜" + Yuan(f.Fen) + "｜" + f.Basis }

// ParseFAQLine reads a FAQ line: the question, then the answer after the
// first ｜ (or |), kept as typed.
func ParseFAQLine(l string) (FAQ, bool) {
	q, a, ok := cutAny(l, "｜|")
	return FAQ{Q: strings.TrimSpace(q), A: strings.TrimSpace(a)}, ok
}

// FAQLine writes q as ParseFAQLine reads it back.
func FAQLine(q FAQ) string { return q.Q + "｜" + q.A }

// cutAny slices s around the first of the characters seps holds.
func cutAny(s, seps string) (before, after string, found bool) {
	i := strings.IndexAny(s, seps)
	if i < 0 {
		return s, "", false
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return s[:i], s[i+n:], true
}
