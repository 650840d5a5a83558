package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
	"golang.org/x/oauth2"
)

// oidcSetup is a running platform with four registered clients.
type oidcSetup struct {
	ts                 *testServer
	admin              *client
	full, pairwise     *rp // confidential: citizen+enterprise with every scope; pairwise with profile only
	public, staff      *rp // public (PKCE, no secret); staff only
	fullID, fullSecret string
	zhang              string // 张三's account ID
}

const rpBase = "http://127.0.0.1:9"

func newOIDCSetup(t *testing.T, engine string, opts ...func(*serveConfig)) *oidcSetup {
	ts := startServer(t, engine, opts...)
	s := &oidcSetup{ts: ts, admin: ts.client()}
	ts.staffLogin(s.admin, "admin", demo.StaffPassword)
	s.fullID, s.fullSecret = registerClient(t, s.admin, `{"name":"不动产登记系统","redirect_uris":["`+rpBase+`/full/cb"],
		"post_logout_redirect_uris":["`+rpBase+`/full/bye"],"frontchannel_logout_uri":"`+rpBase+`/full/fc",
		"scopes":["profile","phone","idcard","enterprise","offline_access"],"kinds":["citizen","enterprise"]}`)
	s.full = newRP(t, ts, s.fullID, s.fullSecret, rpBase+"/full/cb", "profile")
	id, secret := registerClient(t, s.admin, `{"name":"社保查询系统","redirect_uris":["`+rpBase+`/pw/cb"],
		"scopes":["profile"],"kinds":["citizen"],"pairwise":true}`)
	s.pairwise = newRP(t, ts, id, secret, rpBase+"/pw/cb", "profile")
	id, secret = registerClient(t, s.admin, `{"name":"掌上办","public":true,"redirect_uris":["`+rpBase+`/pub/cb"],
		"scopes":["profile"],"kinds":["citizen"]}`)
	if secret != "" {
		t.Fatalf("public client got a secret")
	}
	s.public = newRP(t, ts, id, "", rpBase+"/pub/cb", "profile")
	id, secret = registerClient(t, s.admin, `{"name":"协同办公系统","redirect_uris":["`+rpBase+`/staff/cb"],
		"scopes":["profile","staff"],"kinds":["staff"]}`)
	s.staff = newRP(t, ts, id, secret, rpBase+"/staff/cb", "profile", "staff")
	a, err := ts.app.db.CitizenByMobile(context.Background(), demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	s.zhang = a.ID
	return s
}

// citizenCode logs 张三 (with his password) in to r from a fresh browser
// c, agreeing on the consent page, and returns the code and the flow.
func (s *oidcSetup) citizenCode(t *testing.T, c *client, r *rp, opts ...oauth2.AuthCodeOption) (string, *flow) {
	t.Helper()
	f := r.begin(t, c, opts...)
	p, _ := walk(t, c, f.login)
	next := passwordLogin(t, c, p, demo.People[0].Mobile)
	p, ext := walk(t, c, next)
	if ext != "" { // agreed before: straight back to the client
		return r.answer(t, f, ext).Get("code"), f
	}
	return r.code(t, c, f, consent(t, c, p)), f
}

func (s *oidcSetup) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := s.ts.app.db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOIDCProvider(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			s := newOIDCSetup(t, engine)
			t.Run("citizen code flow with PKCE, userinfo, refresh rotation", func(t *testing.T) { oidcCitizen(t, s) })
			t.Run("single sign-on and pairwise subjects", func(t *testing.T) { oidcSSO(t, s) })
			t.Run("full ID number only when allowed, real-name 2 and audited", func(t *testing.T) { oidcIDCard(t, s) })
			t.Run("enterprise and staff claims", func(t *testing.T) { oidcEnterpriseStaff(t, s) })
			t.Run("refusals", func(t *testing.T) { oidcRefusals(t, s) })
			t.Run("single logout", func(t *testing.T) { oidcLogout(t, s) })
		})
	}
}

