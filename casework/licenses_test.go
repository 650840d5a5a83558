package casework_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/license"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/seal"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// licEnv is a demo database with cases and e-licenses wired as the server
// wires them.
type licEnv struct {
	ctx   context.Context
	db    *sqlstore.DB
	clk   *yiwangtest.Clock
	svc   *casework.Service
	lics  *license.Service
	seals *seal.Service
	// officer works at 市场监管局, township at 向山镇; zhang (张三) and wang
	// (王五) are registered citizens.
	officer, township, zhang, wang yiwang.Actor
	entries                        []catalog.Entry
}

func newLicEnv(t *testing.T, engine string) *licEnv {
	t.Helper()
	e := &licEnv{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
		clk: yiwangtest.NewClock(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))} // Monday 10:00 in Shanghai
	if _, err := demo.Load(e.ctx, e.db, e.clk); err != nil {
		t.Fatal(err)
	}
	orgs := &org.Service{Store: e.db, Clock: e.clk}
	cat := &catalog.Service{Store: e.db, Orgs: orgs, Clock: e.clk}
	cal, err := calendar.Default()
	if err != nil {
		t.Fatal(err)
	}
	e.seals = &seal.Service{Store: e.db, Sealer: yiwangtest.Protector(t), Clock: e.clk}
	e.lics = &license.Service{Store: e.db, Seal: e.seals, Orgs: orgs, Enterprises: e.db, Clock: e.clk}
	e.svc = &casework.Service{Store: e.db, Drafts: e.db, Catalog: cat, Orgs: orgs, Calendar: cal, Clock: e.clk, Licenses: e.lics}
	staff := func(username string) yiwang.Actor {
		a, err := e.db.AccountByUsername(e.ctx, username)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	citizen := func(p demo.Person) yiwang.Actor {
		a, err := e.db.CitizenByMobile(e.ctx, p.Mobile)
		if err != nil {
			t.Fatal(err)
		}
		return a.Actor("127.0.0.1", "web")
	}
	e.officer, e.township = staff("officer"), staff("township")
	e.zhang, e.wang = citizen(demo.People[0]), citizen(demo.People[1])
	if e.entries, err = e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}}); err != nil {
		t.Fatal(err)
	}
	return e
}

// entry returns the published item of the name that org implements.
func (e *licEnv) entry(t *testing.T, name, orgID string) catalog.Entry {
	t.Helper()
	i := slices.IndexFunc(e.entries, func(en catalog.Entry) bool { return en.Base.Name == name && en.OrgID == orgID })
	if i < 0 || !e.entries[i].Online() {
		t.Fatalf("no online %s at org %s", name, orgID)
	}
	return e.entries[i]
}

func (e *licEnv) business(t *testing.T) catalog.Entry {
	return e.entry(t, "个体工商户设立登记", e.officer.OrgID)
}

func (e *licEnv) food(t *testing.T) catalog.Entry {
	return e.entry(t, "食品经营许可", e.officer.OrgID)
}

// applicant is who a demo citizen applies as.
func applicant(a yiwang.Actor) casework.Applicant {
	for _, p := range demo.People {
		if p.Name == a.Name {
			return casework.Applicant{AccountID: a.AccountID, Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard}
		}
	}
	panic("not a demo citizen: " + a.Name)
}

// fileID is a made-up stored file for material i of a case.
func fileID(tag string, i int) string {
	return fmt.Sprintf("%x", sha256.Sum256([]byte(fmt.Sprint(tag, "/", i))))
}

// uploads hands in a file for every required material the applicant must
// provide, and for the extra indexes.
func uploads(en catalog.Entry, tag string, extra ...int) []casework.Material {
	var out []casework.Material
	for i, m := range en.Guide.Materials {
		if m.Source == "applicant" && m.Required || slices.Contains(extra, i) {
			out = append(out, casework.Material{Index: i, FileID: fileID(tag, i)})
		}
	}
	return out
}

func businessForm(name string) map[string]string {
	return map[string]string{"shop": "雨山区" + name + "便利店", "premises": "雨山区佳山路9号", "scope": "预包装食品零售；日用百货零售",
		"capital": "5", "form": "个人经营"}
}

