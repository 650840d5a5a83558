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
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
)

// Catalog finds the entry versions cases are filed under.
type Catalog interface {
	Published(ctx context.Context, code string) (catalog.Entry, error)
	Get(ctx context.Context, id string) (catalog.Entry, error)
}

// Orgs finds the org tree.
type Orgs interface {
	// Subtree returns the IDs of org id and of every org below it.
	Subtree(ctx context.Context, id string) (map[string]bool, error)
	Get(ctx context.Context, id string) (org.Org, error)
}

// Service runs cases.
type Service struct {
	Store    Store
	Drafts   DraftStore
	Catalog  Catalog
	Orgs     Orgs
	Calendar *calendar.Calendar
	Clock    yiwang.Clock
	// Licenses, when set, issues e-licenses on grant and attaches the ones
	// an applicant holds.
	Licenses Licenses
	// LetterDays overrides the working days a kind of letter (投诉、咨询、
	// 建议) gives the department to answer; see LetterKinds for the defaults.
	LetterDays map[string]int
}

// Applicant is who a case is for, as the platform already knows them.
type Applicant struct {
	AccountID      string
	Name           string
	Mobile         string
	IDCard         string
	Enterprise     string // enterprise ID when acting for one
	EnterpriseName string
}

// Application is what an applicant submits.
type Application struct {
	EntryCode string
	Channel   string            // for agent clerks: ChannelAgent, ChannelHome or ChannelRelay
	Fields    map[string]string // the item's form, by field key
	Materials []Material        // files for the guide's materials, by index
	Note      string
	// Simulated files a supervisor's test application (模拟办事): worked
	// like any other, counted in no figure. Only a supervisor may set it.
	Simulated bool
}

// Submit files a case under the published version of the item and returns
// it with its case number. Every required material the applicant must
// provide needs a file; materials the platform can fetch itself (from another
// department or an e-license) are never asked for again.
func (s *Service) Submit(ctx context.Context, actor yiwang.Actor, who Applicant, app Application) (Case, error) {
	out, err := s.SubmitShown(ctx, actor, who, app)
	return out.Case, err
}

// Submitted is a case just filed as Get shows it: the case, its timeline
// (the one submit event) and the entry version it was filed under.
type Submitted struct {
	Case   Case
	Events []Event
	Entry  catalog.Entry
}

// SubmitShown is Submit that also returns what the case's page shows, so
// that the answer needs no second read of the case. The case has no tasks
// yet; its times are whole microseconds, as both databases store them.
func (s *Service) SubmitShown(ctx context.Context, actor yiwang.Actor, who Applicant, app Application) (Submitted, error) {
	if actor.Anonymous() {
		return Submitted{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录后再申报")
	}
	if app.Simulated && !actor.Has(yiwang.RoleSupervisor) {
		return Submitted{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有监察人员可以模拟办事")
	}
	en, err := s.Catalog.Published(ctx, app.EntryCode)
	if err != nil {
		return Submitted{}, err
	}
	if !en.Online() {
		return Submitted{}, yiwang.Errorf(yiwang.EFORBIDDEN, "该事项暂不支持网上申报，请到办理地点办理")
	}
	if err := servesApplicant(en.Base.Objects, who.Enterprise != ""); err != nil {
		return Submitted{}, err
	}
	// Files saved in the draft count as handed in; new uploads replace them.
	var draft Draft
	if s.Drafts != nil {
		if draft, err = s.DraftOf(ctx, actor, en.Code); err != nil {
			return Submitted{}, err
		}
	}
	values, bad := formValues(en.Guide.Fields, app.Fields, who)
	// A simulated application's test identity may be anybody's: it never
	// fetches that person's e-licenses or verified materials, but what the
	// platform shares for everyone is shared, so the org sees no difference.
	given := merge(draft.Materials, app.Materials)
	handedIn := map[int]bool{}
	for _, m := range given {
		handedIn[m.Index] = true // a file: it takes the place of anything attached
	}
	auto, err := s.attachable(ctx, en, who, app.Simulated, handedIn)
	if err != nil {
		return Submitted{}, err
	}
	mats, mbad := checkMaterials(en, given, values, auto)
	for k, v := range mbad {
		bad[k] = v
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Submitted{}, err
	}
	if utf8.RuneCountInString(app.Note) > 500 {
		return Submitted{}, yiwang.Invalid(map[string]string{"note": "补充说明不能超过500个字"})
	}
	// PostgreSQL keeps microseconds: the case answered is the case stored.
	now := s.Clock.Now().Truncate(time.Microsecond)
	c := Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID,
		ApplicantID: who.AccountID, Applicant: who.Name, Mobile: who.Mobile, IDCard: who.IDCard,
		Enterprise: who.Enterprise, Channel: ChannelWeb, State: StateSubmitted, Materials: mats,
		Form: withNote(values, app.Note), SubmittedAt: now, Version: 1, Simulated: app.Simulated}
	c.Due = s.due(c)
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: now, ActorID: actor.AccountID, ActorName: shownName(actor, c),
		Kind: "submit", To: StateSubmitted, Channel: ChannelWeb, Note: submitNote(mats)}
	day := calendar.DateOf(now)
	e := audit.New(actor, now, "case.submit", "case:"+c.ID, audit.ResultOK, en.Base.Name)
	// The store fills in the case number, so the notice says "已收到" and the
	// case page shows the number.
	c, err = s.Store.CreateCase(ctx, c, ev, fmt.Sprintf("%04d%02d%02d", day.Year, day.Month, day.Day), e,
		s.notice(c, "已收到您的申请，正在预审"))
	if err == nil && s.Drafts != nil && !draft.UpdatedAt.IsZero() {
		// A stale draft left by a failure here, or saved meanwhile, is
		// harmless: it only prefills. Without a draft there is nothing to
		// delete, and no write to wait for.
		_ = s.Drafts.DeleteDraft(ctx, actor.AccountID, en.Code)
	}
	return Submitted{Case: c, Events: []Event{ev}, Entry: en}, err
}

