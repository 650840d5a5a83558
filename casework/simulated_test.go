package casework_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestSimulatedLeavesHolderAlone: a supervisor's test application (模拟办事)
// may use a real person's ID number as its test identity. The org works it
// as any other — the e-license is signed, the materials verified — but
// that person's wallet never shows the license and their later
// applications never reuse the materials.
func TestSimulatedLeavesHolderAlone(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newLicEnv(t, engine)
			a, err := e.db.AccountByUsername(e.ctx, "supervisor")
			if err != nil {
				t.Fatal(err)
			}
			sup := a.Actor("127.0.0.1", "web")
			wang := demo.People[1] // a registered citizen, whose ID number the supervisor happens to type
			as := casework.Applicant{AccountID: sup.AccountID, Name: wang.Name, IDCard: wang.IDCard, Mobile: "13800138000"}
			simulate := func(en catalog.Entry, form map[string]string, tag string, extra ...int) (casework.Case, error) {
				t.Helper()
				return e.svc.Submit(e.ctx, sup, as, casework.Application{EntryCode: en.Code, Fields: form,
					Materials: uploads(en, tag, extra...), Simulated: true})
			}
			must := func(c casework.Case, err error) casework.Case {
				t.Helper()
				if err != nil {
					t.Fatalf("simulated application: %v %v", err, yiwang.ErrorFields(err))
				}
				return c
			}
			// 王五 holds a 营业执照 of his own.
			real := e.grantBusiness(t, e.wang)

			// The test identity's licenses are not fetched: 王五's 营业执照 is
			// asked for; the 居民身份证 the national library shares for
			// everyone is shared, as on any application.
			food := e.food(t)
			bl := slices.IndexFunc(food.Guide.Materials, func(m catalog.Material) bool { return m.License == "营业执照" && m.Required })
			if bl < 0 {
				t.Fatal("demo 食品经营许可 should require a 营业执照")
			}
			_, err = simulate(food, foodForm(), "sim-food")
			if yiwang.ErrorFields(err)[fmt.Sprintf("m%d", bl)] == "" {
				t.Fatalf("the test identity's 营业执照 was fetched: %v %v", err, yiwang.ErrorFields(err))
			}
			must(simulate(food, foodForm(), "sim-food", bl))
			// The simulate form asks for the same: the 营业执照, not the 居民身份证.
			biz := e.business(t)
			id := slices.IndexFunc(biz.Guide.Materials, func(m catalog.Material) bool { return m.License == "居民身份证" })
			if shared, err := e.svc.SharedForAnyone(e.ctx, food); err != nil || shared[bl] {
				t.Fatalf("shared for anyone of 食品经营许可: %v %v", shared, err)
			}
			if shared, err := e.svc.SharedForAnyone(e.ctx, biz); err != nil || !shared[id] {
				t.Fatalf("shared for anyone of 个体工商户设立登记: %v %v", shared, err)
			}

			// Granted: signed and verifiable as usual, in nobody's wallet.
			c := must(simulate(biz, businessForm(wang.Name), "sim-biz"))
			if m := material(t, c, id); m.FileID != "" || m.Note == "" {
				t.Fatalf("居民身份证 of a simulated application %+v, want shared as for anyone", m)
			}
			e.decide(t, c.ID, casework.Granted, "材料齐全，符合法定条件")
			c, _, err = e.svc.Get(e.ctx, e.officer, c.ID)
			if err != nil || len(c.Results) != 2 {
				t.Fatalf("simulated results %+v %v", c.Results, err)
			}
			for _, r := range c.Results {
				if ck, err := e.lics.CheckID(e.ctx, r.License); err != nil || !ck.OK() {
					t.Fatalf("check of %s: %+v %v", r.License, ck, err)
				}
			}
			held, err := e.lics.Held(e.ctx, license.Holder{IDCard: wang.IDCard})
			if err != nil || len(held) != len(real.Results) {
				t.Fatalf("王五's wallet holds %d licenses, want his own %d (%v)", len(held), len(real.Results), err)
			}
			for _, l := range held {
				if l.CaseID != real.ID {
					t.Fatalf("王五's wallet holds %s of the simulated case", l.TypeName)
				}
			}

			// Verified: marked on the case, never reused for 王五.
			dibao := e.entry(t, "最低生活保障审核确认", e.township.OrgID)
			relief := e.entry(t, "临时救助申请受理及小额临时救助审批", e.township.OrgID)
			const shared = "家庭经济状况核对授权书"
			byName := func(m catalog.Material) bool { return m.Name == shared && m.Source == "applicant" && m.Required }
			di, ri := slices.IndexFunc(dibao.Guide.Materials, byName), slices.IndexFunc(relief.Guide.Materials, byName)
			if di < 0 || ri < 0 {
				t.Fatal("demo items lost the shared material")
			}
			s := must(simulate(dibao, nil, "sim-dibao"))
			got, err := e.svc.VerifyMaterials(e.ctx, e.township, s.ID, []int{di})
			if err != nil {
				t.Fatal(err)
			}
			if m := material(t, got, di); m.Credibility != casework.CredVerified {
				t.Fatalf("verified material %+v", m)
			}
			var n int
			if err := e.db.SQL().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM holder_materials WHERE case_id = $1`, s.ID).Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d reusable materials stored from a simulated case (%v)", n, err)
			}
			mats := slices.DeleteFunc(uploads(relief, "relief"), func(m casework.Material) bool { return m.Index == ri })
			_, err = e.svc.Submit(e.ctx, e.wang, applicant(e.wang), casework.Application{EntryCode: relief.Code, Materials: mats})
			if yiwang.ErrorFields(err)[fmt.Sprintf("m%d", ri)] == "" {
				t.Fatalf("王五's application reused the simulated case's material: %v %v", err, yiwang.ErrorFields(err))
			}
			e.auditOK(t)
		})
	}
}
