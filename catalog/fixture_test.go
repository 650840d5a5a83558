package catalog_test

import (
	"context"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type env struct {
	ctx                     context.Context
	db                      *sqlstore.DB
	clk                     *yiwangtest.Clock
	svc                     *catalog.Service
	district, amr, pinghu   org.Org
	maintainer, head, head2 yiwang.Actor
	root                    yiwang.Actor // the district's catalog maintainer, who keeps base items
}

func mustCredit(t *testing.T, body string) string {
	c, err := idcode.MakeCreditCode('1', '1', "340504", body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newEnv makes a district with one department and one street, and the
// catalog people of the department.
func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))}
	orgs := &org.Service{Store: e.db, Clock: e.clk}
	e.svc = &catalog.Service{Store: e.db, Orgs: orgs, Clock: e.clk}
	add := func(o org.Org, parent *org.Org) org.Org {
		if parent != nil {
			o.ParentID = parent.ID
		}
		if err := org.Validate(&o, parent); err != nil {
			t.Fatal(err)
		}
		o.ID, o.Version, o.CreatedAt, o.UpdatedAt = yiwang.NewID(), 1, e.clk.Now(), e.clk.Now()
		if err := e.db.CreateOrg(e.ctx, o, audit.New(yiwang.System("test"), e.clk.Now(), "org.create", o.ID, "ok", "")); err != nil {
			t.Fatal(err)
		}
		return o
	}
	e.district = add(org.Org{Kind: org.KindDistrict, Name: "雨山区", RegionCode: "340504"}, nil)
	e.amr = add(org.Org{Kind: org.KindDepartment, Name: "雨山区市场监督管理局", CreditCode: mustCredit(t, "MB504009")}, &e.district)
	e.pinghu = add(org.Org{Kind: org.KindStreet, Name: "平湖街道", RegionCode: "340504001000", CreditCode: mustCredit(t, "MC001000")}, &e.district)
	e.maintainer = yiwang.Actor{AccountID: "m1", Name: "孙维护", Kind: yiwang.KindStaff, OrgID: e.amr.ID, Roles: []yiwang.Role{yiwang.RoleCatalogMaintainer}}
	e.head = yiwang.Actor{AccountID: "h1", Name: "钱科长", Kind: yiwang.KindStaff, OrgID: e.amr.ID, Roles: []yiwang.Role{yiwang.RoleDeptHead}}
	e.root = yiwang.Actor{AccountID: "r1", Name: "周目录", Kind: yiwang.KindStaff, OrgID: e.district.ID, Roles: []yiwang.Role{yiwang.RoleCatalogMaintainer}}
	e.head2 = yiwang.Actor{AccountID: "h2", Name: "街道主任", Kind: yiwang.KindStaff, OrgID: e.pinghu.ID, Roles: []yiwang.Role{yiwang.RoleDeptHead}}
	return e
}

func foodBase() catalog.Base {
	return catalog.Base{Code: "340111000100", Name: "食品经营许可", Aliases: []string{"开饭店", "餐饮许可"}, Type: "01",
		Basis:   []catalog.Basis{{Law: "《中华人民共和国食品安全法》", Article: "第三十五条", Text: "国家对食品生产经营实行许可制度。"}},
		Objects: []string{"1", "2"}, Themes: []string{"l01", "l11"}}
}

func foodEntry(orgID string) catalog.Entry {
	return catalog.Entry{Base: catalog.Base{Code: "340111000100"}, OrgID: orgID, Level: 4, Kind: 2, LegalDays: 20,
		PromiseDays: 10, Depth: []int{1, 2, 3, 4, 5, 6, 7}, Forms: []int{1, 2, 3}, Visits: 0,
		Guide: catalog.Guide{
			Conditions: []string{"申请人取得营业执照等合法主体资格"},
			Materials: []catalog.Material{
				{Name: "食品经营许可申请书", Forms: []string{"原件"}, Required: true, Source: "applicant"},
				{Name: "营业执照", Forms: []string{"电子"}, Required: true, Source: "license", License: "营业执照"},
				{Name: "授权委托书", Forms: []string{"原件"}, Required: false, Condition: "委托他人办理的", Source: "applicant"},
			},
			Steps:      []catalog.Step{{Name: "受理"}, {Name: "审查", Days: 7}, {Name: "决定", Days: 2}, {Name: "制证", Days: 1}},
			ResultName: "食品经营许可证", ResultKind: "elicense"}}
}

// publish drafts, submits and approves an entry.
func (e *env) publish(t *testing.T, en catalog.Entry) catalog.Entry {
	t.Helper()
	d, err := e.svc.Draft(e.ctx, e.maintainer, en)
	if err != nil {
		t.Fatalf("draft: %v", err)
	}
	if _, err := e.svc.Submit(e.ctx, e.maintainer, d.ID); err != nil {
		t.Fatalf("submit: %v", err)
	}
	p, err := e.svc.Approve(e.ctx, e.head, d.ID)
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	return p
}
