package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/idcode"
)

// The case API: applicants submit, follow, correct and withdraw their cases;
// staff work their inbox. Every POST takes an optional Idempotency-Key (see
// keyed). Each handler is a thin wrapper: casework decides who may do what.

// apiCase is a case as the API shows it: personal data masked.
type apiCase struct {
	ID          string                `json:"id"`
	No          string                `json:"no"`
	EntryCode   string                `json:"entry_code"`
	ItemName    string                `json:"item_name"`
	Kind        string                `json:"kind,omitempty"` // complaint, consultation, suggestion: a letter (投诉、咨询、建议)
	OrgID       string                `json:"org_id"`
	State       string                `json:"state"`
	StateName   string                `json:"state_name"`
	Channel     string                `json:"channel"`
	ChannelName string                `json:"channel_name"`
	Applicant   string                `json:"applicant"`
	Mobile      string                `json:"mobile,omitempty"`
	IDCard      string                `json:"idcard,omitempty"`
	Enterprise  string                `json:"enterprise_id,omitempty"`
	Decision    string                `json:"decision,omitempty"`
	SubmittedAt time.Time             `json:"submitted_at"`
	AcceptedAt  time.Time             `json:"accepted_at,omitzero"`
	DecidedAt   time.Time             `json:"decided_at,omitzero"`
	Deadline    string                `json:"deadline,omitempty"`
	Due         string                `json:"due,omitempty"`
	Version     int64                 `json:"version"`
	Urgency     *apiUrgency           `json:"urgency,omitempty"`
	Joint       bool                  `json:"joint,omitempty"` // inbox: another org's case, here for this org's task (会办); due is the task's
	Materials   []casework.Material   `json:"materials,omitempty"`
	Corrections []casework.Correction `json:"corrections,omitempty"`
	Form        map[string]string     `json:"form,omitempty"`
	Delivery    *casework.Delivery    `json:"delivery,omitempty"`
	Results     []casework.Material   `json:"results,omitempty"`     // result documents: the decision's, 制证's
	Fees        []apiFee              `json:"fees,omitempty"`        // the fees charged (收费), recorded with the decision
	Bundle      string                `json:"bundle,omitempty"`      // shared by the cases of one 一件事 application
	BundleName  string                `json:"bundle_name,omitempty"` // the 一件事
	Tasks       []apiTask             `json:"tasks,omitempty"`       // staff only: the orgs' tasks with their opinions
	Events      []apiEvent            `json:"events,omitempty"`
}

// apiTask is one org's task on a case.
type apiTask struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	CaseNo     string    `json:"case_no,omitempty"`
	ItemName   string    `json:"item_name,omitempty"`
	Stage      int       `json:"stage"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	OrgID      string    `json:"org_id"`
	Role       string    `json:"role"`
	State      string    `json:"state"`
	Due        string    `json:"due"`
	OpenedAt   time.Time `json:"opened_at"`
	DoneAt     time.Time `json:"done_at,omitzero"`
	DoneByName string    `json:"done_by_name,omitempty"`
	Opinion    string    `json:"opinion,omitempty"`
	Note       string    `json:"note,omitempty"`
}

func taskOut(t casework.Task) apiTask {
	return apiTask{ID: t.ID, CaseID: t.CaseID, Stage: t.Stage, Name: t.Name, Kind: t.Kind, OrgID: t.OrgID, Role: string(t.Role),
		State: t.State, Due: t.Due, OpenedAt: t.OpenedAt, DoneAt: t.DoneAt, DoneByName: t.DoneByName, Opinion: t.Opinion, Note: t.Note}
}

// apiTasks lists the caller's open tasks, the earliest due first.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	page := 1
	if p := r.URL.Query().Get("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 || page > casework.MaxInboxPage {
			return yiwang.Invalid(map[string]string{"page": "页码应为正整数"})
		}
	}
	list, more, err := s.Cases.Tasks(r.Context(), actor, page)
	if err != nil {
		return err
	}
	out := make([]apiTask, len(list))
	for i, it := range list {
		out[i] = taskOut(it.Task)
		out[i].CaseNo, out[i].ItemName = it.CaseNo, it.ItemName
	}
	writeJSON(w, http.StatusOK, map[string]any{"page": page, "more": more, "tasks": out})
	return nil
}

// apiUrgency says how close an open case is to its limit (inbox only).
type apiUrgency struct {
	Level string `json:"level"` // ok, soon, over, paused, new
	Words string `json:"words"`
	Days  int    `json:"days"` // working days left; negative when overdue
}

// apiEvent is one entry of a case's timeline.
type apiEvent struct {
	Seq       int       `json:"seq"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to"`
	ToName    string    `json:"to_name"`
	Note      string    `json:"note"`
	Channel   string    `json:"channel,omitempty"`
	ActorName string    `json:"actor_name"`
}

