package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/catalog"
	"github.com/yushan-gov/yiwang/org"
)

func requireCatalogStaff(r *http.Request) (yiwang.Actor, error) {
	return requireRole(r, yiwang.RoleCatalogMaintainer, yiwang.RoleDeptHead)
}

type catalogListView struct {
	Page
	Entries []catalogRow
	Status  string
}

type catalogRow struct {
	catalog.Entry
	OrgName string
}

// catalogList shows the versions of entries the person may work on: those of
// their org and the orgs below it.
func (s *Server) catalogList(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireCatalogStaff(r)
	if err != nil {
		return err
	}
	status := r.URL.Query().Get("status")
	f := catalog.Filter{}
	if status != "" {
		f.Statuses = []string{status}
	}
	list, err := s.Catalog.Store.ListEntries(r.Context(), f)
	if err != nil {
		return err
	}
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	mine := org.Descendants(all, actor.OrgID)
	names := map[string]string{}
	for _, o := range all {
		names[o.ID] = o.Name
	}
	v := &catalogListView{Page: s.page(r, "事项管理"), Status: status}
	for _, e := range list {
		if mine[e.OrgID] {
			v.Entries = append(v.Entries, catalogRow{e, names[e.OrgID]})
		}
	}
	s.render(w, r, "catalog_list", v)
	return nil
}

type catalogEntryView struct {
	Page
	E        catalog.Entry
	OrgName  string
	Versions []catalog.Entry
	Form     Form
}

func (s *Server) catalogEntryView(r *http.Request) (*catalogEntryView, error) {
	actor, err := requireCatalogStaff(r)
	if err != nil {
		return nil, err
	}
	e, err := s.Catalog.Version(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	o, err := s.Orgs.Get(r.Context(), e.OrgID)
	if err != nil {
		return nil, err
	}
	vs, err := s.Catalog.Versions(r.Context(), e.Code)
	if err != nil {
		return nil, err
	}
	return &catalogEntryView{Page: s.page(r, e.Base.Name), E: e, OrgName: o.Name, Versions: vs,
		Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

func (s *Server) catalogEntry(w http.ResponseWriter, r *http.Request) error {
	v, err := s.catalogEntryView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "catalog_entry", v)
	return nil
}

// catalogOp runs a lifecycle action and goes back to the version's page.
func (s *Server) catalogOp(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireCatalogStaff(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), r.PathValue("id")
	var e catalog.Entry
	var msg string
	switch r.PathValue("op") {
	case "submit":
		e, err = s.Catalog.Submit(ctx, actor, id)
		msg = "已提交部门负责人审核"
	case "approve":
		e, err = s.Catalog.Approve(ctx, actor, id)
		msg = "已审核发布，门户网站即时更新"
	case "reject":
		e, err = s.Catalog.Reject(ctx, actor, id, strings.TrimSpace(r.PostFormValue("reason")))
		msg = "已退回修改"
	case "retire":
		e, err = s.Catalog.Retire(ctx, actor, id)
		msg = "事项已停用"
	case "new-version":
		var cur catalog.Entry
		if cur, err = s.Catalog.Get(ctx, id); err == nil {
			cur.Base = catalog.Base{Code: cur.Base.Code}
			e, err = s.Catalog.Draft(ctx, actor, cur)
		}
		msg = "已根据此版本创建新版本草稿"
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "未知的操作")
	}
	if err != nil {
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		v, verr := s.catalogEntryView(r)
		if verr != nil {
			return verr
		}
		v.Form.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "catalog_entry", v)
		return nil
	}
	s.Sessions.Put(ctx, sessFlash, msg)
	http.Redirect(w, r, "/admin/catalog/"+e.ID, http.StatusSeeOther)
	return nil
}

type catalogEditView struct {
	Page
	E         catalog.Entry
	Form      Form
	Materials []materialRow
	Depths    []catalog.Code
	Forms     []catalog.Code
	Results   []catalog.Code
	Sources   []catalog.Code
}

type materialRow struct {
	I int
	catalog.Material
	HasForm map[string]bool
}

func materialRows(ms []catalog.Material) []materialRow {
	rows := make([]materialRow, 0, len(ms)+3)
	for i, m := range append(ms, catalog.Material{Required: true}, catalog.Material{Required: true}, catalog.Material{Required: true}) {
		has := map[string]bool{}
		for _, f := range m.Forms {
			has[f] = true
		}
		if m.Source == "" {
			m.Source = "applicant"
		}
		rows = append(rows, materialRow{I: i, Material: m, HasForm: has})
	}
	return rows
}