func withNote(values map[string]string, note string) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		out[k] = v
	}
	if n := strings.TrimSpace(note); n != "" {
		out["note"] = n
	}
	return out
}

// checkMaterials matches submitted files to the guide's materials and lists
// every required material that is missing. A conditional material whose
// condition is a form answer ("field=value") is required when that holds.
// auto holds what the platform attaches itself (e-licenses, reused
// materials); an upload replaces it.
func checkMaterials(en catalog.Entry, given []Material, values map[string]string, auto map[int]Material) ([]Material, map[string]string) {
	bad := map[string]string{}
	byIndex := map[int]Material{}
	for _, m := range given {
		if m.Index < 0 || m.Index >= len(en.Guide.Materials) {
			bad["materials"] = "提交了办事指南中没有的材料"
			continue
		}
		if m.FileID != "" {
			byIndex[m.Index] = m
		}
	}
	var out []Material
	for i, gm := range en.Guide.Materials {
		m, ok := byIndex[i]
		a, attached := auto[i]
		required := gm.Required || (gm.When != "" && catalog.Applies(gm.When, values))
		switch {
		case ok:
			m.Name, m.License, m.Credibility, m.From = gm.Name, "", "", ""
			out = append(out, m)
		case attached:
			out = append(out, a)
		case gm.Source == "department":
			// Shared by another department: fetched, not asked for.
			out = append(out, Material{Index: i, Name: gm.Name, Note: "由平台共享获取，无需提交"})
		case gm.Source == "license" && required:
			bad[fmt.Sprintf("m%d", i)] = "请上传“" + gm.Name + "”（您名下没有有效的该电子证照）"
		case required:
			bad[fmt.Sprintf("m%d", i)] = "请上传“" + gm.Name + "”"
		}
	}
	return out, bad
}

// mayHandle reports whether actor works a case of org: a case officer (or
// window clerk) of the org or of an org above it.
func (s *Service) mayHandle(ctx context.Context, actor yiwang.Actor, orgID string) error {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk) || actor.OrgID == "" {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人或窗口人员可以办理")
	}
	return s.ofOwnOrg(ctx, actor, orgID)
}

// ofOwnOrg checks that org is actor's own org or one below it.
func (s *Service) ofOwnOrg(ctx context.Context, actor yiwang.Actor, orgID string) error {
	if actor.OrgID == "" {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "这不是本单位的办件")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return err
	}
	if !mine[orgID] {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "这不是本单位的办件")
	}
	return nil
}

// never is the due date of a case nobody has to act on.
const never = "9999-12-31"

// due works out a case's next due date.
func (s *Service) due(c Case) string {
	switch c.State {
	case StateSubmitted:
		since := c.SubmittedAt
		if !c.WaitingSince.IsZero() {
			since = c.WaitingSince
		}
		return s.Calendar.AddWorkdays(calendar.DateOf(since), 5).String()
	case StateAccepted:
		if c.Deadline != "" {
			return c.Deadline
		}
	case StateDecided:
		return s.deliveryDue(c)
	}
	return never
}