// summaryCase is the part of a case a list shows.
func summaryCase(c casework.Case) apiCase {
	due := c.Due
	if due == "9999-12-31" {
		due = ""
	}
	return apiCase{ID: c.ID, No: c.No, EntryCode: c.EntryCode, ItemName: c.ItemName, OrgID: c.OrgID, State: c.State,
		StateName: casework.StateWords(c), Channel: c.Channel, ChannelName: casework.ChannelName(c.Channel),
		Applicant: c.Applicant, Mobile: idcode.MaskMobile(c.Mobile), IDCard: idcode.MaskIDCard(c.IDCard),
		Enterprise: c.Enterprise, Decision: c.Decision, SubmittedAt: c.SubmittedAt, AcceptedAt: c.AcceptedAt,
		DecidedAt: c.DecidedAt, Deadline: c.Deadline, Due: due, Version: c.Version, Joint: c.Joint, Kind: c.Kind}
}

// fullCase is a case with its materials, form and timeline (oldest first).
// Form answers the platform prefilled from the account are masked like the
// account's own data.
func fullCase(c casework.Case, en catalog.Entry, evs []casework.Event) apiCase {
	out := summaryCase(c)
	out.Materials, out.Corrections, out.Delivery, out.Results = c.Materials, c.Corrections, c.Delivery, c.Results
	if len(c.Fees) > 0 {
		out.Fees = apiFeesOf(c.Fees)
	}
	out.Bundle, out.BundleName = c.Bundle, c.BundleName
	out.Form = map[string]string{}
	for k, v := range c.Form {
		out.Form[k] = v
	}
	for _, f := range en.Guide.Fields {
		if v, ok := out.Form[f.Key]; ok {
			switch f.Prefill {
			case "idcard":
				out.Form[f.Key] = idcode.MaskIDCard(v)
			case "mobile":
				out.Form[f.Key] = idcode.MaskMobile(v)
			}
		}
	}
	out.Events = make([]apiEvent, len(evs))
	for i, ev := range evs {
		out.Events[i] = apiEvent{Seq: ev.Seq, At: ev.At, Kind: ev.Kind, From: ev.From, To: ev.To,
			ToName: casework.StateName(ev.To), Note: ev.Note, Channel: ev.Channel, ActorName: ev.ActorName}
	}
	return out
}

// writeCase answers with case id as the actor may see it (ENOTFOUND if not).
func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, actor yiwang.Actor, id string, status int) error {
	c, evs, err := s.Cases.Get(r.Context(), actor, id)
	if err != nil {
		return err
	}
	en, err := s.Catalog.Get(r.Context(), c.EntryID)
	if err != nil {
		return err
	}
	writeJSON(w, status, caseAnswer(actor, c, en, evs))
	return nil
}

// caseAnswer is case c (filed under entry version en, with timeline evs)
// as actor sees it: staff also see its tasks.
func caseAnswer(actor yiwang.Actor, c casework.Case, en catalog.Entry, evs []casework.Event) apiCase {
	out := fullCase(c, en, evs)
	if actor.Kind == yiwang.KindStaff {
		for _, t := range c.Tasks {
			out.Tasks = append(out.Tasks, taskOut(t))
		}
	}
	return out
}

// apiMaterialIn names an uploaded file (POST /api/v1/files) as the
// material at index of the item's guide.
type apiMaterialIn struct {
	Index int    `json:"index"`
	File  string `json:"file"`
}

// maxMaterials bounds one request's list of materials; no guide has more.
const maxMaterials = 100

