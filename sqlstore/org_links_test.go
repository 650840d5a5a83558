package sqlstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestOrgLinksKept: the org tree's links and whole orgs are kept for a
// second; an org this DB creates or renames shows in them at once; one
// stored by someone else (another instance, here a bare INSERT) within the
// second; a caller changing its list changes nobody else's; on both engines.
func TestOrgLinksKept(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := yiwangtest.NewDB(t, engine)
			now := time.Now().UTC()
			has := func(id string) bool {
				t.Helper()
				links, err := db.OrgLinks(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return slices.ContainsFunc(links, func(o org.Org) bool { return o.ID == id })
			}
			parent := org.Org{ID: yiwang.NewID(), Kind: org.KindDepartment, Level: org.LevelCounty, Name: "甲局",
				Version: 1, CreatedAt: now, UpdatedAt: now}
			if has(parent.ID) {
				t.Fatal("an org not yet created is linked")
			}
			if err := db.CreateOrg(ctx, parent, audit.New(yiwang.System("t"), now, "org.create", "org:"+parent.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if !has(parent.ID) {
				t.Fatal("an org this DB created is not linked at once")
			}
			named := func(id string) string {
				t.Helper()
				all, err := db.ListOrgs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for i, o := range all {
					if o.ID == id {
						all[i].Name = "改乱了" // the caller's own copy
						return o.Name
					}
				}
				return ""
			}
			if n := named(parent.ID); n != "甲局" {
				t.Fatalf("an org this DB created is listed as %q, want 甲局", n)
			}
			parent.Name, parent.Version = "甲局（新）", 2
			if err := db.UpdateOrg(ctx, parent, audit.New(yiwang.System("t"), now, "org.update", "org:"+parent.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			if n := named(parent.ID); n != "甲局（新）" {
				t.Fatalf("an org this DB renamed is listed as %q, want 甲局（新）", n)
			}
			if n := named(parent.ID); n != "甲局（新）" {
				t.Fatalf("after a caller changed its list, the org is listed as %q", n)
			}
			child := yiwang.NewID()
			if _, err := db.SQL().Exec(`INSERT INTO orgs (id, parent_id, kind, level, name, region_code, credit_code, demo,
				address, phone, hours, sort, disabled, version, created_at, updated_at)
				VALUES ($1, $2, $3, $4, '甲局科室', '', '', false, '', '', '', 0, false, 1, $5, $5)`,
				child, parent.ID, org.KindDepartment, org.LevelCounty, now); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1100 * time.Millisecond)
			if !has(child) {
				t.Fatal("an org stored by another instance is not linked a second later")
			}
			if n := named(child); n != "甲局科室" {
				t.Fatalf("an org stored by another instance is listed as %q a second later", n)
			}
		})
	}
}