// Has reports whether xs contains x, for checkboxes.
func (v catalogEditView) Has(xs []int, x string) bool {
	n, _ := strconv.Atoi(x)
	for _, y := range xs {
		if y == n {
			return true
		}
	}
	return false
}

func editValues(e catalog.Entry, orgs orgNames) map[string]string {
	g := e.Guide
	lines := func(xs []string) string { return strings.Join(xs, "\n") }
	var steps, fees, faqs []string
	for _, st := range g.Steps {
		steps = append(steps, catalog.StepLine(st, orgs.name))
	}
	for _, f := range g.Fees {
		fees = append(fees, catalog.FeeLine(f))
	}
	for _, q := range g.FAQs {
		faqs = append(faqs, catalog.FAQLine(q))
	}
	var fields []string
	for _, f := range g.Fields {
		fields = append(fields, catalog.FieldLine(f))
	}
	return map[string]string{"fields": lines(fields), "kind": strconv.Itoa(e.Kind), "legal_days": strconv.Itoa(e.LegalDays),
		"promise_days": strconv.Itoa(e.PromiseDays), "visits": strconv.Itoa(e.Visits), "location": g.Location,
		"hours": g.Hours, "consult_phone": g.ConsultPhone, "supervise_phone": g.SupervisePhone,
		"conditions": lines(g.Conditions), "steps": lines(steps), "fees": lines(fees), "faqs": lines(faqs),
		"intermediary": lines(g.Intermediary), "result_name": g.ResultName, "result_kind": g.ResultKind}
}

func (s *Server) catalogEditView(r *http.Request, e catalog.Entry, f Form) *catalogEditView {
	return &catalogEditView{Page: s.page(r, "编辑："+e.Base.Name), E: e, Form: f, Materials: materialRows(e.Guide.Materials),
		Depths: catalog.Depths, Forms: catalog.Forms[:4], Results: catalog.ResultKinds, Sources: catalog.Sources}
}

func (s *Server) catalogEditPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCatalogMaintainer)
	if err != nil {
		return err
	}
	e, err := s.Catalog.Version(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if e.Status != catalog.StatusDraft {
		return yiwang.Errorf(yiwang.ECONFLICT, "只有草稿可以编辑；请先基于已发布版本创建新版本")
	}
	s.render(w, r, "catalog_edit", s.catalogEditView(r, e, Form{Values: editValues(e, s.stepOrgNames(r.Context())), Errors: map[string]string{}}))
	return nil
}

