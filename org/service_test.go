package org_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func creditCode(t *testing.T, body string) string {
	t.Helper()
	c, err := idcode.MakeCreditCode('1', '1', "340504", body)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// wantErr fails unless err has the code and, when field is set, a Chinese
// problem for that field.
func wantErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if got := yiwang.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if code != "" && !hasHan(yiwang.ErrorMessage(err)) {
		t.Errorf("message %q is not Chinese", yiwang.ErrorMessage(err))
	}
	if field != "" {
		if p := yiwang.ErrorFields(err)[field]; !hasHan(p) {
			t.Errorf("fields = %v, want a Chinese problem for %q", yiwang.ErrorFields(err), field)
		}
	}
}

func TestValidate(t *testing.T) {
	district := &org.Org{ID: "d", Kind: org.KindDistrict, Level: org.LevelCounty, Name: "雨山区", RegionCode: "340504"}
	street := &org.Org{ID: "s", ParentID: "d", Kind: org.KindStreet, Level: org.LevelTownship, Name: "平湖街道", RegionCode: "340504001000"}
	center := &org.Org{ID: "c", ParentID: "d", Kind: org.KindCenter, Level: org.LevelCounty, Name: "政务服务中心", RegionCode: "340504"}
	community := &org.Org{ID: "m", ParentID: "s", Kind: org.KindCommunity, Level: org.LevelVillage, Name: "一村社区", RegionCode: "340504001001"}
	dept := creditCode(t, "MB504001")
	tests := []struct {
		name      string
		o         org.Org
		parent    *org.Org
		field     string    // "" when valid
		wantLevel org.Level // when valid
		wantRC    string    // region code after validation, when valid
	}{
		{"区", org.Org{Kind: org.KindDistrict, Name: "雨山区", RegionCode: "340504"}, nil, "", org.LevelCounty, "340504"},
		{"街道", org.Org{Kind: org.KindStreet, Name: "采石街道", RegionCode: "340504004000"}, district, "", org.LevelTownship, "340504004000"},
		{"社区", org.Org{Kind: org.KindCommunity, Name: "牛渚社区", RegionCode: "340504004001"}, street, "", org.LevelVillage, "340504004001"},
		{"街道的部门继承行政区划代码", org.Org{Kind: org.KindDepartment, Name: " 街道办 ", CreditCode: " " + strings.ToLower(dept) + " "}, street, "", org.LevelTownship, "340504001000"},
		{"区的部门", org.Org{Kind: org.KindDepartment, Name: "民政局", CreditCode: dept}, district, "", org.LevelCounty, "340504"},
		{"窗口", org.Org{Kind: org.KindWindow, Name: "1号窗口"}, center, "", org.LevelCounty, "340504"},
		{"代办点", org.Org{Kind: org.KindAgentPoint, Name: "代办点"}, community, "", org.LevelVillage, "340504001001"},
		{"名称正好64字", org.Org{Kind: org.KindCenter, Name: strings.Repeat("中", 64)}, street, "", org.LevelTownship, "340504001000"},

		{"村设在区下", org.Org{Kind: org.KindVillage, Name: "宋山村", RegionCode: "340504004200"}, district, "parent_id", 0, ""},
		{"窗口设在街道下", org.Org{Kind: org.KindWindow, Name: "窗口"}, street, "parent_id", 0, ""},
		{"代办点设在街道下", org.Org{Kind: org.KindAgentPoint, Name: "代办点"}, street, "parent_id", 0, ""},
		{"街道设在街道下", org.Org{Kind: org.KindStreet, Name: "街道", RegionCode: "340504001000"}, street, "parent_id", 0, ""},
		{"区有上级", org.Org{Kind: org.KindDistrict, Name: "区", RegionCode: "340504"}, district, "parent_id", 0, ""},
		{"街道没有上级", org.Org{Kind: org.KindStreet, Name: "街道", RegionCode: "340504001000"}, nil, "parent_id", 0, ""},
		{"未知类型", org.Org{Kind: "city", Name: "市"}, district, "kind", 0, ""},
		{"行政区划代码为空", org.Org{Kind: org.KindStreet, Name: "街道"}, district, "region_code", 0, ""},
		{"行政区划代码位数不对", org.Org{Kind: org.KindStreet, Name: "街道", RegionCode: "34050400"}, district, "region_code", 0, ""},
		{"行政区划代码含字母", org.Org{Kind: org.KindStreet, Name: "街道", RegionCode: "34050400100A"}, district, "region_code", 0, ""},
		{"行政区划代码省级不存在", org.Org{Kind: org.KindDistrict, Name: "区", RegionCode: "990504"}, nil, "region_code", 0, ""},
		{"非区域单位的行政区划代码格式错误", org.Org{Kind: org.KindCenter, Name: "中心", RegionCode: "abc"}, street, "region_code", 0, ""},
		{"部门没有信用代码", org.Org{Kind: org.KindDepartment, Name: "民政局"}, district, "credit_code", 0, ""},
		{"部门信用代码校验位错误", org.Org{Kind: org.KindDepartment, Name: "民政局", CreditCode: wrongCheck(dept)}, district, "credit_code", 0, ""},
		{"部门信用代码位数不对", org.Org{Kind: org.KindDepartment, Name: "民政局", CreditCode: dept[:17]}, district, "credit_code", 0, ""},
		{"中心的信用代码错误", org.Org{Kind: org.KindCenter, Name: "中心", CreditCode: "123"}, district, "credit_code", 0, ""},
		{"名称为空", org.Org{Kind: org.KindCenter, Name: "  "}, district, "name", 0, ""},
		{"名称过长", org.Org{Kind: org.KindCenter, Name: strings.Repeat("中", 65)}, district, "name", 0, ""},
		{"地址过长", org.Org{Kind: org.KindCenter, Name: "中心", Address: strings.Repeat("路", 201)}, district, "address", 0, ""},
		{"电话过长", org.Org{Kind: org.KindCenter, Name: "中心", Phone: strings.Repeat("1", 41)}, district, "phone", 0, ""},
		{"办公时间过长", org.Org{Kind: org.KindCenter, Name: "中心", Hours: strings.Repeat("时", 201)}, district, "hours", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			err := org.Validate(&o, tc.parent)
			if tc.field != "" {
				wantErr(t, err, yiwang.EINVALID, tc.field)
				if len(yiwang.ErrorFields(err)) != 1 {
					t.Errorf("fields = %v, want only %s", yiwang.ErrorFields(err), tc.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if o.Level != tc.wantLevel || o.RegionCode != tc.wantRC {
				t.Errorf("level %d, region %q; want %d, %q", o.Level, o.RegionCode, tc.wantLevel, tc.wantRC)
			}
			if o.Name != strings.TrimSpace(tc.o.Name) || o.CreditCode != idcode.NormalizeCreditCode(tc.o.CreditCode) {
				t.Errorf("not normalised: %q %q", o.Name, o.CreditCode)
			}
		})
	}
}

func wrongCheck(code string) string {
	if code[17] == '0' {
		return code[:17] + "1"
	}
	return code[:17] + "0"
}

var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

type env struct {
	ctx context.Context
	db  *sqlstore.DB
	svc *org.Service
	// A small tree made through the service.
	district, street, center, dept org.Org
}

var (
	sysAdmin = yiwang.Actor{AccountID: "admin-1", Name: "系统管理员", Kind: yiwang.KindStaff,
		Roles: []yiwang.Role{yiwang.RoleSysAdmin}, IP: "10.0.0.1"}
	secAdmin = yiwang.Actor{AccountID: "sec-1", Name: "安全管理员", Kind: yiwang.KindStaff,
		Roles: []yiwang.Role{yiwang.RoleSecAdmin}}
	clerk = yiwang.Actor{AccountID: "clerk-1", Name: "窗口", Kind: yiwang.KindStaff,
		Roles: []yiwang.Role{yiwang.RoleWindowClerk}}
)

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine)}
	e.svc = &org.Service{Store: e.db, Clock: yiwangtest.NewClock(start)}
	e.district = e.create(t, org.Org{Kind: org.KindDistrict, Name: "雨山区", RegionCode: "340504"})
	e.street = e.create(t, org.Org{ParentID: e.district.ID, Kind: org.KindStreet, Name: "平湖街道", RegionCode: "340504001000", Sort: 2})
	e.center = e.create(t, org.Org{ParentID: e.district.ID, Kind: org.KindCenter, Name: "雨山区政务服务中心", Sort: 1})
	e.dept = e.create(t, org.Org{ParentID: e.district.ID, Kind: org.KindDepartment, Name: "雨山区民政局",
		CreditCode: creditCode(t, "MB504004"), Sort: 3})
	return e
}

