package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/yushan-gov/yiwang/demo"
	"golang.org/x/oauth2"
)

// rp is a relying party written with go-oidc and x/oauth2, as a government
// system integrating with the platform would write it.
type rp struct {
	ts       *testServer
	ctx      context.Context
	id       string
	prov     *gooidc.Provider
	conf     oauth2.Config
	verifier *gooidc.IDTokenVerifier
}

// registerClient registers a client through the API as the logged-in
// admin and returns its ID and secret.
func registerClient(t testing.TB, admin *client, body string) (string, string) {
	t.Helper()
	p := admin.api(http.MethodPost, "/api/v1/oidc-clients", body, "")
	if p.Status != http.StatusCreated {
		t.Fatalf("register client: %d %s", p.Status, p.Body)
	}
	var out struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.Unmarshal([]byte(p.Body), &out); err != nil {
		t.Fatal(err)
	}
	return out.ClientID, out.ClientSecret
}

func newRP(t testing.TB, ts *testServer, id, secret, redirect string, scopes ...string) *rp {
	t.Helper()
	ctx := gooidc.ClientContext(context.Background(), &http.Client{})
	prov, err := gooidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	return &rp{ts: ts, ctx: ctx, id: id, prov: prov,
		conf: oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: prov.Endpoint(), RedirectURL: redirect,
			Scopes: append([]string{gooidc.ScopeOpenID}, scopes...)},
		verifier: prov.Verifier(&gooidc.Config{ClientID: id})}
}

// flow is one authorization request of an rp.
type flow struct {
	state, nonce, verifier string
	login                  string // the platform's login step the authorize endpoint sent the browser to
}

// begin sends c to the authorize endpoint and returns where it was sent.
func (r *rp) begin(t testing.TB, c *client, opts ...oauth2.AuthCodeOption) *flow {
	t.Helper()
	f := &flow{state: oauth2.GenerateVerifier()[:20], nonce: oauth2.GenerateVerifier()[:20], verifier: oauth2.GenerateVerifier()}
	opts = append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.verifier), gooidc.Nonce(f.nonce)}, opts...)
	u := r.conf.AuthCodeURL(f.state, opts...)
	p := c.get(strings.TrimPrefix(u, r.ts.URL))
	if p.Status != http.StatusFound || !strings.HasPrefix(p.Location, "/oidc/login?id=") {
		t.Fatalf("authorize: %d %q %s", p.Status, p.Location, p.Doc.Find("main").Text())
	}
	f.login = p.Location
	return f
}

// walk follows redirects within the platform from path and returns the
// page it ends on, or the address outside the platform it was sent to.
func walk(t testing.TB, c *client, path string) (page, string) {
	t.Helper()
	for range 10 {
		p := c.get(path)
		loc, ok := sentTo(p)
		if !ok {
			return p, ""
		}
		loc = strings.TrimPrefix(loc, c.base)
		if !strings.HasPrefix(loc, "/") {
			return p, loc
		}
		path = loc
	}
	t.Fatalf("too many redirects from %s", path)
	return page{}, ""
}

// sentTo returns where an answer sends the browser: a redirect, or the
// continue page that refreshes at once (see web.oidcContinue).
func sentTo(p page) (string, bool) {
	if p.Status/100 == 3 {
		return p.Location, true
	}
	if to, ok := strings.CutPrefix(p.Header.Get("Refresh"), "0; url="); ok && p.Status == http.StatusOK {
		return to, true
	}
	return "", false
}

// loginNext returns the next= of a login page.
func loginNext(t testing.TB, p page) string {
	t.Helper()
	next, ok := p.Doc.Find(`input[name="next"]`).Attr("value")
	if !ok || !strings.HasPrefix(next, "/oidc/login?id=") {
		t.Fatalf("login page without next: %d %s", p.Status, p.Doc.Find("main").Text())
	}
	return next
}

