package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/files"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
)

// maxApplication caps one application's upload: every material's file.
const maxApplication = 40 << 20

type applyView struct {
	Page
	Draft   casework.Draft
	Have    map[int]bool // materials already uploaded in the draft
	E       catalog.Entry
	OrgName string
	Name    string
	Mobile  string
	IDCard  string
	Form    Form
	Bundle  *casework.BundleForm // a 一件事 application: E is its merged form
	Who     casework.Applicant   // the applicant, as the account knows them
	// Auto is what the platform attaches itself, by material index: the
	// applicant's e-licenses (免提交) and verified materials (材料复用).
	Auto map[int]casework.Material
}

// applicant returns the logged-in applicant's account; staff apply only
// for others, at the window.
func (s *Server) applicant(r *http.Request) (yiwang.Actor, identity.Account, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return actor, identity.Account{}, err
	}
	if actor.Kind == yiwang.KindStaff {
		return actor, identity.Account{}, yiwang.Errorf(yiwang.EFORBIDDEN, "请以申请人身份登录后申报")
	}
	a, err := s.account(r, actor.AccountID)
	return actor, a, err
}

// prefill records the applicant and puts what the platform knows of them into the form's
// prefilled fields: never asked again.
func (v *applyView) prefill(a identity.Account, fields []catalog.Field) {
	v.Who = casework.Applicant{AccountID: a.ID, Name: a.Name, Mobile: a.Mobile, IDCard: a.IDCard,
		Enterprise: v.Actor.EnterpriseID, EnterpriseName: v.Enterprise}
	known := map[string]string{"name": a.Name, "idcard": idcode.MaskIDCard(a.IDCard), "mobile": idcode.MaskMobile(a.Mobile), "enterprise": v.Enterprise}
	for _, f := range fields {
		if f.Prefill != "" {
			v.Form.Values["f."+f.Key] = known[f.Prefill]
		}
	}
}

func (s *Server) applyView(r *http.Request) (*applyView, error) {
	actor, a, err := s.applicant(r)
	if err != nil {
		return nil, err
	}
	en, err := s.Catalog.Published(r.Context(), r.PathValue("code"))
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.Get(r.Context(), en.OrgID)
	if err != nil {
		return nil, err
	}
	d, err := s.Cases.DraftOf(r.Context(), actor, en.Code)
	if err != nil {
		return nil, err
	}
	v := &applyView{Page: s.page(r, "在线申报："+en.Base.Name), E: en, OrgName: o.Name, Name: a.Name,
		Mobile: idcode.MaskMobile(a.Mobile), IDCard: idcode.MaskIDCard(a.IDCard), Draft: d, Have: map[int]bool{},
		Form: Form{Values: map[string]string{"note": d.Note}, Errors: map[string]string{}}}
	for _, m := range d.Materials {
		v.Have[m.Index] = true
	}
	for k, val := range d.Fields {
		v.Form.Values["f."+k] = val
	}
	v.prefill(a, en.Guide.Fields)
	if v.Auto, err = s.Cases.Attachable(r.Context(), en, v.Who); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.applyView(r)
	if err != nil {
		return err
	}
	if !v.E.Online() {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "该事项暂不支持网上申报，请到办理地点办理")
	}
	s.render(w, r, "apply", v)
	return nil
}

// uploads stores the files of a multipart form named m<i> as private files
// and returns them as case materials; problems are keyed by field.
func (s *Server) uploads(w http.ResponseWriter, r *http.Request, actor yiwang.Actor) ([]casework.Material, map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxApplication)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
		return nil, nil, r.ParseForm() // a form without files (API clients, old pages)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, map[string]string{"_": "上传的文件合计不能超过 40 MB"}, nil
		}
		return nil, map[string]string{"_": "提交的表单格式不正确"}, nil
	}
	if !cleanValues(r.MultipartForm.Value) {
		return nil, map[string]string{"_": "提交的内容含有无法识别的字符，请重新输入后提交"}, nil
	}
	bad := map[string]string{}
	var out []casework.Material
	for field, fhs := range r.MultipartForm.File {
		if !strings.HasPrefix(field, "m") || len(fhs) == 0 {
			continue
		}
		i, err := strconv.Atoi(field[1:])
		if err != nil {
			continue
		}
		fh := fhs[0]
		if fh.Size > files.MaxSize {
			bad[field] = "文件不能超过 10 MB"
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(f, files.MaxSize+1))
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		stored, err := s.Files.Put(r.Context(), actor, fh.Filename, b, files.Material)
		if err != nil {
			if fe := yiwang.ErrorFields(err); fe != nil {
				bad[field] = fe["file"]
				continue
			}
			return nil, nil, err
		}
		out = append(out, casework.Material{Index: i, FileID: stored.ID})
	}
	return out, bad, nil
}

