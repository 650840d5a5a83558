package casework

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang/catalog"
)

// Fee is one fee the org charged on a case (收费), recorded with the
// decision: the item's name as the guide names it (or as the officer typed
// it) and the amount in fen.
type Fee struct {
	Name string `json:"name"`
	Fen  int64  `json:"fen"`
}

// FeeLine is a fee as the officer enters it: a name and an amount in yuan,
// as typed ("12.5", "300").
type FeeLine struct {
	Name   string
	Amount string
}

// MaxFees is how many fee lines one decision may record.
const MaxFees = 10

// checkFees validates the fee lines of a decision: blank lines (no name, no
// amount) are skipped; each other line needs a name of 1 to 100 characters
// on one line and an amount ≥ 0 with at most two decimals. Problems are
// keyed "fees[i].name" and "fees[i].amount" (i counts the lines as sent).
func checkFees(lines []FeeLine, bad map[string]string) []Fee {
	var out []Fee
	n := 0
	for i, l := range lines {
		name, amount := strings.Join(strings.Fields(l.Name), " "), strings.TrimSpace(l.Amount)
		if name == "" && amount == "" {
			continue
		}
		n++
		if n > MaxFees {
			bad["fees"] = fmt.Sprintf("收费不能超过%d项", MaxFees)
			return nil
		}
		switch {
		case name == "":
			bad[fmt.Sprintf("fees[%d].name", i)] = fmt.Sprintf("第%d项收费请填写收费项目名称", i+1)
		case !utf8.ValidString(name) || strings.ContainsRune(name, 0) || utf8.RuneCountInString(name) > 100:
			bad[fmt.Sprintf("fees[%d].name", i)] = fmt.Sprintf("第%d项收费的名称不能超过100字，且不能含有无法识别的字符", i+1)
		}
		fen, ok := catalog.ParseYuan(amount)
		if !ok {
			bad[fmt.Sprintf("fees[%d].amount", i)] = fmt.Sprintf("第%d项收费的金额应为不小于0的数字（元），最多两位小数，例如 20 或 12.50", i+1)
		}
		out = append(out, Fee{Name: name, Fen: fen})
	}
	return out
}

// FeeWords says the fees charged in words: "工本费 10.00 元；检测费 20.00 元",
// "" when none.
func FeeWords(fees []Fee) string {
	parts := make([]string, len(fees))
	for i, f := range fees {
		parts[i] = f.Name + " " + catalog.Yuan(f.Fen) + " 元"
	}
	return strings.Join(parts, "；")
}

// FeeTotal is the sum of the fees charged, in fen.
func FeeTotal(fees []Fee) int64 {
	var t int64
	for _, f := range fees {
		t += f.Fen
	}
	return t
}
