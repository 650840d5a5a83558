package web

import (
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
)

type accountView struct {
	Page
	Account     identity.Account
	LevelName   string
	Memberships []identity.Member
	Form        Form
}

func (s *Server) accountView(r *http.Request) (*accountView, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return nil, err
	}
	if actor.Kind == yiwang.KindStaff {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "工作人员请使用工作台")
	}
	a, err := s.Identity.Get(r.Context(), actor.AccountID)
	if err != nil {
		return nil, err
	}
	ms, err := s.Identity.Memberships(r.Context(), a.ID)
	if err != nil {
		return nil, err
	}
	return &accountView{Page: s.page(r, "我的账号"), Account: a, LevelName: identity.RealNameLevelName(a.RealNameLevel),
		Memberships: ms, Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	actor := actorFrom(r)
	if actor.Kind == yiwang.KindStaff {
		http.Redirect(w, r, "/staff", http.StatusSeeOther)
		return nil
	}
	v, err := s.accountView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "account", v)
	return nil
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) error {
	v, err := s.accountView(r)
	if err != nil {
		return err
	}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		v.Form.Errors["password"] = "两次输入的密码不一致"
	} else if err := s.Identity.SetPassword(r.Context(), v.Actor, r.PostFormValue("current"), r.PostFormValue("password")); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		v.Form.Fail(err)
	}
	if v.Form.HasErrors() {
		v.Form.Order = []string{"current", "password"}
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "account", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "密码已设置，下次可用手机号和密码登录")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

type enterpriseFormView struct {
	Page
	Form Form
}

func (s *Server) enterpriseRegisterPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireLogin(r); err != nil {
		return err
	}
	s.render(w, r, "enterprise_register", &enterpriseFormView{Page: s.page(r, "注册企业"), Form: Form{Values: map[string]string{}}})
	return nil
}

func (s *Server) enterpriseRegister(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	f := newForm(r, "credit_code", "name", "legal_rep_name", "legal_rep_idcard")
	ent, err := s.Identity.RegisterEnterprise(r.Context(), actor, identity.EnterpriseInput{CreditCode: f.Values["credit_code"],
		Name: f.Values["name"], LegalRepName: f.Values["legal_rep_name"], LegalRepIDCard: f.Values["legal_rep_idcard"]})
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "enterprise_register", &enterpriseFormView{Page: s.page(r, "注册企业"), Form: f})
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "企业“"+ent.Name+"”注册成功。您可以用法人身份登录，并授权经办人。")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

type agentsView struct {
	Page
	Members []identity.Member
	IsRep   bool
	Form    Form
}

func (s *Server) agentsView(r *http.Request) (*agentsView, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return nil, err
	}
	if actor.EnterpriseID == "" {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "请先以法人身份登录")
	}
	ms, err := s.Identity.Members(r.Context(), actor, actor.EnterpriseID)
	if err != nil {
		return nil, err
	}
	v := &agentsView{Page: s.page(r, "经办人管理"), Members: ms, Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	for _, m := range ms {
		if m.AccountID == actor.AccountID && m.Role == identity.MemberLegalRep {
			v.IsRep = true
		}
	}
	return v, nil
}

func (s *Server) agentsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.agentsView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "agents", v)
	return nil
}

func (s *Server) agentAdd(w http.ResponseWriter, r *http.Request) error {
	v, err := s.agentsView(r)
	if err != nil {
		return err
	}
	f := newForm(r, "mobile")
	if err := s.Identity.AddAgent(r.Context(), v.Actor, v.Actor.EnterpriseID, f.Values["mobile"]); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		v.Form = f
		w.WriteHeader(status(err))
		s.render(w, r, "agents", v)
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "已授权新的经办人")
	http.Redirect(w, r, "/enterprise/agents", http.StatusSeeOther)
	return nil
}

func (s *Server) agentRemove(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if err := s.Identity.RemoveAgent(r.Context(), actor, actor.EnterpriseID, r.PathValue("id")); err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, "已取消该经办人的授权")
	http.Redirect(w, r, "/enterprise/agents", http.StatusSeeOther)
	return nil
}
