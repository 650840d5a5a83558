package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

func TestPlatform(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ts := startServer(t, engine)
			t.Run("health and metrics", func(t *testing.T) { testHealth(t, ts) })
			t.Run("citizen registers and logs in", func(t *testing.T) { testCitizen(t, ts) })
			t.Run("bad registrations change nothing", func(t *testing.T) { testBadRegistration(t, ts) })
			t.Run("cross-origin post refused", func(t *testing.T) { testCSRF(t, ts) })
			t.Run("staff login with TOTP", func(t *testing.T) { testStaffLogin(t, ts) })
			t.Run("admin creates staff", func(t *testing.T) { testAdminCreatesStaff(t, ts) })
			t.Run("enterprise login", func(t *testing.T) { testEnterprise(t, ts) })
			t.Run("api", func(t *testing.T) { testAPI(t, ts) })
			t.Run("audit chain holds", func(t *testing.T) {
				var out bytes.Buffer
				args := []string{"audit", "verify", "--data", ts.cfg.Data}
				if ts.cfg.DB != "" {
					args = append(args, "--db", ts.cfg.DB)
				}
				if err := run(context.Background(), args, &out, &out); err != nil {
					t.Fatalf("audit verify: %v %s", err, out.String())
				}
				if !strings.Contains(out.String(), "校验通过") {
					t.Fatalf("audit verify said %q", out.String())
				}
			})
		})
	}
}

func testHealth(t *testing.T, ts *testServer) {
	c := ts.client()
	p := c.get("/")
	if p.Status != 200 || !strings.Contains(p.Doc.Find(".brand").Text(), "雨山区政务服务网") {
		t.Fatalf("home: %d", p.Status)
	}
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	if p.Doc.Find("script:not([src])").Length() != 0 {
		t.Fatal("inline script on the home page")
	}
	// The stylesheet and the script are named with their content's hash, so
	// that a deploy's new files reach browsers that cached the old ones.
	for _, a := range []struct{ sel, attr string }{{`link[rel=stylesheet]`, "href"}, {`script[src]`, "src"}} {
		sel := a.sel
		ref, _ := p.Doc.Find(sel).First().Attr(a.attr)
		path, v, ok := strings.Cut(ref, "?v=")
		if !ok || !strings.HasPrefix(path, "/static/") {
			t.Fatalf("%s names %q, without its version", sel, ref)
		}
		f := c.get(ref)
		sum := sha256.Sum256([]byte(f.Body))
		if f.Status != 200 || hex.EncodeToString(sum[:6]) != v {
			t.Fatalf("%s: %d, content hash %x, named %s", ref, f.Status, sum[:6], v)
		}
		// Named by its content, it is kept a year; by an old name or none,
		// an hour.
		if cc := f.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Fatalf("%s: Cache-Control %q", ref, cc)
		}
		for _, other := range []string{path, path + "?v=000000000000"} {
			if cc := c.get(other).Header.Get("Cache-Control"); cc != "public, max-age=3600" {
				t.Fatalf("%s: Cache-Control %q", other, cc)
			}
		}
	}
	if m := c.get("/metrics"); m.Status != 200 || !strings.Contains(m.Body, "yiwang_http_requests_total") ||
		!strings.Contains(m.Body, "yiwang_group_writes_total") {
		t.Fatal("metrics missing")
	}
	if p := c.get("/no/such/page"); p.Status != 404 || !strings.Contains(p.Body, "页面不存在") {
		t.Fatalf("404 page: %d", p.Status)
	}
	// Elder mode is a cookie switch that works without JavaScript.
	p = c.get("/elder?on=1&back=/departments")
	if p.Status != http.StatusSeeOther || p.Location != "/departments" {
		t.Fatalf("elder switch: %d %s", p.Status, p.Location)
	}
	if cls, _ := c.get("/departments").Doc.Find("html").Attr("class"); cls != "elder" {
		t.Fatal("elder mode not applied")
	}
	if p := c.get("/elder?on=0&back=//evil.example/"); p.Location != "/" {
		t.Fatalf("open redirect: %s", p.Location)
	}
}

