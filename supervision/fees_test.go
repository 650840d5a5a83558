package supervision_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/supervision"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestFeeProblems(t *testing.T) {
	guide := []catalog.Fee{{Name: "工本费", Fen: 2000}, {Name: "检测费（按实际）", Fen: 0}}
	for _, tc := range []struct {
		what    string
		charged []casework.Fee
		guide   []catalog.Fee
		want    string // a word of the one problem; "" for none
	}{
		{"the fixed amount", []casework.Fee{{Name: "工本费", Fen: 2000}}, guide, ""},
		{"less than fixed", []casework.Fee{{Name: "工本费", Fen: 1000}}, guide, ""},
		{"spaces folded", []casework.Fee{{Name: " 工本费 ", Fen: 2000}}, guide, ""},
		{"not fixed", []casework.Fee{{Name: "检测费（按实际）", Fen: 999999}}, guide, ""},
		{"nothing charged", []casework.Fee{{Name: "资料费", Fen: 0}}, nil, ""},
		{"over the fixed amount", []casework.Fee{{Name: "工本费", Fen: 2001}}, guide, "超过办事指南标准 20.00 元"},
		{"not in the guide", []casework.Fee{{Name: "资料费", Fen: 500}}, guide, "不在办事指南收费项目中"},
		{"none in the guide", []casework.Fee{{Name: "工本费", Fen: 100}}, nil, "办事指南未列收费项目"},
	} {
		got := supervision.FeeProblems(tc.charged, tc.guide)
		if tc.want == "" && len(got) != 0 || tc.want != "" && (len(got) != 1 || !strings.Contains(got[0], tc.want)) {
			t.Errorf("%s: %q", tc.what, got)
		}
	}
}

// TestFeeRule: a case whose recorded fees are not in its guide, above the
// guide's fixed amount, or charged where the guide lists none raises a red
// alert naming the item, told to the org and the supervisors; a correct
// fee raises none; like refusals, the alerts stay once raised.
func TestFeeRule(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			g := e.food.Guide
			g.Fees = []catalog.Fee{{Name: "工本费", Fen: 2000, Basis: "测试依据"}, {Name: "检测费（按实际）", Fen: 0, Basis: "测试依据"}}
			raw, _ := json.Marshal(g)
			if _, err := e.db.SQL().Exec(`UPDATE catalog_entries SET guide = $1 WHERE id = $2`, string(raw), e.food.ID); err != nil {
				t.Fatal(err)
			}
			if len(e.business.Guide.Fees) != 0 {
				t.Fatalf("个体工商户设立登记 lists fees: %+v", e.business.Guide.Fees)
			}
			business := func(c *casework.Case) {
				c.EntryID, c.EntryCode, c.ItemName = e.business.ID, e.business.Code, e.business.Base.Name
			}
			charge := func(c casework.Case, at time.Time, fees ...casework.Fee) {
				for i, f := range fees {
					if _, err := e.db.SQL().Exec(`INSERT INTO case_fees (case_id, line, name, fen, at) VALUES ($1,$2,$3,$4,$5)`,
						c.ID, i, f.Name, f.Fen, at.UTC()); err != nil {
						t.Fatal(err)
					}
				}
			}
			now := e.clk.Now()
			decided := func(with func(*casework.Case)) casework.Case {
				return e.bulk(t, casework.StateDelivered, "9999-12-31", with)
			}
			ok := decided(nil)
			charge(ok, now.Add(-time.Hour), casework.Fee{Name: "工本费", Fen: 2000}, casework.Fee{Name: "检测费（按实际）", Fen: 12345})
			over := decided(nil)
			charge(over, now.Add(-time.Hour), casework.Fee{Name: "工本费", Fen: 2500})
			unlisted := decided(nil)
			charge(unlisted, now.Add(-time.Hour), casework.Fee{Name: "工本费", Fen: 2000}, casework.Fee{Name: "资料费", Fen: 500})
			none := decided(business)
			charge(none, now.Add(-time.Hour), casework.Fee{Name: "工本费", Fen: 100})
			free := decided(business)
			charge(free, now.Add(-time.Hour), casework.Fee{Name: "工本费", Fen: 0})
			old := decided(nil)
			charge(old, now.AddDate(0, 0, -supervision.FeeLookback-1), casework.Fee{Name: "资料费", Fen: 500})

			before := e.msgs(t, e.officerID)
			if r := e.scan(t); r.Raised != 3 {
				t.Fatalf("scan: %+v", r)
			}
			got := e.openAlerts(t)
			for no, want := range map[string]string{over.No: "“工本费”25.00 元，超过办事指南标准 20.00 元",
				unlisted.No: "“资料费”5.00 元，该项目不在办事指南收费项目中", none.No: "办事指南未列收费项目，却收取“工本费”1.00 元"} {
				a, found := got[no+"/"+supervision.RuleFee]
				if !found || a.Level != supervision.Red || !strings.Contains(a.Detail, want) || a.OrgID != e.officer.OrgID {
					t.Fatalf("fee alert of %s: %+v", no, a)
				}
			}
			for _, c := range []casework.Case{ok, free, old} {
				if _, found := got[c.No+"/"+supervision.RuleFee]; found {
					t.Fatalf("a fee alert on %s", c.No)
				}
			}
			if strings.Contains(got[unlisted.No+"/fee"].Detail, "工本费") {
				t.Fatalf("the listed fee is named too: %s", got[unlisted.No+"/fee"].Detail)
			}
			if e.msgs(t, e.officerID) != before+1 || e.msgs(t, e.supID) == 0 {
				t.Fatal("the officer and the supervisor were not told")
			}
			if supervision.RuleName(supervision.RuleFee) != "收费不符合办事指南" {
				t.Fatal("the rule has no name")
			}
			// The next scans raise nothing new; a week on the alerts stay.
			if r := e.scan(t); r.Raised != 0 || r.Cleared != 0 {
				t.Fatalf("second scan: %+v", r)
			}
			e.day(20)
			e.scan(t)
			for _, c := range []casework.Case{over, unlisted, none} {
				if _, found := e.openAlerts(t)[c.No+"/fee"]; !found {
					t.Fatalf("the fee alert of %s was cleared", c.No)
				}
			}
			as, err := e.db.Alerts(e.ctx, supervision.AlertFilter{Rule: supervision.RuleFee, OrgIDs: []string{e.officer.OrgID}})
			if err != nil || len(as) != 3 {
				t.Fatalf("filter by rule: %d %v", len(as), err)
			}
		})
	}
}
