package web

import (
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
)

type staffListView struct {
	Page
	Staff   []identity.Account
	OrgName map[string]string
	Query   string
}

func (s *Server) orgNames(r *http.Request) (map[string]string, []org.Node, error) {
	all, err := s.Orgs.Tree(r.Context())
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(all))
	for _, o := range all {
		names[o.ID] = o.Name
	}
	return names, org.Walk(all), nil
}

func (s *Server) staffListPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin, yiwang.RoleSecAdmin, yiwang.RoleAuditAdmin)
	if err != nil {
		return err
	}
	q := r.URL.Query().Get("q")
	list, err := s.Identity.ListStaff(r.Context(), actor, identity.StaffFilter{Query: q})
	if err != nil {
		return err
	}
	names, _, err := s.orgNames(r)
	if err != nil {
		return err
	}
	s.render(w, r, "staff_list", &staffListView{Page: s.page(r, "工作人员账号"), Staff: list, OrgName: names, Query: q})
	return nil
}

type staffFormView struct {
	Page
	Form     Form
	Orgs     []org.Node
	Roles    []yiwang.Role
	Checked  map[yiwang.Role]bool
	Created  *identity.Account
	Password string
}

func (s *Server) staffNewPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.RoleSysAdmin, yiwang.RoleSecAdmin); err != nil {
		return err
	}
	_, nodes, err := s.orgNames(r)
	if err != nil {
		return err
	}
	s.render(w, r, "staff_new", &staffFormView{Page: s.page(r, "新建工作人员账号"), Orgs: nodes, Roles: yiwang.Roles,
		Checked: map[yiwang.Role]bool{}, Form: Form{Values: map[string]string{}}})
	return nil
}

func formRoles(r *http.Request) ([]yiwang.Role, map[yiwang.Role]bool) {
	var roles []yiwang.Role
	checked := map[yiwang.Role]bool{}
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, yiwang.Role(v))
		checked[yiwang.Role(v)] = true
	}
	return roles, checked
}

func (s *Server) staffCreate(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleSysAdmin, yiwang.RoleSecAdmin)
	if err != nil {
		return err
	}
	f := newForm(r, "username", "name", "org_id", "mobile", "roles")
	roles, checked := formRoles(r)
	a, pw, err := s.Identity.CreateStaff(r.Context(), actor, identity.StaffInput{Username: f.Values["username"],
		Name: f.Values["name"], OrgID: f.Values["org_id"], Mobile: f.Values["mobile"], Roles: roles})
	_, nodes, nerr := s.orgNames(r)
	if nerr != nil {
		return nerr
	}
	v := &staffFormView{Page: s.page(r, "新建工作人员账号"), Orgs: nodes, Roles: yiwang.Roles, Checked: checked, Form: f}
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "staff_new", v)
		return nil
	}
	// The initial password is shown on this response only.
	v.Created, v.Password = &a, pw
	v.Title = "账号已创建"
	s.render(w, r, "staff_new", v)
	return nil
}

type staffEditView struct {
	Page
	Account  identity.Account
	OrgName  string
	Roles    []yiwang.Role
	Checked  map[yiwang.Role]bool
	Locked   bool
	Password string
	Form     Form
}

func (s *Server) staffEditView(r *http.Request) (*staffEditView, error) {
	if _, err := requireRole(r, yiwang.RoleSysAdmin, yiwang.RoleSecAdmin); err != nil {
		return nil, err
	}
	a, err := s.Identity.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if a.Kind != yiwang.KindStaff {
		return nil, yiwang.Errorf(yiwang.ENOTFOUND, "工作人员账号不存在")
	}
	o, err := s.Orgs.Get(r.Context(), a.OrgID)
	if err != nil {
		return nil, err
	}
	checked := map[yiwang.Role]bool{}
	for _, ro := range a.Roles {
		checked[ro] = true
	}
	return &staffEditView{Page: s.page(r, "工作人员："+a.Name), Account: a, OrgName: o.Name, Roles: yiwang.Roles,
		Checked: checked, Locked: a.Locked(s.Clock.Now()), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

func (s *Server) staffEditPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.staffEditView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "staff_edit", v)
	return nil
}

func (s *Server) staffRoles(w http.ResponseWriter, r *http.Request) error {
	v, err := s.staffEditView(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return yiwang.Errorf(yiwang.EINVALID, "表单格式不正确")
	}
	roles, checked := formRoles(r)
	if err := s.Identity.SetRoles(r.Context(), v.Actor, v.Account.ID, roles); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Checked = checked
		v.Form.Fail(err)
		v.Form.Order = []string{"roles"}
		w.WriteHeader(status(err))
		s.render(w, r, "staff_edit", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "角色已更新")
	http.Redirect(w, r, "/admin/staff/"+v.Account.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) staffOp(w http.ResponseWriter, r *http.Request) error {
	v, err := s.staffEditView(r)
	if err != nil {
		return err
	}
	ctx, id := r.Context(), v.Account.ID
	var msg string
	switch r.PathValue("op") {
	case "disable":
		err, msg = s.Identity.SetStatus(ctx, v.Actor, id, true), "账号已停用"
	case "enable":
		err, msg = s.Identity.SetStatus(ctx, v.Actor, id, false), "账号已启用"
	case "unlock":
		err, msg = s.Identity.Unlock(ctx, v.Actor, id), "账号已解除锁定"
	case "reset-totp":
		err, msg = s.Identity.ResetTOTP(ctx, v.Actor, id), "动态口令已重置，该人员下次登录时需重新绑定验证器"
	case "reset-password":
		pw, err := s.Identity.ResetPassword(ctx, v.Actor, id)
		if err != nil {
			return err
		}
		if v, err = s.staffEditView(r); err != nil {
			return err
		}
		v.Password = pw
		s.render(w, r, "staff_edit", v)
		return nil
	default:
		return yiwang.Errorf(yiwang.ENOTFOUND, "未知的操作")
	}
	if err != nil {
		return err
	}
	s.Sessions.Put(ctx, sessFlash, msg)
	http.Redirect(w, r, "/admin/staff/"+id, http.StatusSeeOther)
	return nil
}
