package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/casework"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/inspect"
	"github.com/yushan-gov/yiwang/org"
)

// The exposure column (曝光纠错), spot checks (随机抽查) and simulated
// applications (模拟办事): the public column and the supervisors' pages.

type exposureView struct {
	Page
	List     []inspect.Exposure
	X        inspect.Exposure
	OrgNames map[string]string
	Orgs     []org.Node
	Form     Form
}

// exposurePublic is the public column: published problems and their
// corrections, newest first.
func (s *Server) exposurePublic(w http.ResponseWriter, r *http.Request) error {
	v := &exposureView{Page: s.page(r, "曝光纠错")}
	v.Nav = "exposure"
	var err error
	if v.List, err = s.Inspect.Published(r.Context(), 100); err != nil {
		return err
	}
	if v.OrgNames, _, err = s.orgNames(r); err != nil {
		return err
	}
	s.render(w, r, "exposure_list", v)
	return nil
}

// exposureItem is one published problem.
func (s *Server) exposureItem(w http.ResponseWriter, r *http.Request) error {
	x, err := s.Inspect.PublishedOne(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := &exposureView{Page: s.page(r, x.Title), X: x}
	v.Nav = "exposure"
	if v.OrgNames, _, err = s.orgNames(r); err != nil {
		return err
	}
	s.render(w, r, "exposure", v)
	return nil
}

func (s *Server) workExposureView(r *http.Request, title string) (*exposureView, error) {
	if _, err := requireRole(r, yiwang.RoleSupervisor); err != nil {
		return nil, err
	}
	v := &exposureView{Page: s.page(r, title), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	if v.OrgNames, v.Orgs, err = s.orgNames(r); err != nil {
		return nil, err
	}
	return v, nil
}

var exposureFields = []string{"title", "org", "case_no", "problem", "correction"}

func exposureInput(f Form) inspect.ExposureInput {
	return inspect.ExposureInput{Title: f.Values["title"], OrgID: f.Values["org"], Problem: f.Values["problem"],
		Correction: f.Values["correction"], CaseNo: f.Values["case_no"]}
}

// workExposure lists every item of the column and offers a new one.
func (s *Server) workExposure(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workExposureView(r, "曝光纠错栏目管理")
	if err != nil {
		return err
	}
	if v.List, err = s.Inspect.Exposures(r.Context(), v.Actor); err != nil {
		return err
	}
	// From a finding: the new item starts with its org and case.
	v.Form.Values["org"], v.Form.Values["case_no"] = r.URL.Query().Get("org"), r.URL.Query().Get("case_no")
	s.render(w, r, "work_exposure", v)
	return nil
}

// workExposureCreate saves a new draft.
func (s *Server) workExposureCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workExposureView(r, "曝光纠错栏目管理")
	if err != nil {
		return err
	}
	v.Form = newForm(r, exposureFields...)
	x, err := s.Inspect.CreateExposure(r.Context(), v.Actor, exposureInput(v.Form))
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		code := status(err)
		if v.List, err = s.Inspect.Exposures(r.Context(), v.Actor); err != nil {
			return err
		}
		w.WriteHeader(code)
		s.render(w, r, "work_exposure", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已保存草稿。核对无误后可发布。")
	http.Redirect(w, r, "/work/exposure/"+x.ID, http.StatusSeeOther)
	return nil
}

// workExposureItem is one item's page: edit a draft, publish, add the
// correction, withdraw.
func (s *Server) workExposureItem(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workExposureView(r, "曝光内容")
	if err != nil {
		return err
	}
	if v.X, err = s.Inspect.Exposure(r.Context(), v.Actor, r.PathValue("id")); err != nil {
		return err
	}
	v.Title = v.X.Title
	v.Form.Values = map[string]string{"title": v.X.Title, "org": v.X.OrgID, "case_no": v.X.CaseNo, "problem": v.X.Problem,
		"correction": v.X.Correction}
	s.render(w, r, "work_exposure_item", v)
	return nil
}

// workExposureOp runs save, publish, correct or withdraw.
func (s *Server) workExposureOp(w http.ResponseWriter, r *http.Request) error {
	v, err := s.workExposureView(r, "曝光内容")
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	var flash string
	switch r.PathValue("op") {
	case "save":
		v.Form = newForm(r, exposureFields...)
		_, err = s.Inspect.EditExposure(r.Context(), v.Actor, id, exposureInput(v.Form))
		flash = "已保存草稿"
	case "publish":
		_, err = s.Inspect.Publish(r.Context(), v.Actor, id)
		flash = "已发布到曝光纠错栏目"
	case "correct":
		v.Form = newForm(r, "correction")
		_, err = s.Inspect.Correct(r.Context(), v.Actor, id, v.Form.Values["correction"])
		flash = "已更新整改情况"
	case "withdraw":
		v.Form = newForm(r, "reason")
		_, err = s.Inspect.Withdraw(r.Context(), v.Actor, id, v.Form.Values["reason"])
		flash = "已撤下，记录保留"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		x, gerr := s.Inspect.Exposure(r.Context(), v.Actor, id)
		if gerr != nil {
			return gerr
		}
		v.X, v.Title = x, x.Title
		for k, val := range map[string]string{"title": x.Title, "org": x.OrgID, "case_no": x.CaseNo, "problem": x.Problem,
			"correction": x.Correction} {
			if _, typed := v.Form.Values[k]; !typed {
				v.Form.Values[k] = val
			}
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "work_exposure_item", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/work/exposure/"+id, http.StatusSeeOther)
	return nil
}

type apiExposure struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	OrgID       string `json:"org_id"`
	OrgName     string `json:"org_name"`
	Problem     string `json:"problem"`
	Correction  string `json:"correction"`
	CaseNo      string `json:"case_no,omitempty"` // masked
	PublishedAt string `json:"published_at"`
	CorrectedAt string `json:"corrected_at,omitempty"`
}

// apiExposures is the exposure column as open data.
func (s *Server) apiExposures(w http.ResponseWriter, r *http.Request) error {
	xs, err := s.Inspect.Published(r.Context(), 500)
	if err != nil {
		return err
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return err
	}
	out := make([]apiExposure, 0, len(xs))
	for _, x := range xs {
		a := apiExposure{ID: x.ID, Title: x.Title, OrgID: x.OrgID, OrgName: names[x.OrgID], Problem: x.Problem,
			Correction: x.Correction, PublishedAt: x.PublishedAt.UTC().Format(apiTime)}
		if x.CaseNo != "" {
			a.CaseNo = inspect.MaskCaseNo(x.CaseNo)
		}
		if !x.CorrectedAt.IsZero() && x.Correction != "" {
			a.CorrectedAt = x.CorrectedAt.UTC().Format(apiTime)
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

type spotChecksView struct {
	Page
	Checks   []inspect.Check
	C        inspect.Check
	It       inspect.Item
	Case     casework.Case
	Events   []casework.Event
	OrgNames map[string]string
	Orgs     []org.Node
	Form     Form
	Today    string
}

func (s *Server) spotChecksView(r *http.Request, title string) (*spotChecksView, error) {
	if _, err := requireRole(r, yiwang.RoleSupervisor); err != nil {
		return nil, err
	}
	v := &spotChecksView{Page: s.page(r, title), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	var err error
	if v.OrgNames, v.Orgs, err = s.orgNames(r); err != nil {
		return nil, err
	}
	today := s.Clock.Now().In(yiwang.Shanghai)
	v.Today = today.Format("2006-01-02")
	v.Form.Values["from"] = today.AddDate(0, -1, 0).Format("2006-01-02")
	v.Form.Values["to"] = v.Today
	v.Form.Values["n"] = "10"
	return v, nil
}

// workSpotChecks lists the checks and offers a new draw.
func (s *Server) workSpotChecks(w http.ResponseWriter, r *http.Request) error {
	v, err := s.spotChecksView(r, "随机抽查与模拟办事")
	if err != nil {
		return err
	}
	if v.Checks, err = s.Inspect.Checks(r.Context(), v.Actor); err != nil {
		return err
	}
	s.render(w, r, "work_spotchecks", v)
	return nil
}

// workSpotCheckDraw draws the cases of a new spot check.
func (s *Server) workSpotCheckDraw(w http.ResponseWriter, r *http.Request) error {
	v, err := s.spotChecksView(r, "随机抽查与模拟办事")
	if err != nil {
		return err
	}
	v.Form = newForm(r, "org", "from", "to", "n")
	n, aerr := strconv.Atoi(v.Form.Values["n"])
	if aerr != nil {
		n = -1
	}
	c, err := s.Inspect.Draw(r.Context(), v.Actor, inspect.DrawInput{OrgID: v.Form.Values["org"], From: v.Form.Values["from"],
		To: v.Form.Values["to"], N: n})
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		code := status(err)
		if v.Checks, err = s.Inspect.Checks(r.Context(), v.Actor); err != nil {
			return err
		}
		w.WriteHeader(code)
		s.render(w, r, "work_spotchecks", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, fmt.Sprintf("已从 %d 件办结办件中随机抽取 %d 件，请逐件检查并记录结果。", c.Pool, len(c.Items)))
	http.Redirect(w, r, "/work/spotchecks/"+c.ID, http.StatusSeeOther)
	return nil
}

// workSpotCheck is one check: its cases and their findings.
func (s *Server) workSpotCheck(w http.ResponseWriter, r *http.Request) error {
	v, err := s.spotChecksView(r, "检查")
	if err != nil {
		return err
	}
	if v.C, err = s.Inspect.Check(r.Context(), v.Actor, r.PathValue("id")); err != nil {
		return err
	}
	v.Title = inspect.KindName(v.C.Kind) + "：" + v.OrgNames[v.C.OrgID]
	if v.C.Kind == inspect.KindSimulated { // how far the org has got with it
		if _, _, v.Case, _, err = s.Inspect.CaseOf(r.Context(), v.Actor, v.C.ID, 1); err != nil {
			return err
		}
	}
	s.render(w, r, "work_spotcheck", v)
	return nil
}

func (s *Server) spotCheckCaseView(r *http.Request) (*spotChecksView, error) {
	v, err := s.spotChecksView(r, "检查办件")
	if err != nil {
		return nil, err
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "您访问的页面不存在")
	}
	if v.C, v.It, v.Case, v.Events, err = s.Inspect.CaseOf(r.Context(), v.Actor, r.PathValue("id"), seq); err != nil {
		return nil, err
	}
	// Newest first, as on the case page.
	for i, j := 0, len(v.Events)-1; i < j; i, j = i+1, j-1 {
		v.Events[i], v.Events[j] = v.Events[j], v.Events[i]
	}
	v.Title = "检查办件 " + v.It.CaseNo
	v.Form.Values = map[string]string{}
	return v, nil
}

// workSpotCheckCase shows one drawn case to the supervisor, with the
// finding form.
func (s *Server) workSpotCheckCase(w http.ResponseWriter, r *http.Request) error {
	v, err := s.spotCheckCaseView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "work_spotcheck_case", v)
	return nil
}

// workSpotCheckFinding records the finding on one case.
func (s *Server) workSpotCheckFinding(w http.ResponseWriter, r *http.Request) error {
	v, err := s.spotCheckCaseView(r)
	if err != nil {
		return err
	}
	v.Form = newForm(r, "result", "note")
	c, err := s.Inspect.Finding(r.Context(), v.Actor, v.C.ID, v.It.Seq, v.Form.Values["result"], v.Form.Values["note"])
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "work_spotcheck_case", v)
		return nil
	}
	flash := "已记录办件 " + v.It.CaseNo + " 的检查结果"
	if c.State == inspect.CheckClosed {
		flash += "。全部办件已检查，本次检查完成。"
	}
	s.Sessions.Put(r.Context(), sessFlash, flash)
	http.Redirect(w, r, "/work/spotchecks/"+c.ID, http.StatusSeeOther)
	return nil
}

type simulateView struct {
	Page
	Code     string
	E        catalog.Entry
	OrgName  string
	Form     Form
	Found    []catalog.Summary
	Query    string
	Required []int // the materials the applicant uploads
	// Shared are the materials nobody hands in (the national library's), as
	// on any application: uploading one would set the test apart.
	Shared map[int]bool
}

var simIdentityFields = []string{"sim.name", "sim.idcard", "sim.mobile"}

// workSimulate is the supervisor's simulated application: find an item,
// then fill in its form as a test person.
func (s *Server) workSimulate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSupervisor); err != nil {
		return err
	}
	v := &simulateView{Page: s.page(r, "模拟办事"), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	if code == "" {
		v.Query = strings.TrimSpace(r.URL.Query().Get("q"))
		if v.Query != "" {
			res, err := s.Catalog.Search(r.Context(), catalog.Query{Q: v.Query, Object: "person", Size: 20})
			if err != nil {
				return err
			}
			for _, it := range res.Items {
				if it.Online {
					v.Found = append(v.Found, it)
				}
			}
		}
		s.render(w, r, "work_simulate", v)
		return nil
	}
	if err := s.simulateEntry(r, v, code); err != nil {
		return err
	}
	s.render(w, r, "work_simulate", v)
	return nil
}

func (s *Server) simulateEntry(r *http.Request, v *simulateView, code string) error {
	en, err := s.Catalog.Published(r.Context(), code)
	if err != nil {
		return err
	}
	if !en.Online() {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "该事项暂不支持网上申报，不能模拟网上办事")
	}
	o, err := s.Orgs.Get(r.Context(), en.OrgID)
	if err != nil {
		return err
	}
	v.Code, v.E, v.OrgName = en.Code, en, o.Name
	v.Title = "模拟办事：" + en.Base.Name
	for _, f := range en.Guide.Fields {
		if f.Prefill != "" { // read-only, taken from the test identity on submit
			v.Form.Values["f."+f.Key] = "（提交时取自测试身份）"
		}
	}
	if v.Shared, err = s.Cases.SharedForAnyone(r.Context(), en); err != nil {
		return err
	}
	for i, m := range en.Guide.Materials {
		if m.Source != "department" && !v.Shared[i] {
			v.Required = append(v.Required, i)
		}
	}
	return nil
}

// workSimulateSubmit files the simulated application.
func (s *Server) workSimulateSubmit(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSupervisor)
	if err != nil {
		return err
	}
	v := &simulateView{Page: s.page(r, "模拟办事"), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	if err := s.simulateEntry(r, v, r.PathValue("code")); err != nil {
		return err
	}
	mats, bad, err := s.uploads(w, r, actor)
	if err != nil {
		return err
	}
	fields := formFields(r, v.E)
	if len(bad) == 0 {
		c, ck, err := s.Inspect.Simulate(r.Context(), actor, inspect.TestIdentity{Name: r.FormValue("sim.name"),
			IDCard: r.FormValue("sim.idcard"), Mobile: r.FormValue("sim.mobile")},
			casework.Application{EntryCode: v.E.Code, Materials: mats, Fields: fields, Note: r.FormValue("note")})
		if err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "模拟申请已提交，办件编号 "+c.No+"。办理单位会像对待其他申请一样办理；您可在此记录检查结果。")
			http.Redirect(w, r, "/work/spotchecks/"+ck.ID, http.StatusSeeOther)
			return nil
		}
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	} else {
		v.Form.Errors = bad
	}
	for _, k := range simIdentityFields {
		v.Form.Values[k] = strings.TrimSpace(r.FormValue(k))
	}
	v.Form.Values["note"] = r.FormValue("note")
	for k, val := range fields {
		if _, prefilled := v.Form.Values["f."+k]; !prefilled {
			v.Form.Values["f."+k] = val
		}
	}
	v.Form.Order = append(v.Form.Order, simIdentityFields...)
	for _, f := range v.E.Guide.Fields {
		v.Form.Order = append(v.Form.Order, "f."+f.Key)
	}
	for i := range v.E.Guide.Materials {
		v.Form.Order = append(v.Form.Order, fmt.Sprintf("m%d", i))
	}
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "work_simulate", v)
	return nil
}