// shownName is the name a case's timeline gives who acted: on a simulated
// application the supervisor acting as applicant appears as the test
// identity, so the org's timeline gives nothing away (the audit log keeps
// the real actor).
func shownName(actor yiwang.Actor, c Case) string {
	if c.Simulated && actor.AccountID == c.ApplicantID {
		return c.Applicant
	}
	return actor.Name
}

func (s *Service) move(ctx context.Context, actor yiwang.Actor, c Case, kind, to, note string) (Case, error) {
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: len(evs) + 1, At: now, ActorID: actor.AccountID,
		ActorName: shownName(actor, c), Kind: kind, From: c.State, To: to, Note: note, Channel: actor.Channel}
	c.State = to
	c.Due = s.due(c)
	e := audit.New(actor, now, "case."+kind, "case:"+c.ID, audit.ResultOK, c.No+" "+note)
	var msg *notify.Message
	if actor.AccountID != c.ApplicantID { // the applicant is told of what others do
		msg = s.notice(c, note)
	}
	if err := s.Store.UpdateCase(ctx, c, ev, e, msg); err != nil {
		return Case{}, err
	}
	c.Version++
	return c, nil
}

// RequestCorrection sends the ONE correction notice (一次性告知) listing every
// correction; each must point at a material or a condition of the version
// the case was filed under. The clock stops until the applicant resubmits.
func (s *Service) RequestCorrection(ctx context.Context, actor yiwang.Actor, id string, items []Correction) (Case, error) {
	c, en, err := s.load(ctx, actor, id, StateSubmitted)
	if err != nil {
		return Case{}, err
	}
	if len(items) == 0 {
		return Case{}, yiwang.Invalid(map[string]string{"corrections": "请至少选择一项需要补正的材料或条件"})
	}
	evs, err := s.Store.Events(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	for _, ev := range evs {
		if ev.Kind == "correct_notice" {
			return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "已经一次性告知过补正内容，不能再次要求补正（《行政许可法》第三十二条）；请受理或不予受理")
		}
	}
	bad := map[string]string{}
	var out []Correction
	for i, it := range items {
		it.Reason = strings.TrimSpace(it.Reason)
		switch {
		case it.Material >= 0 && it.Material < len(en.Guide.Materials) && it.Condition < 0:
			it.What = en.Guide.Materials[it.Material].Name
		case it.Condition >= 0 && it.Condition < len(en.Guide.Conditions) && it.Material < 0:
			it.What = en.Guide.Conditions[it.Condition]
		default:
			bad[fmt.Sprintf("corrections[%d]", i)] = "补正内容只能是办事指南中列明的材料或受理条件"
			continue
		}
		if n := utf8.RuneCountInString(it.Reason); n < 2 || n > 200 {
			bad[fmt.Sprintf("corrections[%d].reason", i)] = "请写明“" + it.What + "”需要怎样补正（2至200字）"
		}
		out = append(out, it)
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	c.Corrections = out
	return s.move(ctx, actor, c, "correct_notice", StateCorrection, fmt.Sprintf("一次性告知需补正 %d 项", len(out)))
}

// Resubmit hands in the corrected materials; the clock runs again.
func (s *Service) Resubmit(ctx context.Context, actor yiwang.Actor, id string, files []Material) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if c.ApplicantID != actor.AccountID {
		return Case{}, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
	}
	if c.State != StateCorrection {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件当前不需要补正")
	}
	got := map[int]Material{}
	for _, f := range files {
		if f.FileID != "" {
			got[f.Index] = f
		}
	}
	bad := map[string]string{}
	for _, co := range c.Corrections {
		if co.Material < 0 {
			continue
		}
		f, ok := got[co.Material]
		if !ok {
			bad[fmt.Sprintf("m%d", co.Material)] = "请上传补正后的“" + co.What + "”"
			continue
		}
		f.Name = co.What
		replaced := false
		for i := range c.Materials {
			if c.Materials[i].Index == co.Material {
				c.Materials[i], replaced = f, true
			}
		}
		if !replaced {
			c.Materials = append(c.Materials, f)
		}
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	c.Corrections = nil
	c.WaitingSince = s.Clock.Now()
	return s.move(ctx, actor, c, "resubmit", StateSubmitted, "提交补正材料")
}

func (s *Service) load(ctx context.Context, actor yiwang.Actor, id, state string) (Case, catalog.Entry, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, catalog.Entry{}, err
	}
	if err := s.mayHandle(ctx, actor, c.OrgID); err != nil {
		return Case{}, catalog.Entry{}, err
	}
	if err := notLetter(c); err != nil {
		return Case{}, catalog.Entry{}, err
	}
	if c.State != state {
		return Case{}, catalog.Entry{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件当前状态为“%s”，不能进行此操作", StateName(c.State))
	}
	en, err := s.Catalog.Get(ctx, c.EntryID)
	return c, en, err
}

// Accept accepts a case (受理); the committed limit starts the working day after.
func (s *Service) Accept(ctx context.Context, actor yiwang.Actor, id string) (Case, error) {
	c, en, err := s.load(ctx, actor, id, StateSubmitted)
	if err != nil {
		return Case{}, err
	}
	// The limit starts at acceptance, so waiting for corrections before it
	// never counts against it.
	c.AcceptedAt = s.Clock.Now()
	d, _ := s.Calendar.Deadline(c.AcceptedAt, en.PromiseDays, nil)
	c.Deadline = d.String()
	note := "已受理，承诺 " + fmt.Sprint(en.PromiseDays) + " 个工作日内（" + c.Deadline + " 前）办结"
	if !s.Calendar.Covers(d.Year) {
		note += fmt.Sprintf("（%d年节假日安排尚未公布，截止日期暂按周末休息计算）", d.Year)
	}
	if en.Kind == 1 {
		note = "已受理（即办件）"
	}
	s.openStage(&c, Plan(en), 0, c.AcceptedAt)
	return s.move(ctx, actor, c, "accept", StateAccepted, note)
}

// Refuse refuses to accept (不予受理) with the reason and its legal basis.
func (s *Service) Refuse(ctx context.Context, actor yiwang.Actor, id, reason, basis string) (Case, error) {
	c, _, err := s.load(ctx, actor, id, StateSubmitted)
	if err != nil {
		return Case{}, err
	}
	bad := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(reason)); n < 4 || n > 500 {
		bad["reason"] = "请写明不予受理的理由（4至500字）"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(basis)); n < 4 || n > 300 {
		bad["basis"] = "请写明不予受理的法律依据"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	return s.move(ctx, actor, c, "refuse", StateRefused, "不予受理。理由："+strings.TrimSpace(reason)+"；依据："+strings.TrimSpace(basis))
}

// Decide closes an accepted case with a decision (准予/不予).
func (s *Service) Decide(ctx context.Context, actor yiwang.Actor, id, decision, note string) (Case, error) {
	return s.DecideWith(ctx, actor, id, Decision{Decision: decision, Note: note})
}

// Decision is what the officer decides, with the decision documents
// (准予/不予许可决定书 …) attached as uploaded files.
type Decision struct {
	Decision  string
	Note      string
	Documents []Material
	// Fees are the fees charged (收费), as entered; blank lines are skipped.
	Fees []FeeLine
}

// DecideWith closes an accepted case with a decision once every review of
// its plan is done; the decision step's role (承办人 unless the item gives it
// to the 部门负责人) of the implementing org decides. The applicant hears of
// it: the one feedback of the whole case.
func (s *Service) DecideWith(ctx context.Context, actor yiwang.Actor, id string, d Decision) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	plan, err := s.planOf(ctx, c)
	if err != nil {
		return Case{}, err
	}
	role := yiwang.RoleCaseOfficer
	for _, st := range plan {
		if st.Kind == catalog.StepDecide {
			role = st.Role
		}
	}
	if !actor.Has(role) || actor.OrgID == "" {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有实施机关的%s可以作出办结决定", role.Name())
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return Case{}, err
	}
	if !mine[c.OrgID] {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "这不是本单位的办件")
	}
	if err := notLetter(c); err != nil {
		return Case{}, err
	}
	if c.State != StateAccepted {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件当前状态为“%s”，不能进行此操作", StateName(c.State))
	}
	if !c.AtStage(catalog.StepDecide) {
		var waiting []string
		for _, t := range c.OpenTasks() {
			waiting = append(waiting, s.orgName(ctx, t.OrgID))
		}
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "还有部门未完成审查（%s），全部完成后才能作出决定", strings.Join(waiting, "、"))
	}
	bad := map[string]string{}
	if d.Decision != Granted && d.Decision != Denied {
		bad["decision"] = "请选择准予或不予"
	}
	note := strings.TrimSpace(d.Note)
	if d.Decision == Denied && utf8.RuneCountInString(note) < 4 {
		bad["note"] = "不予办理须写明理由"
	}
	if utf8.RuneCountInString(note) > 500 {
		bad["note"] = "说明不能超过500字"
	}
	if len(d.Documents) > 10 {
		bad["documents"] = "决定文书不能超过10份"
	}
	fees := checkFees(d.Fees, bad)
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	c.Decision, c.DecidedAt, c.Fees = d.Decision, now, fees
	for _, doc := range d.Documents {
		if doc.FileID != "" {
			doc.Index, doc.Name = len(c.Results), "决定文书"
			c.Results = append(c.Results, doc)
		}
	}
	words := map[string]string{Granted: "准予", Denied: "不予"}[d.Decision]
	if finish(&c, catalog.StepDecide, actor, d.Decision, note, now) {
		s.next(&c, plan, now)
	}
	issued, err := s.certify(ctx, actor, &c, plan, note, now)
	if err != nil {
		return Case{}, err
	}
	text := "办结：" + words + "。" + note
	if issued != "" {
		text = strings.TrimSuffix(text, "。") + "。" + issued
	}
	if len(fees) > 0 {
		text = strings.TrimSuffix(text, "。") + "。收费：" + FeeWords(fees)
	}
	return s.move(ctx, actor, c, "decide", StateDecided, text)
}

