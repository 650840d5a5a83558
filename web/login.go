package web

import (
	"context"
	"net/http"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity"
)

var errTooFast = yiwang.Errorf(yiwang.ETOOMANY, "操作过于频繁，请稍后再试")

// limitLogin allows LoginBurst login attempts at once per IP, then one a second.
func (s *Server) limitLogin(r *http.Request) error {
	if !s.limits.allow("login:"+clientIP(r), time.Second, s.burst()) {
		return errTooFast
	}
	return nil
}

type loginView struct {
	Page
	Form     Form
	Next     string
	Password bool // citizen: password tab instead of code
	CodeSent bool
}

func (s *Server) loginChooser(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Page: s.page(r, "登录"), Next: safeNext(r.URL.Query().Get("next"), "")}
	s.render(w, r, "login", &v)
	return nil
}

// startSession renews the session token (no fixation) and records who
// logged in, how (amr: "otp" one-time code, "pwd" password, "totp" staff
// second factor, "cert" certificate) and when; single sign-on tells OIDC
// clients both. Each login gets a new sid, the session ID clients see.
func (s *Server) startSession(ctx context.Context, accountID string, amr ...string) error {
	if err := s.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.Sessions.Remove(ctx, sessPendingStaff)
	s.Sessions.Remove(ctx, sessEnterprise)
	s.Sessions.Remove(ctx, sessEnterpriseName)
	s.Sessions.Remove(ctx, sessOIDCClients)
	s.Sessions.Put(ctx, sessAccount, accountID)
	s.Sessions.Put(ctx, sessAMR, amr)
	s.Sessions.Put(ctx, sessAuthTime, s.Clock.Now().UnixMilli())
	s.Sessions.Put(ctx, sessSID, newSID())
	return nil
}

func (s *Server) citizenLoginPage(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Page: s.page(r, "个人登录"), Next: safeNext(r.URL.Query().Get("next"), "/account"),
		Password: r.URL.Query().Get("with") == "password", Form: Form{Values: map[string]string{"mobile": r.URL.Query().Get("mobile")}}}
	s.render(w, r, "login_citizen", &v)
	return nil
}

// sendCode handles the "获取验证码" button of a form.
func (s *Server) sendCode(r *http.Request, purpose, mobile string) error {
	if !s.limits.allow("code:"+clientIP(r), 2*time.Second, s.burst()) {
		return errTooFast
	}
	return s.Identity.SendCode(r.Context(), purpose, mobile, clientIP(r))
}

func (s *Server) citizenLogin(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "mobile", "code", "password")
	v := &loginView{Page: s.page(r, "个人登录"), Next: safeNext(r.PostFormValue("next"), "/account"),
		Password: r.PostFormValue("with") == "password"}
	return s.codeForm(w, r, "login_citizen", v, f, identity.PurposeLogin, func() error {
		var a identity.Account
		var err error
		if v.Password {
			a, err = s.Identity.LoginWithPassword(r.Context(), f.Values["mobile"], r.PostFormValue("password"), clientIP(r))
		} else {
			a, err = s.Identity.LoginWithCode(r.Context(), f.Values["mobile"], f.Values["code"], clientIP(r))
		}
		if err != nil {
			return err
		}
		amr := "otp"
		if v.Password {
			amr = "pwd"
		}
		if err := s.startSession(r.Context(), a.ID, amr); err != nil {
			return err
		}
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
		return nil
	})
}

// codeForm runs a form that has a "获取验证码" button: op=send sends a code
// to the form's mobile and shows the page again; any other op runs act, which
// answers the request itself on success. On a person's error the page is
// shown again with what they typed (never the password) and every problem.
func (s *Server) codeForm(w http.ResponseWriter, r *http.Request, page string, v *loginView, f Form, purpose string, act func() error) error {
	var err error
	if r.PostFormValue("op") == "send" {
		if err = s.sendCode(r, purpose, f.Values["mobile"]); err == nil {
			v.CodeSent, v.Form = true, f
			s.render(w, r, page, v)
			return nil
		}
	} else if err = s.limitLogin(r); err == nil {
		if err = act(); err == nil {
			return nil
		}
	}
	if status(err) == http.StatusInternalServerError {
		return err
	}
	f.Values["password"] = ""
	f.Fail(err)
	v.Form = f
	w.WriteHeader(status(err))
	s.render(w, r, page, v)
	return nil
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Page: s.page(r, "个人注册"), Form: Form{Values: map[string]string{}}}
	s.render(w, r, "register", &v)
	return nil
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "name", "idcard", "mobile", "code", "password")
	v := &loginView{Page: s.page(r, "个人注册")}
	return s.codeForm(w, r, "register", v, f, identity.PurposeRegister, func() error {
		a, err := s.Identity.RegisterCitizen(r.Context(), identity.CitizenInput{Name: f.Values["name"],
			Mobile: f.Values["mobile"], IDCard: f.Values["idcard"], Code: f.Values["code"],
			Password: r.PostFormValue("password")}, clientIP(r))
		if err != nil {
			return err
		}
		if err := s.startSession(r.Context(), a.ID, "otp"); err != nil {
			return err
		}
		s.Sessions.Put(r.Context(), sessFlash, "注册成功，已为您登录。实名等级："+identity.RealNameLevelName(a.RealNameLevel))
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	})
}

