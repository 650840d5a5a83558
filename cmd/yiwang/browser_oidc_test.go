package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/sqlstore"
	"golang.org/x/oauth2"
)

// testRP is a small government system's web site that logs people in with
// the platform, written with go-oidc and x/oauth2.
type testRP struct {
	*httptest.Server
	name     string
	conf     oauth2.Config
	verifier *gooidc.IDTokenVerifier
	mu       sync.Mutex
	pending  map[string][2]string // state → PKCE verifier, nonce
	logouts  []url.Values         // front-channel logout calls received
}

// newTestRP starts the site and registers it as a client of ts.
func newTestRP(t *testing.T, ts *testServer, name string) *testRP {
	t.Helper()
	rp := &testRP{name: name, pending: map[string][2]string{}}
	rp.Server = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.Close)
	c, secret, err := ts.app.oidc.Register(context.Background(), cliActor(), oidc.Input{Name: name,
		RedirectURIs: []string{rp.URL + "/cb"}, PostLogoutRedirectURIs: []string{rp.URL + "/bye"},
		FrontChannelLogoutURI: rp.URL + "/fc", Scopes: []string{"profile"}, Kinds: []string{"citizen"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := gooidc.ClientContext(context.Background(), &http.Client{})
	prov, err := gooidc.NewProvider(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp.conf = oauth2.Config{ClientID: c.ID, ClientSecret: secret, Endpoint: prov.Endpoint(), RedirectURL: rp.URL + "/cb",
		Scopes: []string{gooidc.ScopeOpenID, "profile"}}
	rp.verifier = prov.Verifier(&gooidc.Config{ClientID: c.ID})
	return rp
}

const rpPage = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>%[1]s</title><style>body{font-family:sans-serif;margin:2em;max-width:40em}button,a.button{font-size:1.1em;padding:.6em 1em;background:#1d5fa8;color:#fff;border:0;border-radius:4px;text-decoration:none}dt{font-weight:bold}</style></head>
<body><h1>%[1]s（测试接入系统）</h1>%[2]s</body></html>`

func (rp *testRP) page(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, rpPage, html.EscapeString(rp.name), body)
}

func (rp *testRP) serve(w http.ResponseWriter, r *http.Request) {
	ctx := gooidc.ClientContext(r.Context(), &http.Client{})
	switch r.URL.Path {
	case "/":
		rp.page(w, `<form action="/login"><button id="sso" type="submit">使用雨山区政务服务网账号登录</button></form>`)
	case "/login":
		state, verifier, nonce := oauth2.GenerateVerifier(), oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
		rp.mu.Lock()
		rp.pending[state] = [2]string{verifier, nonce}
		rp.mu.Unlock()
		http.Redirect(w, r, rp.conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), gooidc.Nonce(nonce)), http.StatusFound)
	case "/cb":
		rp.mu.Lock()
		p, ok := rp.pending[r.FormValue("state")]
		delete(rp.pending, r.FormValue("state"))
		rp.mu.Unlock()
		if !ok || r.FormValue("code") == "" {
			rp.page(w, `<p id="error">登录失败：`+html.EscapeString(r.FormValue("error"))+`</p>`)
			return
		}
		tok, err := rp.conf.Exchange(ctx, r.FormValue("code"), oauth2.VerifierOption(p[0]))
		if err != nil {
			rp.page(w, `<p id="error">换取令牌失败：`+html.EscapeString(err.Error())+`</p>`)
			return
		}
		raw, _ := tok.Extra("id_token").(string)
		idt, err := rp.verifier.Verify(ctx, raw)
		var cl idClaims
		if err == nil {
			err = idt.Claims(&cl)
		}
		if err != nil || cl.Nonce != p[1] {
			rp.page(w, `<p id="error">ID 令牌无效</p>`)
			return
		}
		logout := rp.conf.Endpoint.AuthURL[:strings.Index(rp.conf.Endpoint.AuthURL, "/oidc/")] + "/oidc/end_session?" +
			url.Values{"id_token_hint": {raw}, "post_logout_redirect_uri": {rp.URL + "/bye"}}.Encode()
		rp.page(w, fmt.Sprintf(`<p>已通过雨山区政务服务网登录。</p><dl id="claims"><dt>姓名</dt><dd id="name">%s</dd>`+
			`<dt>身份证号</dt><dd id="id-masked">%s</dd><dt>实名等级（acr）</dt><dd id="acr">%s</dd>`+
			`<dt>登录方式（amr）</dt><dd id="amr">%s</dd></dl><p><a class="button" id="logout" href="%s">退出登录</a></p>`,
			html.EscapeString(cl.Name), html.EscapeString(cl.IDMasked), html.EscapeString(cl.ACR),
			html.EscapeString(strings.Join(cl.AMR, " ")), html.EscapeString(logout)))
	case "/fc":
		rp.mu.Lock()
		rp.logouts = append(rp.logouts, r.URL.Query())
		rp.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	case "/bye":
		rp.page(w, `<p id="bye">您已退出。</p>`)
	default:
		http.NotFound(w, r)
	}
}

func (rp *testRP) frontChannel() []url.Values {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return append([]url.Values(nil), rp.logouts...)
}

// TestBrowserOIDC: a citizen clicks 使用雨山区政务服务网账号登录 on a
// government system's page, logs in on the platform with a one-time code,
// agrees on the consent page and is back at the system, which shows their
// name, masked ID number and real-name level. A second system logs them in
// without asking them to log in again (consent only), checked on a phone;
// logging out of it ends the platform session and tells the first system.
func TestBrowserOIDC(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	bdc := newTestRP(t, ts, "雨山区不动产登记系统")
	gjj := newTestRP(t, ts, "雨山区住房公积金系统")
	zhang := demo.People[0]
	ctx := browser(t, 1280, 900)

	do(t, ctx, chromedp.Navigate(bdc.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#sso")))
	if got := text(t, ctx, "#sso"); got != "使用雨山区政务服务网账号登录" {
		t.Fatalf("button %q", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#sso")), chromedp.WaitVisible(chromedp.CSS("#f-mobile")))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.HasPrefix(loc, ts.URL+"/login/citizen?next=") {
		t.Fatalf("sent to %s, want the citizen login page: %v", loc, err)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-mobile"), zhang.Mobile),
		chromedp.Click(chromedp.CSS(`button[value="send"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice[role="status"]`)))
	shot(t, ctx, "oidc-login")
	code := ts.client().lastCode(zhang.Mobile)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-code"), code+"\r"), chromedp.WaitVisible(chromedp.CSS("#allow")))
	consentText := text(t, ctx, "#consent")
	for _, want := range []string{bdc.name, "请求使用您的雨山区政务服务网账号登录", "确认您的身份", "姓名和脱敏信息", "同意", "拒绝"} {
		if !strings.Contains(consentText, want) {
			t.Fatalf("consent page lacks %q: %s", want, consentText)
		}
	}
	shot(t, ctx, "oidc-consent")
	do(t, ctx, chromedp.Click(chromedp.CSS("#allow")), chromedp.WaitVisible(chromedp.CSS("#claims, #error")))
	shot(t, ctx, "oidc-client-claims")
	if msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("error")||{}).textContent||""`)); msg != "" {
		t.Fatalf("the client says: %s", msg)
	}
	if name, id, acr, amr := text(t, ctx, "#name"), text(t, ctx, "#id-masked"), text(t, ctx, "#acr"), text(t, ctx, "#amr"); name != zhang.Name ||
		id != zhang.IDCard[:6]+"********"+zhang.IDCard[14:] || acr != "2" || amr != "otp" {
		t.Fatalf("claims at the client: %q %q %q %q", name, id, acr, amr)
	}

	// The second system, on a phone: no login asked, only its consent.
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(gjj.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#sso")),
		chromedp.Click(chromedp.CSS("#sso")), chromedp.WaitVisible(chromedp.CSS("#allow")))
	if got := text(t, ctx, "#client-name"); got != gjj.name {
		t.Fatalf("consent for %q", got)
	}
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth &&
		document.getElementById("allow").getBoundingClientRect().right <= window.innerWidth &&
		document.getElementById("deny").getBoundingClientRect().right <= window.innerWidth &&
		window.innerWidth <= 400`))
	if err != nil || !fits {
		t.Fatalf("the consent page does not fit a 390 px phone: %v", err)
	}
	shot(t, ctx, "oidc-consent-phone")
	do(t, ctx, chromedp.Click(chromedp.CSS("#allow")), chromedp.WaitVisible(chromedp.CSS("#claims, #error")))
	if name := text(t, ctx, "#claims"); !strings.Contains(name, zhang.Name) {
		t.Fatalf("second system: %s", name)
	}
	shot(t, ctx, "oidc-client-claims-phone")

	// Logging out of the second system logs out of the platform and tells
	// the first one (front-channel), then comes back.
	do(t, ctx, chromedp.Click(chromedp.CSS("#logout")), chromedp.WaitVisible(chromedp.CSS("#bye")))
	fc := bdc.frontChannel()
	if len(fc) != 1 || fc[0].Get("iss") != ts.URL || fc[0].Get("sid") == "" {
		t.Fatalf("front-channel logouts at the first system: %v", fc)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+"/account"), chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))

	// The system administrator's page: a bad address is refused in Chinese.
	admin := browser(t, 1280, 900)
	staffLogin(t, admin, ts, "admin")
	do(t, admin, chromedp.Navigate(ts.URL+"/admin/oidc-clients"), chromedp.WaitVisible(chromedp.CSS("#oidc-clients")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "雨山区医保系统"),
		chromedp.SendKeys(chromedp.CSS("#f-redirect_uris"), "http://yb.example.gov.cn/callback#top"))
	clickThrough(t, admin, `form[action="/admin/oidc-clients"] button.button`, "#error-summary")
	if msg := text(t, admin, "#error-summary"); !strings.Contains(msg, "只能使用 https 地址") && !strings.Contains(msg, "片段") {
		t.Fatalf("error summary: %s", msg)
	}
	shot(t, admin, "oidc-admin-error")
	do(t, admin, chromedp.SetValue(chromedp.CSS("#f-redirect_uris"), "https://yb.example.gov.cn/callback"))
	clickThrough(t, admin, `form[action="/admin/oidc-clients"] button.button`, "#new-secret")
	shot(t, admin, "oidc-admin-created")

	// A system that sends an unregistered return address gets nowhere.
	do(t, admin, chromedp.Navigate(ts.URL+"/oidc/authorize?"+url.Values{"client_id": {bdc.conf.ClientID},
		"redirect_uri": {"https://evil.example/cb"}, "response_type": {"code"}, "scope": {"openid"}}.Encode()),
		chromedp.WaitVisible(chromedp.CSS("#oauth-error")))
	if msg := text(t, admin, "#oidc-message"); !strings.Contains(msg, "回调地址") {
		t.Fatalf("error page: %s", msg)
	}
	shot(t, admin, "oidc-error")
}