// Withdraw lets the applicant withdraw a case that is not closed.
func (s *Service) Withdraw(ctx context.Context, actor yiwang.Actor, id string) (Case, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, err
	}
	if c.ApplicantID != actor.AccountID {
		return Case{}, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
	}
	if c.State != StateSubmitted && c.State != StateCorrection && c.State != StateAccepted {
		return Case{}, yiwang.Errorf(yiwang.ECONFLICT, "该办件已%s，不能撤回", StateName(c.State))
	}
	cancelTasks(&c, s.Clock.Now())
	return s.move(ctx, actor, c, "withdraw", StateWithdrawn, "申请人撤回申请")
}

// Pauses returns the intervals the case waited for the applicant.
func (s *Service) Pauses(ctx context.Context, id string) ([]calendar.Pause, error) {
	evs, err := s.Store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []calendar.Pause
	for _, ev := range evs {
		switch {
		case ev.To == StateCorrection || ev.To == StateSpecial:
			out = append(out, calendar.Pause{From: ev.At})
		case (ev.From == StateCorrection || ev.From == StateSpecial) && len(out) > 0:
			out[len(out)-1].To = ev.At
		}
	}
	return out, nil
}

// Mine lists an applicant's cases.
func (s *Service) Mine(ctx context.Context, actor yiwang.Actor) ([]Case, error) {
	return s.Store.CasesOf(ctx, actor.AccountID)
}

