package casework_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

type env struct {
	ctx              context.Context
	db               *sqlstore.DB
	clk              *yiwangtest.Clock
	svc              *casework.Service
	food             catalog.Entry
	citizen, officer yiwang.Actor
	other            yiwang.Actor // an officer of another department
}

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	e := &env{ctx: context.Background(), db: yiwangtest.NewDB(t, engine),
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
	e.svc = &casework.Service{Store: e.db, Drafts: e.db, Catalog: cat, Orgs: orgs, Calendar: cal, Clock: e.clk}
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	for _, en := range list {
		if en.Base.Name == "食品经营许可" {
			e.food = en
		}
	}
	if !e.food.Online() {
		t.Fatal("demo 食品经营许可 should be online")
	}
	zhang, _ := e.db.CitizenByMobile(e.ctx, demo.People[0].Mobile)
	e.citizen = zhang.Actor("127.0.0.1", "web")
	off, _ := e.db.AccountByUsername(e.ctx, "officer")
	e.officer = off.Actor("127.0.0.1", "web")
	e.other = e.officer
	all, _ := orgs.Tree(e.ctx)
	for _, o := range all {
		if o.Name == "雨山区民政局" {
			e.other.OrgID = o.ID
		}
	}
	return e
}

// finish does the officer's open tasks of a kind ("review": agreeing,
// "certify") on a case.
func (e *env) finish(t *testing.T, id, kind string) casework.Case {
	t.Helper()
	for { // doing one stage's tasks may open the next stage's
		c, _, err := e.svc.Get(e.ctx, e.officer, id)
		if err != nil {
			t.Fatal(err)
		}
		mine := e.svc.MyTasks(e.ctx, e.officer, c)
		i := slices.IndexFunc(mine, func(tk casework.Task) bool { return tk.Kind == kind })
		if i < 0 {
			return c
		}
		if _, err = e.svc.CompleteTask(e.ctx, e.officer, id, mine[i].ID, casework.TaskWork{Opinion: casework.OpinionAgree}); err != nil {
			t.Fatalf("%s task: %v", kind, err)
		}
	}
}

func (e *env) files() []casework.Material {
	var out []casework.Material
	for i, m := range e.food.Guide.Materials {
		if m.Source == "applicant" {
			out = append(out, casework.Material{Index: i, FileID: strings.Repeat("a", 64)})
		}
	}
	return out
}

// answers fills 食品经营许可's form.
func answers() map[string]string {
	return map[string]string{"operator": "雨山区张三小吃店", "premises": "雨山区湖东路1号", "format": "餐饮服务经营者",
		"items": "热食类食品制售", "online": "否"}
}

func (e *env) applicant() casework.Applicant {
	return casework.Applicant{AccountID: e.citizen.AccountID, Name: "张三", Mobile: demo.People[0].Mobile, IDCard: demo.People[0].IDCard}
}