func foodForm() map[string]string {
	return map[string]string{"operator": "雨山区张三便利店", "premises": "雨山区佳山路9号", "format": "食品销售经营者",
		"items": "预包装食品销售", "online": "否"}
}

func (e *licEnv) submit(t *testing.T, who yiwang.Actor, en catalog.Entry, form map[string]string, mats []casework.Material) casework.Case {
	t.Helper()
	c, err := e.svc.Submit(e.ctx, who, applicant(who), casework.Application{EntryCode: en.Code, Fields: form, Materials: mats})
	if err != nil {
		t.Fatalf("%s applies for %s: %v %v", who.Name, en.Base.Name, err, yiwang.ErrorFields(err))
	}
	return c
}

// material returns the case's material of guide index i.
func material(t *testing.T, c casework.Case, i int) casework.Material {
	t.Helper()
	k := slices.IndexFunc(c.Materials, func(m casework.Material) bool { return m.Index == i })
	if k < 0 {
		t.Fatalf("case has no material %d: %+v", i, c.Materials)
	}
	return c.Materials[k]
}

// decide accepts a case, has every review agreed and decides it.
func (e *licEnv) decide(t *testing.T, id, decision, note string) casework.Case {
	t.Helper()
	if _, err := e.svc.Accept(e.ctx, e.officer, id); err != nil {
		t.Fatal(err)
	}
	for {
		c, _, err := e.svc.Get(e.ctx, e.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		mine := e.svc.MyTasks(e.ctx, e.officer, c)
		i := slices.IndexFunc(mine, func(tk casework.Task) bool { return tk.Kind == catalog.StepReview })
		if i < 0 {
			break
		}
		if _, err := e.svc.CompleteTask(e.ctx, e.officer, id, mine[i].ID, casework.TaskWork{Opinion: casework.OpinionAgree}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.svc.Decide(e.ctx, e.officer, id, decision, note)
	if err != nil || c.State != casework.StateDecided {
		t.Fatalf("decide %s: %v", decision, err)
	}
	return c
}

// grantBusiness has who apply for 个体工商户设立登记 and be granted it; it
// returns the case as stored.
func (e *licEnv) grantBusiness(t *testing.T, who yiwang.Actor) casework.Case {
	t.Helper()
	en := e.business(t)
	c := e.submit(t, who, en, businessForm(who.Name), uploads(en, "biz-"+who.Name))
	e.decide(t, c.ID, casework.Granted, "材料齐全，符合法定条件")
	c, _, err := e.svc.Get(e.ctx, e.officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *licEnv) stored(t *testing.T, id string) license.License {
	t.Helper()
	l, err := e.db.License(e.ctx, id)
	if err != nil {
		t.Fatalf("license %q: %v", id, err)
	}
	return l
}

func (e *licEnv) auditOK(t *testing.T) {
	t.Helper()
	r, err := audit.Verify(e.ctx, e.db)
	if err != nil || !r.OK() {
		t.Fatalf("audit chain: %v %v", r, err)
	}
}

func fieldValue(d license.Data, name string) string {
	for _, f := range d.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return "<none>"
}

func TestLicenseIssuedAtGrant(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newLicEnv(t, engine)
			en := e.business(t)
			// 居民身份证 is not a type this platform issues: the national
			// library's, never asked for.
			idIndex := slices.IndexFunc(en.Guide.Materials, func(m catalog.Material) bool { return m.License == "居民身份证" })
			if idIndex < 0 || !en.Guide.Materials[idIndex].Required {
				t.Fatal("demo 个体工商户设立登记 should require 居民身份证")
			}
			c := e.submit(t, e.zhang, en, businessForm("张三"), uploads(en, "biz"))
			if m := material(t, c, idIndex); m.FileID != "" || m.License != "" || m.Credibility != "" || m.Note == "" {
				t.Fatalf("居民身份证 material %+v", m)
			}
			e.decide(t, c.ID, casework.Granted, "材料齐全，符合法定条件")
			c, evs, err := e.svc.Get(e.ctx, e.officer, c.ID)
			if err != nil {
				t.Fatal(err)
			}

			// The results: the decision document and the e-license, both signed.
			if len(c.Results) != 2 || c.Results[0].Name != "准予行政许可决定书" || c.Results[1].Name != "营业执照" {
				t.Fatalf("results %+v", c.Results)
			}
			for _, r := range c.Results {
				if r.License == "" || r.Credibility != casework.CredLicense {
					t.Fatalf("result %+v", r)
				}
			}
			doc, biz := e.stored(t, c.Results[0].License), e.stored(t, c.Results[1].License)
			// 制证 was done by the platform; the case waits for 送达.
			certify := slices.IndexFunc(c.Tasks, func(tk casework.Task) bool { return tk.Kind == catalog.StepCertify })
			if certify < 0 || c.Tasks[certify].State != casework.TaskDone || !strings.Contains(c.Tasks[certify].Note, biz.ID) {
				t.Fatalf("certify task %+v", c.Tasks)
			}
			if !c.AtStage(catalog.StepDeliver) || c.AtStage(catalog.StepCertify) || c.State != casework.StateDecided {
				t.Fatalf("case at %d, state %s, open %+v", c.Stage, c.State, c.OpenTasks())
			}
			decide := slices.IndexFunc(evs, func(ev casework.Event) bool { return ev.Kind == "decide" })
			// The words go to the applicant by SMS too: names, not identifiers.
			if decide < 0 || !strings.Contains(evs[decide].Note, "“营业执照”已签章发放") ||
				!strings.Contains(evs[decide].Note, "“准予行政许可决定书”已签章发放") || !strings.Contains(evs[decide].Note, "我的证照") ||
				strings.Contains(evs[decide].Note, biz.ID) {
				t.Fatalf("decide event %+v", evs)
			}

			// In the store: signed for 张三 by 市场监管局.
			zhang := demo.People[0]
			if biz.Kind != license.KindLicense || biz.TypeName != "营业执照" || biz.CaseID != c.ID || biz.CaseNo != c.No ||
				biz.AccountID != e.zhang.AccountID || biz.IssuerOrgID != e.officer.OrgID || biz.Status != license.StatusValid {
				t.Fatalf("license %+v", biz)
			}
			d := biz.Data
			if d.HolderCodeType != license.HolderIDCard || d.HolderCode != zhang.IDCard || d.HolderName != "张三" ||
				d.ValidUntil != "" || d.ValidFrom != "2026-03-09" {
				t.Fatalf("license data %+v", d)
			}
			if fieldValue(d, "名称") != "雨山区张三便利店" || fieldValue(d, "经营者") != "张三" || fieldValue(d, "类型") != "个体工商户" {
				t.Fatalf("license fields %+v", d.Fields)
			}
			if doc.Kind != license.KindDocument || fieldValue(doc.Data, "决定") != "准予" ||
				fieldValue(doc.Data, "理由和依据") != "材料齐全，符合法定条件" || fieldValue(doc.Data, "办件编号") != c.No {
				t.Fatalf("decision document %+v", doc.Data)
			}
			ks, err := e.seals.Keys(e.ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range []license.License{doc, biz} {
				if r := license.VerifyFile(l.File, ks.PEMs()); !r.OK() || r.Data.ID != l.ID {
					t.Fatalf("file of %s: %+v", l.ID, r)
				}
				if ck, err := e.lics.CheckID(e.ctx, l.ID); err != nil || !ck.OK() {
					t.Fatalf("check of %s: %+v %v", l.ID, ck, err)
				}
			}
			if ls, err := e.db.LicensesOfCase(e.ctx, c.ID); err != nil || len(ls) != 2 {
				t.Fatalf("licenses of the case: %d %v", len(ls), err)
			}
			if l, ok, err := e.lics.ValidHeld(e.ctx, license.Holder{IDCard: zhang.IDCard}, "营业执照"); err != nil || !ok || l.ID != biz.ID {
				t.Fatalf("张三's wallet: %v %v", ok, err)
			}
			// A decision document is held but never stands in for a material.
			if _, ok, err := e.lics.ValidHeld(e.ctx, license.Holder{IDCard: zhang.IDCard}, "准予行政许可决定书"); err != nil || ok {
				t.Fatalf("a decision document held as a license: %v %v", ok, err)
			}

			// 送达 needs no manual 制证.
			if c, err = e.svc.Deliver(e.ctx, e.officer, c.ID, casework.Delivery{Method: casework.DeliverOnline}); err != nil || c.State != casework.StateDelivered {
				t.Fatalf("deliver: %v", err)
			}
			e.auditOK(t)

			// A denial issues only its decision document.
			c2 := e.submit(t, e.wang, en, businessForm("王五"), uploads(en, "biz2"))
			e.decide(t, c2.ID, casework.Denied, "经营场所不符合登记规定")
			c2, _, err = e.svc.Get(e.ctx, e.officer, c2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(c2.Results) != 1 || c2.Results[0].Name != "不予行政许可决定书" || c2.Results[0].License == "" {
				t.Fatalf("denial results %+v", c2.Results)
			}
			ls, err := e.db.LicensesOfCase(e.ctx, c2.ID)
			if err != nil || len(ls) != 1 || ls[0].Kind != license.KindDocument || fieldValue(ls[0].Data, "决定") != "不予" ||
				ls[0].Data.HolderCode != demo.People[1].IDCard {
				t.Fatalf("denial licenses %+v %v", ls, err)
			}
			if slices.ContainsFunc(c2.Tasks, func(tk casework.Task) bool { return tk.Kind == catalog.StepCertify }) || !c2.AtStage(catalog.StepDeliver) {
				t.Fatalf("denied case tasks %+v", c2.Tasks)
			}
			if _, ok, err := e.lics.ValidHeld(e.ctx, license.Holder{IDCard: demo.People[1].IDCard}, "营业执照"); err != nil || ok {
				t.Fatalf("王五 holds a 营业执照 after a denial: %v %v", ok, err)
			}
			e.auditOK(t)
		})
	}
}

func TestLicenseSparesUpload(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newLicEnv(t, engine)
			food := e.food(t)
			bizIndex := slices.IndexFunc(food.Guide.Materials, func(m catalog.Material) bool { return m.License == "营业执照" })
			if bizIndex < 0 || !food.Guide.Materials[bizIndex].Required {
				t.Fatal("demo 食品经营许可 should require 营业执照")
			}
			key := fmt.Sprintf("m%d", bizIndex)
			mustAsk := func(who yiwang.Actor) {
				t.Helper()
				_, err := e.svc.Submit(e.ctx, who, applicant(who), casework.Application{EntryCode: food.Code, Fields: foodForm(),
					Materials: uploads(food, "food")})
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[key] == "" || len(yiwang.ErrorFields(err)) != 1 {
					t.Fatalf("%s without a 营业执照: %v %v", who.Name, err, yiwang.ErrorFields(err))
				}
			}
			mustAsk(e.zhang)

			biz := e.grantBusiness(t, e.zhang).Results[1].License
			// 张三 now holds it: not asked for, attached with credibility A.
			c := e.submit(t, e.zhang, food, foodForm(), uploads(food, "food"))
			if m := material(t, c, bizIndex); m.License != biz || m.Credibility != casework.CredLicense || m.FileID != "" || !strings.Contains(m.Note, biz) {
				t.Fatalf("营业执照 material %+v, want license %s", m, biz)
			}
			for _, m := range c.Materials {
				if m.FileID != "" && (m.Credibility != "" || m.License != "") {
					t.Fatalf("an upload is marked %+v", m)
				}
			}
			// An upload replaces it.
			c = e.submit(t, e.zhang, food, foodForm(), uploads(food, "food", bizIndex))
			if m := material(t, c, bizIndex); m.License != "" || m.Credibility != "" || m.FileID != fileID("food", bizIndex) {
				t.Fatalf("uploaded 营业执照 %+v", m)
			}
			// 王五 holds none: asked for it, unless he uploads it.
			mustAsk(e.wang)
			c = e.submit(t, e.wang, food, foodForm(), uploads(food, "food", bizIndex))
			if m := material(t, c, bizIndex); m.License != "" || m.Credibility != "" || m.FileID == "" {
				t.Fatalf("王五's 营业执照 %+v", m)
			}
			// A suspended license is not valid: asked for again until resumed.
			if _, err := e.lics.Change(e.ctx, e.officer, biz, "suspend", "未按时报送年度报告"); err != nil {
				t.Fatal(err)
			}
			mustAsk(e.zhang)
			if _, err := e.lics.Change(e.ctx, e.officer, biz, "resume", "已补报年度报告"); err != nil {
				t.Fatal(err)
			}
			c = e.submit(t, e.zhang, food, foodForm(), uploads(food, "food"))
			if m := material(t, c, bizIndex); m.License != biz {
				t.Fatalf("营业执照 after resumption %+v", m)
			}
			// 王五 holds nothing the platform could attach.
			all, err := e.svc.Attachable(e.ctx, food, applicant(e.wang))
			if err != nil || len(all) != 0 {
				t.Fatalf("attachable for 王五: %+v %v", all, err)
			}
			e.auditOK(t)
		})
	}
}