// Get returns a case to its applicant or to staff who may handle it.
func (s *Service) Get(ctx context.Context, actor yiwang.Actor, id string) (Case, []Event, error) {
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return Case{}, nil, err
	}
	if c.ApplicantID != actor.AccountID && c.FiledBy != actor.AccountID {
		// Staff of the implementing org read it, and those of an org that
		// was given a task on it; nobody else learns it exists.
		if s.mayHandle(ctx, actor, c.OrgID) != nil && !s.involved(ctx, actor, c) && !s.MayAnswer(ctx, actor, c) {
			return Case{}, nil, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
		}
	}
	evs, err := s.Store.Events(ctx, c.ID)
	return c, evs, err
}

// MayHandle reports whether actor may work the case (pre-review, decide).
func (s *Service) MayHandle(ctx context.Context, actor yiwang.Actor, c Case) bool {
	return s.mayHandle(ctx, actor, c.OrgID) == nil
}

// InboxSize is how many cases one page of the inbox shows, most urgent first.
const InboxSize = 50

// MaxInboxPage is the last page of the inbox that can be asked for: five
// million cases deep. Past it a page number is refused (a hand-made one
// could overflow the offset: a negative LIMIT, an error on PostgreSQL and
// every row on SQLite).
const MaxInboxPage = 100_000

// InboxStates are the states of the cases an inbox lists: those a
// department still has to act on. The store keeps an index of exactly
// these cases (sqlstore migration 00026), so a change here needs a
// migration that changes that index.
func InboxStates() []string {
	return []string{StateSubmitted, StateAccepted, StateCorrection, StateSpecial, StateDecided}
}

