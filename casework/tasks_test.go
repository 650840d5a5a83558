package casework_test

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestParallelReview: 向山镇 accepts a 宅基地 application filed by the village
// agent; the 农业 and 国土 departments review it in parallel, each seeing it
// only because it holds a task; the town decides only after both are done,
// and the applicant hears of the decision, not of each review.
func TestParallelReview(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			staff := func(username string) yiwang.Actor {
				a, err := e.db.AccountByUsername(e.ctx, username)
				if err != nil {
					t.Fatal(err)
				}
				return a.Actor("127.0.0.1", "web")
			}
			town, land, agri, agent := staff("township"), staff("land"), staff("agri"), staff("agent")
			list, _ := e.db.ListEntries(e.ctx, catalog.Filter{Statuses: []string{catalog.StatusPublished}})
			var en catalog.Entry
			for _, x := range list {
				if x.Base.Name == "农村村民宅基地审批" && x.OrgID == town.OrgID {
					en = x
				}
			}
			plan := casework.Plan(en)
			if len(plan) != 3 || len(plan[0].Orgs) != 2 || plan[1].Kind != catalog.StepDecide || plan[2].Kind != catalog.StepDeliver {
				t.Fatalf("plan %+v", plan)
			}
			var mats []casework.Material
			for i, m := range en.Guide.Materials {
				if m.Source == "applicant" && m.Required {
					mats = append(mats, casework.Material{Index: i, FileID: strings.Repeat("a", 64)})
				}
			}
			p := demo.People[3]
			c, err := e.svc.FileFor(e.ctx, agent, casework.Applicant{Name: p.Name, Mobile: p.Mobile, IDCard: p.IDCard},
				casework.Application{EntryCode: en.Code, Materials: mats})
			if err != nil {
				t.Fatal(err)
			}
			// Before acceptance the departments have no task and cannot see it.
			if _, _, err := e.svc.Get(e.ctx, land, c.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("a department saw a case it has no task on: %v", err)
			}
			if _, err := e.svc.Accept(e.ctx, land, c.ID); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("a department accepted another org's case: %v", err)
			}
			if c, err = e.svc.Accept(e.ctx, town, c.ID); err != nil {
				t.Fatal(err)
			}
			if open := c.OpenTasks(); len(open) != 2 || open[0].Kind != catalog.StepReview {
				t.Fatalf("open tasks %+v", open)
			}
			if _, err := e.svc.Decide(e.ctx, town, c.ID, casework.Granted, "符合条件"); yiwang.ErrorCode(err) != yiwang.ECONFLICT ||
				!strings.Contains(err.Error(), "雨山区农业委员会") {
				t.Fatalf("decided before the reviews: %v", err)
			}
			// Each department finds it in its inbox, due when its own task is
			// (8 working days for the joint review, not the 15 of the case),
			// and reads it; another does not.
			taskDue := e.svc.Calendar.AddWorkdays(calendar.DateOf(c.AcceptedAt), 8).String()
			for _, a := range []yiwang.Actor{land, agri} {
				in, _, err := e.svc.Inbox(e.ctx, a, casework.InboxQuery{})
				if err != nil || len(in) != 1 || in[0].ID != c.ID || !in[0].Joint || in[0].Due != taskDue || in[0].Due == c.Deadline {
					t.Fatalf("inbox of %s: %+v %v", a.Name, in, err)
				}
				if u := e.svc.UrgencyOf(in[0], 15); !strings.Contains(u.Words, taskDue) {
					t.Fatalf("urgency of the joint task %+v", u)
				}
			}
			if in, _, _ := e.svc.Inbox(e.ctx, town, casework.InboxQuery{}); len(in) == 0 || in[0].Joint {
				t.Fatalf("the town's own case marked joint: %+v", in)
			}
			if _, _, err := e.svc.Get(e.ctx, e.other, c.ID); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("an uninvolved department read the case: %v", err)
			}
			got, _, err := e.svc.Get(e.ctx, land, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			mine := e.svc.MyTasks(e.ctx, land, got)
			if len(mine) != 1 || mine[0].OrgID != land.OrgID {
				t.Fatalf("land's tasks %+v", mine)
			}
			agriTask := e.svc.MyTasks(e.ctx, agri, got)[0]
			if _, err := e.svc.CompleteTask(e.ctx, land, c.ID, agriTask.ID, casework.TaskWork{Opinion: casework.OpinionAgree}); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("one department did another's task: %v", err)
			}
			if _, err := e.svc.CompleteTask(e.ctx, land, c.ID, mine[0].ID, casework.TaskWork{Opinion: "maybe"}); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("no opinion: %v", err)
			}
			if c, err = e.svc.CompleteTask(e.ctx, land, c.ID, mine[0].ID, casework.TaskWork{Opinion: casework.OpinionAgree, Note: "符合村庄规划"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.CompleteTask(e.ctx, land, c.ID, mine[0].ID, casework.TaskWork{Opinion: casework.OpinionAgree}); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("a task done twice: %v", err)
			}
			if in, _, _ := e.svc.Inbox(e.ctx, land, casework.InboxQuery{}); len(in) != 0 {
				t.Fatalf("a done task still in the department's inbox: %v", in)
			}
			// The department still reads the case it worked on.
			if _, _, err := e.svc.Get(e.ctx, land, c.ID); err != nil {
				t.Fatalf("the department lost sight of its case: %v", err)
			}
			if _, err := e.svc.Decide(e.ctx, town, c.ID, casework.Granted, "符合条件"); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("decided with one review open: %v", err)
			}
			if _, err := e.svc.CompleteTask(e.ctx, agri, c.ID, agriTask.ID, casework.TaskWork{Opinion: casework.OpinionDisagree}); yiwang.ErrorFields(err)["note"] == "" {
				t.Fatalf("disagreeing without reasons: %v", err)
			}
			if c, err = e.svc.CompleteTask(e.ctx, agri, c.ID, agriTask.ID, casework.TaskWork{Opinion: casework.OpinionDisagree, Note: "占用永久基本农田"}); err != nil {
				t.Fatal(err)
			}
			if open := c.OpenTasks(); len(open) != 1 || open[0].Kind != catalog.StepDecide || open[0].OrgID != town.OrgID {
				t.Fatalf("after the join: %+v", open)
			}
			// Departments cannot decide; the town can, with both opinions in.
			if _, err := e.svc.Decide(e.ctx, agri, c.ID, casework.Denied, "占用永久基本农田"); yiwang.ErrorCode(err) != yiwang.EFORBIDDEN {
				t.Fatalf("a reviewing department decided: %v", err)
			}
			if c, err = e.svc.Decide(e.ctx, town, c.ID, casework.Denied, "经农业农村部门审查，拟用地占用永久基本农田"); err != nil {
				t.Fatal(err)
			}
			if open := c.OpenTasks(); len(open) != 1 || open[0].Kind != catalog.StepDeliver {
				t.Fatalf("after the decision: %+v", open)
			}
			// One feedback: the applicant heard of receipt, acceptance and the decision only.
			msgs, _ := e.db.RecentMessages(e.ctx, 50)
			told := 0
			for _, m := range msgs {
				if m.Recipient == p.Mobile && strings.Contains(m.Body, "宅基地") {
					told++
				}
			}
			if told != 3 {
				t.Fatalf("applicant told %d times, want 3", told)
			}
			_, evs, _ := e.svc.Get(e.ctx, town, c.ID)
			var notes []string
			for _, ev := range evs {
				if ev.Kind == "task" {
					notes = append(notes, ev.Note)
				}
			}
			if len(notes) != 2 || !strings.Contains(notes[1], "进入“审批并核发批准书”环节") || strings.Contains(strings.Join(notes, ""), "基本农田") {
				t.Fatalf("task events %q (the reviewers' remarks stay off the public timeline)", notes)
			}
			if c, err = e.svc.Deliver(e.ctx, town, c.ID, casework.Delivery{Method: casework.DeliverWindow}); err != nil || len(c.OpenTasks()) != 0 {
				t.Fatalf("deliver: %v %+v", err, c.OpenTasks())
			}
		})
	}
}

// TestWithdrawCancelsTasks: a withdrawn case leaves no task open anywhere.
func TestWithdrawCancelsTasks(t *testing.T) {
	e := newEnv(t, "sqlite")
	c, err := e.svc.Submit(e.ctx, e.citizen, e.applicant(), casework.Application{EntryCode: e.food.Code, Materials: e.files(), Fields: answers()})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = e.svc.Accept(e.ctx, e.officer, c.ID); err != nil || len(c.OpenTasks()) != 1 {
		t.Fatalf("accept: %v %+v", err, c.Tasks)
	}
	if _, err = e.svc.Withdraw(e.ctx, e.citizen, c.ID); err != nil {
		t.Fatal(err)
	}
	got, _, _ := e.svc.Get(e.ctx, e.officer, c.ID)
	if len(got.Tasks) != 1 || got.Tasks[0].State != casework.TaskCancelled {
		t.Fatalf("tasks after withdrawal %+v", got.Tasks)
	}
}