func (s *Server) enterpriseLoginPage(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Page: s.page(r, "法人登录"), Form: Form{Values: map[string]string{}},
		Password: r.URL.Query().Get("with") != "code", Next: safeNext(r.URL.Query().Get("next"), "")}
	s.render(w, r, "login_enterprise", &v)
	return nil
}

func (s *Server) enterpriseLogin(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "credit_code", "mobile", "password", "code")
	v := &loginView{Page: s.page(r, "法人登录"), Password: r.PostFormValue("with") != "code",
		Next: safeNext(r.PostFormValue("next"), "")}
	return s.codeForm(w, r, "login_enterprise", v, f, identity.PurposeLogin, func() error {
		pw := r.PostFormValue("password")
		if !v.Password {
			pw = ""
		}
		a, m, err := s.Identity.LoginEnterprise(r.Context(), f.Values["credit_code"], f.Values["mobile"], pw, f.Values["code"], clientIP(r))
		if err != nil {
			return err
		}
		amr := "otp"
		if v.Password {
			amr = "pwd"
		}
		if err := s.startSession(r.Context(), a.ID, amr); err != nil {
			return err
		}
		s.Sessions.Put(r.Context(), sessEnterprise, m.EnterpriseID)
		s.Sessions.Put(r.Context(), sessEnterpriseName, m.EnterpriseName)
		http.Redirect(w, r, safeNext(v.Next, "/account"), http.StatusSeeOther)
		return nil
	})
}

func (s *Server) staffLoginPage(w http.ResponseWriter, r *http.Request) error {
	v := loginView{Page: s.page(r, "工作人员登录"), Form: Form{Values: map[string]string{}},
		Next: safeNext(r.URL.Query().Get("next"), "")}
	s.render(w, r, "login_staff", &v)
	return nil
}

func (s *Server) staffLogin(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r, "username", "password")
	if err := s.limitLogin(r); err != nil {
		return err
	}
	a, err := s.Identity.LoginStaffPassword(r.Context(), f.Values["username"], r.PostFormValue("password"), clientIP(r))
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Values["password"] = ""
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "login_staff", &loginView{Page: s.page(r, "工作人员登录"), Form: f, Next: safeNext(r.PostFormValue("next"), "")})
		return nil
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.Sessions.Remove(r.Context(), sessAccount)
	s.Sessions.Put(r.Context(), sessPendingStaff, a.ID)
	s.Sessions.Put(r.Context(), sessNext, safeNext(r.PostFormValue("next"), "/staff"))
	http.Redirect(w, r, "/staff/totp", http.StatusSeeOther)
	return nil
}

type totpView struct {
	Page
	Form     Form
	Enrol    bool
	Secret   string
	URL      string
	Username string
}

func (s *Server) pendingStaff(r *http.Request) (identity.Account, error) {
	id := s.Sessions.GetString(r.Context(), sessPendingStaff)
	if id == "" {
		return identity.Account{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先输入用户名和密码")
	}
	return s.Identity.Get(r.Context(), id)
}

func (s *Server) totpView(r *http.Request, a identity.Account, f Form) *totpView {
	v := &totpView{Page: s.page(r, "动态口令验证"), Form: f, Enrol: !a.TOTPEnrolled(), Username: a.Username}
	if v.Enrol {
		v.Secret, v.URL = a.Secret(), s.Identity.TOTPURL(a)
	}
	return v
}

func (s *Server) totpPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.pendingStaff(r)
	if err != nil {
		http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
		return nil
	}
	s.render(w, r, "totp", s.totpView(r, a, Form{Values: map[string]string{}}))
	return nil
}

func (s *Server) totp(w http.ResponseWriter, r *http.Request) error {
	a, err := s.pendingStaff(r)
	if err != nil {
		http.Redirect(w, r, "/staff/login", http.StatusSeeOther)
		return nil
	}
	if err := s.limitLogin(r); err != nil {
		return err
	}
	f := newForm(r, "code")
	if _, err := s.Identity.VerifyTOTP(r.Context(), a.ID, f.Values["code"], clientIP(r)); err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		if yiwang.ErrorCode(err) == yiwang.ETOOMANY {
			s.Sessions.Remove(r.Context(), sessPendingStaff)
		}
		f.Values["code"] = ""
		f.Fail(err)
		w.WriteHeader(status(err))
		s.render(w, r, "totp", s.totpView(r, a, f))
		return nil
	}
	next := safeNext(s.Sessions.PopString(r.Context(), sessNext), "/staff")
	if err := s.startSession(r.Context(), a.ID, "pwd", "totp"); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// logout ends the session everywhere: tokens issued in it are revoked and
// every client logged in to through it is told (front-channel logout).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	frames, err := s.endPlatformSession(r)
	if err != nil {
		return err
	}
	s.loggedOut(w, r, frames, "/")
	return nil
}

func (s *Server) burst() int {
	if s.LoginBurst > 0 {
		return s.LoginBurst
	}
	return 30
}