func (s *Server) apply(w http.ResponseWriter, r *http.Request) error {
	v, err := s.applyView(r)
	if err != nil {
		return err
	}
	mats, bad, err := s.uploads(w, r, v.Actor)
	if err != nil {
		return err
	}
	if r.FormValue("op") == "save" {
		return s.saveDraft(w, r, v, mats, bad)
	}
	if len(bad) == 0 {
		c, err := s.Cases.Submit(r.Context(), v.Actor, v.Who, casework.Application{EntryCode: v.E.Code, Materials: mats, Fields: formFields(r, v.E), Note: r.FormValue("note")})
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "申报成功！办件编号 "+c.No+"，请妥善保存。")
			http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
			return nil
		}
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	} else {
		v.Form.Errors = bad
	}
	// Keep what was uploaded: the draft holds the files, so a refused
	// submission never makes the applicant choose them again.
	if len(mats) > 0 {
		d, err := s.Cases.SaveDraft(r.Context(), v.Actor, v.E.Code, mats, formFields(r, v.E), r.FormValue("note"))
		if err != nil && status(err) == http.StatusInternalServerError {
			return err
		}
		for _, m := range d.Materials {
			v.Have[m.Index] = true
		}
	}
	v.Form.Values["note"] = r.FormValue("note")
	for k, val := range formFields(r, v.E) {
		v.Form.Values["f."+k] = val
	}
	for _, f := range v.E.Guide.Fields {
		v.Form.Order = append(v.Form.Order, "f."+f.Key)
	}
	for i := range v.E.Guide.Materials {
		v.Form.Order = append(v.Form.Order, fmt.Sprintf("m%d", i))
	}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "apply", v)
	return nil
}

// saveDraft keeps what was uploaded so far. The autosave script asks for
// JSON; without JavaScript the "保存草稿" button shows the page again.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, v *applyView, mats []casework.Material, bad map[string]string) error {
	d, err := s.Cases.SaveDraft(r.Context(), v.Actor, v.E.Code, mats, formFields(r, v.E), r.FormValue("note"))
	if err != nil && status(err) == http.StatusInternalServerError {
		return err
	}
	if r.Header.Get("X-Autosave") == "1" {
		if err != nil {
			writeJSONError(w, status(err), publicError(err))
			return nil
		}
		writeJSON(w, http.StatusOK, map[string]any{"saved_at": d.UpdatedAt.In(yiwang.Shanghai).Format("15:04"),
			"problems": bad})
		return nil
	}
	if err != nil {
		v.Form.Fail(err)
	} else {
		v.Draft, v.Form.Values["note"] = d, d.Note
		for k, val := range d.Fields {
			v.Form.Values["f."+k] = val
		}
		for _, m := range d.Materials {
			v.Have[m.Index] = true
		}
	}
	for k, m := range bad {
		v.Form.Errors[k] = m
	}
	if v.Form.HasErrors() {
		w.WriteHeader(http.StatusBadRequest)
	}
	s.render(w, r, "apply", v)
	return nil
}

type casesView struct {
	Page
	Cases []casework.Case
}

func (s *Server) myCases(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	list, err := s.Cases.Mine(r.Context(), actor)
	if err != nil {
		return err
	}
	s.render(w, r, "cases", &casesView{Page: s.page(r, "我的办件"), Cases: list})
	return nil
}