func (e *env) create(t *testing.T, o org.Org) org.Org {
	t.Helper()
	got, err := e.svc.Create(e.ctx, sysAdmin, o)
	if err != nil {
		t.Fatalf("create %s: %v", o.Name, err)
	}
	return got
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) audits(t *testing.T, action, object string) []audit.Entry {
	t.Helper()
	es, _, err := e.db.ListAudit(e.ctx, audit.Filter{Action: action, Object: object, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestCreate(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			stored, err := e.db.Org(e.ctx, e.dept.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Version != 1 || stored.Level != org.LevelCounty || stored.RegionCode != "340504" ||
				stored.ParentID != e.district.ID || stored.CreditCode != e.dept.CreditCode || !stored.CreatedAt.Equal(start) {
				t.Errorf("stored %+v", stored)
			}
			for _, o := range []org.Org{e.district, e.street, e.center, e.dept} {
				es := e.audits(t, "org.create", "org:"+o.ID)
				if len(es) != 1 || es[0].ActorID != sysAdmin.AccountID || es[0].Result != audit.ResultOK || es[0].IP != sysAdmin.IP {
					t.Errorf("org.create audit for %s: %+v", o.Name, es)
				}
			}

			tests := []struct {
				name  string
				actor yiwang.Actor
				o     org.Org
				code  string
				field string
			}{
				{"安全管理员", secAdmin, org.Org{ParentID: e.district.ID, Kind: org.KindCenter, Name: "中心"}, yiwang.EFORBIDDEN, ""},
				{"窗口人员", clerk, org.Org{ParentID: e.district.ID, Kind: org.KindCenter, Name: "中心"}, yiwang.EFORBIDDEN, ""},
				{"未登录", yiwang.Actor{}, org.Org{ParentID: e.district.ID, Kind: org.KindCenter, Name: "中心"}, yiwang.EFORBIDDEN, ""},
				{"上级不存在", sysAdmin, org.Org{ParentID: yiwang.NewID(), Kind: org.KindCenter, Name: "中心"}, yiwang.ENOTFOUND, ""},
				{"村设在区下", sysAdmin, org.Org{ParentID: e.district.ID, Kind: org.KindVillage, Name: "村", RegionCode: "340504004200"}, yiwang.EINVALID, "parent_id"},
				{"部门没有信用代码", sysAdmin, org.Org{ParentID: e.street.ID, Kind: org.KindDepartment, Name: "科室"}, yiwang.EINVALID, "credit_code"},
				{"信用代码已被使用", sysAdmin, org.Org{ParentID: e.street.ID, Kind: org.KindDepartment, Name: "科室",
					CreditCode: e.dept.CreditCode}, yiwang.ECONFLICT, "credit_code"},
				{"信用代码小写也算已被使用", sysAdmin, org.Org{ParentID: e.street.ID, Kind: org.KindDepartment, Name: "科室",
					CreditCode: strings.ToLower(e.dept.CreditCode)}, yiwang.ECONFLICT, "credit_code"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					before := e.count(t)
					auditsBefore := len(e.audits(t, "org.create", ""))
					_, err := e.svc.Create(e.ctx, tc.actor, tc.o)
					wantErr(t, err, tc.code, tc.field)
					if got := e.count(t); got != before {
						t.Errorf("orgs = %d, want %d (unchanged)", got, before)
					}
					if got := len(e.audits(t, "org.create", "")); got != auditsBefore {
						t.Errorf("org.create audit entries = %d, want %d", got, auditsBefore)
					}
				})
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)

			// Two editors open the same version.
			first, second := e.dept, e.dept
			first.Name, first.Address, first.Phone, first.Hours, first.Sort = "雨山区民政局（新）", "雨山路1号", "0555-0101004", "周一至周五", 9
			first.Kind, first.ParentID = org.KindCenter, e.street.ID // not editable
			got, err := e.svc.Update(e.ctx, sysAdmin, first)
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if got.Version != 2 {
				t.Errorf("version = %d, want 2", got.Version)
			}
			stored, err := e.db.Org(e.ctx, e.dept.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Version != 2 || stored.Name != first.Name || stored.Address != "雨山路1号" || stored.Sort != 9 ||
				stored.Kind != org.KindDepartment || stored.ParentID != e.district.ID {
				t.Errorf("stored %+v", stored)
			}
			if es := e.audits(t, "org.update", "org:"+e.dept.ID); len(es) != 1 || es[0].ActorID != sysAdmin.AccountID {
				t.Errorf("org.update audit entries: %+v", es)
			}

			second.Name = "另一个名称"
			_, err = e.svc.Update(e.ctx, sysAdmin, second)
			wantErr(t, err, yiwang.ECONFLICT, "")

			// The store itself refuses a version that does not follow the stored one.
			stale := stored
			stale.Version = stored.Version + 2
			err = e.db.UpdateOrg(e.ctx, stale, audit.New(sysAdmin, start, "org.update", "org:"+stale.ID, audit.ResultOK, ""))
			wantErr(t, err, yiwang.ECONFLICT, "")

			tests := []struct {
				name  string
				actor yiwang.Actor
				edit  func(o *org.Org)
				code  string
				field string
			}{
				{"安全管理员", secAdmin, func(o *org.Org) { o.Name = "x" }, yiwang.EFORBIDDEN, ""},
				{"窗口人员", clerk, func(o *org.Org) { o.Name = "x" }, yiwang.EFORBIDDEN, ""},
				{"旧版本", sysAdmin, func(o *org.Org) { o.Version-- }, yiwang.ECONFLICT, ""},
				{"新版本", sysAdmin, func(o *org.Org) { o.Version++ }, yiwang.ECONFLICT, ""},
				{"单位不存在", sysAdmin, func(o *org.Org) { o.ID = yiwang.NewID() }, yiwang.ENOTFOUND, ""},
				{"名称为空", sysAdmin, func(o *org.Org) { o.Name = "" }, yiwang.EINVALID, "name"},
				{"去掉部门的信用代码", sysAdmin, func(o *org.Org) { o.CreditCode = "" }, yiwang.EINVALID, "credit_code"},
				{"街道行政区划代码错误", sysAdmin, func(o *org.Org) { *o = e.street; o.RegionCode = "3405" }, yiwang.EINVALID, "region_code"},
				{"信用代码与其他单位重复", sysAdmin, func(o *org.Org) { *o = e.center; o.CreditCode = e.dept.CreditCode }, yiwang.ECONFLICT, "credit_code"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					o := stored
					tc.edit(&o)
					want, _ := e.db.Org(e.ctx, o.ID)
					_, err := e.svc.Update(e.ctx, tc.actor, o)
					wantErr(t, err, tc.code, tc.field)
					if got, _ := e.db.Org(e.ctx, o.ID); got != want {
						t.Errorf("stored changed:\n got %+v\nwant %+v", got, want)
					}
				})
			}
			if es := e.audits(t, "org.update", ""); len(es) != 1 {
				t.Errorf("org.update audit entries = %d, want 1", len(es))
			}
			if r, err := audit.Verify(e.ctx, e.db); err != nil || !r.OK() {
				t.Errorf("audit chain: %v %v", r, err)
			}
		})
	}
}