func TestCaseFlow(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			// A required material missing: every one is named, nothing stored.
			_, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code})
			if yiwang.ErrorCode(err) != yiwang.EINVALID || len(yiwang.ErrorFields(err)) == 0 {
				t.Fatalf("no materials: %v", err)
			}
			c1, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if err != nil {
				t.Fatal(err)
			}
			if len(c1.No) != 43 || !strings.HasPrefix(c1.No, e.food.Code+"20260309") || !strings.HasSuffix(c1.No, "0001") {
				t.Fatalf("case number %q", c1.No)
			}
			c2, _ := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
			if !strings.HasSuffix(c2.No, "0002") {
				t.Fatalf("second number %q", c2.No)
			}
			// Materials another department holds are fetched, not asked for.
			for _, m := range c1.Materials {
				if m.FileID == "" && m.Note == "" {
					t.Fatalf("material %s neither uploaded nor shared", m.Name)
				}
			}

			// Corrections can only cite the guide.
			if _, err := e.svc.RequestCorrection(e.ctx, e.officer, c1.ID, []casework.Correction{{Material: 99, Condition: -1, Reason: "缺少"}}); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("correction outside the guide: %v", err)
			}
			if _, err := e.svc.RequestCorrection(e.ctx, e.other, c1.ID, []casework.Correction{{Material: 0, Condition: -1, Reason: "签字缺失"}}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("another department's officer: %v", err)
			}
			e.clk.Advance(24 * time.Hour) // Tuesday
			c, err := e.svc.RequestCorrection(e.ctx, e.officer, c1.ID, []casework.Correction{
				{Material: 0, Condition: -1, Reason: "申请书未签字"}, {Material: -1, Condition: 0, Reason: "请说明营业执照是否已办"}})
			if err != nil || c.State != casework.StateCorrection || len(c.Corrections) != 2 || c.Corrections[0].What != e.food.Guide.Materials[0].Name {
				t.Fatalf("correction: %+v %v", c.Corrections, err)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c1.ID); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("accepted while waiting for corrections: %v", err)
			}
			if _, err := e.svc.Resubmit(e.ctx, e.citizen, c1.ID, nil); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("resubmit without the file: %v", err)
			}
			e.clk.Advance(48 * time.Hour) // Thursday
			if _, err := e.svc.Resubmit(e.ctx, e.citizen, c1.ID, []casework.Material{{Index: 0, FileID: strings.Repeat("b", 64)}}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.RequestCorrection(e.ctx, e.officer, c1.ID, []casework.Correction{{Material: 1, Condition: -1, Reason: "再补一份"}}); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("a second correction notice: %v", err)
			}
			pauses, _ := e.svc.Pauses(e.ctx, c1.ID)
			if len(pauses) != 1 || pauses[0].To.IsZero() {
				t.Fatalf("pauses %+v", pauses)
			}
			c, err = e.svc.Accept(e.ctx, e.officer, c1.ID)
			if err != nil || c.State != casework.StateAccepted {
				t.Fatalf("accept: %v", err)
			}
			want := e.svc.Calendar.AddWorkdays(calendar.DateOf(e.clk.Now()), e.food.PromiseDays).String()
			if c.Deadline != want {
				t.Fatalf("deadline %s, want %s", c.Deadline, want)
			}
			if _, err := e.svc.Accept(e.ctx, e.officer, c1.ID); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("accepted twice: %v", err)
			}
			clerk := e.officer
			clerk.Roles = []yiwang.Role{yiwang.RoleWindowClerk}
			e.finish(t, c1.ID, "review")
			if _, err := e.svc.Decide(e.ctx, clerk, c1.ID, casework.Granted, ""); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("a window clerk decided: %v", err)
			}
			if _, err := e.svc.Decide(e.ctx, e.officer, c1.ID, casework.Denied, ""); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("denial without reasons: %v", err)
			}
			if c, err = e.svc.Decide(e.ctx, e.officer, c1.ID, casework.Granted, "符合条件"); err != nil || c.State != casework.StateDecided {
				t.Fatalf("decide: %v", err)
			}
			// The applicant was told of every step others took (two receipts,
			// the correction notice, acceptance, decision), not of their own.
			msgs, _ := e.db.RecentMessages(e.ctx, 50)
			told := 0
			for _, m := range msgs {
				if m.Recipient == demo.People[0].Mobile && strings.Contains(m.Body, "食品经营许可") {
					told++
				}
			}
			if told != 5 {
				t.Fatalf("applicant notified %d times, want 5", told)
			}
			// Refusal to accept needs reasons and a basis.
			if _, err := e.svc.Refuse(e.ctx, e.officer, c2.ID, "", ""); len(yiwang.ErrorFields(err)) != 2 {
				t.Fatalf("refusal without reasons: %v", err)
			}
			// The tracker needs the number and the name or mobile.
			if _, _, err := e.svc.Track(e.ctx, c1.No, "李四"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("track with another name: %v", err)
			}
			_, evs, err := e.svc.Track(e.ctx, c1.No, demo.People[0].Mobile)
			if err != nil || len(evs) != 6 || evs[4].Kind != "task" || !strings.Contains(evs[4].Note, "雨山区市场监督管理局已办理") {
				t.Fatalf("timeline: %d %v", len(evs), err)
			}
			// Art. 32: c2 has waited since Monday; by the next Tuesday it is over five working days.
			if e.svc.Art32Overdue(c2) {
				t.Fatal("overdue too early")
			}
			e.clk.Advance(5 * 24 * time.Hour)
			if !e.svc.Art32Overdue(c2) {
				t.Fatal("Art. 32 breach not flagged")
			}
			// Nobody else sees the case.
			li := e.citizen
			li.AccountID = "someone-else"
			if _, _, err := e.svc.Get(e.ctx, li, c1.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("a stranger read the case: %v", err)
			}
		})
	}
}

