package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/supervision"
)

// alertRow is an alert as pages show it, with its words.
type alertRow struct {
	supervision.Alert
	OrgName, RuleName, LevelName string
	Words                        string // time left or overdue, today; "" when cleared or without a date
}

// noticeRow is a 督办 notice as pages show it.
type noticeRow struct {
	supervision.Notice
	OrgName, State, StateName string
}

func (s *Server) alertRows(as []supervision.Alert, names map[string]string) []alertRow {
	out := make([]alertRow, 0, len(as))
	for _, a := range as {
		row := alertRow{Alert: a, OrgName: names[a.OrgID], RuleName: supervision.RuleName(a.Rule),
			LevelName: supervision.LevelName(a.Level)}
		if a.Open() {
			row.Words = s.Supervision.Words(a)
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) noticeRows(ns []supervision.Notice, names map[string]string) []noticeRow {
	today := s.Supervision.Today()
	out := make([]noticeRow, 0, len(ns))
	for _, n := range ns {
		st := n.State(today)
		out = append(out, noticeRow{Notice: n, OrgName: names[n.OrgID], State: st, StateName: supervision.NoticeStateName(st)})
	}
	return out
}

// alertsOfCase fills the staff case page's alerts.
func (s *Server) alertsOfCase(r *http.Request, v *caseView) error {
	if s.Supervision == nil {
		return nil
	}
	as, err := s.Supervision.Store.AlertsOfCase(r.Context(), v.C.ID)
	if err != nil || len(as) == 0 {
		return err
	}
	names, _, err := s.orgNames(r)
	v.Alerts = s.alertRows(as, names)
	return err
}

type supervisionView struct {
	Page
	Superv   bool
	Alerts   []alertRow
	Notices  []noticeRow
	Red      int
	Yellow   int
	Orgs     []orgOption // orgs with open alerts, for the filter
	Org      string
	Level    string
	Rule     string
	Rules    []orgOption
	Form     Form
	FormFor  string // the notice the answer form's errors belong to
	MyOrg    string
	Capped   bool // more alerts than the page shows
	Overdues int  // notices past their day unanswered
}

// orgOption is one choice of a filter.
type orgOption struct{ ID, Name string }

const supervisionPageSize = 200

func (s *Server) supervisionView(r *http.Request) (*supervisionView, error) {
	actor, err := requireRole(r, yiwang.RoleSupervisor, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return nil, err
	}
	scope, err := s.Supervision.Scope(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	v := &supervisionView{Page: s.page(r, "电子监察"), Superv: scope == nil, Level: q.Get("level"), Org: q.Get("org"), Rule: q.Get("rule"),
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	if v.Level != supervision.Yellow && v.Level != supervision.Red {
		v.Level = ""
	}
	if supervision.RuleName(v.Rule) == "" {
		v.Rule = ""
	}
	for _, rl := range supervision.Rules {
		v.Rules = append(v.Rules, orgOption{rl, supervision.RuleName(rl)})
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return nil, err
	}
	v.MyOrg = names[actor.OrgID]
	// The filter's orgs: those with open alerts in the viewer's scope.
	counts, err := s.Supervision.Store.AlertCounts(r.Context(), scope)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, c := range counts {
		if c.Level == supervision.Red {
			v.Red += c.N
		} else {
			v.Yellow += c.N
		}
		if !seen[c.OrgID] {
			seen[c.OrgID] = true
			v.Orgs = append(v.Orgs, orgOption{c.OrgID, names[c.OrgID]})
		}
	}
	f := supervision.AlertFilter{OrgIDs: scope, Level: v.Level, Rule: v.Rule, Open: true, Limit: supervisionPageSize + 1}
	if v.Org != "" && (scope == nil || contains(scope, v.Org)) {
		f.OrgIDs = []string{v.Org}
	}
	as, err := s.Supervision.Store.Alerts(r.Context(), f)
	if err != nil {
		return nil, err
	}
	if len(as) > supervisionPageSize {
		as, v.Capped = as[:supervisionPageSize], true
	}
	v.Alerts = s.alertRows(as, names)
	ns, err := s.Supervision.Store.Notices(r.Context(), supervision.NoticeFilter{OrgIDs: scope, Limit: 200})
	if err != nil {
		return nil, err
	}
	v.Notices = s.noticeRows(ns, names)
	for _, n := range v.Notices {
		if n.State == supervision.NoticeOverdue {
			v.Overdues++
		}
	}
	return v, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// supervisionPage is 电子监察: for supervisors every open alert (by org,
// level, rule) and every 督办; for an org's officers and heads their org's
// alerts and the notices they must answer.
func (s *Server) supervisionPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.supervisionView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "work_supervision", v)
	return nil
}

type noticeFormView struct {
	Page
	Alert  *alertRow
	CaseID string
	CaseNo string
	Item   string
	Org    string
	Form   Form
}

func (s *Server) noticeFormView(r *http.Request) (*noticeFormView, error) {
	if _, err := requireRole(r, yiwang.RoleSupervisor); err != nil {
		return nil, err
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return nil, err
	}
	v := &noticeFormView{Page: s.page(r, "发出督办"), Form: Form{Values: map[string]string{"days": "3"}, Errors: map[string]string{}}}
	alertID, caseID := r.FormValue("alert"), r.FormValue("case")
	switch {
	case alertID != "":
		a, err := s.Supervision.Store.Alert(r.Context(), alertID)
		if err != nil {
			return nil, err
		}
		row := s.alertRows([]supervision.Alert{a}, names)[0]
		v.Alert, v.CaseID, v.CaseNo, v.Item, v.Org = &row, a.CaseID, a.CaseNo, a.ItemName, names[a.OrgID]
	case caseID != "":
		c, err := s.Supervision.Cases.Case(r.Context(), caseID)
		if err != nil {
			return nil, yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
		}
		v.CaseID, v.CaseNo, v.Item, v.Org = c.ID, c.No, c.ItemName, names[c.OrgID]
	default:
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "请从预警列表或办件页选择要督办的办件")
	}
	return v, nil
}

// noticeNew is the form of a 督办 notice on an alert (?alert=) or a case (?case=).
func (s *Server) noticeNew(w http.ResponseWriter, r *http.Request) error {
	v, err := s.noticeFormView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "supervision_notice", v)
	return nil
}

// noticeCreate sends the notice.
func (s *Server) noticeCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.noticeFormView(r)
	if err != nil {
		return err
	}
	days, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	in := supervision.NoticeInput{CaseID: v.CaseID, Text: r.PostFormValue("text"), Days: days}
	if v.Alert != nil {
		in.AlertID = v.Alert.ID
	}
	if _, err := s.Supervision.Issue(r.Context(), v.Actor, in); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = newForm(r, "text", "days")
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "supervision_notice", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "督办已发出，"+v.Org+"会收到站内信")
	http.Redirect(w, r, "/work/supervision#notices", http.StatusSeeOther)
	return nil
}

