package casework_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestBundle: 开办餐饮店 is applied for with one form and one set of
// materials and becomes one case per item, all stored or none.
func TestBundle(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			fs := &files.Service{Store: e.db, Blobs: files.Dir{Root: t.TempDir()}, Sealer: yiwangtest.Protector(t), Clock: e.clk}
			if _, err := demo.LoadCases(e.ctx, e.db, e.svc, fs); err != nil {
				t.Fatal(err)
			}
			b, err := e.svc.BundleOf(e.ctx, "open-restaurant")
			if err != nil {
				t.Fatal(err)
			}
			f, err := e.svc.FormOf(e.ctx, b)
			if err != nil || len(f.Entries) != 2 {
				t.Fatalf("form: %v", err)
			}
			total := 0
			for _, en := range f.Entries {
				total += len(en.Guide.Materials)
			}
			if len(f.Materials) >= total {
				t.Fatalf("materials not merged: %d of %d", len(f.Materials), total)
			}
			before, _ := e.svc.Mine(e.ctx, e.citizen)
			fields := answers()
			for k, v := range map[string]string{"shop": "张三小吃店", "scope": "餐饮服务", "capital": "5", "form": "个人经营"} {
				fields[k] = v
			}
			app := casework.Application{Fields: fields}
			// Nothing uploaded: every missing material is named once, by its place in the merged list, and nothing is stored.
			_, err = e.svc.SubmitBundle(e.ctx, e.citizen, e.applicant(), b.Code, app)
			bad := yiwang.ErrorFields(err)
			if len(bad) == 0 {
				t.Fatalf("submitted without materials: %v", err)
			}
			for k := range bad {
				var i int
				if !strings.HasPrefix(k, "m") {
					continue
				}
				if _, serr := fmt.Sscanf(k, "m%d", &i); serr != nil || i >= len(f.Materials) {
					t.Fatalf("error key %s outside the merged list", k)
				}
			}
			if mine, _ := e.svc.Mine(e.ctx, e.citizen); len(mine) != len(before) {
				t.Fatal("a failed bundle stored cases")
			}
			for i, m := range f.Materials {
				if m.Source == "applicant" {
					app.Materials = append(app.Materials, casework.Material{Index: i, FileID: strings.Repeat("c", 64)})
				}
			}
			cs, err := e.svc.SubmitBundle(e.ctx, e.citizen, e.applicant(), b.Code, app)
			if err != nil || len(cs) != 2 {
				t.Fatalf("submit bundle: %v", err)
			}
			if cs[0].Bundle == "" || cs[0].Bundle != cs[1].Bundle || cs[0].ItemName == cs[1].ItemName || cs[0].No == cs[1].No {
				t.Fatalf("bundle cases %+v", cs)
			}
			got, _, err := e.svc.Get(e.ctx, e.officer, cs[1].ID)
			if err != nil || got.BundleName != "开办餐饮店" || len(got.Materials) == 0 || got.Form["premises"] != "雨山区湖东路1号" {
				t.Fatalf("stored bundle case %+v %v", got, err)
			}
			// The food licence's 营业执照 comes from the registration filed with it.
			fromBundle := false
			for _, m := range got.Materials {
				fromBundle = fromBundle || strings.Contains(m.Note, "“个体工商户设立登记”的办理结果")
			}
			if !fromBundle {
				t.Fatalf("营业执照 not marked as this application's own result: %+v", got.Materials)
			}
			msgs, _ := e.db.RecentMessages(e.ctx, 50)
			told := 0
			for _, m := range msgs {
				if strings.Contains(m.Body, "开办餐饮店") {
					told++
				}
			}
			if told != 1 {
				t.Fatalf("applicant told %d times, want once", told)
			}
			if _, err := e.svc.SubmitBundle(e.ctx, e.citizen, e.applicant(), "no-such", app); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("unknown bundle: %v", err)
			}
		})
	}
}

// TestSaveBundle: only the district's catalog maintainers keep bundles, and
// bad bundles are refused whole.
func TestSaveBundle(t *testing.T) {
	e := newEnv(t, "sqlite")
	staff := func(username string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	district, dept := staff("catalogadmin"), staff("catalog")
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	var biz, offline string
	for _, en := range list {
		if en.Base.Name == "个体工商户设立登记" && en.OrgID == e.food.OrgID {
			biz = en.Code
		}
		if !en.Online() && offline == "" {
			offline = en.Code
		}
	}
	good := casework.Bundle{Code: "open-shop", Name: "开办小吃店", Summary: "营业执照和食品经营许可一次申请", Members: []string{biz, e.food.Code}}
	if _, err := e.svc.SaveBundle(e.ctx, dept, good, 0); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Fatalf("a department's maintainer saved a bundle: %v", err)
	}
	for name, b := range map[string]casework.Bundle{
		"code":    {Code: "开办", Name: good.Name, Summary: good.Summary, Members: good.Members},
		"members": {Code: "x1", Name: good.Name, Summary: good.Summary, Members: []string{biz}},
		"unknown": {Code: "x2", Name: good.Name, Summary: good.Summary, Members: []string{biz, "NOPE"}},
		"twice":   {Code: "x3", Name: good.Name, Summary: good.Summary, Members: []string{biz, biz}},
		"offline": {Code: "x4", Name: good.Name, Summary: good.Summary, Members: []string{biz, offline}},
	} {
		if _, err := e.svc.SaveBundle(e.ctx, district, b, 0); yiwang.ErrorCode(err) != yiwang.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	if bs, _ := e.svc.Bundles(e.ctx); len(bs) != 0 {
		t.Fatalf("refused bundles stored: %v", bs)
	}
	if _, err := e.svc.SaveBundle(e.ctx, district, good, 0); err != nil {
		t.Fatal(err)
	}
	good.Name = "开办餐饮小店"
	if _, err := e.svc.SaveBundle(e.ctx, district, good, 0); err != nil {
		t.Fatal(err)
	}
	if b, err := e.svc.BundleOf(e.ctx, "open-shop"); err != nil || b.Name != "开办餐饮小店" || len(b.Members) != 2 {
		t.Fatalf("stored bundle %+v %v", b, err)
	}
}