// InboxQuery narrows the inbox.
type InboxQuery struct {
	State string // one open state, or "" for all
	Q     string // case number, item name or applicant
	Page  int    // from 1
}

// Inbox lists a page of the cases the actor's org (and those below it)
// must work, most urgent first (by due date), and whether more follow.
func (s *Service) Inbox(ctx context.Context, actor yiwang.Actor, q InboxQuery) ([]Case, bool, error) {
	if !actor.HasAny(yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead) {
		return nil, false, yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人、窗口人员或部门负责人可以查看待办")
	}
	mine, err := s.Orgs.Subtree(ctx, actor.OrgID)
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for id := range mine {
		ids = append(ids, id)
	}
	states := InboxStates()
	if q.State != "" {
		if !slices.Contains(states, q.State) {
			return nil, false, yiwang.Invalid(map[string]string{"state": "状态不正确"})
		}
		states = []string{q.State}
	}
	if q.Page > MaxInboxPage {
		return nil, false, yiwang.Invalid(map[string]string{"page": fmt.Sprintf("页码不能超过 %d", MaxInboxPage)})
	}
	page := max(q.Page, 1)
	cs, err := s.Store.CasesFor(ctx, ids, states, strings.TrimSpace(q.Q), InboxSize+1, (page-1)*InboxSize)
	if err != nil {
		return nil, false, err
	}
	more := len(cs) > InboxSize
	return cs[:min(len(cs), InboxSize)], more, nil
}

// Art32Overdue reports whether a submitted case has waited more than five
// working days for pre-review: 行政许可法 Art. 32 says corrections must be
// told within five days, or the application counts as accepted.
func (s *Service) Art32Overdue(c Case) bool {
	if c.State != StateSubmitted {
		return false
	}
	since := c.SubmittedAt
	if !c.WaitingSince.IsZero() {
		since = c.WaitingSince
	}
	return s.Calendar.WorkdaysBetween(calendar.DateOf(since), calendar.DateOf(s.Clock.Now())) > 5
}

func submitNote(mats []Material) string {
	up, shared := 0, 0
	for _, m := range mats {
		if m.FileID != "" {
			up++
		} else {
			shared++
		}
	}
	if shared == 0 {
		return fmt.Sprintf("提交申请，上传材料 %d 份", up)
	}
	return fmt.Sprintf("提交申请，上传材料 %d 份，共享获取 %d 份", up, shared)
}

// notice is the message telling the applicant of a change: by SMS to the
// case's mobile number and into the applicant account's message box; only
// into the box when there is no number; nil when there is neither.
func (s *Service) notice(c Case, what string) *notify.Message {
	if c.Mobile == "" && c.ApplicantID == "" {
		return nil
	}
	no := c.No
	if len(no) > 12 {
		no = "…" + no[len(no)-12:]
	}
	body := fmt.Sprintf("【雨山区政务服务网】您申请的“%s”（办件编号%s）：%s。详情请登录查看或凭编号查询。", c.ItemName, no, what)
	if c.No == "" {
		body = fmt.Sprintf("【雨山区政务服务网】您申请的“%s”：%s。办件编号请登录查看。", c.ItemName, what)
	}
	m := &notify.Message{ID: yiwang.NewID(), Channel: notify.ChannelSMS, Recipient: c.Mobile,
		RecipientMasked: idcode.MaskMobile(c.Mobile), AccountID: c.ApplicantID, Link: "/cases/" + c.ID,
		Body: body, Status: notify.StatusPending, CreatedAt: s.Clock.Now()}
	if c.Mobile == "" {
		m.Channel, m.RecipientMasked = notify.ChannelSite, ""
	}
	return m
}

// servesApplicant checks the item's 服务对象 against who applies: a person
// (自然人, 1) or someone acting for an enterprise (法人 and other
// organisations: 2, 3, 4, 6).
func servesApplicant(objects []string, enterprise bool) error {
	for _, o := range objects {
		if (o == "1") != enterprise && o != "5" {
			return nil
		}
	}
	if enterprise {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "该事项只面向个人办理，请以个人身份登录后申报")
	}
	return yiwang.Errorf(yiwang.EFORBIDDEN, "该事项面向企业和组织办理，请以法人身份登录后申报")
}