func oidcCitizen(t *testing.T, s *oidcSetup) {
	c := s.ts.client()
	code, f := s.citizenCode(t, c, s.full, oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("scope", "openid profile offline_access"))
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	idt, cl := s.full.verify(t, tok, f)
	if idt.Issuer != s.ts.URL || cl.Sub != s.zhang || cl.Name != "张三" || cl.ACR != "2" ||
		!slices.Equal(cl.AMR, []string{"pwd"}) || cl.UserType != "citizen" || cl.SID == "" ||
		cl.IDMasked != "340504********"+demo.People[0].IDCard[14:] || cl.PhoneMasked != "138****0001" {
		t.Fatalf("ID token claims: %+v", cl)
	}
	if cl.IDNumber != "" || cl.Phone != "" {
		t.Fatalf("claims beyond the scopes asked: %+v", cl)
	}
	if time.Since(time.Unix(cl.AuthTime, 0)) > time.Minute {
		t.Fatalf("auth_time %d", cl.AuthTime)
	}
	ui, err := s.full.prov.UserInfo(s.full.ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatal(err)
	}
	var uc idClaims
	if err := ui.Claims(&uc); err != nil || uc.Sub != s.zhang || uc.Name != "张三" || uc.IDMasked == "" {
		t.Fatalf("userinfo: %+v %v", uc, err)
	}

	// Refresh rotates: the new refresh token works once, the old one never again.
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	next, err := s.full.conf.TokenSource(s.full.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == "" || next.RefreshToken == tok.RefreshToken || next.AccessToken == tok.AccessToken {
		t.Fatal("refresh did not rotate")
	}
	_, rcl := s.full.verify(t, next, nil)
	if rcl.Sub != s.zhang || !slices.Equal(rcl.AMR, []string{"pwd"}) || rcl.ACR != "2" {
		t.Fatalf("refreshed ID token: %+v", rcl)
	}
	if st, _, _ := userinfo(t, s.ts, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("access token of a rotated refresh token still works: %d", st)
	}
	if st, _, _ := userinfo(t, s.ts, next.AccessToken); st != http.StatusOK {
		t.Fatalf("new access token: %d", st)
	}
	_, err = s.full.conf.TokenSource(s.full.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if oauthCode(err) != "invalid_grant" {
		t.Fatalf("reused refresh token: %v", err)
	}
	// Reuse revokes the whole grant: the rotated-to token too.
	_, err = s.full.conf.TokenSource(s.full.ctx, &oauth2.Token{RefreshToken: next.RefreshToken}).Token()
	if oauthCode(err) != "invalid_grant" {
		t.Fatalf("refresh token of a grant whose token was reused: %v", err)
	}
	if st, _, _ := userinfo(t, s.ts, next.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("access token of a revoked grant: %d", st)
	}
	if s.auditCount(t, "oidc.refresh_reuse") != 1 {
		t.Fatal("reuse not audited")
	}

	// A one-time code login records amr otp.
	c2 := s.ts.client()
	f = s.pairwise.begin(t, c2)
	p, _ := walk(t, c2, f.login)
	mobile := demo.People[1].Mobile
	if r := c2.post("/login/citizen", url.Values{"mobile": {mobile}, "op": {"send"}, "next": {loginNext(t, p)}}); r.Status != http.StatusOK {
		t.Fatalf("send code: %d %s", r.Status, r.Doc.Find(".error-summary").Text())
	}
	r := c2.post("/login/citizen", url.Values{"mobile": {mobile}, "code": {c2.lastCode(mobile)}, "op": {"login"}, "next": {loginNext(t, p)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("code login: %d %s", r.Status, r.Doc.Find(".error-summary").Text())
	}
	p, _ = walk(t, c2, r.Location)
	tok, err = s.pairwise.exchange(s.pairwise.code(t, c2, f, consent(t, c2, p)), f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, cl = s.pairwise.verify(t, tok, f); !slices.Equal(cl.AMR, []string{"otp"}) || cl.Name != "王五" {
		t.Fatalf("code login claims: %+v", cl)
	}
}

func oidcSSO(t *testing.T, s *oidcSetup) {
	c := s.ts.client()
	code, f := s.citizenCode(t, c, s.full)
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, first := s.full.verify(t, tok, f)

	// The second system: no login asked (the session is shared), consent once.
	f2 := s.pairwise.begin(t, c)
	p, ext := walk(t, c, f2.login)
	if ext != "" || p.Doc.Find("#allow").Length() != 1 || !strings.Contains(p.Doc.Find("#client-name").Text(), "社保查询系统") {
		t.Fatalf("second client: want its consent page, got %d %q %s", p.Status, ext, p.Doc.Find("main").Text())
	}
	checkPage(t, "consent", p)
	tok2, err := s.pairwise.exchange(s.pairwise.code(t, c, f2, consent(t, c, p)), f2.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, second := s.pairwise.verify(t, tok2, f2)
	if second.Sub == s.zhang || len(second.Sub) < 32 || second.Name != "张三" || second.SID != first.SID {
		t.Fatalf("pairwise claims: %+v (public sub %s, sid %s)", second, s.zhang, first.SID)
	}
	// Again: neither login nor consent; the pairwise subject is stable.
	f3 := s.pairwise.begin(t, c)
	_, ext = walk(t, c, f3.login)
	q := s.pairwise.answer(t, f3, ext)
	tok3, err := s.pairwise.exchange(q.Get("code"), f3.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, third := s.pairwise.verify(t, tok3, f3); third.Sub != second.Sub {
		t.Fatalf("pairwise sub changed: %s then %s", second.Sub, third.Sub)
	}
	// prompt=consent asks again.
	f4 := s.pairwise.begin(t, c, oauth2.SetAuthURLParam("prompt", "consent"))
	if p, _ = walk(t, c, f4.login); p.Doc.Find("#allow").Length() != 1 {
		t.Fatal("prompt=consent did not ask")
	}
	// prompt=login sends the person to log in again.
	f5 := s.pairwise.begin(t, c, oauth2.SetAuthURLParam("prompt", "login"))
	if p, _ = walk(t, c, f5.login); !strings.HasPrefix(loginNext(t, p), "/oidc/login?id=") {
		t.Fatal("prompt=login did not ask to log in")
	}
	// The public client: PKCE instead of a secret.
	code, f = s.citizenCode(t, s.ts.client(), s.public)
	if tok, err = s.public.exchange(code, f.verifier); err != nil {
		t.Fatal(err)
	}
	if _, cl := s.public.verify(t, tok, f); cl.Sub != s.zhang {
		t.Fatalf("public client claims: %+v", cl)
	}
}

func oidcIDCard(t *testing.T, s *oidcSetup) {
	before := s.auditCount(t, "oidc.idcard_release")
	c := s.ts.client()
	code, f := s.citizenCode(t, c, s.full, oauth2.SetAuthURLParam("scope", "openid profile idcard phone"))
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, cl := s.full.verify(t, tok, f); cl.IDNumber != demo.People[0].IDCard || cl.Phone != demo.People[0].Mobile {
		t.Fatalf("idcard and phone scopes: %+v", cl)
	}
	st, _, ui := userinfo(t, s.ts, tok.AccessToken)
	if st != http.StatusOK || ui["id_number"] != demo.People[0].IDCard {
		t.Fatalf("userinfo with idcard: %d %v", st, ui)
	}
	if n := s.auditCount(t, "oidc.idcard_release"); n != before+2 {
		t.Fatalf("ID number releases audited: %d, want %d (ID token and userinfo)", n-before, 2)
	}

	// A client not allowed idcard asking for it: the scope is dropped.
	code, f = s.citizenCode(t, s.ts.client(), s.pairwise, oauth2.SetAuthURLParam("scope", "openid profile idcard"))
	tok, err = s.pairwise.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if scope, _ := tok.Extra("scope").(string); strings.Contains(scope, "idcard") {
		t.Fatalf("granted scope %q", scope)
	}
	if _, cl := s.pairwise.verify(t, tok, f); cl.IDNumber != "" {
		t.Fatal("ID number given to a client not allowed idcard")
	}

	// Real-name level 1: no ID number even with the scope.
	if _, err := s.ts.app.db.SQL().Exec(`UPDATE accounts SET realname_level = 1 WHERE id = $1`, s.zhang); err != nil {
		t.Fatal(err)
	}
	defer s.ts.app.db.SQL().Exec(`UPDATE accounts SET realname_level = 2 WHERE id = $1`, s.zhang)
	code, f = s.citizenCode(t, s.ts.client(), s.full, oauth2.SetAuthURLParam("scope", "openid profile idcard"))
	tok, err = s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, cl := s.full.verify(t, tok, f); cl.IDNumber != "" || cl.ACR != "1" {
		t.Fatalf("level 1: %+v", cl)
	}
	if st, _, ui := userinfo(t, s.ts, tok.AccessToken); st != http.StatusOK || ui["id_number"] != nil {
		t.Fatalf("level 1 userinfo: %v", ui)
	}
	if n := s.auditCount(t, "oidc.idcard_release"); n != before+2 {
		t.Fatalf("releases audited %d, want 2", n-before)
	}
}

func oidcEnterpriseStaff(t *testing.T, s *oidcSetup) {
	// 张三 acting for his business.
	c := s.ts.client()
	f := s.full.begin(t, c, oauth2.SetAuthURLParam("scope", "openid profile enterprise"))
	r := c.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {demo.People[0].Mobile},
		"password": {demo.CitizenPassword}, "op": {"login"}, "next": {f.login}})
	if r.Status != http.StatusSeeOther || r.Location != f.login {
		t.Fatalf("enterprise login: %d %q %s", r.Status, r.Location, r.Doc.Find(".error-summary").Text())
	}
	p, _ := walk(t, c, f.login)
	tok, err := s.full.exchange(s.full.code(t, c, f, consent(t, c, p)), f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, cl := s.full.verify(t, tok, f)
	if cl.UserType != "enterprise" || cl.Enterprise == nil || cl.Enterprise.CreditCode != demo.EnterpriseCode() ||
		cl.Enterprise.Role != "legal_rep" || cl.Enterprise.Name != demo.Enterprise.Name {
		t.Fatalf("enterprise claims: %+v %+v", cl, cl.Enterprise)
	}

	// A staff member: password and TOTP, org and roles.
	c = s.ts.client()
	s.ts.staffLogin(c, "officer", demo.StaffPassword)
	f = s.staff.begin(t, c)
	p, _ = walk(t, c, f.login)
	tok, err = s.staff.exchange(s.staff.code(t, c, f, consent(t, c, p)), f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, cl = s.staff.verify(t, tok, f)
	if cl.UserType != "staff" || !slices.Equal(cl.AMR, []string{"pwd", "totp"}) || cl.Username != "officer" || cl.ACR != "0" ||
		cl.Staff == nil || cl.Staff.OrgName != "雨山区市场监督管理局" || !slices.Equal(cl.Staff.Roles, []string{"case_officer"}) {
		t.Fatalf("staff claims: %+v %+v", cl, cl.Staff)
	}
	// Staff may not log in to a citizens' system: a page says so, and
	// 返回 answers the client access_denied.
	f = s.full.begin(t, c)
	p, _ = walk(t, c, f.login)
	if p.Status != http.StatusForbidden || !strings.Contains(p.Doc.Find("#oidc-refusal").Text(), "只接受个人用户、法人（企业经办）登录") {
		t.Fatalf("staff at a citizens' client: %d %s", p.Status, p.Doc.Find("main").Text())
	}
	id, _ := p.Doc.Find(`input[name="id"]`).Attr("value")
	r = c.post("/oidc/login", url.Values{"id": {id}, "op": {"deny"}})
	to, _ := sentTo(r)
	if q := s.full.answer(t, f, to); q.Get("error") != "access_denied" {
		t.Fatalf("deny: %v", q)
	}
}

func oidcRefusals(t *testing.T, s *oidcSetup) {
	ts := s.ts
	c := ts.client()
	noRedirect := func(name, path, code string) {
		t.Helper()
		p := c.get(path)
		if p.Status != http.StatusBadRequest || p.Location != "" || p.Doc.Find("#oauth-error").Text() != code ||
			!strings.Contains(p.Doc.Find("#oidc-message").Text(), "请") {
			t.Fatalf("%s: want a page with %s, got %d %q %s", name, code, p.Status, p.Location, p.Doc.Find("main").Text())
		}
	}
	good := url.Values{"client_id": {s.fullID}, "redirect_uri": {rpBase + "/full/cb"}, "response_type": {"code"},
		"scope": {"openid"}, "code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}
	with := func(k, v string) string {
		q := url.Values{}
		for kk, vv := range good {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return "/oidc/authorize?" + q.Encode()
	}
	noRedirect("unknown client", with("client_id", "yw-nobody"), "invalid_client")
	noRedirect("no client", with("client_id", ""), "invalid_request")
	noRedirect("unregistered redirect", with("redirect_uri", "https://evil.example/cb"), "invalid_request")
	noRedirect("redirect with extra path", with("redirect_uri", rpBase+"/full/cb/../evil"), "invalid_request")
	noRedirect("no redirect", with("redirect_uri", ""), "invalid_request")
	// The implicit flow is not offered; to an http address it is not even answered there.
	noRedirect("implicit", with("response_type", "id_token"), "invalid_request")
	noRedirect("bad callback", "/oidc/authorize/callback?id=nope", "invalid_request")
	if p := c.get("/oidc/login?id=nope"); p.Status != http.StatusNotFound || !strings.Contains(p.Doc.Find("main").Text(), "登录请求不存在或已过期") {
		t.Fatalf("unknown login step: %d", p.Status)
	}
	// Errors about a request from a known client at a registered address
	// go back to it, with the standard codes.
	redirected := func(name, path, code string) {
		t.Helper()
		p, ext := walk(t, c, path)
		u, _ := url.Parse(ext)
		q := u.Query()
		if u.Fragment != "" { // response_mode=fragment asked for it there
			q, _ = url.ParseQuery(u.Fragment)
		}
		if !strings.HasPrefix(ext, rpBase+"/") || q.Get("error") != code {
			t.Fatalf("%s: want a redirect with %s, got %d %q", name, code, p.Status, ext)
		}
	}
	redirected("no openid", with("scope", "profile"), "invalid_scope")
	redirected("fragment response mode", with("response_mode", "fragment"), "invalid_request")
	redirected("plain PKCE", with("code_challenge_method", "plain"), "invalid_request")
	redirected("prompt=none without a session", with("prompt", "none"), "login_required")
	pub := url.Values{"client_id": {s.public.id}, "redirect_uri": {rpBase + "/pub/cb"}, "response_type": {"code"}, "scope": {"openid"}}
	redirected("public client without PKCE", "/oidc/authorize?"+pub.Encode(), "invalid_request")

	// The callback hands out the code only to the browser session that
	// logged in: another party that knows the request ID (it started it,
	// with its own PKCE verifier) gets a page and no code.
	victim := ts.client()
	fv := s.public.begin(t, victim)
	lp, _ := walk(t, victim, fv.login)
	step := victim.get(passwordLogin(t, victim, lp, demo.People[0].Mobile))
	callback, ok := sentTo(step)
	if !ok {
		callback = consent(t, victim, step)
	}
	if p := ts.client().get(callback); p.Status != http.StatusBadRequest || p.Location != "" || p.Doc.Find("#oauth-error").Text() != "invalid_request" {
		t.Fatalf("callback from another session: %d %q", p.Status, p.Location)
	}
	if code := s.public.code(t, victim, fv, callback); code == "" {
		t.Fatal("no code for the person who logged in")
	}

	// The token endpoint.
	code, f := s.citizenCode(t, ts.client(), s.full)
	if _, err := s.full.exchange(code, "wrong-verifier-"+f.verifier[15:]); oauthCode(err) != "invalid_grant" {
		t.Fatalf("wrong PKCE verifier: %v", err)
	}
	code, f = s.citizenCode(t, ts.client(), s.full)
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.full.exchange(code, f.verifier); oauthCode(err) != "invalid_grant" {
		t.Fatalf("replayed code: %v", err)
	}
	if st, h, body := userinfo(t, ts, tok.AccessToken); st != http.StatusUnauthorized || body["error"] != "invalid_token" ||
		!strings.Contains(h.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("tokens of a replayed code still work: %d %v", st, body)
	}
	code, f = s.citizenCode(t, ts.client(), s.full)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {rpBase + "/full/cb"}, "code_verifier": {f.verifier}}
	if st, body := tokenPost(t, ts, "/oidc/token", form, s.fullID, "yws_wrong"); st != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", st, body)
	}
	code, f = s.citizenCode(t, ts.client(), s.full)
	form.Set("code", code)
	form.Set("code_verifier", f.verifier)
	form.Set("redirect_uri", rpBase+"/pw/cb")
	if st, body := tokenPost(t, ts, "/oidc/token", form, s.fullID, s.fullSecret); st != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Fatalf("redirect_uri differing at the token endpoint: %d %v", st, body)
	}
	for name, tc := range map[string]struct {
		form url.Values
		code string
	}{
		"no grant_type":    {url.Values{"code": {"x"}}, "invalid_request"},
		"unknown grant":    {url.Values{"grant_type": {"password"}}, "unsupported_grant_type"},
		"no code":          {url.Values{"grant_type": {"authorization_code"}}, "invalid_request"},
		"made-up code":     {url.Values{"grant_type": {"authorization_code"}, "code": {"abc"}}, "invalid_grant"},
		"no refresh token": {url.Values{"grant_type": {"refresh_token"}}, "invalid_request"},
	} {
		if st, body := tokenPost(t, ts, "/oidc/token", tc.form, s.fullID, s.fullSecret); st/100 != 4 || body["error"] != tc.code {
			t.Fatalf("%s: %d %v, want %s", name, st, body, tc.code)
		}
	}
	if st, body := tokenPost(t, ts, "/oidc/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"abc"},
		"client_id": {"yw-nobody"}}, "", ""); st != http.StatusUnauthorized || body["error"] != "invalid_client" {
		t.Fatalf("unknown client at the token endpoint: %d %v", st, body)
	}

	// Tampered tokens.
	code, f = s.citizenCode(t, ts.client(), s.full)
	if tok, err = s.full.exchange(code, f.verifier); err != nil {
		t.Fatal(err)
	}
	raw := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	payload := []byte(parts[1])
	payload[10] ^= 1
	for name, bad := range map[string]string{
		"payload":   parts[0] + "." + string(payload) + "." + parts[2],
		"signature": parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA",
		"alg none":  "eyJhbGciOiJub25lIn0." + parts[1] + ".",
	} {
		if _, err := s.full.verifier.Verify(s.full.ctx, bad); err == nil {
			t.Fatalf("tampered ID token (%s) verified", name)
		}
	}
	at := []byte(tok.AccessToken)
	at[len(at)/2] ^= 1
	if st, _, body := userinfo(t, ts, string(at)); st != http.StatusUnauthorized || body["error"] != "invalid_token" {
		t.Fatalf("tampered access token: %d %v", st, body)
	}
	if st, _, body := userinfo(t, ts, ""); st != http.StatusUnauthorized || body["error"] == nil {
		t.Fatalf("no access token: %d %v", st, body)
	}
	// Revocation (RFC 7009).
	if st, _ := tokenPost(t, ts, "/oidc/revoke", url.Values{"token": {tok.AccessToken}}, s.fullID, s.fullSecret); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	if st, _, _ := userinfo(t, ts, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatal("revoked access token still works")
	}

	// A disabled client can no longer start a login.
	if _, err := ts.app.db.SQL().Exec(`UPDATE oidc_clients SET enabled = $1 WHERE id = $2`, false, s.public.id); err != nil {
		t.Fatal(err)
	}
	defer ts.app.db.SQL().Exec(`UPDATE oidc_clients SET enabled = $1 WHERE id = $2`, true, s.public.id)
	pub.Set("code_challenge", good.Get("code_challenge"))
	pub.Set("code_challenge_method", "S256")
	noRedirect("disabled client", "/oidc/authorize?"+pub.Encode(), "invalid_client")
}

func oidcLogout(t *testing.T, s *oidcSetup) {
	ts := s.ts
	c := ts.client()
	code, f := s.citizenCode(t, c, s.full, oauth2.SetAuthURLParam("scope", "openid profile offline_access"))
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	_, cl := s.full.verify(t, tok, f)
	raw := tok.Extra("id_token").(string)
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}

	// An unregistered post-logout address is refused, and nothing ends.
	q := url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {"https://evil.example/"}}
	if p := c.get("/oidc/end_session?" + q.Encode()); p.Status != http.StatusBadRequest || p.Location != "" ||
		p.Doc.Find("#oauth-error").Text() != "invalid_request" {
		t.Fatalf("bad post_logout_redirect_uri: %d %q", p.Status, p.Location)
	}
	// Without a hint, the person is asked.
	if p := c.get("/oidc/end_session?client_id=" + s.fullID); p.Status != http.StatusOK || p.Doc.Find("#confirm-logout").Length() != 1 {
		t.Fatalf("end_session without hint: %d", p.Status)
	}
	if p := c.get("/account"); p.Status != http.StatusOK {
		t.Fatalf("session ended before logout: %d", p.Status)
	}
	q = url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {rpBase + "/full/bye"}, "state": {"s1"}}
	p := c.get("/oidc/end_session?" + q.Encode())
	src, _ := p.Doc.Find("iframe").Attr("src")
	fc, _ := url.Parse(src)
	if p.Status != http.StatusOK || fc == nil || !strings.HasPrefix(src, rpBase+"/full/fc?") ||
		fc.Query().Get("iss") != ts.URL || fc.Query().Get("sid") != cl.SID {
		t.Fatalf("logged-out page: %d frame %q (sid %s)", p.Status, src, cl.SID)
	}
	checkPage(t, "logged out", p)
	if href, _ := p.Doc.Find("#continue").Attr("href"); href != rpBase+"/full/bye?state=s1" {
		t.Fatalf("continue to %q", href)
	}
	if !strings.Contains(p.Header.Get("Content-Security-Policy"), "frame-src "+rpBase) {
		t.Fatalf("CSP does not allow the frame: %s", p.Header.Get("Content-Security-Policy"))
	}
	if p := c.get("/account"); p.Status != http.StatusSeeOther {
		t.Fatalf("session still alive after logout: %d", p.Status)
	}
	if st, _, _ := userinfo(t, ts, tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatal("tokens of the ended session still work")
	}
	if _, err := s.full.conf.TokenSource(s.full.ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); oauthCode(err) != "invalid_grant" {
		t.Fatalf("refresh token of the ended session: %v", err)
	}
	// Logging out on the portal tells the clients too.
	c = ts.client()
	code, f = s.citizenCode(t, c, s.full)
	if _, err := s.full.exchange(code, f.verifier); err != nil {
		t.Fatal(err)
	}
	p = c.post("/logout", url.Values{})
	if src, _ := p.Doc.Find("iframe").Attr("src"); p.Status != http.StatusOK || !strings.HasPrefix(src, rpBase+"/full/fc?") {
		t.Fatalf("portal logout: %d %q", p.Status, src)
	}
}

// TestOIDCAccessTokenExpiry runs a provider whose access tokens live a second.
func TestOIDCAccessTokenExpiry(t *testing.T) {
	s := newOIDCSetup(t, sqlstore.SQLite, func(c *serveConfig) { c.sso.AccessTokenTTL = time.Second })
	code, f := s.citizenCode(t, s.ts.client(), s.full)
	tok, err := s.full.exchange(code, f.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := userinfo(t, s.ts, tok.AccessToken); st != http.StatusOK {
		t.Fatalf("fresh token: %d", st)
	}
	time.Sleep(1200 * time.Millisecond)
	if st, h, body := userinfo(t, s.ts, tok.AccessToken); st != http.StatusUnauthorized || body["error"] != "invalid_token" ||
		h.Get("WWW-Authenticate") == "" {
		t.Fatalf("expired token: %d %v", st, body)
	}
}

func TestOIDCClientAdmin(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	admin := ts.client()
	ts.staffLogin(admin, "admin", demo.StaffPassword)
	officer := ts.client()
	ts.staffLogin(officer, "officer", demo.StaffPassword)
	citizen := ts.client()
	if p := citizen.post("/login/citizen", url.Values{"mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword},
		"with": {"password"}, "op": {"login"}}); p.Status != http.StatusSeeOther {
		t.Fatal("citizen login")
	}
	form := url.Values{"name": {"公积金系统"}, "type": {"confidential"}, "redirect_uris": {"https://gjj.example.gov.cn/cb\n"},
		"scopes": {"profile", "phone"}, "kinds": {"citizen"}}
	audits := ts.count("audit_log")

	for name, c := range map[string]*client{"officer": officer, "citizen": citizen, "anonymous": ts.client()} {
		if p := c.get("/admin/oidc-clients"); p.Status != http.StatusForbidden && p.Status != http.StatusSeeOther {
			t.Fatalf("%s sees the client list: %d", name, p.Status)
		}
		if p := c.post("/admin/oidc-clients", form); p.Status != http.StatusForbidden && p.Status != http.StatusUnauthorized {
			t.Fatalf("%s registered a client: %d", name, p.Status)
		}
		if p := c.api(http.MethodPost, "/api/v1/oidc-clients", `{"name":"x","redirect_uris":["https://x.example/cb"],"kinds":["citizen"]}`, ""); p.Status != http.StatusForbidden && p.Status != http.StatusUnauthorized {
			t.Fatalf("%s registered a client by API: %d", name, p.Status)
		}
	}
	for name, tc := range map[string]struct {
		edit  func(url.Values)
		field string
		text  string
	}{
		"http redirect":  {func(v url.Values) { v.Set("redirect_uris", "http://gjj.example.gov.cn/cb") }, "redirect_uris", "只能使用 https 地址"},
		"fragment":       {func(v url.Values) { v.Set("redirect_uris", "https://gjj.example.gov.cn/cb#x") }, "redirect_uris", "片段"},
		"wildcard":       {func(v url.Values) { v.Set("redirect_uris", "https://*.example.gov.cn/cb") }, "redirect_uris", "通配符"},
		"relative":       {func(v url.Values) { v.Set("redirect_uris", "/cb") }, "redirect_uris", "完整的网址"},
		"none":           {func(v url.Values) { v.Set("redirect_uris", " ") }, "redirect_uris", "至少填写一个"},
		"no name":        {func(v url.Values) { v.Set("name", "") }, "name", "系统名称"},
		"no kind":        {func(v url.Values) { v.Del("kinds") }, "kinds", "至少选择一类"},
		"unknown scope":  {func(v url.Values) { v["scopes"] = []string{"email"} }, "scopes", "不支持的授权范围"},
		"bad logout uri": {func(v url.Values) { v.Set("post_logout_redirect_uris", "ftp://x/") }, "post_logout_redirect_uris", "https"},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		tc.edit(f)
		p := admin.post("/admin/oidc-clients", f)
		msg := p.Doc.Find(".error-summary a[href='#f-" + tc.field + "']").Text()
		if p.Status != http.StatusBadRequest || !strings.Contains(msg, tc.text) {
			t.Fatalf("%s: %d %q", name, p.Status, p.Doc.Find(".error-summary").Text())
		}
	}
	if p := admin.api(http.MethodPost, "/api/v1/oidc-clients", `{"name":"x","redirect_uris":["http://x.example/cb"],"kinds":["citizen"]}`, ""); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `"redirect_uris"`) || !strings.Contains(p.Body, "EINVALID") {
		t.Fatalf("bad API input: %d %s", p.Status, p.Body)
	}
	if p := admin.api(http.MethodPost, "/api/v1/oidc-clients", `{"name":"x","bogus":1}`, ""); p.Status != http.StatusBadRequest {
		t.Fatalf("unknown JSON field: %d", p.Status)
	}
	if n := ts.count("oidc_clients"); n != 0 {
		t.Fatalf("refused input stored %d clients", n)
	}
	if n := ts.count("audit_log"); n != audits {
		t.Fatalf("refused input wrote %d audit entries", n-audits)
	}

	p := admin.post("/admin/oidc-clients", form)
	secret := strings.TrimSpace(p.Doc.Find("#new-secret").Text())
	id := strings.TrimSpace(p.Doc.Find("#new-client-id").Text())
	if p.Status != http.StatusOK || !strings.HasPrefix(secret, "yws_") || id == "" {
		t.Fatalf("register: %d %s", p.Status, p.Doc.Find("main").Text())
	}
	var stored string
	if err := ts.app.db.SQL().QueryRow(`SELECT secret_hash FROM oidc_clients WHERE id = $1`, id).Scan(&stored); err != nil ||
		stored == secret || strings.Contains(stored, secret[4:]) {
		t.Fatalf("secret at rest: %q %v", stored, err)
	}
	checkPage(t, "registered", p)
	if p := admin.get("/admin/oidc-clients"); strings.Contains(p.Body, secret) || p.Doc.Find("#client-"+id).Length() != 1 {
		t.Fatal("list shows the secret or lacks the client")
	}
	p = admin.get("/admin/oidc-clients/" + id)
	if p.Doc.Find("#f-redirect_uris").Text() != "https://gjj.example.gov.cn/cb" {
		t.Fatalf("edit form: %s", p.Doc.Find("#f-redirect_uris").Text())
	}
	checkPage(t, "edit client", p)
	edit := url.Values{"name": {"住房公积金系统"}, "redirect_uris": {"https://gjj.example.gov.cn/cb\nhttps://gjj.example.gov.cn/cb2"},
		"scopes": {"profile"}, "kinds": {"citizen", "enterprise"}}
	if p := admin.post("/admin/oidc-clients/"+id, edit); p.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	edit.Set("redirect_uris", "https://gjj.example.gov.cn/cb#frag")
	if p := admin.post("/admin/oidc-clients/"+id, edit); p.Status != http.StatusBadRequest {
		t.Fatalf("bad edit: %d", p.Status)
	}
	c, err := ts.app.db.OIDCClient(context.Background(), id)
	if err != nil || c.Name != "住房公积金系统" || len(c.RedirectURIs) != 2 || c.SecretHash != stored {
		t.Fatalf("after edits: %+v %v", c, err)
	}
	if p := admin.post("/admin/oidc-clients/"+id+"/disable", url.Values{}); p.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", p.Status)
	}
	if p := admin.api(http.MethodGet, "/api/v1/oidc-clients", "", ""); p.Status != http.StatusOK || !strings.Contains(p.Body, `"enabled":false`) || strings.Contains(p.Body, "client_secret") {
		t.Fatalf("API list: %d %s", p.Status, p.Body)
	}
	if p := admin.get("/staff"); p.Doc.Find(`a[href="/admin/oidc-clients"]`).Length() != 1 {
		t.Fatal("no tile on the workbench")
	}
}