type caseView struct {
	Page
	C        casework.Case
	E        catalog.Entry
	Events   []casework.Event
	OrgName  string
	Staff    bool
	Overdue  bool
	Form     Form
	Public   bool // the public tracker: no materials, no actions
	Mine     bool // the viewer is the applicant
	Tasks    []taskRow
	MyTasks  []casework.Task // open tasks the viewer may do
	Waiting  []string        // orgs whose reviews the decision waits for
	Siblings []casework.Case // the applicant's other cases of the same 一件事 application
	TrackNo  string
	TrackWho string
	Review   reviewPart // the applicant's own case: 好差评
	// VisitURL and VisitQR are the counter's 一次一评 link for the person
	// in front of it, while their visit is not yet rated.
	VisitURL string
	VisitQR  template.URL
	// Alerts are the case's supervision alerts, open ones first (staff).
	Alerts []alertRow
}

// CanVerify reports whether the viewer may record that they checked
// materials against the originals: the case's own handlers, while it is
// waiting or being worked.
func (v *caseView) CanVerify() bool {
	return v.Staff && (v.C.State == casework.StateSubmitted || v.C.State == casework.StateAccepted)
}

// Unverified are the uploaded materials nobody has verified yet.
func (v *caseView) Unverified() []casework.Material {
	var out []casework.Material
	for _, m := range v.C.Materials {
		if m.FileID != "" && m.Credibility == "" {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) caseView(r *http.Request) (*caseView, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return nil, err
	}
	c, evs, err := s.Cases.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	v, err := s.caseViewOf(r, c, evs, actor.Kind == yiwang.KindStaff && s.Cases.MayHandle(r.Context(), actor, c))
	if err != nil {
		return nil, err
	}
	v.Mine = c.ApplicantID == actor.AccountID
	if err := s.reviewPartOf(r, v); err != nil {
		return nil, err
	}
	if v.Mine && c.Bundle != "" {
		mine, err := s.Cases.Mine(r.Context(), actor)
		if err != nil {
			return nil, err
		}
		for _, o := range mine {
			if o.Bundle == c.Bundle && o.ID != c.ID {
				v.Siblings = append(v.Siblings, o)
			}
		}
	}
	if actor.Kind == yiwang.KindStaff && s.Reviews != nil && c.Channel != casework.ChannelWeb && c.FiledBy == actor.AccountID {
		if err := s.visitLink(r, v); err != nil {
			return nil, err
		}
	}
	if actor.Kind == yiwang.KindStaff {
		if err := s.alertsOfCase(r, v); err != nil {
			return nil, err
		}
		v.MyTasks = s.Cases.MyTasks(r.Context(), actor, c)
		names := map[string]string{}
		name := func(id string) string {
			if n, ok := names[id]; ok {
				return n
			}
			o, err := s.Orgs.Get(r.Context(), id)
			names[id] = o.Name
			if err != nil {
				names[id] = "（未知单位）"
			}
			return names[id]
		}
		for _, t := range c.Tasks {
			v.Tasks = append(v.Tasks, taskRow{Task: t, OrgName: name(t.OrgID)})
			if t.State == casework.TaskOpen && t.Kind == catalog.StepReview {
				v.Waiting = append(v.Waiting, name(t.OrgID))
			}
		}
	}
	return v, nil
}

func (s *Server) caseViewOf(r *http.Request, c casework.Case, evs []casework.Event, staff bool) (*caseView, error) {
	en, err := s.Catalog.Get(r.Context(), c.EntryID)
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.Get(r.Context(), c.OrgID)
	if err != nil {
		return nil, err
	}
	// Newest first, as people read a timeline.
	rev := make([]casework.Event, len(evs))
	for i, ev := range evs {
		rev[len(evs)-1-i] = ev
	}
	return &caseView{Page: s.page(r, "办件 "+c.No), C: c, E: en, Events: rev, OrgName: o.Name, Staff: staff,
		Overdue: s.Cases.Art32Overdue(c), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	if v.C.Kind != "" {
		return s.letterPage(w, r, v) // 投诉、咨询、建议: web/letters.go
	}
	page := "case"
	if v.Staff || len(v.Tasks) > 0 && !v.Mine {
		page = "work_case" // the implementing org, or a department with a task on it
	}
	s.render(w, r, page, v)
	return nil
}

// caseFile downloads a material of a case to its applicant or its handlers.
func (s *Server) caseFile(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	c, _, err := s.Cases.Get(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	id := r.PathValue("file")
	for _, m := range append(c.Materials, c.Results...) {
		if m.FileID == id {
			f, b, err := s.Files.Read(r.Context(), id)
			if err != nil {
				return err
			}
			w.Header().Set("Content-Type", f.Type)
			w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
			_, err = w.Write(b)
			return err
		}
	}
	return yiwang.Errorf(yiwang.ENOTFOUND, "该办件没有这份材料")
}

func (s *Server) caseResubmit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.caseView(r)
	if err != nil {
		return err
	}
	mats, bad, err := s.uploads(w, r, v.Actor)
	if err != nil {
		return err
	}
	if len(bad) == 0 {
		if _, err = s.Cases.Resubmit(r.Context(), v.Actor, v.C.ID, mats); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "补正材料已提交，请等待审核")
			http.Redirect(w, r, "/cases/"+v.C.ID, http.StatusSeeOther)
			return nil
		}
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	} else {
		v.Form.Errors = bad
	}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "case", v)
	return nil
}