// noticeAnswer takes the org's answer to a notice.
func (s *Server) noticeAnswer(w http.ResponseWriter, r *http.Request) error {
	v, err := s.supervisionView(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := s.Supervision.Answer(r.Context(), v.Actor, id, r.PostFormValue("answer")); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = newForm(r, "answer")
		v.Form.Fail(err)
		if msg := v.Form.Errors["_"]; msg != "" { // not a field's: show it at the form
			v.Form.Errors["answer"] = msg
			delete(v.Form.Errors, "_")
		}
		v.FormFor = id
		w.WriteHeader(status(err))
		s.render(w, r, "work_supervision", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已答复督办，监察人员会收到站内信")
	http.Redirect(w, r, "/work/supervision#n-"+id, http.StatusSeeOther)
	return nil
}

// apiAlert is an alert as the API shows it.
type apiAlert struct {
	ID        string `json:"id"`
	CaseID    string `json:"case_id"`
	CaseNo    string `json:"case_no"`
	ItemName  string `json:"item_name"`
	OrgID     string `json:"org_id"`
	Rule      string `json:"rule"`
	Level     string `json:"level"`
	Detail    string `json:"detail"`
	Words     string `json:"words,omitempty"`
	Due       string `json:"due,omitempty"`
	RaisedAt  string `json:"raised_at"`
	RedAt     string `json:"red_at,omitempty"`
	ClearedAt string `json:"cleared_at,omitempty"`
}

// optTime formats t for the API, "" when it is zero.
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(apiTime)
}

// apiSupervisionAlerts lists the open alerts the caller may see (?level=,
// ?rule=, ?org=): every org's for a supervisor, its own org's for an
// officer or head.
func (s *Server) apiSupervisionAlerts(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSupervisor, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	scope, err := s.Supervision.Scope(r.Context(), actor)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := supervision.AlertFilter{OrgIDs: scope, Level: q.Get("level"), Rule: q.Get("rule"), Open: true, Limit: 1000}
	bad := map[string]string{}
	if f.Level != "" && f.Level != supervision.Yellow && f.Level != supervision.Red {
		bad["level"] = "level 须为 yellow（预警）或 red（报警）"
	}
	if f.Rule != "" && supervision.RuleName(f.Rule) == "" {
		bad["rule"] = "没有这条监察规则：" + f.Rule
	}
	if err := yiwang.Invalid(bad); err != nil {
		return err
	}
	if o := q.Get("org"); o != "" {
		if scope != nil && !contains(scope, o) {
			return yiwang.Errorf(yiwang.EFORBIDDEN, "只能查看本单位的预警")
		}
		f.OrgIDs = []string{o}
	}
	as, err := s.Supervision.Store.Alerts(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]apiAlert, 0, len(as))
	for _, a := range as {
		out = append(out, apiAlert{ID: a.ID, CaseID: a.CaseID, CaseNo: a.CaseNo, ItemName: a.ItemName, OrgID: a.OrgID, Rule: a.Rule,
			Level: a.Level, Detail: a.Detail, Words: s.Supervision.Words(a), Due: a.Due, RaisedAt: a.RaisedAt.UTC().Format(apiTime),
			RedAt: optTime(a.RedAt), ClearedAt: optTime(a.ClearedAt)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": out})
	return nil
}

// apiNotice is a 督办 notice as the API shows it.
func (s *Server) apiNotice(n supervision.Notice) map[string]any {
	out := map[string]any{"id": n.ID, "alert_id": n.AlertID, "case_id": n.CaseID, "case_no": n.CaseNo, "org_id": n.OrgID,
		"text": n.Text, "issued_by": n.IssuerName, "issued_at": n.IssuedAt.UTC().Format(apiTime), "answer_due": n.AnswerDue,
		"state": n.State(s.Supervision.Today())}
	if !n.AnsweredAt.IsZero() {
		out["answer"], out["answered_by"], out["answered_at"] = n.Answer, n.Answerer, n.AnsweredAt.UTC().Format(apiTime)
	}
	return out
}

// apiNoticeCreate: a supervisor's 督办 on an alert or a case.
func (s *Server) apiNoticeCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		AlertID string `json:"alert_id"`
		CaseID  string `json:"case_id"`
		Text    string `json:"text"`
		Days    int    `json:"days"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.Supervision.Issue(r.Context(), actor, supervision.NoticeInput{AlertID: in.AlertID, CaseID: in.CaseID, Text: in.Text, Days: in.Days})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, s.apiNotice(n))
	return nil
}

// apiNoticeAnswer: the org's answer.
func (s *Server) apiNoticeAnswer(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.Supervision.Answer(r.Context(), actor, r.PathValue("id"), in.Answer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.apiNotice(n))
	return nil
}

type supervisionCaseView struct {
	Page
	C        casework.Case
	OrgName  string
	Alerts   []alertRow
	Notices  []noticeRow
	Events   []casework.Event
	Superv   bool
	CanWork  bool // the viewer may open the case's own page
	StateWds string
}

// supervisionCase is what supervision knows of one case, read-only: its
// state, alerts (open and cleared), 督办 and timeline. Supervisors see any
// case; an org's officers and heads the cases their org must act on.
func (s *Server) supervisionCase(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSupervisor, yiwang.RoleCaseOfficer, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	scope, err := s.Supervision.Scope(r.Context(), actor)
	if err != nil {
		return err
	}
	c, err := s.Cases.Store.Case(r.Context(), r.PathValue("id"))
	if err != nil {
		return yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
	}
	as, err := s.Supervision.Store.AlertsOfCase(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if scope != nil {
		ok := contains(scope, c.OrgID)
		for _, a := range as {
			ok = ok || contains(scope, a.OrgID)
		}
		if !ok {
			return yiwang.Errorf(yiwang.ENOTFOUND, "办件不存在")
		}
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return err
	}
	ns, err := s.Supervision.Store.Notices(r.Context(), supervision.NoticeFilter{CaseID: c.ID})
	if err != nil {
		return err
	}
	evs, err := s.Cases.Store.Events(r.Context(), c.ID)
	if err != nil {
		return err
	}
	for i, j := 0, len(evs)-1; i < j; i, j = i+1, j-1 { // newest first
		evs[i], evs[j] = evs[j], evs[i]
	}
	v := &supervisionCaseView{Page: s.page(r, "监察记录 "+c.No), C: c, OrgName: names[c.OrgID], Alerts: s.alertRows(as, names),
		Notices: s.noticeRows(ns, names), Events: evs, Superv: scope == nil, CanWork: s.Cases.MayHandle(r.Context(), actor, c),
		StateWds: casework.StateName(c.State)}
	s.render(w, r, "supervision_case", v)
	return nil
}