// FileFor files a case for a person who came to a window (channel 窗口) or to
// a village agent point (channel 代办): any window takes any item and the
// case goes to the org that implements it (无差别受理). The case records who
// filed it and where; a registered applicant sees it in their account.
// Materials are the clerk's scans; the item need not be online.
func (s *Service) FileFor(ctx context.Context, actor yiwang.Actor, who Applicant, app Application) (Case, error) {
	channel := ""
	switch {
	case actor.Has(yiwang.RoleWindowClerk):
		channel = ChannelWindow
	case actor.Has(yiwang.RoleAgentClerk):
		// An agent clerk files as 代办, or says it was a home visit or a
		// forwarding of paper materials.
		channel = ChannelAgent
		if app.Channel == ChannelHome || app.Channel == ChannelRelay {
			channel = app.Channel
		}
	default:
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有窗口人员或代办员可以代为申报")
	}
	en, err := s.Catalog.Published(ctx, app.EntryCode)
	if err != nil {
		return Case{}, err
	}
	bad := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(who.Name)); n < 2 || n > 40 {
		bad["name"] = "请填写申请人姓名"
	}
	if err := idcode.IDCard(who.IDCard); err != nil {
		bad["idcard"] = err.Error()
	}
	if err := idcode.Mobile(who.Mobile); err != nil {
		bad["mobile"] = err.Error()
	}
	values, fbad := formValues(en.Guide.Fields, app.Fields, who)
	auto, err := s.Attachable(ctx, en, who)
	if err != nil {
		return Case{}, err
	}
	mats, mbad := checkMaterials(en, app.Materials, values, auto)
	for _, m := range []map[string]string{fbad, mbad} {
		for k, v := range m {
			bad[k] = v
		}
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	if err := servesApplicant(en.Base.Objects, who.Enterprise != ""); err != nil {
		return Case{}, err
	}
	now := s.Clock.Now()
	c := Case{ID: yiwang.NewID(), EntryID: en.ID, EntryCode: en.Code, ItemName: en.Base.Name, OrgID: en.OrgID,
		ApplicantID: who.AccountID, Applicant: strings.TrimSpace(who.Name), Mobile: idcode.NormalizeMobile(who.Mobile),
		IDCard: idcode.NormalizeIDCard(who.IDCard), Enterprise: who.Enterprise, Channel: channel,
		FiledBy: actor.AccountID, FiledAt: actor.OrgID, State: StateSubmitted, Materials: mats,
		Form: withNote(values, app.Note), SubmittedAt: now, WaitingSince: now, Version: 1}
	c.Due = s.due(c)
	ev := Event{ID: yiwang.NewID(), CaseID: c.ID, Seq: 1, At: now, ActorID: actor.AccountID, ActorName: actor.Name,
		Kind: "submit", To: StateSubmitted, Channel: channel, Note: ChannelName(channel) + "：" + submitNote(mats)}
	day := calendar.DateOf(now)
	e := audit.New(actor, now, "case.file_for", "case:"+c.ID, audit.ResultOK, ChannelName(channel)+" "+en.Base.Name)
	return s.Store.CreateCase(ctx, c, ev, fmt.Sprintf("%04d%02d%02d", day.Year, day.Month, day.Day), e,
		s.notice(c, ChannelName(channel)+"已为您提交申请，正在预审"))
}

// Urgency says how close a case is to its limit. Stored nowhere: computed.
type Urgency struct {
	Level string // "ok" (正常), "soon" (即将超期), "over" (已超期), "paused", "new"
	Words string
	Days  int // working days left (negative: overdue)
}