func TestTree(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			// Children made before some of their uncles, to show order comes
			// from the tree, not from creation.
			comm := e.create(t, org.Org{ParentID: e.street.ID, Kind: org.KindCommunity, Name: "一村社区", RegionCode: "340504001001", Sort: 1})
			e.create(t, org.Org{ParentID: comm.ID, Kind: org.KindAgentPoint, Name: "一村社区代办点"})
			e.create(t, org.Org{ParentID: e.center.ID, Kind: org.KindWindow, Name: "2号窗口", Sort: 2})
			e.create(t, org.Org{ParentID: e.center.ID, Kind: org.KindWindow, Name: "1号窗口", Sort: 1})
			e.create(t, org.Org{ParentID: e.street.ID, Kind: org.KindCenter, Name: "平湖街道为民服务中心", Sort: 0})

			tree, err := e.svc.Tree(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, o := range tree {
				names = append(names, o.Name)
			}
			want := []string{"雨山区", "雨山区政务服务中心", "1号窗口", "2号窗口", "平湖街道", "平湖街道为民服务中心",
				"一村社区", "一村社区代办点", "雨山区民政局"}
			if strings.Join(names, ",") != strings.Join(want, ",") {
				t.Errorf("tree order\n got %v\nwant %v", names, want)
			}
			checkTree(t, tree)
			// Subtree, read from the links alone, agrees with the full tree.
			for _, o := range tree {
				got, err := e.svc.Subtree(e.ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := org.Descendants(tree, o.ID)
				if len(got) != len(want) {
					t.Errorf("subtree of %s: %d orgs, want %d", o.Name, len(got), len(want))
				}
				for id := range want {
					if !got[id] {
						t.Errorf("subtree of %s misses %s", o.Name, id)
					}
				}
			}
			if sub, _ := e.svc.Subtree(e.ctx, e.street.ID); len(sub) != 4 || !sub[comm.ID] || sub[e.center.ID] {
				t.Errorf("subtree of the street: %v", sub)
			}
		})
	}
}

