package web

import (
	"net/http"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity/certlogin"
)

// sessCertChallenge holds the ID of the session's certificate-login challenge.
const sessCertChallenge = "cert_challenge"

// reasonHeader carries the stable reason code of a refused certificate
// form, for programs (the page shows it too).
const reasonHeader = "X-Yiwang-Reason"

type certLoginView struct {
	Page
	Form      Form
	Challenge certlogin.Challenge
	Minutes   int
	// Renewed says the page carries a new challenge: what was signed before
	// is of no use now.
	Renewed bool
	Reason  string
	Next    string // where to go after logging in (single sign-on)
}

// sessionChallenge returns the session's challenge while it can still be
// used, or a new one that it keeps in the session.
func (s *Server) sessionChallenge(r *http.Request) (certlogin.Challenge, error) {
	ctx := r.Context()
	ch, ok, err := s.Certs.Challenge(ctx, s.Sessions.GetString(ctx, sessCertChallenge))
	if err != nil || ok {
		return ch, err
	}
	if !s.limits.allow("challenge:"+clientIP(r), time.Second, s.burst()) {
		return certlogin.Challenge{}, errTooFast
	}
	ch, err = s.Certs.NewChallenge(ctx)
	if err != nil {
		return ch, err
	}
	s.Sessions.Put(ctx, sessCertChallenge, ch.ID)
	return ch, nil
}

func (s *Server) certLoginView(r *http.Request, f Form, next string) (*certLoginView, error) {
	ch, err := s.sessionChallenge(r)
	if err != nil {
		return nil, err
	}
	return &certLoginView{Page: s.page(r, "法人证书登录"), Form: f, Challenge: ch, Minutes: int(certlogin.ChallengeTTL.Minutes()),
		Next: safeNext(next, "")}, nil
}

func (s *Server) certLoginPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.certLoginView(r, Form{Values: map[string]string{}, Errors: map[string]string{}}, r.URL.Query().Get("next"))
	if err != nil {
		return err
	}
	s.render(w, r, "login_cert", v)
	return nil
}

func (s *Server) certLogin(w http.ResponseWriter, r *http.Request) error {
	if err := s.limitLogin(r); err != nil {
		return err
	}
	ctx := r.Context()
	f := newForm(r, certlogin.FieldCreditCode, certlogin.FieldCert, certlogin.FieldSignature)
	shown := r.PostFormValue("challenge")
	a, m, err := s.Certs.Login(ctx, certlogin.LoginInput{ChallengeID: s.Sessions.GetString(ctx, sessCertChallenge),
		Shown: shown, CreditCode: f.Values[certlogin.FieldCreditCode], Cert: r.PostFormValue(certlogin.FieldCert),
		Signature: r.PostFormValue(certlogin.FieldSignature), IP: clientIP(r)})
	if err != nil {
		if status(err) == http.StatusInternalServerError {
			return err
		}
		f.Fail(err)
		reason := certErrorCode(err)
		if reason == certlogin.ReasonPrivateKey {
			f.Values[certlogin.FieldCert] = "" // never shown again
		}
		v, verr := s.certLoginView(r, f, r.PostFormValue("next"))
		if verr != nil {
			return verr
		}
		if v.Challenge.Text != shown {
			v.Renewed = true
			f.Values[certlogin.FieldSignature] = ""
		}
		v.Reason = reason
		w.Header().Set(reasonHeader, reason)
		w.WriteHeader(status(err))
		s.render(w, r, "login_cert", v)
		return nil
	}
	s.Sessions.Remove(ctx, sessCertChallenge)
	if err := s.startSession(ctx, a.ID, "cert"); err != nil {
		return err
	}
	s.Sessions.Put(ctx, sessEnterprise, m.EnterpriseID)
	s.Sessions.Put(ctx, sessEnterpriseName, m.EnterpriseName)
	s.Sessions.Put(ctx, sessFlash, "已使用数字证书登录，以法定代表人身份代表“"+m.EnterpriseName+"”办事")
	http.Redirect(w, r, safeNext(r.PostFormValue("next"), "/account"), http.StatusSeeOther)
	return nil
}

// certErrorCode is the code shown under a refused form's error summary:
// the reason, or else the error's code.
func certErrorCode(err error) string {
	if r := certlogin.Reason(err); r != "" {
		return r
	}
	return yiwang.ErrorCode(err)
}