func (s *Server) caseWithdraw(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if _, err := s.Cases.Withdraw(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, "申请已撤回")
	http.Redirect(w, r, "/cases/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// track is the public tracker: case number plus the applicant's name or mobile.
func (s *Server) track(w http.ResponseWriter, r *http.Request) error {
	no, who := strings.TrimSpace(r.URL.Query().Get("no")), strings.TrimSpace(r.URL.Query().Get("who"))
	v := &caseView{Page: s.page(r, "办件查询"), Public: true, TrackNo: no, TrackWho: who,
		Form: Form{Values: map[string]string{"no": no, "who": who}, Errors: map[string]string{}}}
	v.Nav = "track"
	// From a notice's QR code only the number comes: ask for the name, no error yet.
	if who != "" || (no == "" && r.URL.Query().Has("who")) {
		if !s.limits.allow("track:"+clientIP(r), 3*time.Second, s.burst()) {
			return errTooFast
		}
		t, evs, err := s.Cases.Track(r.Context(), no, who)
		if err != nil {
			if status(err) == http.StatusInternalServerError {
				return err
			}
			v.Form.Fail(err)
			w.WriteHeader(http.StatusNotFound)
		} else {
			v.Events = make([]casework.Event, len(evs)) // newest first, as people read a timeline
			for i, ev := range evs {
				v.Events[len(evs)-1-i] = ev
			}
			v.C, v.OrgName = t.Case, t.OrgName
			v.E = catalog.Entry{Kind: t.EntryKind, PromiseDays: t.PromiseDays, Version: t.EntryVersion}
		}
	}
	s.render(w, r, "track", v)
	return nil
}

type inboxView struct {
	Page
	Rows    []inboxRow
	Query   string
	State   string
	PageNo  int
	NextURL string
	PrevURL string
	// ShowOrg adds the column of the org each case belongs to: when the
	// page holds cases of orgs other than the officer's (a township's
	// villages, another department's case in 会办).
	ShowOrg bool
}

// inboxRow is one line of the inbox, its words worked out in Go: the
// template only prints fields (looking fields up through an embedded struct
// and calling helpers per row made rendering half of the page's time).
type inboxRow struct {
	ID, No, ItemName, Applicant, Submitted, State string
	Level, Words                                  string // urgency
	Joint                                         bool   // another org's case, here for a task it gave this org (会办)
	Kind                                          string // a letter's kind in words (投诉、咨询、建议), "" for an application
	Org                                           string // the case's org by name
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	v := &inboxView{Page: s.page(r, "待办办件"), Query: strings.TrimSpace(r.URL.Query().Get("q")), State: r.URL.Query().Get("state")}
	v.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	v.PageNo = max(v.PageNo, 1)
	list, more, err := s.Cases.Inbox(r.Context(), actor, casework.InboxQuery{State: v.State, Q: v.Query, Page: v.PageNo})
	if err != nil {
		return err
	}
	link := func(p int) string {
		u := url.Values{"page": {strconv.Itoa(p)}}
		if v.Query != "" {
			u.Set("q", v.Query)
		}
		if v.State != "" {
			u.Set("state", v.State)
		}
		return "/work?" + u.Encode()
	}
	if more {
		v.NextURL = link(v.PageNo + 1)
	}
	if v.PageNo > 1 {
		v.PrevURL = link(v.PageNo - 1)
	}
	promise := promiseCache{}
	orgNames := map[string]string{}
	for _, c := range list {
		days, err := s.promiseDays(r.Context(), promise, c.EntryID)
		if err != nil {
			return err
		}
		if _, ok := orgNames[c.OrgID]; !ok {
			o, err := s.Orgs.Get(r.Context(), c.OrgID)
			if err != nil {
				return err
			}
			orgNames[c.OrgID] = o.Name
		}
		v.ShowOrg = v.ShowOrg || c.OrgID != actor.OrgID
		u := s.Cases.UrgencyOf(c, days)
		kind := casework.KindName(c.Kind) // a letter: its kind as a badge, then its subject
		v.Rows = append(v.Rows, inboxRow{ID: c.ID, No: c.No, ItemName: strings.TrimPrefix(c.ItemName, kind+"："), Applicant: idcode.MaskName(c.Applicant),
			Submitted: c.SubmittedAt.In(yiwang.Shanghai).Format("2006年1月2日 15:04:05"), State: casework.StateWords(c),
			Level: u.Level, Words: u.Words, Joint: c.Joint, Kind: kind, Org: orgNames[c.OrgID]})
	}
	// The store orders by due date: overdue first, then fewest days left.
	s.render(w, r, "work_inbox", v)
	return nil
}

// promiseCache caches the committed limits of entry versions for one page.
type promiseCache map[string]int

// promiseDays returns the committed limit (承诺时限) of the entry version a
// case was filed under, for its urgency.
func (s *Server) promiseDays(ctx context.Context, cache promiseCache, entryID string) (int, error) {
	if days, ok := cache[entryID]; ok {
		return days, nil
	}
	sum, found, err := s.Catalog.Summary(ctx, entryID)
	if err != nil {
		return 0, err
	}
	days := sum.PromiseDays
	if !found {
		if en, err := s.Catalog.Get(ctx, entryID); err == nil {
			days = en.PromiseDays // a version superseded since the case was filed
		}
	}
	cache[entryID] = days
	return days, nil
}

// work runs an officer's action on a case.
func (s *Server) work(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	var msg string
	switch r.PathValue("op") {
	case "accept":
		var c casework.Case
		c, err = s.Cases.Accept(ctx, actor, id)
		msg = "已受理，承诺办结日期 " + c.Deadline
	case "refuse":
		_, err = s.Cases.Refuse(ctx, actor, id, r.PostFormValue("reason"), r.PostFormValue("basis"))
		msg = "已作出不予受理决定"
	case "decide":
		docs, bad, uerr := s.uploads(w, r, actor)
		if uerr != nil {
			return uerr
		}
		if err = yiwang.Invalid(bad); err == nil {
			_, err = s.Cases.DecideWith(ctx, actor, id, casework.Decision{Decision: r.PostFormValue("decision"),
				Note: r.PostFormValue("note"), Documents: docs, Fees: feeLinesOf(r)})
		}
		msg = "已办结"
	case "deliver":
		_, err = s.Cases.Deliver(ctx, actor, id, casework.Delivery{Method: r.PostFormValue("method"),
			Address: r.PostFormValue("address"), Carrier: r.PostFormValue("carrier"), Tracking: r.PostFormValue("tracking")})
		msg = "已登记送达，办件已归档"
	case "verify":
		var idx []int
		for _, v := range r.PostForm["m"] {
			if n, cerr := strconv.Atoi(v); cerr == nil {
				idx = append(idx, n)
			}
		}
		_, err = s.Cases.VerifyMaterials(ctx, actor, id, idx)
		msg = "已记录核验原件，申请人以后办事可复用这些材料"
	case "special-start":
		_, err = s.Cases.StartSpecial(ctx, actor, id, r.PostFormValue("kind"), r.PostFormValue("reason"))
		msg = "已启动特别程序，期间不计入办理时限"
	case "special-end":
		var c casework.Case
		c, err = s.Cases.EndSpecial(ctx, actor, id, r.PostFormValue("result"))
		msg = "特别程序已结束，办结期限顺延至 " + c.Deadline
	case "correct":
		var items []casework.Correction
		for _, k := range r.PostForm["item"] {
			kind, idx, _ := strings.Cut(k, ":")
			n, _ := strconv.Atoi(idx)
			c := casework.Correction{Material: -1, Condition: -1, Reason: r.PostFormValue("reason-" + k)}
			if kind == "m" {
				c.Material = n
			} else {
				c.Condition = n
			}
			items = append(items, c)
		}
		_, err = s.Cases.RequestCorrection(ctx, actor, id, items)
		msg = "一次性告知书已发出，等待申请人补正"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "未知的操作")
	}
	return s.worked(w, r, err, msg)
}

// worked ends an officer's action: back to the case with msg, or the case
// page again with the form's errors.
func (s *Server) worked(w http.ResponseWriter, r *http.Request, err error, msg string) error {
	if err != nil {
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		v, verr := s.caseView(r)
		if verr != nil {
			return verr
		}
		v.Form.Fail(err)
		keepFeeValues(r, &v.Form)
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "work_case", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, msg)
	http.Redirect(w, r, "/cases/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// workTask does one of the officer's tasks on a case: a review opinion, or
// 制证 with the certificate made.
func (s *Server) workTask(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCaseOfficer, yiwang.RoleWindowClerk, yiwang.RoleDeptHead)
	if err != nil {
		return err
	}
	docs, bad, err := s.uploads(w, r, actor)
	if err != nil {
		return err
	}
	if err = yiwang.Invalid(bad); err == nil {
		_, err = s.Cases.CompleteTask(r.Context(), actor, r.PathValue("id"), r.PathValue("task"), casework.TaskWork{
			Opinion: r.PostFormValue("opinion"), Note: r.PostFormValue("note"), Documents: docs})
	}
	return s.worked(w, r, err, "已提交，任务已办结")
}

type noticeView struct {
	caseView
	Kind     string // accept, refuse, correct
	Title    string
	QR       template.URL
	TrackURL string
	Refusal  string
	Issued   time.Time
}

// casePrintNotice shows the printable notice of a case's current state:
// 受理通知书, 不予受理通知书 or 一次性告知书, with the case number and a QR code
// that opens the tracker.
func (s *Server) caseNotice(w http.ResponseWriter, r *http.Request) error {
	cv, err := s.caseView(r)
	if err != nil {
		return err
	}
	v := &noticeView{caseView: *cv}
	switch cv.C.State {
	case casework.StateAccepted, casework.StateSpecial, casework.StateDecided, casework.StateDelivered:
		v.Kind, v.Title = "accept", "受理通知书"
	case casework.StateRefused:
		v.Kind, v.Title = "refuse", "不予受理通知书"
	case casework.StateCorrection:
		v.Kind, v.Title = "correct", "一次性告知书"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "该办件当前没有可打印的通知书")
	}
	for _, ev := range cv.Events { // newest first
		if (v.Kind == "accept" && ev.Kind == "accept") || (v.Kind == "refuse" && ev.Kind == "refuse") ||
			(v.Kind == "correct" && ev.Kind == "correct_notice") {
			v.Issued = ev.At
			if ev.Kind == "refuse" {
				v.Refusal = ev.Note
			}
			break
		}
	}
	scheme := "http://"
	if s.SecureCookies {
		scheme = "https://"
	}
	v.TrackURL = scheme + r.Host + "/track?no=" + url.QueryEscape(cv.C.No)
	if v.QR, err = qrDataURL(v.TrackURL); err != nil {
		return err
	}
	v.Title = v.Title + " " + cv.C.No
	s.render(w, r, "notice", v)
	return nil
}

// formFields reads an item's form fields ("f.<key>") from a request.
func formFields(r *http.Request, en catalog.Entry) map[string]string {
	out := map[string]string{}
	for _, f := range en.Guide.Fields {
		out[f.Key] = r.FormValue("f." + f.Key)
	}
	return out
}

// taskRow is a task with the name of its org.
type taskRow struct {
	casework.Task
	OrgName string
}
