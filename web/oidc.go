package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity/oidc"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
)

// oidcRoutes mounts the OpenID provider: discovery, the op endpoints, the
// login and consent step, and logout.
func (s *Server) oidcRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /.well-known/openid-configuration", s.h(s.oidcDiscovery))
	for _, p := range []string{oidc.PathAuthorize, oidc.PathCallback, oidc.PathToken, oidc.PathUserinfo, oidc.PathRevoke, oidc.PathKeys} {
		mux.HandleFunc(p, s.oidcEndpoint)
	}
	mux.HandleFunc("GET "+oidc.PathLogin, s.h(s.oidcLoginPage))
	mux.HandleFunc("POST "+oidc.PathLogin, s.h(s.oidcLoginDecide))
	mux.HandleFunc("GET "+oidc.PathEndSession, s.h(s.oidcEndSession))
	mux.HandleFunc("POST "+oidc.PathEndSession, s.h(s.oidcEndSession))
	mux.HandleFunc("POST /oidc/logout", s.h(s.oidcLogoutConfirmed))
}

// oidcBypass lists the provider's endpoints that other sites' pages and
// programs call: they carry their own proof (client credentials, codes,
// tokens), so the same-origin check does not apply. The consent form
// (/oidc/login) and the logout confirmation (/oidc/logout) keep it.
var oidcBypass = []string{"POST " + oidc.PathAuthorize, "POST " + oidc.PathToken, "POST " + oidc.PathUserinfo,
	"POST " + oidc.PathRevoke, "POST " + oidc.PathEndSession}

func newSID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

var errNoOIDC = yiwang.Errorf(yiwang.ENOTFOUND, "本平台未开启统一身份认证")

func (s *Server) oidcDiscovery(w http.ResponseWriter, r *http.Request) error {
	if s.OIDC == nil {
		return errNoOIDC
	}
	// Browser apps read the discovery document from their own origin.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(w, http.StatusOK, s.OIDC.Discovery(r.Context()))
	return nil
}

