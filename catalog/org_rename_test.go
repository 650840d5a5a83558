package catalog_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// A renamed department shows under its new name at once, in searches and
// in the list of every published entry, both of which are kept in memory
// by catalog generation.
func TestOrgRenameShows(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			if _, err := e.svc.SaveBase(e.ctx, e.root, foodBase()); err != nil {
				t.Fatal(err)
			}
			e.publish(t, foodEntry(e.amr.ID))
			names := func() (string, string) {
				t.Helper()
				res, err := e.svc.Search(e.ctx, catalog.Query{Q: "食品"})
				if err != nil || res.Total != 1 {
					t.Fatalf("search: %+v %v", res, err)
				}
				all, _, err := e.svc.AllPublished(e.ctx)
				if err != nil || len(all) != 1 {
					t.Fatalf("all published: %d %v", len(all), err)
				}
				return res.Items[0].OrgName, all[0].OrgName
			}
			if s, a := names(); s != "雨山区市场监督管理局" || a != s {
				t.Fatalf("before: %q %q", s, a)
			}
			gen, err := e.svc.Generation(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			admin := yiwang.Actor{AccountID: "a1", Name: "管理员", Kind: yiwang.KindStaff, OrgID: e.district.ID, Roles: []yiwang.Role{yiwang.RoleSysAdmin}}
			o := e.amr
			o.Name = "雨山区市场监督管理局（知识产权局）"
			if _, err := (&org.Service{Store: e.db, Clock: e.clk}).Update(e.ctx, admin, o); err != nil {
				t.Fatal(err)
			}
			if now, err := e.svc.Generation(e.ctx); err != nil || now == gen {
				t.Fatalf("generation %d after a rename, %d before (%v)", now, gen, err)
			}
			if s, a := names(); s != o.Name || a != o.Name {
				t.Fatalf("after the rename: %q %q", s, a)
			}
		})
	}
}