func TestVerifiedMaterialsReused(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newLicEnv(t, engine)
			lookups := &countingReuse{DB: e.db}
			e.svc.Store = lookups
			// Two items of 向山镇 both ask for the 家庭经济状况核对授权书.
			const shared = "家庭经济状况核对授权书"
			dibao := e.entry(t, "最低生活保障审核确认", e.township.OrgID)
			relief := e.entry(t, "临时救助申请受理及小额临时救助审批", e.township.OrgID)
			at := func(en catalog.Entry, pred func(catalog.Material) bool) int {
				i := slices.IndexFunc(en.Guide.Materials, pred)
				if i < 0 {
					t.Fatalf("%s has no such material", en.Base.Name)
				}
				return i
			}
			byName := func(m catalog.Material) bool { return m.Name == shared && m.Source == "applicant" && m.Required }
			di, ri := at(dibao, byName), at(relief, byName)
			paper := at(dibao, func(m catalog.Material) bool { return m.Source == "license" })
			key := fmt.Sprintf("m%d", ri)
			without := func(en catalog.Entry, skip int) []casework.Material {
				return slices.DeleteFunc(uploads(en, "relief"), func(m casework.Material) bool { return m.Index == skip })
			}
			mustAsk := func(who yiwang.Actor) {
				t.Helper()
				_, err := e.svc.Submit(e.ctx, who, applicant(who), casework.Application{EntryCode: relief.Code, Materials: without(relief, ri)})
				if yiwang.ErrorCode(err) != yiwang.EINVALID || yiwang.ErrorFields(err)[key] == "" || len(yiwang.ErrorFields(err)) != 1 {
					t.Fatalf("%s without the %s: %v %v", who.Name, shared, err, yiwang.ErrorFields(err))
				}
			}
			mustAsk(e.zhang)

			c1 := e.submit(t, e.zhang, dibao, nil, uploads(dibao, "dibao"))
			verify := func(actor yiwang.Actor, idx ...int) error {
				_, err := e.svc.VerifyMaterials(e.ctx, actor, c1.ID, idx)
				return err
			}
			// Only staff of the case's org, only uploaded materials.
			wantErr(t, "another org's officer verifies", verify(e.officer, di), yiwang.EFORBIDDEN)
			wantErr(t, "the applicant verifies", verify(e.zhang, di), yiwang.EFORBIDDEN)
			wantErr(t, "verify a paper-only material", verify(e.township, paper), yiwang.EINVALID)
			wantErr(t, "verify a material not in the guide", verify(e.township, 99), yiwang.EINVALID)
			wantErr(t, "verify nothing", verify(e.township), yiwang.EINVALID)
			wantErr(t, "verify one good and one paper-only", verify(e.township, di, paper), yiwang.EINVALID)
			mustAsk(e.zhang) // nothing was recorded

			got, err := e.svc.VerifyMaterials(e.ctx, e.township, c1.ID, []int{di})
			if err != nil {
				t.Fatal(err)
			}
			if m := material(t, got, di); m.Credibility != casework.CredVerified {
				t.Fatalf("verified material %+v", m)
			}
			c1, evs, err := e.svc.Get(e.ctx, e.township, c1.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m := material(t, c1, di); m.Credibility != casework.CredVerified || m.FileID != fileID("dibao", di) {
				t.Fatalf("stored verified material %+v", m)
			}
			if last := evs[len(evs)-1]; last.Kind != "verify" || !strings.Contains(last.Note, shared) || last.ActorID != e.township.AccountID {
				t.Fatalf("verify event %+v", last)
			}
			wantErr(t, "verify twice", verify(e.township, di), yiwang.ECONFLICT)

			// 张三's next application reuses it; 王五's does not.
			before := lookups.n.Load()
			c2 := e.submit(t, e.zhang, relief, nil, without(relief, ri))
			if got := lookups.n.Load() - before; got != 1 {
				t.Fatalf("verified materials looked up %d times for an application that reuses one", got)
			}
			if m := material(t, c2, ri); m.FileID != fileID("dibao", di) || m.Credibility != casework.CredVerified || m.From != c1.ID || m.License != "" {
				t.Fatalf("reused material %+v", m)
			}
			mustAsk(e.wang)
			// An upload replaces it, and with every material of the
			// applicant's handed in (the optional ones too) nothing
			// verified is looked up.
			var theirs []int
			for i, m := range relief.Guide.Materials {
				if m.Source == "applicant" {
					theirs = append(theirs, i)
				}
			}
			before = lookups.n.Load()
			c3 := e.submit(t, e.zhang, relief, nil, uploads(relief, "relief", theirs...))
			if m := material(t, c3, ri); m.FileID != fileID("relief", ri) || m.Credibility != "" || m.From != "" {
				t.Fatalf("uploaded material %+v", m)
			}
			if got := lookups.n.Load() - before; got != 0 {
				t.Fatalf("verified materials looked up %d times for an application that handed every one in", got)
			}
			e.auditOK(t)
		})
	}
}