// ownMaterials turns the request's materials into case materials, refusing
// files the actor did not upload (problems keyed "materials[i]").
func (s *Server) ownMaterials(ctx context.Context, actor yiwang.Actor, in []apiMaterialIn) ([]casework.Material, error) {
	if len(in) > maxMaterials {
		return nil, yiwang.Invalid(map[string]string{"materials": fmt.Sprintf("材料不能超过 %d 份", maxMaterials)})
	}
	ids := make([]string, len(in))
	for i, m := range in {
		ids[i] = m.File
	}
	owned, err := s.Files.OwnAll(ctx, actor, ids)
	if err != nil {
		return nil, err
	}
	bad := map[string]string{}
	out := make([]casework.Material, 0, len(in))
	for i, m := range in {
		key := fmt.Sprintf("materials[%d]", i)
		if m.File == "" {
			bad[key] = "请填写文件 ID（先通过 POST /api/v1/files 上传）"
			continue
		}
		if !owned[m.File] {
			bad[key] = "文件不存在，或不是您上传的；请先通过 POST /api/v1/files 上传"
			continue
		}
		out = append(out, casework.Material{Index: m.Index, FileID: m.File})
	}
	return out, yiwang.Invalid(bad)
}

// decodeOptionalJSON is decodeJSON for actions whose body may be empty.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return decodeJSON(w, r, v)
}

// apiCaseSubmit files an application as the logged-in citizen or enterprise
// user, under the same rules as the apply form.
func (s *Server) apiCaseSubmit(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if actor.Kind == yiwang.KindStaff {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "请以申请人身份登录后申报")
	}
	var in struct {
		EntryCode string            `json:"entry_code"`
		Fields    map[string]string `json:"fields"`
		Materials []apiMaterialIn   `json:"materials"`
		Note      string            `json:"note"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.EntryCode == "" {
		return yiwang.Invalid(map[string]string{"entry_code": "请填写事项的实施编码"})
	}
	mats, err := s.ownMaterials(r.Context(), actor, in.Materials)
	if err != nil {
		return err
	}
	a, err := s.account(r, actor.AccountID)
	if err != nil {
		return err
	}
	who := casework.Applicant{AccountID: a.ID, Name: a.Name, Mobile: a.Mobile, IDCard: a.IDCard, Enterprise: actor.EnterpriseID}
	if actor.EnterpriseID != "" {
		who.EnterpriseName = s.Sessions.GetString(r.Context(), sessEnterpriseName)
	}
	sub, err := s.Cases.SubmitShown(r.Context(), actor, who, casework.Application{EntryCode: in.EntryCode, Fields: in.Fields,
		Materials: mats, Note: in.Note})
	if err != nil {
		return err
	}
	// The case as GET /api/v1/cases/{id} shows it, without reading it back
	// (TestCaseSubmitAnswer holds the two the same).
	writeJSON(w, http.StatusCreated, caseAnswer(actor, sub.Case, sub.Entry, sub.Events))
	return nil
}

// apiCaseList lists the caller's own applications, newest first.
func (s *Server) apiCaseList(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	list, err := s.Cases.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	out := make([]apiCase, len(list))
	for i, c := range list {
		out[i] = summaryCase(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out})
	return nil
}

// apiInbox is the staff inbox: the cases the caller's org (and those below
// it) must work, most urgent first, filtered like /work.
func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := 1
	if p := q.Get("page"); p != "" {
		if page, err = strconv.Atoi(p); err != nil || page < 1 || page > casework.MaxInboxPage {
			return yiwang.Invalid(map[string]string{"page": "页码应为正整数"})
		}
	}
	list, more, err := s.Cases.Inbox(r.Context(), actor, casework.InboxQuery{State: q.Get("state"), Q: q.Get("q"), Page: page})
	if err != nil {
		return err
	}
	out := make([]apiCase, len(list))
	cache := promiseCache{}
	for i, c := range list {
		days, err := s.promiseDays(r.Context(), cache, c.EntryID)
		if err != nil {
			return err
		}
		u := s.Cases.UrgencyOf(c, days)
		out[i] = summaryCase(c)
		out[i].Urgency = &apiUrgency{Level: u.Level, Words: u.Words, Days: u.Days}
	}
	writeJSON(w, http.StatusOK, map[string]any{"page": page, "more": more, "cases": out})
	return nil
}

// apiCaseGet answers one case with its timeline: to its applicant, or to staff
// of an org that may handle it; anyone else gets 404.
func (s *Server) apiCaseGet(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	return s.writeCase(w, r, actor, r.PathValue("id"), http.StatusOK)
}
