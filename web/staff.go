package web

import (
	"net/http"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
)

type staffHomeView struct {
	Page
	Account identity.Account
	Org     org.Org
	Missing []int // years whose holiday schedule the calendar lacks
}

func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if actor.Kind != yiwang.KindStaff {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "工作台仅供工作人员使用")
	}
	a, err := s.Identity.Get(r.Context(), actor.AccountID)
	if err != nil {
		return err
	}
	o, err := s.Orgs.Get(r.Context(), a.OrgID)
	if err != nil {
		return err
	}
	v := &staffHomeView{Page: s.page(r, "工作台"), Account: a, Org: o}
	if s.Holidays != nil {
		v.Missing = s.Holidays.Missing()
	}
	s.render(w, r, "staff_home", v)
	return nil
}

type tokensView struct {
	Page
	Tokens []identity.Token
	New    string
	Form   Form
}

func (s *Server) tokensView(r *http.Request) (*tokensView, error) {
	actor, err := requireLogin(r)
	if err != nil {
		return nil, err
	}
	if actor.Kind != yiwang.KindStaff {
		return nil, yiwang.Errorf(yiwang.EFORBIDDEN, "只有工作人员可以管理接口令牌")
	}
	ts, err := s.Identity.Tokens(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	return &tokensView{Page: s.page(r, "接口令牌"), Tokens: ts, Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}, nil
}

func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.tokensView(r)
	if err != nil {
		return err
	}
	s.render(w, r, "tokens", v)
	return nil
}

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := s.tokensView(r)
	if err != nil {
		return err
	}
	f := newForm(r, "name")
	plain, _, err := s.Identity.CreateToken(r.Context(), v.Actor, f.Values["name"])
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		v.Form = f
		w.WriteHeader(status(err))
		s.render(w, r, "tokens", v)
		return nil
	}
	// Shown once, on this response only; never stored in plain.
	if v, err = s.tokensView(r); err != nil {
		return err
	}
	v.New = plain
	s.render(w, r, "tokens", v)
	return nil
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if err := s.Identity.RevokeToken(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), sessFlash, "令牌已吊销")
	http.Redirect(w, r, "/staff/tokens", http.StatusSeeOther)
	return nil
}

type verifyView struct {
	Page
	Query     string
	Found     *identity.Account
	LevelName string
	FullID    string
	FullPhone string
	Form      Form
}

func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleWindowClerk, yiwang.RoleAgentClerk)
	if err != nil {
		return err
	}
	v := &verifyView{Page: s.page(r, "现场实名核验"), Query: r.URL.Query().Get("q"), Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
	if v.Query != "" {
		a, err := s.Identity.FindCitizen(r.Context(), actor, v.Query)
		if err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return err
		}
		if err == nil {
			v.Found, v.LevelName = &a, identity.RealNameLevelName(a.RealNameLevel)
		} else {
			v.Form.Errors["q"] = "未找到该手机号或身份证号对应的个人账号"
		}
	}
	s.render(w, r, "verify", v)
	return nil
}

func (s *Server) verifyAction(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireRole(r, yiwang.RoleWindowClerk, yiwang.RoleAgentClerk)
	if err != nil {
		return err
	}
	id := r.PostFormValue("account_id")
	switch r.PostFormValue("op") {
	case "reveal":
		idc, mob, err := s.Identity.RevealPII(r.Context(), actor, id, r.PostFormValue("purpose"))
		if err != nil {
			return err
		}
		a, err := s.Identity.Get(r.Context(), id)
		if err != nil {
			return err
		}
		v := &verifyView{Page: s.page(r, "现场实名核验"), Found: &a, LevelName: identity.RealNameLevelName(a.RealNameLevel),
			FullID: idc, FullPhone: mob, Form: Form{Values: map[string]string{}, Errors: map[string]string{}}}
		s.render(w, r, "verify", v)
		return nil
	case "verify":
		if err := s.Identity.VerifyInPerson(r.Context(), actor, id); err != nil {
			return err
		}
		s.Sessions.Put(r.Context(), sessFlash, "现场核验完成，该账号实名等级已升为三级")
		http.Redirect(w, r, "/window/verify", http.StatusSeeOther)
		return nil
	}
	return yiwang.Errorf(yiwang.EINVALID, "未知的操作")
}

type staffPasswordView struct {
	Page
	Form Form
}

func (s *Server) staffPasswordPage(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, yiwang.Roles...); err != nil {
		return err
	}
	s.render(w, r, "staff_password", &staffPasswordView{Page: s.page(r, "修改密码"), Form: Form{Values: map[string]string{}}})
	return nil
}

func (s *Server) staffPassword(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireLogin(r)
	if err != nil {
		return err
	}
	if actor.Kind != yiwang.KindStaff {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "工作台仅供工作人员使用")
	}
	f := Form{Values: map[string]string{}, Errors: map[string]string{}, Order: []string{"current", "password", "password2"}}
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		f.Errors["password2"] = "两次输入的新密码不一致"
	} else if err := s.Identity.SetPassword(r.Context(), actor, r.PostFormValue("current"), r.PostFormValue("password")); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
	}
	if f.HasErrors() {
		w.WriteHeader(http.StatusBadRequest)
		s.render(w, r, "staff_password", &staffPasswordView{Page: s.page(r, "修改密码"), Form: f})
		return nil
	}
	s.Sessions.Put(r.Context(), sessFlash, "密码已修改")
	http.Redirect(w, r, "/staff", http.StatusSeeOther)
	return nil
}