// checkTree fails unless each org comes after its parent and inside its
// parent's subtree.
func checkTree(t *testing.T, orgs []org.Org) {
	t.Helper()
	pos := map[string]int{}
	for i, o := range orgs {
		pos[o.ID] = i
	}
	for i, o := range orgs {
		if o.ParentID == "" {
			continue
		}
		p, ok := pos[o.ParentID]
		if !ok {
			t.Errorf("%s: parent missing", o.Name)
			continue
		}
		if p >= i {
			t.Errorf("%s at %d comes before its parent at %d", o.Name, i, p)
		}
		// Everything between parent and child is a descendant of the parent.
		for _, between := range orgs[p+1 : i] {
			if !org.Descendants(orgs, o.ParentID)[between.ID] {
				t.Errorf("%s separates %s from its parent", between.Name, o.Name)
			}
		}
	}
}

func TestWalk(t *testing.T) {
	all := []org.Org{
		{ID: "d", Name: "区"},
		{ID: "s1", ParentID: "d", Name: "乙街道", Sort: 1},
		{ID: "s2", ParentID: "d", Name: "甲街道", Sort: 1},
		{ID: "s3", ParentID: "d", Name: "丙街道", Sort: 0},
		{ID: "c1", ParentID: "s1", Name: "社区1"},
		{ID: "c2", ParentID: "s2", Name: "社区2"},
		{ID: "a1", ParentID: "c1", Name: "代办点1"},
		{ID: "x", ParentID: "gone", Name: "孤儿"},
	}
	wantIDs := []string{"d", "s3", "s1", "c1", "a1", "s2", "c2", "x"}
	wantDepth := map[string]int{"d": 0, "s1": 1, "s2": 1, "s3": 1, "c1": 2, "c2": 2, "a1": 3, "x": 0}
	if org.Walk(nil) == nil || len(org.Walk(nil)) != 0 {
		t.Errorf("Walk(nil) = %v", org.Walk(nil))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		shuffled := append([]org.Org(nil), all...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		nodes := org.Walk(shuffled)
		var ids []string
		for _, n := range nodes {
			ids = append(ids, n.ID)
			if n.Depth != wantDepth[n.ID] {
				t.Errorf("shuffle %d: depth of %s = %d, want %d", i, n.ID, n.Depth, wantDepth[n.ID])
			}
		}
		if strings.Join(ids, ",") != strings.Join(wantIDs, ",") {
			t.Fatalf("shuffle %d: order %v, want %v", i, ids, wantIDs)
		}
		ordered := org.Ordered(shuffled)
		if len(ordered) != len(nodes) || ordered[3].ID != "c1" {
			t.Errorf("Ordered = %v", ordered)
		}
	}
	desc := org.Descendants(all, "s1")
	if len(desc) != 3 || !desc["s1"] || !desc["c1"] || !desc["a1"] {
		t.Errorf("Descendants(s1) = %v", desc)
	}
}