// TestServiceObjects: a person may not apply for an item only enterprises
// apply for, nor an enterprise for a person's item.
func TestServiceObjects(t *testing.T) {
	e := newEnv(t, "sqlite")
	list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
	var legalOnly catalog.Entry
	for _, en := range list {
		if en.Online() && !slices.Contains(en.Base.Objects, "1") {
			legalOnly = en
			break
		}
	}
	if legalOnly.ID == "" {
		t.Skip("no online legal-person-only item in the demo")
	}
	_, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: legalOnly.Code})
	if yiwang.ErrorCode(err) != yiwang.EFORBIDDEN || !strings.Contains(yiwang.ErrorMessage(err), "法人") {
		t.Fatalf("person applying for a legal-person item: %v", err)
	}
	who := e.applicant()
	who.Enterprise = "ent-1"
	if _, err := e.svc.Submit(e.ctx, e.citizen, who, casework.Application{EntryCode: e.food.Code}); err != nil && yiwang.ErrorCode(err) == yiwang.EFORBIDDEN {
		t.Fatalf("an enterprise applying for 食品经营许可: %v", err)
	}
}

// TestFileFor: a window clerk files a walk-in case for any item, which goes
// to the implementing org; the registered citizen sees it as theirs.
func TestFileFor(t *testing.T) {
	e := newEnv(t, "sqlite")
	clerkAcct, _ := e.db.AccountByUsername(e.ctx, "clerk")
	clerk := clerkAcct.Actor("127.0.0.1", "web")
	agentAcct, _ := e.db.AccountByUsername(e.ctx, "agent")
	agent := agentAcct.Actor("127.0.0.1", "web")
	who := e.applicant()
	bad := who
	bad.IDCard = "123"
	if _, err := e.svc.FileFor(e.ctx, clerk, bad, casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()}); yiwang.ErrorFields(err)["idcard"] == "" {
		t.Fatalf("bad ID number: %v", err)
	}
	if _, err := e.svc.FileFor(e.ctx, e.citizen, who, casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
		t.Fatalf("a citizen used the window channel: %v", err)
	}
	c, err := e.svc.FileFor(e.ctx, clerk, who, casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
	if err != nil {
		t.Fatal(err)
	}
	if c.Channel != casework.ChannelWindow || c.FiledBy != clerk.AccountID || c.FiledAt != clerk.OrgID || c.OrgID != e.food.OrgID {
		t.Fatalf("window case %+v", c)
	}
	inbox, _, _ := e.svc.Inbox(e.ctx, e.officer, casework.InboxQuery{})
	if len(inbox) != 1 || inbox[0].ID != c.ID {
		t.Fatal("the implementing org's officer does not see the window case")
	}
	mine, _ := e.svc.Mine(e.ctx, e.citizen)
	if len(mine) != 1 || mine[0].ID != c.ID {
		t.Fatal("the citizen does not see the case filed for them")
	}
	a, err := e.svc.FileFor(e.ctx, agent, who, casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
	if err != nil || a.Channel != casework.ChannelAgent {
		t.Fatalf("agent case: %v", err)
	}
}

func TestUrgency(t *testing.T) {
	e := newEnv(t, "sqlite")
	c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
	if err != nil {
		t.Fatal(err)
	}
	if u := e.svc.UrgencyOf(c, e.food.PromiseDays); u.Level != "new" || u.Days != 5 {
		t.Fatalf("fresh submission: %+v", u)
	}
	c, err = e.svc.Accept(e.ctx, e.officer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u := e.svc.UrgencyOf(c, e.food.PromiseDays); u.Level != "ok" || u.Days != e.food.PromiseDays {
		t.Fatalf("just accepted: %+v", u)
	}
	d, _ := calendar.ParseDate(c.Deadline)
	e.clk.Set(d.Start().Add(10 * time.Hour)) // the last day
	if u := e.svc.UrgencyOf(c, e.food.PromiseDays); u.Level != "soon" || u.Days != 0 {
		t.Fatalf("last day: %+v", u)
	}
	e.clk.Set(e.svc.Calendar.AddWorkdays(d, 2).Start().Add(10 * time.Hour))
	if u := e.svc.UrgencyOf(c, e.food.PromiseDays); u.Level != "over" || u.Days != -2 || !strings.Contains(u.Words, "已超期 2") {
		t.Fatalf("two days late: %+v", u)
	}
}

// TestForm: the form is checked against the item's fields: required ones,
// choices, conditional fields and materials, and prefilled values that the
// applicant cannot change.
func TestForm(t *testing.T) {
	e := newEnv(t, "sqlite")
	submit := func(f map[string]string) (casework.Case, error) {
		return e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: f})
	}
	bad := answers()
	bad["format"] = "大排档"
	if _, err := submit(bad); yiwang.ErrorFields(err)["f.format"] == "" {
		t.Fatalf("a choice not offered: %v", err)
	}
	online := answers()
	online["online"] = "是"
	if _, err := submit(online); yiwang.ErrorFields(err)["f.website"] == "" {
		t.Fatalf("the conditional field was not required: %v", err)
	}
	online["website"] = "张三小吃外卖店"
	online["applicant"] = "冒名顶替"
	c, err := submit(online)
	if err != nil {
		t.Fatal(err)
	}
	if c.Form["applicant"] != "张三" || c.Form["website"] != "张三小吃外卖店" {
		t.Fatalf("stored form %v", c.Form)
	}
	off := answers()
	off["website"] = "不该保存"
	c, err = submit(off)
	if err != nil || c.Form["website"] != "" {
		t.Fatalf("a hidden field was kept: %v %v", c.Form, err)
	}
}

