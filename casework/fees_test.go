package casework_test

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestDecideFees: the fees charged are checked with the decision (bad lines
// refuse it and change nothing), then kept in the case, in case_fees and
// in the decision's words.
func TestDecideFees(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c.ID); err != nil {
				t.Fatal(err)
			}
			c = e.finish(t, c.ID, "review")
			var many []casework.FeeLine
			for range casework.MaxFees + 1 {
				many = append(many, casework.FeeLine{Name: "工本费", Amount: "1"})
			}
			for _, tc := range []struct {
				what  string
				lines []casework.FeeLine
				field string
			}{
				{"a negative amount", []casework.FeeLine{{"工本费", "-5"}}, "fees[0].amount"},
				{"three decimals", []casework.FeeLine{{"工本费", "1.005"}}, "fees[0].amount"},
				{"an exponent", []casework.FeeLine{{"工本费", "1e2"}}, "fees[0].amount"},
				{"NaN", []casework.FeeLine{{"工本费", "NaN"}}, "fees[0].amount"},
				{"no amount", []casework.FeeLine{{"", ""}, {"工本费", ""}}, "fees[1].amount"},
				{"no name", []casework.FeeLine{{"  ", "10"}}, "fees[0].name"},
				{"a long name", []casework.FeeLine{{strings.Repeat("费", 101), "10"}}, "fees[0].name"},
				{"too many lines", many, "fees"},
			} {
				_, err := e.svc.DecideWith(e.ctx, e.officer, c.ID, casework.Decision{Decision: casework.Granted, Note: "符合条件", Fees: tc.lines})
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[tc.field] == "" {
					t.Fatalf("%s: %v %v", tc.what, err, yiwang.ErrorFields(err))
				}
			}
			if got, _, _ := e.svc.Get(e.ctx, e.officer, c.ID); got.State != casework.StateAccepted || got.Version != c.Version {
				t.Fatalf("a refused decision changed the case: %s v%d", got.State, got.Version)
			}
			d, err := e.svc.DecideWith(e.ctx, e.officer, c.ID, casework.Decision{Decision: casework.Granted, Note: "符合条件",
				Fees: []casework.FeeLine{{" 检验费 ", "30.5"}, {"", ""}, {"工本费", "0"}}})
			if err != nil {
				t.Fatal(err)
			}
			want := []casework.Fee{{Name: "检验费", Fen: 3050}, {Name: "工本费", Fen: 0}}
			got, evs, err := e.svc.Get(e.ctx, e.officer, c.ID)
			if err != nil || len(got.Fees) != 2 || got.Fees[0] != want[0] || got.Fees[1] != want[1] || len(d.Fees) != 2 {
				t.Fatalf("stored fees: %+v %v", got.Fees, err)
			}
			if note := evs[len(evs)-1].Note; !strings.Contains(note, "收费：检验费 30.50 元；工本费 0.00 元") {
				t.Fatalf("decision note: %q", note)
			}
			var n int
			var fen int64
			if err := e.db.SQL().QueryRow(`SELECT COUNT(*), SUM(fen) FROM case_fees WHERE case_id = $1`, c.ID).Scan(&n, &fen); err != nil || n != 2 || fen != 3050 {
				t.Fatalf("case_fees: %d rows, %d fen, %v", n, fen, err)
			}
		})
	}
}
