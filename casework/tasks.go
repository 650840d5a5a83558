package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/calendar"
	"github.com/yushan-gov/yiwang/catalog"
)

// Task states. Stored: never change a value.
const (
	TaskOpen      = "open"
	TaskDone      = "done"
	TaskCancelled = "cancelled" // the case closed before the task was done (withdrawn, denied)
)

// Opinions on a review task. Stored: never change a value.
const (
	OpinionAgree    = "agree"    // 同意
	OpinionDisagree = "disagree" // 不同意
)

// OpinionName returns an opinion in words.
func OpinionName(o string) string {
	return map[string]string{OpinionAgree: "同意", OpinionDisagree: "不同意", Granted: "准予", Denied: "不予"}[o]
}

// Task is one org's piece of work on an accepted case: a review, the
// decision, 制证 or 送达. The tasks of one stage run in parallel and the case
// moves on when all are done (the join).
type Task struct {
	ID         string
	CaseID     string
	Stage      int // index into the case's Plan
	Name       string
	Kind       string // catalog.StepReview …
	OrgID      string
	Role       yiwang.Role
	State      string
	OpenedAt   time.Time
	Due        string // last working day for it
	DoneAt     time.Time
	DoneBy     string
	DoneByName string
	Opinion    string // review: agree/disagree; decide: granted/denied
	Note       string // the reviewer's remarks; staff only
}

// Stage is one step a case runs through after acceptance.
type Stage struct {
	Name string
	Kind string
	Days int
	Orgs []string // empty: the implementing org
	Role yiwang.Role
}

// Plan is how a case of the entry runs after acceptance: the guide's review
// steps in order, then 决定, 制证 (for items with a result document; granted
// cases only) and 送达 — each the guide's own step where it has one, the
// default otherwise.
func Plan(en catalog.Entry) []Stage {
	g := en.Guide
	var out []Stage
	fixed := map[string]Stage{}
	for i, st := range g.Steps {
		role := yiwang.Role(st.Role)
		if role == "" {
			role = yiwang.RoleCaseOfficer
		}
		s := Stage{Name: st.Name, Kind: g.KindAt(i), Days: st.Days, Orgs: st.Orgs, Role: role}
		switch s.Kind {
		case catalog.StepAccept:
		case catalog.StepReview:
			out = append(out, s)
		default:
			fixed[s.Kind] = s
		}
	}
	add := func(kind, name string) {
		s, ok := fixed[kind]
		if !ok {
			s = Stage{Name: name, Kind: kind, Role: yiwang.RoleCaseOfficer}
		}
		out = append(out, s)
	}
	add(catalog.StepDecide, "决定")
	if _, ok := fixed[catalog.StepCertify]; ok || g.ResultKind == "elicense" || g.ResultKind == "certificate" {
		add(catalog.StepCertify, "制证")
	}
	add(catalog.StepDeliver, "送达")
	return out
}

// openStage opens the tasks of stage i of the plan, one per org. The
// catalog refuses a step that names an org twice; one stored before that
// still gives the org one task: the inbox counts on an org having at most
// one open task on a case (sqlstore's inboxQuery).
func (s *Service) openStage(c *Case, plan []Stage, i int, now time.Time) {
	st := plan[i]
	var orgs []string
	for _, o := range st.Orgs {
		if !slices.Contains(orgs, o) {
			orgs = append(orgs, o)
		}
	}
	if len(orgs) == 0 {
		orgs = []string{c.OrgID}
	}
	due := c.Deadline
	switch st.Kind {
	case catalog.StepCertify, catalog.StepDeliver:
		due = s.deliveryDue(*c)
	case catalog.StepReview:
		if st.Days > 0 {
			if d := s.Calendar.AddWorkdays(calendar.DateOf(now), st.Days).String(); d < due || due == "" {
				due = d
			}
		}
	}
	c.Stage = i
	for _, o := range orgs {
		c.Tasks = append(c.Tasks, Task{ID: yiwang.NewID(), CaseID: c.ID, Stage: i, Name: st.Name, Kind: st.Kind,
			OrgID: o, Role: st.Role, State: TaskOpen, OpenedAt: now, Due: due})
	}
}

// OpenTasks returns the tasks of the case that are waiting.
func (c Case) OpenTasks() []Task {
	var out []Task
	for _, t := range c.Tasks {
		if t.State == TaskOpen {
			out = append(out, t)
		}
	}
	return out
}