// TestSpecialProcedure: days in a special procedure do not count; the
// deadline moves by them.
func TestSpecialProcedure(t *testing.T) {
	e := newEnv(t, "sqlite")
	c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.svc.Accept(e.ctx, e.officer, c.ID); err != nil { // Monday 2026-03-09
		t.Fatal(err)
	}
	before := c.Deadline
	if _, err := e.svc.StartSpecial(e.ctx, e.officer, c.ID, "9", ""); len(yiwang.ErrorFields(err)) != 2 {
		t.Fatalf("bad special procedure: %v", err)
	}
	e.clk.Advance(24 * time.Hour) // Tuesday
	if c, err = e.svc.StartSpecial(e.ctx, e.officer, c.ID, casework.SpecialOther, "需现场核查经营场所"); err != nil || c.State != casework.StateSpecial {
		t.Fatalf("start: %v", err)
	}
	if _, err := e.svc.Decide(e.ctx, e.officer, c.ID, casework.Granted, ""); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
		t.Fatalf("decided during a special procedure: %v", err)
	}
	e.clk.Advance(3 * 24 * time.Hour) // Friday: Tue, Wed, Thu paused
	c, err = e.svc.EndSpecial(e.ctx, e.officer, c.ID, "核查合格")
	if err != nil || c.State != casework.StateAccepted {
		t.Fatalf("end: %v", err)
	}
	b, _ := calendar.ParseDate(before)
	if want := e.svc.Calendar.AddWorkdays(b, 3).String(); c.Deadline != want {
		t.Fatalf("deadline %s → %s, want %s", before, c.Deadline, want)
	}
}