// countingReuse is the store, counting the lookups of verified materials.
type countingReuse struct {
	*sqlstore.DB
	n atomic.Int64
}

func (c *countingReuse) ReusableMaterials(ctx context.Context, holder string) (map[string]casework.Reusable, error) {
	c.n.Add(1)
	return c.DB.ReusableMaterials(ctx, holder)
}

func wantErr(t *testing.T, what string, err error, code string) {
	t.Helper()
	if yiwang.ErrorCode(err) != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

// TestWindowFilingAttaches: a window clerk filing for a holder finds what
// the platform holds for them however the ID number was typed.
func TestWindowFilingAttaches(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newLicEnv(t, engine)
			clerkAcc, err := e.db.AccountByUsername(e.ctx, "clerk")
			if err != nil {
				t.Fatal(err)
			}
			clerk := clerkAcc.Actor("127.0.0.1", "web")
			biz := e.grantBusiness(t, e.zhang).Results[1].License
			food := e.food(t)
			bizIndex := slices.IndexFunc(food.Guide.Materials, func(m catalog.Material) bool { return m.License == "营业执照" })
			who := applicant(e.zhang)
			who.IDCard = " " + strings.ToLower(who.IDCard) + " "
			c, err := e.svc.FileFor(e.ctx, clerk, who, casework.Application{EntryCode: food.Code, Fields: foodForm(), Materials: uploads(food, "window")})
			if err != nil {
				t.Fatalf("window filing: %v %v", err, yiwang.ErrorFields(err))
			}
			if m := material(t, c, bizIndex); m.License != biz || m.Credibility != casework.CredLicense {
				t.Fatalf("营业执照 material %+v", m)
			}
			if c.IDCard != demo.People[0].IDCard {
				t.Fatalf("case ID number %q", c.IDCard)
			}
			// A blank ID number is the clerk's field to fix, not a failure.
			who.IDCard = "  "
			_, err = e.svc.FileFor(e.ctx, clerk, who, casework.Application{EntryCode: food.Code, Fields: foodForm(), Materials: uploads(food, "window")})
			if yiwang.ErrorFields(err)["idcard"] == "" {
				t.Fatalf("blank ID number: %v %v", err, yiwang.ErrorFields(err))
			}
		})
	}
}
