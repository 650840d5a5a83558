package license_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// The licences of several issuers (a township's and its villages') are
// listed together, newest first, page by page, as the licences of all.
func TestListMergesIssuers(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			orgs := []string{e.officer.OrgID, e.other.OrgID}
			for i := range 12 {
				no := fmt.Sprintf("11340504MB5040095043401000900102026030900%02d", i)
				iss, err := e.svc.Prepare(e.ctx, license.Request{TypeName: "食品经营许可证", CaseID: "case-" + no, CaseNo: no,
					ItemName: "食品经营许可", OrgID: e.officer.OrgID, Holder: e.holder(), Actor: e.officer, Decision: "准予",
					Form: map[string]string{"operator": "雨山区张三小吃店", "premises": "雨山区湖东路1号", "format": "餐饮服务经营者", "items": "热食类食品制售"}})
				if err != nil || iss == nil {
					t.Fatalf("prepare: %v %v", iss, err)
				}
				iss.License.IssuerOrgID = orgs[i%3%2] // two of one, one of the other, …
				if err := e.db.AddLicense(e.ctx, iss.License, iss.Event, iss.Audit, nil); err != nil {
					t.Fatal(err)
				}
				e.clk.Advance(time.Minute)
			}
			all, err := e.db.Licenses(e.ctx, license.ListQuery{Limit: 100})
			if err != nil || len(all) < 12 {
				t.Fatalf("all: %d %v", len(all), err)
			}
			var want []string
			for _, l := range all {
				if slices.Contains(orgs, l.IssuerOrgID) {
					want = append(want, l.ID)
				}
			}
			for i := 1; i < len(all); i++ {
				if all[i].IssuedAt.After(all[i-1].IssuedAt) {
					t.Fatalf("licence %d issued after licence %d", i, i-1)
				}
			}
			for _, p := range []struct{ limit, offset int }{{5, 0}, {5, 5}, {5, 10}} {
				got, err := e.db.Licenses(e.ctx, license.ListQuery{OrgIDs: orgs, Limit: p.limit, Offset: p.offset})
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, l := range got {
					ids = append(ids, l.ID)
				}
				if w := want[p.offset:min(p.offset+p.limit, len(want))]; !slices.Equal(ids, w) {
					t.Fatalf("%d from %d:\n got %v\nwant %v", p.limit, p.offset, ids, w)
				}
			}
			got, err := e.db.Licenses(e.ctx, license.ListQuery{OrgIDs: orgs, Q: "2026030900" + "07", Limit: 50})
			if err != nil || len(got) != 1 || got[0].CaseNo != "11340504MB504009504340100090010202603090007" {
				t.Fatalf("search by case number: %d %v", len(got), err)
			}
			one, err := e.db.Licenses(e.ctx, license.ListQuery{OrgIDs: orgs[1:], Limit: 50})
			if err != nil || len(one) != 4 {
				t.Fatalf("one issuer's: %d %v", len(one), err)
			}
		})
	}
}