// AtStage reports whether the case waits for a task of the kind. A case
// accepted before tasks existed has none and is at every stage.
func (c Case) AtStage(kind string) bool {
	if len(c.Tasks) == 0 {
		return true
	}
	for _, t := range c.Tasks {
		if t.State == TaskOpen && t.Kind == kind {
			return true
		}
	}
	return false
}

// finish marks the open tasks of kind done by actor and reports whether
// there were any.
func finish(c *Case, kind string, actor yiwang.Actor, opinion, note string, now time.Time) bool {
	done := false
	for i := range c.Tasks {
		t := &c.Tasks[i]
		if t.State == TaskOpen && t.Kind == kind {
			t.State, t.DoneAt, t.DoneBy, t.DoneByName, t.Opinion, t.Note = TaskDone, now, actor.AccountID, actor.Name, opinion, note
			done = true
		}
	}
	return done
}

// cancelTasks closes every open task of a case that ends early.
func cancelTasks(c *Case, now time.Time) {
	for i := range c.Tasks {
		if c.Tasks[i].State == TaskOpen {
			c.Tasks[i].State, c.Tasks[i].DoneAt = TaskCancelled, now
		}
	}
}

// next opens the stage after the current one, skipping 制证 for a case that
// was not granted. It reports the stage opened.
func (s *Service) next(c *Case, plan []Stage, now time.Time) Stage {
	i := c.Stage + 1
	if i < len(plan) && plan[i].Kind == catalog.StepCertify && c.Decision != Granted {
		i++
	}
	if i >= len(plan) {
		return Stage{}
	}
	s.openStage(c, plan, i, now)
	return plan[i]
}

// planOf loads the plan of the entry version a case was filed under.
func (s *Service) planOf(ctx context.Context, c Case) ([]Stage, error) {
	en, err := s.Catalog.Get(ctx, c.EntryID)
	if err != nil {
		return nil, err
	}
	return Plan(en), nil
}

// mayDoTask reports whether actor may do task t: they hold its role in its
// org or an org above it.
func (s *Service) mayDoTask(ctx context.Context, actor yiwang.Actor, t Task) (bool, error) {
	if !actor.Has(t.Role) || actor.OrgID == "" {
		return false, nil
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	return mine[t.OrgID], err
}

// TaskWork is what an officer hands in for a task.
type TaskWork struct {
	Opinion   string     // reviews: OpinionAgree or OpinionDisagree
	Note      string     // remarks, required when disagreeing
	Documents []Material // 制证: the certificate or document made (FileID set)
}

// CompleteTask finishes a review or 制证 task of an org. When it was the
// last open task of its stage, the case moves to the next stage: parallel
// departments join there, and the applicant hears nothing until the one
// decision (one feedback).
func (s *Service) CompleteTask(ctx context.Context, actor yiwang.Actor, caseID, taskID string, w TaskWork) (Case, error) {
	c, err := s.Store.Case(ctx, caseID)
	if err != nil {
		return Case{}, err
	}
	ti := slices.IndexFunc(c.Tasks, func(t Task) bool { return t.ID == taskID })
	if ti < 0 {
		return Case{}, yiwang.Errorf(yiwang.ENOTFOUND, "任务不存在")
	}
	t := c.Tasks[ti]
	ok, err := s.mayDoTask(ctx, actor, t)
	if err != nil {
		return Case{}, err
	}
	if !ok {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "这不是交给您所在单位和角色的任务")
	}
	if t.State != TaskOpen {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该任务已经办理过了")
	}
	if c.State != StateAccepted && c.State != StateDecided {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件当前状态为“%s”，不能办理任务", StateName(c.State))
	}
	w.Note = strings.TrimSpace(w.Note)
	bad := map[string]string{}
	switch t.Kind {
	case catalog.StepReview:
		if w.Opinion != OpinionAgree && w.Opinion != OpinionDisagree {
			bad["opinion"] = "请选择同意或不同意"
		}
		if w.Opinion == OpinionDisagree && utf8.RuneCountInString(w.Note) < 4 {
			bad["note"] = "不同意须写明理由（至少4个字）"
		}
		w.Documents = nil
	case catalog.StepCertify:
		w.Opinion = ""
		for _, d := range w.Documents {
			if d.FileID == "" {
				bad["documents"] = "请上传制作好的证照或文书"
			}
		}
	default:
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "“%s”任务请在办件页面通过相应操作完成", t.Name)
	}
	if utf8.RuneCountInString(w.Note) > 500 {
		bad["note"] = "意见不能超过500字"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	plan, err := s.planOf(ctx, c)
	if err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	tp := &c.Tasks[ti]
	tp.State, tp.DoneAt, tp.DoneBy, tp.DoneByName, tp.Opinion, tp.Note = TaskDone, now, actor.AccountID, actor.Name, w.Opinion, w.Note
	for _, d := range w.Documents {
		d.Index, d.Name = len(c.Results), t.Name
		c.Results = append(c.Results, d)
	}
	orgName := s.orgName(ctx, t.OrgID)
	note := fmt.Sprintf("“%s”环节：%s已办理", t.Name, orgName)
	left := 0
	for _, o := range c.Tasks {
		if o.Stage == t.Stage && o.State == TaskOpen {
			left++
		}
	}
	if left > 0 {
		note += fmt.Sprintf("，还有 %d 个部门未办理", left)
	} else if st := s.next(&c, plan, now); st.Name != "" {
		note += "，进入“" + st.Name + "”环节"
	}
	return s.record(ctx, actor, c, "task", note, "")
}