func testCitizen(t *testing.T, ts *testServer) {
	c := ts.client()
	li := demo.People[2] // in the population base, not yet registered
	p := c.post("/register", url.Values{"op": {"send"}, "mobile": {li.Mobile}, "name": {li.Name}, "idcard": {li.IDCard}})
	if p.Status != 200 || p.Doc.Find(".notice[role=status]").Length() != 1 {
		t.Fatalf("send code: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if v, _ := p.Doc.Find("#f-idcard").Attr("value"); v != li.IDCard {
		t.Fatal("typed values not kept after sending the code")
	}
	code := c.lastCode(li.Mobile)
	p = c.post("/register", url.Values{"op": {"register"}, "name": {li.Name}, "idcard": {li.IDCard},
		"mobile": {li.Mobile}, "code": {code}})
	if p.Status != http.StatusSeeOther || p.Location != "/account" {
		t.Fatalf("register: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	p = c.get("/account")
	facts := p.Doc.Find(".facts").Text()
	if !strings.Contains(facts, "3405**") && !strings.Contains(facts, li.IDCard[:6]+"********"+li.IDCard[14:]) {
		t.Fatalf("ID number not masked: %s", facts)
	}
	if strings.Contains(p.Body, li.IDCard) || strings.Contains(p.Body, li.Mobile) {
		t.Fatal("full ID number or mobile on the account page")
	}
	if !strings.Contains(facts, "二级") {
		t.Fatalf("real-name level: %s", facts)
	}
	c.post("/logout", nil)
	// Log in again with a one-time code.
	c2 := ts.client()
	// (A second code to the same phone within a minute is refused, so this
	// login uses the demo citizen's phone.)
	zhang := demo.People[0].Mobile
	if p := c2.post("/login/citizen", url.Values{"op": {"send"}, "mobile": {zhang}}); p.Doc.Find(".notice[role=status]").Length() != 1 {
		t.Fatalf("send login code: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	p = c2.post("/login/citizen", url.Values{"op": {"login"}, "mobile": {zhang}, "code": {c2.lastCode(zhang)}, "next": {"/account"}})
	if p.Status != http.StatusSeeOther || p.Location != "/account" {
		t.Fatalf("code login: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	// The demo citizen logs in with a password.
	c3 := ts.client()
	p = c3.post("/login/citizen", url.Values{"with": {"password"}, "mobile": {demo.People[0].Mobile}, "password": {demo.CitizenPassword}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("password login: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
}

func testBadRegistration(t *testing.T, ts *testServer) {
	good := url.Values{"op": {"register"}, "name": {"赵六"}, "idcard": {idcard("34050419900101002")}, "mobile": {"13900000009"}, "code": {"123456"}}
	cases := []struct {
		name, field, value, wantField string
	}{
		{"malformed ID number", "idcard", "3405041990", "idcard"},
		{"wrong check character", "idcard", "340504199001010021", "idcard"},
		{"malformed mobile", "mobile", "1234", "mobile"},
		{"empty name", "name", "", "name"},
		// Without the right code nobody learns whether a phone or ID number is registered.
		{"duplicate mobile, wrong code", "mobile", demo.People[0].Mobile, "code"},
		{"duplicate ID number, wrong code", "idcard", demo.People[0].IDCard, "code"},
		{"wrong code", "code", "000000", "code"},
	}
	before := ts.count("accounts")
	c := ts.client()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.field, tc.value)
			p := c.post("/register", form)
			if p.Status < 400 {
				t.Fatalf("status %d", p.Status)
			}
			if p.Doc.Find(".error-summary a[href='#f-"+tc.wantField+"']").Length() != 1 {
				t.Fatalf("no error summary link to %s: %s", tc.wantField, p.Doc.Find(".error-summary").Text())
			}
			msg := p.Doc.Find("#e-" + tc.wantField).Text()
			if msg == "" || !hasHan(msg) {
				t.Fatalf("field message %q", msg)
			}
		})
	}
	// With the right code, a registered ID number is reported on its field.
	c.post("/register", url.Values{"op": {"send"}, "mobile": {"13900000009"}})
	form := url.Values{}
	for k, v := range good {
		form[k] = v
	}
	form.Set("idcard", demo.People[0].IDCard)
	form.Set("code", c.lastCode("13900000009"))
	if p := c.post("/register", form); p.Status != http.StatusConflict || p.Doc.Find("#e-idcard").Text() == "" {
		t.Fatalf("duplicate ID with the right code: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if after := ts.count("accounts"); after != before {
		t.Fatalf("accounts %d → %d", before, after)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func testCSRF(t *testing.T, ts *testServer) {
	c := ts.client()
	before := ts.count("otp_codes")
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/register",
		strings.NewReader(url.Values{"op": {"send"}, "mobile": {"13900000111"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	p := c.do(req)
	if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "跨站请求已被拒绝") {
		t.Fatalf("cross-site post: %d", p.Status)
	}
	if ts.count("otp_codes") != before {
		t.Fatal("a cross-site request changed the database")
	}
}

func testStaffLogin(t *testing.T, ts *testServer) {
	c := ts.client()
	ts.staffLogin(c, "auditor", demo.StaffPassword)
	p := c.get("/staff")
	if p.Status != 200 || !strings.Contains(p.Body, "审计日志") {
		t.Fatalf("staff home: %d", p.Status)
	}
	p = c.get("/admin/audit?action=login.staff")
	if p.Status != 200 || p.Doc.Find("tbody tr").Length() == 0 {
		t.Fatalf("audit page: %d", p.Status)
	}
	// An auditor may not manage accounts.
	if p := c.get("/admin/staff/new"); p.Status != http.StatusForbidden {
		t.Fatalf("auditor on staff form: %d", p.Status)
	}

	// A replayed code is refused.
	c2 := ts.client()
	a, _ := ts.app.db.AccountByUsername(context.Background(), "clerk")
	code := identity.CurrentTOTP(a.TOTPSecret, time.Now())
	c2.post("/staff/login", url.Values{"username": {"clerk"}, "password": {demo.StaffPassword}})
	if p := c2.post("/staff/totp", url.Values{"code": {code}}); p.Status != http.StatusSeeOther {
		t.Fatalf("first use: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	c3 := ts.client()
	c3.post("/staff/login", url.Values{"username": {"clerk"}, "password": {demo.StaffPassword}})
	if p := c3.post("/staff/totp", url.Values{"code": {code}}); p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "已使用") {
		t.Fatalf("replayed code: %d", p.Status)
	}
	// A wrong password never reaches the TOTP step.
	if p := c3.post("/staff/login", url.Values{"username": {"clerk"}, "password": {"wrong-password1"}}); p.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", p.Status)
	}
	// After both steps the person lands where they were going, never on another host.
	for next, want := range map[string]string{"/admin/audit?x=1": "/admin/audit?x=1", "//evil.example/": "/staff"} {
		user := map[string]string{"/admin/audit?x=1": "supervisor", "//evil.example/": "head"}[next]
		nc := ts.client()
		nc.post("/staff/login", url.Values{"username": {user}, "password": {demo.StaffPassword}, "next": {next}})
		acct, _ := ts.app.db.AccountByUsername(context.Background(), user)
		if p := nc.post("/staff/totp", url.Values{"code": {identity.CurrentTOTP(acct.TOTPSecret, time.Now())}}); p.Location != want {
			t.Fatalf("next %q: went to %q", next, p.Location)
		}
	}
	// Skipping the password step is impossible.
	if p := ts.client().post("/staff/totp", url.Values{"code": {"123456"}}); p.Location != "/staff/login" {
		t.Fatalf("totp without password: %d %s", p.Status, p.Location)
	}
}

func testAdminCreatesStaff(t *testing.T, ts *testServer) {
	c := ts.client()
	ts.staffLogin(c, "admin", demo.StaffPassword)
	p := c.get("/admin/staff/new")
	orgID := ""
	p.Doc.Find("#f-org_id option").Each(func(_ int, s *goquery.Selection) {
		if strings.TrimSpace(s.Text()) == "雨山区民政局" {
			orgID, _ = s.Attr("value")
		}
	})
	if orgID == "" {
		t.Fatal("民政局 not offered")
	}
	p = c.post("/admin/staff/new", url.Values{"username": {"mca.zhang"}, "name": {"张民政"}, "org_id": {orgID},
		"roles": {"case_officer"}})
	if p.Status != 200 || p.Doc.Find("#initial-password").Text() == "" {
		t.Fatalf("create staff: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	a, err := ts.app.db.AccountByUsername(context.Background(), "mca.zhang")
	if err != nil || len(a.Roles) != 1 || a.Roles[0] != "case_officer" || a.OrgID != orgID {
		t.Fatalf("stored account %+v %v", a, err)
	}
	// The system admin may not grant an administrator role (三权分立).
	p = c.post("/admin/staff/"+a.ID+"/roles", url.Values{"roles": {"audit_admin"}})
	if p.Status != http.StatusForbidden {
		t.Fatalf("sys admin granting audit_admin: %d", p.Status)
	}
	p = c.post("/admin/staff/"+a.ID+"/roles", url.Values{"roles": {"case_officer", "dept_head"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("set roles: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	// The new person logs in, enrolling TOTP on the way.
	pw := ""
	p = c.post("/admin/staff/"+a.ID+"/reset-password", nil)
	pw = p.Doc.Find("#new-password").Text()
	nc := ts.client()
	nc.post("/staff/login", url.Values{"username": {"mca.zhang"}, "password": {pw}})
	if p := nc.get("/staff/totp"); p.Doc.Find("#totp-secret").Text() != a.TOTPSecret {
		t.Fatal("enrolment page does not show the secret")
	}
	ts.staffLogin(nc, "mca.zhang", pw)
	if p := nc.get("/staff"); !strings.Contains(p.Body, "部门负责人") {
		t.Fatal("new roles not shown")
	}
	// The person replaces the initial password; the old one is needed.
	if p := nc.post("/staff/password", url.Values{"current": {"wrong-pass-1"}, "password": {"NewSecret2026"}, "password2": {"NewSecret2026"}}); p.Status != http.StatusBadRequest || p.Doc.Find("#e-current").Text() == "" {
		t.Fatalf("wrong current password: %d", p.Status)
	}
	if p := nc.post("/staff/password", url.Values{"current": {pw}, "password": {"NewSecret2026"}, "password2": {"NewSecret2026"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := ts.client().post("/staff/login", url.Values{"username": {"mca.zhang"}, "password": {"NewSecret2026"}}); p.Location != "/staff/totp" {
		t.Fatalf("login with the new password: %d", p.Status)
	}
	// Bad input keeps the form and changes nothing.
	before := ts.count("accounts")
	p = c.post("/admin/staff/new", url.Values{"username": {"X"}, "name": {""}, "org_id": {"nope"}})
	if p.Status != http.StatusBadRequest || p.Doc.Find(".error-summary li").Length() != 3 {
		t.Fatalf("bad staff form: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if ts.count("accounts") != before {
		t.Fatal("bad staff form changed the database")
	}
}

func testEnterprise(t *testing.T, ts *testServer) {
	c := ts.client()
	p := c.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {demo.People[1].Mobile},
		"password": {demo.CitizenPassword}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("enterprise login: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	if p := c.get("/account"); !strings.Contains(p.Body, demo.Enterprise.Name) {
		t.Fatal("enterprise not shown")
	}
	// The legal representative withdraws 王五's authorisation: his session
	// stops acting for the enterprise at once.
	rep := ts.client()
	if p := rep.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {demo.People[0].Mobile},
		"password": {demo.CitizenPassword}}); p.Status != http.StatusSeeOther {
		t.Fatalf("legal rep login: %d", p.Status)
	}
	wang, _ := ts.app.db.CitizenByMobile(context.Background(), demo.People[1].Mobile)
	if p := rep.post("/enterprise/agents/"+wang.ID+"/remove", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("remove agent: %d %s", p.Status, p.Body)
	}
	if p := c.get("/enterprise/agents"); p.Status != http.StatusForbidden {
		t.Fatalf("removed agent still acts for the enterprise: %d", p.Status)
	}
	if p := rep.post("/enterprise/agents", url.Values{"mobile": {demo.People[1].Mobile}}); p.Status != http.StatusSeeOther {
		t.Fatalf("re-add agent: %d", p.Status)
	}
	p = ts.client().post("/login/enterprise", url.Values{"credit_code": {"91350100M000100Y44"}, "mobile": {demo.People[1].Mobile},
		"password": {demo.CitizenPassword}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Doc.Find("#e-credit_code").Text(), "校验位") {
		t.Fatalf("bad credit code: %d %s", p.Status, p.Doc.Find("#e-credit_code").Text())
	}
}

func testAPI(t *testing.T, ts *testServer) {
	c := ts.client()
	// Error shape and unchanged database on bad bodies.
	before := ts.count("accounts")
	for name, body := range map[string]string{
		"malformed":     `{"name":`,
		"unknown field": `{"name":"a","evil":1}`,
		"bad id":        `{"name":"钱七","mobile":"13900000077","idcard":"123","code":"111111"}`,
		"oversized":     `{"name":"` + strings.Repeat("长", 400000) + `"}`,
	} {
		p := c.api(http.MethodPost, "/api/v1/citizens", body, "")
		var e struct {
			Error struct {
				Code, Message string
				Fields        map[string]string
			}
		}
		if err := json.Unmarshal([]byte(p.Body), &e); err != nil || e.Error.Code != "EINVALID" || !hasHan(e.Error.Message) {
			t.Fatalf("%s: %d %s", name, p.Status, p.Body[:min(len(p.Body), 200)])
		}
		if name == "oversized" && p.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized: %d", p.Status)
		}
		if name == "bad id" && e.Error.Fields["idcard"] == "" {
			t.Fatalf("bad id: fields %v", e.Error.Fields)
		}
	}
	if ts.count("accounts") != before {
		t.Fatal("bad API bodies changed the database")
	}
	if p := c.api(http.MethodGet, "/api/v1/me", "", ""); p.Status != http.StatusUnauthorized || !strings.Contains(p.Body, "EUNAUTHORIZED") {
		t.Fatalf("anonymous me: %d", p.Status)
	}
	if p := c.api(http.MethodGet, "/api/v1/me", "", "ywt_forged"); p.Status != http.StatusUnauthorized {
		t.Fatalf("forged token: %d", p.Status)
	}
	// A staff token made on the workbench works as a bearer token.
	w := ts.client()
	ts.staffLogin(w, "secadmin", demo.StaffPassword)
	p := w.post("/staff/tokens", url.Values{"name": {"测试对接"}})
	token := p.Doc.Find("#new-token").Text()
	if !strings.HasPrefix(token, identity.TokenPrefix) {
		t.Fatalf("no token: %d", p.Status)
	}
	p = c.api(http.MethodGet, "/api/v1/me", "", token)
	if p.Status != 200 || !strings.Contains(p.Body, `"username":"secadmin"`) {
		t.Fatalf("me with token: %d %s", p.Status, p.Body)
	}
	p = c.api(http.MethodGet, "/api/v1/orgs", "", "")
	var orgs struct{ Orgs []map[string]any }
	if json.Unmarshal([]byte(p.Body), &orgs) != nil || len(orgs.Orgs) < 90 {
		t.Fatalf("orgs: %d", len(orgs.Orgs))
	}
	if p := c.api(http.MethodGet, "/api/v1/openapi.json", "", ""); p.Status != 200 || !strings.Contains(p.Body, `"openapi": "3.1.0"`) {
		t.Fatal("openapi document")
	}
}

func idcard(first17 string) string {
	c, err := idcode.IDCardCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}