// parseEntryForm reads the edit form into en, collecting line-format errors.
func parseEntryForm(r *http.Request, en *catalog.Entry, bad map[string]string, orgs orgNames) {
	atoi := func(field, label string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(field)))
		if err != nil {
			bad[field] = label + "应为整数"
		}
		return n
	}
	en.Kind = atoi("kind", "办件类型")
	en.LegalDays = atoi("legal_days", "法定时限")
	en.PromiseDays = atoi("promise_days", "承诺时限")
	en.Visits = atoi("visits", "跑动次数")
	en.Depth, en.Forms = nil, nil
	for _, d := range r.PostForm["depth"] {
		if n, err := strconv.Atoi(d); err == nil {
			en.Depth = append(en.Depth, n)
		}
	}
	for _, d := range r.PostForm["forms"] {
		if n, err := strconv.Atoi(d); err == nil {
			en.Forms = append(en.Forms, n)
		}
	}
	lines := func(field string) []string {
		var out []string
		for _, l := range strings.Split(r.PostFormValue(field), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				out = append(out, l)
			}
		}
		return out
	}
	var fields []catalog.Field
	for i, l := range lines("fields") {
		f, err := catalog.ParseFieldLine(l)
		if err != nil {
			bad["fields"] = fmt.Sprintf("申请表第%d行：%s", i+1, err.Error())
			continue
		}
		fields = append(fields, f)
	}
	g := catalog.Guide{Location: strings.TrimSpace(r.PostFormValue("location")), Hours: strings.TrimSpace(r.PostFormValue("hours")),
		ConsultPhone: strings.TrimSpace(r.PostFormValue("consult_phone")), SupervisePhone: strings.TrimSpace(r.PostFormValue("supervise_phone")),
		ResultName: strings.TrimSpace(r.PostFormValue("result_name")), ResultKind: r.PostFormValue("result_kind"),
		Conditions: lines("conditions"), Intermediary: lines("intermediary"), Fields: fields}
	for i, l := range lines("steps") {
		st, err := catalog.ParseStepLine(l, orgs.id)
		if err != nil {
			bad["steps"] = fmt.Sprintf("办理流程第%d行%s", i+1, err.Error())
			continue
		}
		g.Steps = append(g.Steps, st)
	}
	for i, l := range lines("fees") {
		fee, ok := catalog.ParseFeeLine(l)
		if !ok {
			bad["fees"] = fmt.Sprintf("收费第%d行应写成“收费名称｜金额（元）｜收费依据”（也可用逗号分隔），金额最多两位小数，例如 20 或 12.50", i+1)
			continue
		}
		g.Fees = append(g.Fees, fee)
	}
	for i, l := range lines("faqs") {
		q, ok := catalog.ParseFAQLine(l)
		if !ok {
			bad["faqs"] = fmt.Sprintf("常见问题第%d行应写成“问题｜解答”", i+1)
			continue
		}
		g.FAQs = append(g.FAQs, q)
	}
	for i := 0; ; i++ {
		p := fmt.Sprintf("m%d.", i)
		if _, ok := r.PostForm[p+"name"]; !ok {
			break
		}
		name := strings.TrimSpace(r.PostFormValue(p + "name"))
		if name == "" {
			continue
		}
		copies, _ := strconv.Atoi(r.PostFormValue(p + "copies"))
		g.Materials = append(g.Materials, catalog.Material{Name: name, Forms: r.PostForm[p+"forms"], Copies: copies,
			Required: r.PostFormValue(p+"required") == "1", Condition: strings.TrimSpace(r.PostFormValue(p + "condition")),
			Source: r.PostFormValue(p + "source"), License: strings.TrimSpace(r.PostFormValue(p + "license")),
			Tolerance: r.PostFormValue(p+"tolerance") == "1", Promise: r.PostFormValue(p+"promise") == "1",
			Note: strings.TrimSpace(r.PostFormValue(p + "note")), When: strings.TrimSpace(r.PostFormValue(p + "when")),
			BlankForm: strings.TrimSpace(r.PostFormValue(p + "blank_form")), Sample: strings.TrimSpace(r.PostFormValue(p + "sample"))})
	}
	en.Guide = g
}

func (s *Server) catalogEdit(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleCatalogMaintainer)
	if err != nil {
		return err
	}
	old, err := s.Catalog.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return yiwang.Errorf(yiwang.EINVALID, "表单格式不正确")
	}
	en := old
	bad := map[string]string{}
	parseEntryForm(r, &en, bad, s.stepOrgNames(r.Context()))
	en.Base = catalog.Base{}
	f := Form{Values: map[string]string{}, Errors: bad, Order: []string{"fields", "kind", "legal_days", "promise_days", "depth",
		"forms", "visits", "conditions", "materials", "steps", "fees", "result_kind", "result_name", "faqs"}}
	for k := range r.PostForm {
		f.Values[k] = r.PostFormValue(k)
	}
	if len(bad) == 0 {
		if _, err = s.Catalog.UpdateDraft(r.Context(), actor, en); err == nil {
			s.Sessions.Put(r.Context(), sessFlash, "草稿已保存")
			http.Redirect(w, r, "/admin/catalog/"+old.ID, http.StatusSeeOther)
			return nil
		}
		if yiwang.ErrorCode(err) != yiwang.EINVALID {
			return err
		}
		f.Fail(err)
	}
	en.Base = old.Base
	v := s.catalogEditView(r, en, f)
	w.WriteHeader(http.StatusBadRequest)
	s.render(w, r, "catalog_edit", v)
	return nil
}

// orgNames names orgs in the step lines of the edit form: by name, and
// the form also takes credit codes.
type orgNames struct{ byID, byName map[string]string }

func (s *Server) stepOrgNames(ctx context.Context) orgNames {
	n := orgNames{byID: map[string]string{}, byName: map[string]string{}}
	tree, _ := s.Orgs.Tree(ctx) // without the tree, names simply do not resolve
	for _, o := range tree {
		n.byID[o.ID], n.byName[o.Name] = o.Name, o.ID
		if o.CreditCode != "" {
			n.byName[o.CreditCode] = o.ID
		}
	}
	return n
}

func (n orgNames) name(id string) string {
	if v, ok := n.byID[id]; ok {
		return v
	}
	return id
}

func (n orgNames) id(name string) string { return n.byName[name] }
