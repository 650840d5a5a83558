package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Amounts of money are kept in fen (分), as integers, and read and
// written in yuan (元) as people write them: the guide's fees (the catalog
// edit form and the workbook import) and the fees a decision charged
// (casework) alike.

// MaxFen is the largest amount one fee may charge: 100 million yuan,
// far above any administrative fee and far below int64's limit.
const MaxFen = 100_000_000_00

// yuanPattern is an amount in yuan as people write it: digits, at most two
// decimals; no sign, exponent, hexadecimal, NaN or infinity.
var yuanPattern = regexp.MustCompile(`^[0-9]{1,12}(\.[0-9]{1,2})?$`)

// ParseYuan reads an amount in yuan ("12", "12.5", "12.50") into fen.
func ParseYuan(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if !yuanPattern.MatchString(s) {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	fen := y*100 + f
	if fen > MaxFen {
		return 0, false
	}
	return fen, true
}

// Yuan writes fen as yuan with two decimals: 1250 → "12.50".
func Yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
