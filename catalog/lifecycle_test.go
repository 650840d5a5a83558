package catalog_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestLifecycle(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			if _, err := e.svc.SaveBase(e.ctx, e.root, foodBase()); err != nil {
				t.Fatal(err)
			}
			v1 := e.publish(t, foodEntry(e.amr.ID))
			if v1.Version != 1 || v1.Code != e.amr.CreditCode+"4"+"340111000100" || len(v1.Code) != 31 {
				t.Fatalf("v1 %d %s", v1.Version, v1.Code)
			}
			res, err := e.svc.Search(e.ctx, catalog.Query{Q: "食品"})
			if err != nil || res.Total != 1 || res.Items[0].ID != v1.ID {
				t.Fatalf("published v1 not found: %+v %v", res, err)
			}

			// A new version: a draft does not change what the portal shows.
			en := foodEntry(e.amr.ID)
			en.PromiseDays = 5
			v2, err := e.svc.Draft(e.ctx, e.maintainer, en)
			if err != nil || v2.Version != 2 || v2.Status != catalog.StatusDraft {
				t.Fatalf("v2 draft: %+v %v", v2, err)
			}
			if _, err := e.svc.Draft(e.ctx, e.maintainer, en); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("second open draft: %v", err)
			}
			if p, _ := e.svc.Published(e.ctx, v1.Code); p.ID != v1.ID || p.PromiseDays != 10 {
				t.Fatal("draft changed the published version")
			}
			// Rules: the submitter may not approve; a head of another org may not.
			if _, err := e.svc.Submit(e.ctx, e.maintainer, v2.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Approve(e.ctx, e.head2, v2.ID); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("other org's head approved: %v", err)
			}
			both := e.maintainer
			both.AccountID, both.Roles = "m1", []yiwang.Role{yiwang.RoleCatalogMaintainer, yiwang.RoleDeptHead}
			if _, err := e.svc.Approve(e.ctx, both, v2.ID); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("submitter approved own version: %v", err)
			}
			if _, err := e.svc.Reject(e.ctx, e.head, v2.ID, "承诺时限需再论证"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Approve(e.ctx, e.head, v2.ID); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("approved a draft: %v", err)
			}
			if _, err := e.svc.Submit(e.ctx, e.maintainer, v2.ID); err != nil {
				t.Fatal(err)
			}
			p2, err := e.svc.Approve(e.ctx, e.head, v2.ID)
			if err != nil {
				t.Fatal(err)
			}
			// The portal shows v2 at once; v1 is kept, frozen, for cases filed under it.
			if p, _ := e.svc.Published(e.ctx, v1.Code); p.ID != p2.ID || p.PromiseDays != 5 {
				t.Fatalf("published after approval: %+v", p)
			}
			old, err := e.svc.Get(e.ctx, v1.ID)
			if err != nil || old.Status != catalog.StatusSuperseded || old.PromiseDays != 10 {
				t.Fatalf("old version: %+v %v", old, err)
			}
			res, _ = e.svc.Search(e.ctx, catalog.Query{Q: "食品"})
			if res.Total != 1 || res.Items[0].ID != p2.ID || res.Items[0].PromiseDays != 5 {
				t.Fatalf("search after approval: %+v", res)
			}
			// Published versions never change.
			frozen := p2
			frozen.PromiseDays = 1
			if _, err := e.svc.UpdateDraft(e.ctx, e.maintainer, frozen); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("edited a published version: %v", err)
			}
			// Retire: gone from the portal.
			if _, err := e.svc.Retire(e.ctx, e.maintainer, p2.ID); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("maintainer retired: %v", err)
			}
			if _, err := e.svc.Retire(e.ctx, e.head, p2.ID); err != nil {
				t.Fatal(err)
			}
			if res, _ := e.svc.Search(e.ctx, catalog.Query{Q: "食品"}); res.Total != 0 {
				t.Fatal("retired entry still found")
			}
			// The audit log holds the maintainer's drafts and the head's approvals.
			list, _, err := e.db.ListAudit(e.ctx, audit.Filter{Action: "catalog.publish"})
			if err != nil || len(list) != 2 || list[0].ActorID != "h1" {
				t.Fatalf("publish audit: %d %v", len(list), err)
			}
			if r, err := audit.Verify(e.ctx, e.db); err != nil || !r.OK() {
				t.Fatalf("audit chain: %+v %v", r, err)
			}
		})
	}
}

