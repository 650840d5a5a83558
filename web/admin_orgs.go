package web

import (
	"net/http"
	"strconv"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/org"
)

type orgsView struct {
	Page
	Nodes []org.Node
}

func (s *Server) orgsPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin, yiwang.RoleSecAdmin, yiwang.RoleAuditAdmin); err != nil {
		return err
	}
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, "orgs", &orgsView{Page: s.page(r, "组织机构"), Nodes: org.Walk(all)})
	return nil
}

type orgFormView struct {
	Page
	Org    org.Org
	Parent *org.Org
	Kinds  []org.Kind
	Form   Form
	IsNew  bool
}

var orgFields = []string{"kind", "name", "region_code", "credit_code", "address", "phone", "hours", "sort"}

func orgFromForm(f Form) org.Org {
	sort, _ := strconv.Atoi(f.Values["sort"])
	return org.Org{Kind: org.Kind(f.Values["kind"]), Name: f.Values["name"], RegionCode: f.Values["region_code"],
		CreditCode: f.Values["credit_code"], Address: f.Values["address"], Phone: f.Values["phone"],
		Hours: f.Values["hours"], Sort: sort}
}

func (s *Server) orgNewPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin); err != nil {
		return err
	}
	v := &orgFormView{Page: s.page(r, "新增单位"), Kinds: org.Kinds, IsNew: true, Form: Form{Values: map[string]string{}}}
	if pid := r.URL.Query().Get("parent"); pid != "" {
		p, err := s.Orgs.Get(r.Context(), pid)
		if err != nil {
			return err
		}
		v.Parent = &p
	}
	s.render(w, r, "org_form", v)
	return nil
}

func (s *Server) orgCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	f := newForm(r, orgFields...)
	o := orgFromForm(f)
	o.ParentID = r.PostFormValue("parent_id")
	created, err := s.Orgs.Create(r.Context(), actor, o)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v := &orgFormView{Page: s.page(r, "新增单位"), Kinds: org.Kinds, IsNew: true, Form: f}
		if o.ParentID != "" {
			if p, perr := s.Orgs.Get(r.Context(), o.ParentID); perr == nil {
				v.Parent = &p
			}
		}
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "org_form", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已新增“"+created.Name+"”")
	http.Redirect(w, r, "/admin/orgs#org-"+created.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) orgEditPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin); err != nil {
		return err
	}
	o, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f := Form{Values: map[string]string{"kind": string(o.Kind), "name": o.Name, "region_code": o.RegionCode,
		"credit_code": o.CreditCode, "address": o.Address, "phone": o.Phone, "hours": o.Hours, "sort": strconv.Itoa(o.Sort)}}
	s.render(w, r, "org_form", &orgFormView{Page: s.page(r, "编辑单位"), Org: o, Kinds: org.Kinds, Form: f})
	return nil
}

func (s *Server) orgUpdate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin)
	if err != nil {
		return err
	}
	old, err := s.Orgs.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	f := newForm(r, orgFields...)
	o := orgFromForm(f)
	o.ID = old.ID
	o.Disabled = r.PostFormValue("disabled") == "1"
	o.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	updated, err := s.Orgs.Update(r.Context(), actor, o)
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Values["kind"] = string(old.Kind)
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "org_form", &orgFormView{Page: s.page(r, "编辑单位"), Org: old, Kinds: org.Kinds, Form: f})
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已保存“"+updated.Name+"”")
	http.Redirect(w, r, "/admin/orgs#org-"+updated.ID, http.StatusSeeOther)
	return nil
}