// passwordLogin logs a demo citizen in with their password on the login
// page p and returns where the page sends them.
func passwordLogin(t testing.TB, c *client, p page, mobile string) string {
	t.Helper()
	if href, ok := p.Doc.Find(`a.tile[href^="/login/citizen"]`).Attr("href"); ok { // the chooser
		p = c.get(href)
	}
	r := c.post("/login/citizen", url.Values{"mobile": {mobile}, "password": {demo.CitizenPassword}, "with": {"password"},
		"op": {"login"}, "next": {loginNext(t, p)}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("password login: %d %s", r.Status, r.Doc.Find(".error-summary").Text())
	}
	return r.Location
}

// consent presses 同意 on the consent page p and returns where it leads.
func consent(t testing.TB, c *client, p page) string {
	t.Helper()
	id, ok := p.Doc.Find(`#consent input[name="id"]`).Attr("value")
	if p.Status != http.StatusOK || !ok || p.Doc.Find("#allow").Length() != 1 {
		t.Fatalf("no consent page: %d %s", p.Status, p.Doc.Find("main").Text())
	}
	r := c.post("/oidc/login", url.Values{"id": {id}, "op": {"allow"}})
	to, _ := sentTo(r)
	if !strings.HasPrefix(to, "/oidc/authorize/callback?id=") || r.Doc.Find("#continue").AttrOr("href", "") != to {
		t.Fatalf("consent: %d %q %s", r.Status, to, r.Doc.Find("main").Text())
	}
	return to
}

// answer returns the query of the redirect to the rp, checking state.
func (r *rp) answer(t testing.TB, f *flow, ext string) url.Values {
	t.Helper()
	u, err := url.Parse(ext)
	if err != nil || !strings.HasPrefix(ext, r.conf.RedirectURL+"?") {
		t.Fatalf("sent to %q, want %s", ext, r.conf.RedirectURL)
	}
	q := u.Query()
	if q.Get("state") != f.state {
		t.Fatalf("state %q, want %q", q.Get("state"), f.state)
	}
	return q
}

// code finishes a flow at the callback URL: the code sent to the rp.
func (r *rp) code(t testing.TB, c *client, f *flow, callback string) string {
	t.Helper()
	_, ext := walk(t, c, callback)
	q := r.answer(t, f, ext)
	if q.Get("code") == "" {
		t.Fatalf("no code: %s", ext)
	}
	return q.Get("code")
}

func (r *rp) exchange(code, verifier string) (*oauth2.Token, error) {
	return r.conf.Exchange(r.ctx, code, oauth2.VerifierOption(verifier))
}

// idClaims are the claims the tests read.
type idClaims struct {
	Sub         string   `json:"sub"`
	Name        string   `json:"name"`
	Username    string   `json:"preferred_username"`
	UserType    string   `json:"user_type"`
	IDMasked    string   `json:"id_number_masked"`
	IDNumber    string   `json:"id_number"`
	PhoneMasked string   `json:"phone_number_masked"`
	Phone       string   `json:"phone_number"`
	ACR         string   `json:"acr"`
	AMR         []string `json:"amr"`
	SID         string   `json:"sid"`
	Nonce       string   `json:"nonce"`
	AuthTime    int64    `json:"auth_time"`
	Staff       *struct {
		OrgID   string   `json:"org_id"`
		OrgName string   `json:"org_name"`
		Roles   []string `json:"roles"`
	} `json:"staff"`
	Enterprise *struct {
		CreditCode string `json:"credit_code"`
		Name       string `json:"name"`
		Role       string `json:"role"`
	} `json:"enterprise"`
}

// verify checks the token response's ID token with the JWKS and returns it
// and its claims.
func (r *rp) verify(t testing.TB, tok *oauth2.Token, f *flow) (*gooidc.IDToken, idClaims) {
	t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	idt, err := r.verifier.Verify(r.ctx, raw)
	if err != nil {
		t.Fatalf("ID token does not verify: %v", err)
	}
	var cl idClaims
	if err := idt.Claims(&cl); err != nil {
		t.Fatal(err)
	}
	if f != nil && cl.Nonce != f.nonce {
		t.Fatalf("nonce %q, want %q", cl.Nonce, f.nonce)
	}
	return idt, cl
}

// userinfo calls the userinfo endpoint with an access token.
func userinfo(t testing.TB, ts *testServer, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/oidc/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("userinfo answer %d is not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, resp.Header, out
}

// tokenPost posts a form to the token endpoint as a program would.
func tokenPost(t testing.TB, ts *testServer, path string, form url.Values, user, pass string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// oauthCode returns the OAuth error code of an x/oauth2 error.
func oauthCode(err error) string {
	if re, ok := err.(*oauth2.RetrieveError); ok {
		return re.ErrorCode
	}
	return ""
}