// captureWriter holds back an error answer (status ≥ 400) so that it can
// be turned into a page for people or a standard OAuth answer.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(code int) {
	if code >= 400 {
		c.status = code
		return
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status >= 400 {
		return c.body.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// replay sends the held-back answer unchanged.
func (c *captureWriter) replay() {
	c.ResponseWriter.WriteHeader(c.status)
	_, _ = c.ResponseWriter.Write(c.body.Bytes())
}

// oidcEndpoint serves the op endpoints. An authorization request that
// cannot be answered at a verified redirect URI gets a Chinese page naming
// the OAuth error code; userinfo's refusals become RFC 6750 answers.
func (s *Server) oidcEndpoint(w http.ResponseWriter, r *http.Request) {
	if s.OIDC == nil {
		s.renderError(w, r, errNoOIDC)
		return
	}
	switch r.URL.Path {
	case oidc.PathAuthorize, oidc.PathCallback:
		if err := r.ParseForm(); err != nil {
			s.oidcErrorPage(w, r, zoidc.ErrInvalidRequest().WithDescription("cannot parse the request"))
			return
		}
		if r.URL.Path == oidc.PathAuthorize {
			q := r.Form
			if e := s.OIDC.CheckAuthorize(r.Context(), q.Get("client_id"), q.Get("redirect_uri"), q.Get("response_type")); e != nil {
				s.oidcErrorPage(w, r, e)
				return
			}
		} else if err := s.OIDC.CheckCallback(r.Context(), r.Form.Get("id"), s.Sessions.GetString(r.Context(), sessSID)); err != nil {
			s.oidcErrorPage(w, r, zoidc.ErrInvalidRequest().WithDescription("the request was not completed in this browser session"))
			return
		}
		cw := &captureWriter{ResponseWriter: w}
		s.OIDC.ServeHTTP(cw, r)
		if cw.status == 0 {
			return
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
			s.oidcErrorPage(w, r, zoidc.ErrInvalidRequest().WithDescription("%s", strings.TrimSpace(cw.body.String())))
			return
		}
		cw.replay()
	case oidc.PathUserinfo:
		cw := &captureWriter{ResponseWriter: w}
		s.OIDC.ServeHTTP(cw, r)
		switch {
		case cw.status == 0:
		case cw.status == http.StatusUnauthorized || cw.status == http.StatusForbidden:
			s.bearerError(w, r)
		default:
			cw.replay()
		}
	default:
		s.OIDC.ServeHTTP(w, r)
	}
}

// bearerError answers a userinfo request without a usable access token as
// RFC 6750 says: 401, WWW-Authenticate, and the error as JSON.
func (s *Server) bearerError(w http.ResponseWriter, r *http.Request) {
	code, desc := "invalid_token", "访问令牌无效、已过期或已吊销"
	header := `Bearer realm="yiwang", error="invalid_token"`
	if r.Header.Get("Authorization") == "" && r.FormValue("access_token") == "" {
		code, desc, header = "invalid_request", "缺少访问令牌", `Bearer realm="yiwang"`
	}
	w.Header().Set("WWW-Authenticate", header)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": code, "error_description": desc})
}

type oidcErrorView struct {
	Page
	Message     string
	Code        string // the OAuth error code, for the client's developers
	Description string
}

// oidcMessages explains OAuth errors shown as a page.
var oidcMessages = map[string]string{
	"invalid_client":  "请求登录的系统没有在本平台登记，或已被停用。请联系该系统的管理部门。",
	"redirect_uri":    "该系统提供的回调地址（redirect_uri）与在本平台登记的不一致。为保护您的账号，本平台不会跳转到这个地址。请联系该系统的管理部门。",
	"invalid_request": "登录请求不完整或格式不正确。请回到原来的系统重新点击登录；如果问题持续，请联系该系统的管理部门。",
}

// oidcErrorPage shows an authorization error that must not be sent to the
// client's redirect URI.
func (s *Server) oidcErrorPage(w http.ResponseWriter, r *http.Request, e *zoidc.Error) {
	code := string(e.ErrorType)
	status := http.StatusBadRequest
	if e.ErrorType == zoidc.ServerError {
		s.Log.Error("oidc authorize", "err", e.Error())
		status = http.StatusInternalServerError
	}
	msg, ok := oidcMessages[code]
	if strings.Contains(strings.ToLower(e.Description), "redirect_uri") {
		msg, ok = oidcMessages["redirect_uri"], true
	}
	if !ok {
		msg = "登录请求无法处理，请稍后回到原来的系统重新登录。"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	s.render(w, r, "oidc_error", &oidcErrorView{Page: s.page(r, "无法登录"), Message: msg, Code: code, Description: e.Description})
}

// sessionLogin returns how the person of the session logged in.
func (s *Server) sessionLogin(r *http.Request) oidc.Login {
	ctx := r.Context()
	l := oidc.Login{Actor: actorFrom(r), SID: s.Sessions.GetString(ctx, sessSID)}
	if amr, ok := s.Sessions.Get(ctx, sessAMR).([]string); ok {
		l.AMR = amr
	}
	if t := s.Sessions.GetInt64(ctx, sessAuthTime); t > 0 && l.SID != "" {
		l.AuthTime = time.UnixMilli(t).UTC()
	}
	return l
}

// oidcLoginURL is the login page for a client's kinds of user, coming back
// to next.
func oidcLoginURL(c oidc.Client, next string) string {
	page := "/login"
	if len(c.Kinds) == 1 {
		switch c.Kinds[0] {
		case yiwang.KindCitizen:
			page = "/login/citizen"
		case yiwang.KindEnterprise:
			page = "/login/enterprise"
		case yiwang.KindStaff:
			page = "/staff/login"
		}
	}
	return page + "?next=" + url.QueryEscape(next)
}

// oidcLoginPage is the provider's login step: it sends the person to log
// in when they have not (or not recently enough), checks that the client
// accepts their kind of user, asks for consent once per client and set of
// scopes, and hands the request back to the provider.
func (s *Server) oidcLoginPage(w http.ResponseWriter, r *http.Request) error {
	if s.OIDC == nil {
		return errNoOIDC
	}
	pend, err := s.OIDC.Pending(r.Context(), r.URL.Query().Get("id"))
	if err != nil {
		return err
	}
	return s.oidcProceed(w, r, pend, false)
}

// oidcLoginDecide takes the answer of the consent (or refusal) page.
func (s *Server) oidcLoginDecide(w http.ResponseWriter, r *http.Request) error {
	if s.OIDC == nil {
		return errNoOIDC
	}
	pend, err := s.OIDC.Pending(r.Context(), r.PostFormValue("id"))
	if err != nil {
		return err
	}
	switch r.PostFormValue("op") {
	case "allow":
		return s.oidcProceed(w, r, pend, true)
	case "deny":
		s.oidcDeny(w, r, pend, zoidc.ErrAccessDenied().WithDescription("the user did not allow the login"))
		return nil
	}
	return yiwang.Errorf(yiwang.EINVALID, "请点“同意”或“拒绝”")
}

type consentView struct {
	Page
	ID         string
	Client     oidc.Client
	Scopes     []oidc.ScopeText
	Who        string
	Enterprise string
	Refusal    string // set on the page that says this kind of user may not log in
	LoginAgain string
}

func (s *Server) oidcProceed(w http.ResponseWriter, r *http.Request, pend oidc.Pending, consented bool) error {
	ctx := r.Context()
	req := pend.Request
	l := s.sessionLogin(r)
	if l.Actor.Anonymous() || req.NeedsLogin(l.AuthTime) {
		if req.PromptNone() {
			s.oidcDeny(w, r, pend, zoidc.ErrLoginRequired())
			return nil
		}
		http.Redirect(w, r, oidcLoginURL(pend.Client, oidc.PathLogin+"?id="+url.QueryEscape(req.ID)), http.StatusSeeOther)
		return nil
	}
	v := &consentView{Page: s.page(r, "授权登录"), ID: req.ID, Client: pend.Client,
		Scopes: oidc.ScopeTexts(req.Scopes), Who: l.Actor.Name}
	if l.Actor.EnterpriseID != "" {
		v.Enterprise = s.Sessions.GetString(ctx, sessEnterpriseName)
	}
	if !pend.Client.Allows(oidc.KindOf(l.Actor)) {
		if req.PromptNone() {
			s.oidcDeny(w, r, pend, zoidc.ErrAccessDenied().WithDescription("this kind of user may not log in to the client"))
			return nil
		}
		v.Title, v.Refusal = "无法登录", oidc.RefusalMessage(pend.Client, l.Actor)
		v.LoginAgain = oidcLoginURL(pend.Client, oidc.PathLogin+"?id="+url.QueryEscape(req.ID))
		w.WriteHeader(http.StatusForbidden)
		s.render(w, r, "oidc_consent", v)
		return nil
	}
	if !consented {
		need, err := s.OIDC.NeedsConsent(ctx, pend, l.Actor.AccountID)
		if err != nil {
			return err
		}
		if need {
			if req.PromptNone() {
				s.oidcDeny(w, r, pend, &zoidc.Error{ErrorType: "consent_required", Description: "the user has not consented to these scopes"})
				return nil
			}
			s.render(w, r, "oidc_consent", v)
			return nil
		}
	}
	if _, err := s.OIDC.Complete(ctx, req.ID, l, consented); err != nil {
		return err
	}
	clients, _ := s.Sessions.Get(ctx, sessOIDCClients).([]string)
	if !slices.Contains(clients, req.ClientID) {
		s.Sessions.Put(ctx, sessOIDCClients, append(clients, req.ClientID))
	}
	s.oidcContinue(w, r, oidc.CallbackURL(req.ID), pend.Client.Name)
	return nil
}

type continueView struct {
	Page
	To     string
	Client string
}

// oidcContinue sends the browser on to a client (through the provider's
// callback, or straight to a verified redirect URI) with a page that
// refreshes at once, not a redirect: a login or consent form's redirects
// may not leave the site (CSP form-action 'self'), a fresh navigation may.
func (s *Server) oidcContinue(w http.ResponseWriter, r *http.Request, to, client string) {
	w.Header().Set("Refresh", "0; url="+to)
	s.render(w, r, "oidc_continue", &continueView{Page: s.page(r, "正在返回"), To: to, Client: client})
}

// oidcDeny answers a pending request with an OAuth error at the client's
// verified redirect URI, through the continue page.
func (s *Server) oidcDeny(w http.ResponseWriter, r *http.Request, pend oidc.Pending, e *zoidc.Error) {
	rc := &redirectCatcher{header: http.Header{}}
	s.OIDC.Deny(rc, r, pend.Request, e)
	if loc := rc.header.Get("Location"); rc.status/100 == 3 && loc != "" {
		s.oidcContinue(w, r, loc, pend.Client.Name)
		return
	}
	s.oidcErrorPage(w, r, zoidc.ErrServerError().WithDescription("%s", strings.TrimSpace(rc.body.String())))
}

// redirectCatcher records an answer instead of sending it.
type redirectCatcher struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *redirectCatcher) Header() http.Header         { return c.header }
func (c *redirectCatcher) WriteHeader(code int)        { c.status = code }
func (c *redirectCatcher) Write(b []byte) (int, error) { return c.body.Write(b) }

// logoutFrame is a client told of the logout by front-channel logout.
type logoutFrame struct {
	Name string
	URL  string
}

type loggedOutView struct {
	Page
	Frames   []logoutFrame
	Continue string
}

// endPlatformSession ends the session: it revokes every token issued in it,
// destroys it, and returns the front-channel logout frames of the clients
// that were logged in to through it.
func (s *Server) endPlatformSession(r *http.Request) ([]logoutFrame, error) {
	ctx := r.Context()
	sid := s.Sessions.GetString(ctx, sessSID)
	ids, _ := s.Sessions.Get(ctx, sessOIDCClients).([]string)
	var frames []logoutFrame
	if s.OIDC != nil {
		if err := s.OIDC.EndSession(ctx, sid); err != nil {
			return nil, err
		}
		clients, err := s.OIDC.Clients(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, c := range clients {
			if u := s.OIDC.FrontChannelLogoutURL(c, sid); u != "" {
				frames = append(frames, logoutFrame{Name: c.Name, URL: u})
			}
		}
	}
	if err := s.Sessions.Destroy(ctx); err != nil {
		return nil, err
	}
	return frames, nil
}

// loggedOut sends the browser on to next, or first shows the page whose
// hidden frames tell each client of the logout.
func (s *Server) loggedOut(w http.ResponseWriter, r *http.Request, frames []logoutFrame, next string) {
	if len(frames) == 0 && strings.HasPrefix(next, "/") {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if len(frames) == 0 { // a client's post-logout address, maybe after the confirmation form
		s.oidcContinue(w, r, next, "")
		return
	}
	var origins []string
	for _, f := range frames {
		if u, err := url.Parse(f.URL); err == nil && !slices.Contains(origins, u.Scheme+"://"+u.Host) {
			origins = append(origins, u.Scheme+"://"+u.Host)
		}
	}
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"frame-src "+strings.Join(origins, " ")+"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	s.render(w, r, "oidc_logout", &loggedOutView{Page: s.page(r, "已退出登录"), Frames: frames, Continue: next})
}

type endSessionView struct {
	Page
	Client      string
	ClientID    string
	PostLogout  string
	State       string
	Description string
}

// oidcEndSession is RP-initiated logout. With an id_token_hint of the
// person logged in here, it ends the platform session at once; without
// one, a logged-in person is asked first (another site must not be able to
// log them out unasked).
func (s *Server) oidcEndSession(w http.ResponseWriter, r *http.Request) error {
	if s.OIDC == nil {
		return errNoOIDC
	}
	v, err := s.OIDC.ValidateEndSession(r)
	if err != nil {
		s.oidcErrorPage(w, r, zoidc.DefaultToServerError(err, "end_session"))
		return nil
	}
	actor := actorFrom(r)
	if actor.Anonymous() {
		// Nothing to end here; the hint's tokens still go.
		if err := s.OIDC.EndSession(r.Context(), v.SID); err != nil {
			return err
		}
		http.Redirect(w, r, v.RedirectURI, http.StatusSeeOther)
		return nil
	}
	if v.Subject != "" && s.hintMatches(r, v) {
		frames, err := s.endPlatformSession(r)
		if err != nil {
			return err
		}
		s.loggedOut(w, r, frames, v.RedirectURI)
		return nil
	}
	view := &endSessionView{Page: s.page(r, "退出登录"), ClientID: v.ClientID,
		PostLogout: r.FormValue("post_logout_redirect_uri"), State: r.FormValue("state")}
	if cs, err := s.OIDC.Clients(r.Context(), []string{v.ClientID}); err == nil && len(cs) == 1 {
		view.Client = cs[0].Name
	}
	s.render(w, r, "oidc_end_session", view)
	return nil
}

// hintMatches reports whether the id_token_hint of an end_session request
// was issued to the person logged in to this session.
func (s *Server) hintMatches(r *http.Request, v oidc.EndSessionRequest) bool {
	sid := s.Sessions.GetString(r.Context(), sessSID)
	if v.SID != "" && v.SID != sid {
		return false
	}
	cs, err := s.OIDC.Clients(r.Context(), []string{v.ClientID})
	if err != nil || len(cs) != 1 {
		return false
	}
	return s.OIDC.Subject(cs[0], actorFrom(r).AccountID) == v.Subject
}

// oidcLogoutConfirmed ends the session after the person confirmed an
// RP-initiated logout, and goes on to the client's post-logout address
// (checked again).
func (s *Server) oidcLogoutConfirmed(w http.ResponseWriter, r *http.Request) error {
	if s.OIDC == nil {
		return errNoOIDC
	}
	r.Form.Del("id_token_hint")
	v, err := s.OIDC.ValidateEndSession(r)
	if err != nil {
		s.oidcErrorPage(w, r, zoidc.DefaultToServerError(err, "end_session"))
		return nil
	}
	frames, err := s.endPlatformSession(r)
	if err != nil {
		return err
	}
	s.loggedOut(w, r, frames, v.RedirectURI)
	return nil
}