// UrgencyOf tells how much time an open case has: for accepted cases the
// working days to the deadline (yellow at ≤ 20% of the committed limit or
// ≤ 1 day, red when past it); for cases waiting for pre-review the days left
// of the five of Art. 32.
func (s *Service) UrgencyOf(c Case, promiseDays int) Urgency {
	today := calendar.DateOf(s.Clock.Now())
	switch c.State {
	case StateCorrection:
		return Urgency{Level: "paused", Words: "等待申请人补正（不计时）"}
	case StateSpecial:
		return Urgency{Level: "paused", Words: "特别程序中（不计时）"}
	case StateSubmitted:
		since := c.SubmittedAt
		if !c.WaitingSince.IsZero() {
			since = c.WaitingSince
		}
		left := 5 - s.Calendar.WorkdaysBetween(calendar.DateOf(since), today)
		if left < 0 {
			return Urgency{Level: "over", Words: "预审已超过5个工作日", Days: left}
		}
		if left <= 1 {
			return Urgency{Level: "soon", Words: fmt.Sprintf("预审还剩 %d 个工作日", left), Days: left}
		}
		return Urgency{Level: "new", Words: fmt.Sprintf("预审还剩 %d 个工作日", left), Days: left}
	case StateAccepted:
		deadline := c.Deadline
		if c.Joint { // the org's own task is what it must meet
			deadline = c.Due
		}
		d, err := calendar.ParseDate(deadline)
		if err != nil {
			return Urgency{Level: "ok", Words: "—"}
		}
		left := s.Calendar.WorkdaysBetween(today, d)
		switch {
		case left < 0:
			return Urgency{Level: "over", Words: fmt.Sprintf("已超期 %d 个工作日", -left), Days: left}
		case left <= 1 || (promiseDays > 0 && left*5 <= promiseDays):
			return Urgency{Level: "soon", Words: fmt.Sprintf("即将超期：还剩 %d 个工作日（%s 前）", left, deadline), Days: left}
		}
		return Urgency{Level: "ok", Words: fmt.Sprintf("正常：还剩 %d 个工作日（%s 前）", left, deadline), Days: left}
	case StateDecided:
		d, _ := calendar.ParseDate(s.deliveryDue(c))
		left := s.Calendar.WorkdaysBetween(today, d)
		switch {
		case left < 0:
			return Urgency{Level: "over", Words: fmt.Sprintf("送达已超期 %d 个工作日", -left), Days: left}
		case left <= 2:
			return Urgency{Level: "soon", Words: fmt.Sprintf("待送达：还剩 %d 个工作日", left), Days: left}
		}
		return Urgency{Level: "ok", Words: fmt.Sprintf("待送达：还剩 %d 个工作日", left), Days: left}
	}
	return Urgency{Level: "ok", Words: ""}
}

// Special-procedure kinds (GB/T 39046 A.7).
const (
	SpecialExtension = "1" // 延长审批
	SpecialOther     = "2" // 听证、检验、检测、检疫、鉴定、专家评审等
)

// StartSpecial starts a special procedure (特别程序) on an accepted case:
// its time does not count against the limit (行政许可法 Art. 45).
func (s *Service) StartSpecial(ctx context.Context, actor yiwang.Actor, id, kind, reason string) (Case, error) {
	if !actor.Has(yiwang.RoleCaseOfficer) {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人可以启动特别程序")
	}
	c, _, err := s.load(ctx, actor, id, StateAccepted)
	if err != nil {
		return Case{}, err
	}
	bad := map[string]string{}
	if kind != SpecialExtension && kind != SpecialOther {
		bad["kind"] = "请选择特别程序种类"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(reason)); n < 4 || n > 300 {
		bad["reason"] = "请写明启动理由或依据（4至300字）"
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Case{}, err
	}
	words := map[string]string{SpecialExtension: "延长审批", SpecialOther: "听证、检验、检测、鉴定或专家评审"}[kind]
	return s.move(ctx, actor, c, "special_start", StateSpecial, "启动特别程序（"+words+"）："+strings.TrimSpace(reason))
}

// EndSpecial ends a special procedure; the deadline moves by the working
// days it took.
func (s *Service) EndSpecial(ctx context.Context, actor yiwang.Actor, id, result string) (Case, error) {
	if !actor.Has(yiwang.RoleCaseOfficer) {
		return Case{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有承办人可以结束特别程序")
	}
	c, en, err := s.load(ctx, actor, id, StateSpecial)
	if err != nil {
		return Case{}, err
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(result)); n < 2 || n > 300 {
		return Case{}, yiwang.Invalid(map[string]string{"result": "请写明特别程序的结果"})
	}
	pauses, err := s.Pauses(ctx, c.ID)
	if err != nil {
		return Case{}, err
	}
	if len(pauses) > 0 {
		pauses[len(pauses)-1].To = s.Clock.Now()
	}
	var after []calendar.Pause // only pauses after acceptance move the deadline
	for _, p := range pauses {
		if p.From.After(c.AcceptedAt) {
			after = append(after, p)
		}
	}
	d, _ := s.Calendar.Deadline(c.AcceptedAt, en.PromiseDays, after)
	c.Deadline = d.String()
	return s.move(ctx, actor, c, "special_end", StateAccepted, "特别程序结束："+strings.TrimSpace(result)+"；办结期限顺延至 "+c.Deadline)
}