func TestEntryCannotChangeBaseElements(t *testing.T) {
	e := newEnv(t, "sqlite")
	// Only the district keeps base items.
	if _, err := e.svc.SaveBase(e.ctx, e.maintainer, foodBase()); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Fatalf("a department's maintainer saved a base item: %v", err)
	}
	if _, err := e.svc.SaveBase(e.ctx, e.root, foodBase()); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*catalog.Entry){
		"name":  func(en *catalog.Entry) { en.Base.Name = "餐饮服务许可" },
		"type":  func(en *catalog.Entry) { en.Base.Type = "20" },
		"basis": func(en *catalog.Entry) { en.Base.Basis = []catalog.Basis{{Law: "《某办法》"}} },
	} {
		t.Run(name, func(t *testing.T) {
			en := foodEntry(e.amr.ID)
			edit(&en)
			_, err := e.svc.Draft(e.ctx, e.maintainer, en)
			if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[name] == "" {
				t.Fatalf("changed %s: %v", name, err)
			}
		})
	}
	// Unchanged or empty base fields are inherited from the base item.
	en := foodEntry(e.amr.ID)
	en.Base.Name = "食品经营许可"
	d, err := e.svc.Draft(e.ctx, e.maintainer, en)
	if err != nil || d.Base.Basis[0].Article != "第三十五条" || d.Base.Type != "01" {
		t.Fatalf("inherit: %+v %v", d.Base, err)
	}
	// A maintainer of another org may not draft for this one.
	other := e.maintainer
	other.OrgID = e.pinghu.ID
	en = foodEntry(e.amr.ID)
	if _, err := e.svc.Draft(e.ctx, other, en); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN && yiwang.ErrorCode(err) != yiwang.ECONFLICT {
		t.Fatalf("other org's maintainer: %v", err)
	}
}

// TestFacetsFollowFilters: a facet's count is what choosing it gives.
func TestFacetsFollowFilters(t *testing.T) {
	e := newEnv(t, "sqlite")
	if _, err := e.svc.SaveBase(e.ctx, e.root, foodBase()); err != nil {
		t.Fatal(err)
	}
	e.publish(t, foodEntry(e.amr.ID))
	street := foodEntry(e.pinghu.ID)
	street.Level = 5
	pinghuMaintainer := e.maintainer
	pinghuMaintainer.OrgID = e.pinghu.ID
	d, err := e.svc.Draft(e.ctx, pinghuMaintainer, street)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Submit(e.ctx, pinghuMaintainer, d.ID)
	if _, err := e.svc.Approve(e.ctx, e.head2, d.ID); err != nil {
		t.Fatal(err)
	}
	res, _ := e.svc.Search(e.ctx, catalog.Query{Q: "食品", Level: 4})
	if res.Total != 1 || len(res.Orgs) != 1 || res.Orgs[0].Value != e.amr.ID {
		t.Fatalf("org facet under level 4: %+v", res.Orgs)
	}
	if len(res.Levels) != 2 {
		t.Fatalf("the level facet should still offer both levels: %+v", res.Levels)
	}
	// Each value is shown by its name.
	if res.Orgs[0].Name != e.amr.Name || res.Orgs[0].Count != 1 {
		t.Fatalf("org facet %+v, want %s", res.Orgs[0], e.amr.Name)
	}
	named := func(facet string, fs []catalog.Facet, name func(string) string) {
		t.Helper()
		if len(fs) == 0 {
			t.Fatalf("no %s facet", facet)
		}
		for _, f := range fs {
			if want := name(f.Value); f.Name != want || want == f.Value || f.Count < 1 {
				t.Fatalf("%s facet %+v, want the name %q", facet, f, want)
			}
		}
	}
	named("level", res.Levels, func(v string) string { return catalog.Name(catalog.Levels, v) })
	named("type", res.Types, func(v string) string { return catalog.Name(catalog.ItemTypes, v) })
	named("depth", res.Depths, func(v string) string { return catalog.Name(catalog.Depths, v) })
	named("theme", res.Themes, func(v string) string { th, _ := catalog.ThemeByCode(v); return th.Name })
}