// record stores a change that keeps the case's state (tasks done, results
// made) with its event; applicantNote, when set, is also sent to the applicant.
func (s *Service) record(ctx context.Context, actor yiwang.Actor, c Case, kind, note, applicantNote string) (Case, error) {
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: len(evs) + 1, At: now, ActorID: actor.AccountID,
		ActorName: actor.Name, Kind: kind, From: c.State, To: c.State, Note: note, Channel: actor.Channel}
	e := audit.New(actor, now, "case."+kind, "case:"+c.ID, audit.ResultOK, c.No+" "+note)
	var msg = s.notice(c, applicantNote)
	if applicantNote == "" {
		msg = nil
	}
	if err := s.Store.UpdateCase(ctx, c, ev, e, msg); err != nil {
		return Case{}, err
	}
	c.Version++
	return c, nil
}

func (s *Service) orgName(ctx context.Context, id string) string {
	if o, err := s.Orgs.Get(ctx, id); err == nil {
		return o.Name
	}
	return id
}

// Involved reports whether actor's org (or one below it) has a task on the
// case, so its staff may read it.
func (s *Service) involved(ctx context.Context, actor yiwang.Actor, c Case) bool {
	if actor.OrgID == "" || len(c.Tasks) == 0 {
		return false
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return false
	}
	for _, t := range c.Tasks {
		if mine[t.OrgID] {
			return true
		}
	}
	return false
}

// MyTasks returns the open tasks of the case actor may do.
func (s *Service) MyTasks(ctx context.Context, actor yiwang.Actor, c Case) []Task {
	var out []Task
	for _, t := range c.OpenTasks() {
		if ok, _ := s.mayDoTask(ctx, actor, t); ok {
			out = append(out, t)
		}
	}
	return out
}

// TaskItem is an open task with what an officer needs to find its case.
type TaskItem struct {
	Task
	CaseNo    string
	ItemName  string
	CaseState string
}

// Tasks lists a page of the open tasks the actor may do — of their org and
// those below it, for their roles — the earliest due first, and whether
// more follow.
func (s *Service) Tasks(ctx context.Context, actor yiwang.Actor, page int) ([]TaskItem, bool, error) {
	if actor.OrgID == "" || !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead) {
		return nil, false, yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人、窗口人员或部门负责人有办理任务")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return nil, false, err
	}
	var orgs, roles []string
	for id := range mine {
		orgs = append(orgs, id)
	}
	for _, r := range actor.Roles {
		roles = append(roles, string(r))
	}
	if page > MaxInboxPage {
		return nil, false, yiwang.Invalid(map[string]string{"page": fmt.Sprintf("页码不能超过 %d", MaxInboxPage)})
	}
	page = max(page, 1)
	ts, err := s.Store.OpenTasksFor(ctx, orgs, roles, InboxSize+1, (page-1)*InboxSize)
	if err != nil {
		return nil, false, err
	}
	return ts[:min(len(ts), InboxSize)], len(ts) > InboxSize, nil
}
