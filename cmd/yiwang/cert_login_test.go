package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// postFile submits a multipart form with one file, as a browser would.
func (c *client) postFile(path string, fields url.Values, fileField, fileName string, data []byte) page {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	if fileField != "" {
		fw, _ := mw.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// enterpriseClient is a client logged in for the demo enterprise as the
// demo person p, with the password.
func (ts *testServer) enterpriseClient(p demo.Person) *client {
	ts.t.Helper()
	c := ts.client()
	if r := c.post("/login/enterprise", url.Values{"credit_code": {demo.EnterpriseCode()}, "mobile": {p.Mobile},
		"password": {demo.CitizenPassword}}); r.Status != http.StatusSeeOther {
		ts.t.Fatalf("enterprise login of %s: %d %s", p.Name, r.Status, r.Doc.Find(".error-summary").Text())
	}
	return c
}

// certForm is what a person sends on /login/cert: the challenge the page
// showed them, signed with key.
func certForm(t *testing.T, challenge, code string, c *yiwangtest.Cert) url.Values {
	t.Helper()
	sig, err := certlogin.Sign(c.Key, []byte(challenge))
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"challenge": {challenge}, "credit_code": {code}, "cert": {c.PEM},
		"signature": {base64.StdEncoding.EncodeToString(sig)}}
}

// challenge opens /login/cert and returns the challenge it shows.
func (c *client) challenge() string {
	c.t.Helper()
	p := c.get("/login/cert")
	ch := p.Doc.Find("#f-challenge").Text()
	if p.Status != http.StatusOK || !strings.HasPrefix(ch, certlogin.ChallengePrefix) {
		c.t.Fatalf("/login/cert: %d, challenge %q", p.Status, ch)
	}
	return ch
}

// loggedIn reports whether the client's session is logged in.
func (c *client) loggedIn() bool {
	c.t.Helper()
	return c.get("/account").Status == http.StatusOK
}

func TestCertLogin(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) { certLoginJourney(t, engine) })
	}
}

// certLoginJourney: the legal representative registers an SM2 (CA-issued),
// an RSA and an ECDSA certificate on /enterprise/certs; each then logs in
// on /login/cert through the real server; every wrong attempt is refused
// with a Chinese message and a stable reason, and changes nothing.
func certLoginJourney(t *testing.T, engine string) {
	ts := startServer(t, engine)
	ctx := context.Background()
	code := demo.EnterpriseCode()
	rep := ts.enterpriseClient(demo.People[0])

	if p := rep.get("/account"); p.Doc.Find("#certs-link").Length() != 1 {
		t.Fatal("the legal representative's account page has no link to the enterprise certificates")
	}
	if p := rep.get("/enterprise/certs"); p.Status != http.StatusOK || !strings.Contains(p.Doc.Find("#certs").Text(), "还没有登记证书") {
		t.Fatalf("/enterprise/certs: %d", p.Status)
	}
	ca := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "雨山区测试电子认证服务机构", IsCA: true})
	sm2c := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: demo.Enterprise.Name, CreditCode: code, Issuer: ca})
	rsac := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "rsa", Name: demo.Enterprise.Name})
	ecc := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: demo.Enterprise.Name, OU: []string{"SF" + code}})

	// Registration: a DER file, a PEM file and pasted PEM.
	for _, reg := range []struct {
		name string
		file []byte
		text string
	}{{"sm2.cer", sm2c.DER, ""}, {"rsa.pem", []byte(rsac.PEM), ""}, {"", nil, ecc.PEM}} {
		p := rep.postFile("/enterprise/certs", url.Values{"cert": {reg.text}}, "cert_file", reg.name, reg.file)
		if p.Status != http.StatusSeeOther {
			t.Fatalf("register %s: %d %s", reg.name, p.Status, p.Doc.Find(".error-summary").Text())
		}
	}
	list := rep.get("/enterprise/certs")
	table := list.Doc.Find("#certs tbody")
	if n := table.Find("tr").Length(); n != 3 {
		t.Fatalf("%d certificates listed", n)
	}
	for _, want := range []string{"雨山区测试电子认证服务机构", demo.Enterprise.Name, "SM2", "RSA-2048", "ECDSA-P256",
		strings.ToUpper(sm2c.Cert.SerialNumber.Text(16)), code + "（与本企业一致）", "证书未载明", "有效"} {
		if !strings.Contains(table.Text(), want) {
			t.Errorf("the certificate list lacks %q", want)
		}
	}
	fps := table.Find(".fingerprint").Map(func(_ int, s *goquery.Selection) string { return strings.ReplaceAll(s.Text(), " ", "") })
	if len(fps) != 6 || len(fps[0]) != 64 {
		t.Fatalf("fingerprints: %q", fps)
	}
	if n := len(auditOf(t, ts, "enterprise.cert_add", audit.ResultOK)); n != 3 {
		t.Fatalf("registrations audited: %d", n)
	}
	checkPage(t, "/enterprise/certs", list)
	checkPage(t, "/enterprise/certs (errors)", rep.post("/enterprise/certs", url.Values{"cert": {"x"}}).withStatus(200))
	anon := ts.client()
	if p := anon.get("/login"); p.Doc.Find(`a[href="/login/cert"]`).Length() != 1 {
		t.Fatal("the login chooser does not link to certificate login")
	}
	if p := anon.get("/login/enterprise"); p.Doc.Find(`.tabs a[href="/login/cert"]`).Length() != 1 {
		t.Fatal("enterprise login does not offer certificate login")
	}
	checkPage(t, "/login/cert", anon.get("/login/cert"))
	checkPage(t, "/login/cert (errors)", anon.post("/login/cert", url.Values{"cert": {"x"}}).withStatus(200))

	// Refused registrations change nothing.
	before := ts.count("enterprise_certs")
	agent := ts.enterpriseClient(demo.People[1])
	if p := agent.get("/enterprise/certs"); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "法定代表人") {
		t.Fatalf("an agent sees the certificates: %d", p.Status)
	}
	if p := agent.postFile("/enterprise/certs", url.Values{"cert": {yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: "x"}).PEM}}, "", "", nil); p.Status != http.StatusForbidden {
		t.Fatalf("an agent registers a certificate: %d", p.Status)
	}
	expired := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: demo.Enterprise.Name,
		NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
	for _, tc := range []struct {
		name, text string
		file       []byte
		status     int
		field      string
		reason     string
		want       string
	}{
		{"a private key pasted", ecc.KeyPEM, nil, 400, "cert", certlogin.ReasonPrivateKey, "私钥"},
		{"a private key file", "", []byte(sm2c.KeyPEM), 400, "cert_file", certlogin.ReasonPrivateKey, "私钥"},
		{"not a certificate", "这不是证书", nil, 400, "cert", certlogin.ReasonCertMalformed, "无法识别证书"},
		{"nothing", "", nil, 400, "cert", certlogin.ReasonCertMissing, "请上传"},
		{"expired", expired.PEM, nil, 400, "cert", certlogin.ReasonCertExpired, "过期"},
		{"registered already", sm2c.PEM, nil, 409, "cert", certlogin.ReasonCertRegistered, "已登记"},
		{"a chain", sm2c.PEM + ca.PEM, nil, 400, "cert", certlogin.ReasonCertMultiple, "证书链"},
	} {
		t.Run("register: "+tc.name, func(t *testing.T) {
			name := ""
			if tc.file != nil {
				name = "upload.pem"
			}
			p := rep.postFile("/enterprise/certs", url.Values{"cert": {tc.text}}, "cert_file", name, tc.file)
			checkRefused(t, p, tc.status, tc.field, tc.reason, tc.want)
			if tc.reason == certlogin.ReasonPrivateKey && strings.Contains(p.Body, "PRIVATE KEY-----") {
				t.Fatal("the private key is shown back")
			}
		})
	}
	if ts.count("enterprise_certs") != before {
		t.Fatal("a refused registration changed the database")
	}

	// Logging in with each certificate.
	for name, c := range map[string]*yiwangtest.Cert{"SM2": sm2c, "RSA": rsac, "ECDSA": ecc} {
		t.Run("login: "+name, func(t *testing.T) {
			u := ts.client()
			p := u.post("/login/cert", certForm(t, u.challenge(), code, c))
			if p.Status != http.StatusSeeOther || p.Location != "/account" {
				t.Fatalf("login: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
			}
			acc := u.get("/account")
			if !strings.Contains(acc.Body, "代表“"+demo.Enterprise.Name+"”办事") || !strings.Contains(acc.Body, "已使用数字证书登录") {
				t.Fatalf("not acting for the enterprise: %s", acc.Doc.Find("main").Text())
			}
			if p := u.get("/enterprise/certs"); p.Status != http.StatusOK {
				t.Fatalf("the legal representative's certificate session cannot see the certificates: %d", p.Status)
			}
		})
	}
	if n := len(auditOf(t, ts, "login.cert", audit.ResultOK)); n != 3 {
		t.Fatalf("certificate logins audited: %d", n)
	}
	t.Run("next after logging in", func(t *testing.T) {
		u := ts.client()
		u.get("/login/cert?next=/licenses")
		form := certForm(t, u.challenge(), code, ecc)
		form.Set("next", "/licenses")
		if p := u.post("/login/cert", form); p.Location != "/licenses" {
			t.Fatalf("went to %q", p.Location)
		}
	})

	// Fixtures for refusals: a revoked certificate, an expired one (stored
	// directly: registration refuses it), an unregistered one, and one of
	// another enterprise.
	revoked := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: demo.Enterprise.Name})
	if p := rep.post("/enterprise/certs", url.Values{"cert": {revoked.PEM}}); p.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	id, _ := rep.get("/enterprise/certs").Doc.Find("#certs tbody tr").First().Attr("id")
	if p := rep.post("/enterprise/certs/"+strings.TrimPrefix(id, "cert-")+"/revoke", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	if p := rep.post("/enterprise/certs/"+strings.TrimPrefix(id, "cert-")+"/revoke", nil); p.Status != http.StatusConflict ||
		p.Header.Get("X-Yiwang-Reason") != certlogin.ReasonCertAlreadyRevoked {
		t.Fatalf("revoke twice: %d %s", p.Status, p.Header.Get("X-Yiwang-Reason"))
	}
	if p := agent.post("/enterprise/certs/"+strings.TrimPrefix(id, "cert-")+"/revoke", nil); p.Status != http.StatusForbidden {
		t.Fatalf("an agent revokes: %d", p.Status)
	}
	if !strings.Contains(rep.get("/enterprise/certs").Doc.Find("#"+id).Text(), "已吊销") {
		t.Fatal("the revoked certificate is not marked")
	}
	zhang, err := ts.app.db.CitizenByMobile(ctx, demo.People[0].Mobile)
	if err != nil {
		t.Fatal(err)
	}
	ent, err := ts.app.db.EnterpriseByCreditCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	storeCert := func(c *yiwangtest.Cert, entID, accountID string) {
		p, err := certlogin.ParseCert([]byte(c.PEM), "cert")
		if err != nil {
			t.Fatal(err)
		}
		rec := certlogin.Cert{ID: yiwang.NewID(), EnterpriseID: entID, AccountID: accountID, Fingerprint: p.Fingerprint, SM3: p.SM3,
			KeyAlg: p.KeyAlg, Subject: c.Cert.Subject.String(), Issuer: c.Cert.Issuer.String(), Serial: "01",
			NotBefore: c.Cert.NotBefore, NotAfter: c.Cert.NotAfter, DER: c.DER, CreatedAt: time.Now()}
		if err := ts.app.db.AddEnterpriseCert(ctx, rec, audit.New(yiwang.System("test"), time.Now(), "enterprise.cert_add",
			"enterprise:"+entID, audit.ResultOK, "测试")); err != nil {
			t.Fatal(err)
		}
	}
	storeCert(expired, ent.ID, zhang.ID)
	other := otherEnterprise(t, ts)
	otherCert := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "雨山区李四五金店"})
	storeCert(otherCert, other.ID, other.CreatedBy)
	unregistered := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: demo.Enterprise.Name})

	certsBefore, sessionsOK := ts.count("enterprise_certs"), len(auditOf(t, ts, "login.cert", audit.ResultOK))
	for _, tc := range []struct {
		name   string
		form   func(u *client) url.Values
		status int
		field  string
		reason string
		want   string
	}{
		{"unregistered certificate", func(u *client) url.Values { return certForm(t, u.challenge(), code, unregistered) },
			401, "cert", certlogin.ReasonCertNotRegistered, "尚未在本平台登记"},
		{"revoked certificate", func(u *client) url.Values { return certForm(t, u.challenge(), code, revoked) },
			401, "cert", certlogin.ReasonCertRevoked, "吊销"},
		{"expired certificate", func(u *client) url.Values { return certForm(t, u.challenge(), code, expired) },
			401, "cert", certlogin.ReasonCertExpired, "过期"},
		{"wrong signature", func(u *client) url.Values {
			f := certForm(t, u.challenge(), code, sm2c)
			f.Set("signature", certForm(t, f.Get("challenge"), code, unregistered).Get("signature"))
			return f
		}, 401, "signature", certlogin.ReasonSignatureInvalid, "签名验证未通过"},
		{"signature over another challenge", func(u *client) url.Values {
			f := certForm(t, u.challenge(), code, sm2c)
			f.Set("signature", certForm(t, certlogin.ChallengePrefix+"00aa", code, sm2c).Get("signature"))
			return f
		}, 401, "signature", certlogin.ReasonSignatureInvalid, "签名验证未通过"},
		{"challenge from another session", func(u *client) url.Values {
			u.challenge()
			return certForm(t, ts.client().challenge(), code, sm2c)
		}, 401, "", certlogin.ReasonChallengeMismatch, "挑战码已更换"},
		{"challenge from another session, page not opened", func(_ *client) url.Values {
			return certForm(t, ts.client().challenge(), code, sm2c)
		}, 401, "", certlogin.ReasonChallengeMissing, "挑战码已失效"},
		{"malformed PEM", func(u *client) url.Values {
			f := certForm(t, u.challenge(), code, sm2c)
			f.Set("cert", "-----BEGIN CERTIFICATE-----\nMIIB%%%\n-----END CERTIFICATE-----")
			return f
		}, 400, "cert", certlogin.ReasonCertMalformed, "无法识别证书"},
		{"garbage base64", func(u *client) url.Values {
			f := certForm(t, u.challenge(), code, sm2c)
			f.Set("signature", "签名!!!")
			return f
		}, 400, "signature", certlogin.ReasonSignatureMalformed, "Base64"},
		{"a private key pasted as the certificate", func(u *client) url.Values {
			f := certForm(t, u.challenge(), code, sm2c)
			f.Set("cert", sm2c.KeyPEM)
			return f
		}, 400, "cert", certlogin.ReasonPrivateKey, "私钥"},
		{"wrong certificate for the enterprise", func(u *client) url.Values { return certForm(t, u.challenge(), code, otherCert) },
			401, "credit_code", certlogin.ReasonWrongEnterprise, "不是此企业的证书"},
		{"bad credit code", func(u *client) url.Values { return certForm(t, u.challenge(), "91350100M000100Y44", sm2c) },
			400, "credit_code", certlogin.ReasonInvalidInput, "校验位"},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			u := ts.client()
			form := tc.form(u)
			p := u.post("/login/cert", form)
			checkRefused(t, p, tc.status, tc.field, tc.reason, tc.want)
			if u.loggedIn() {
				t.Fatal("logged in")
			}
			next := p.Doc.Find("#f-challenge").Text()
			renewed := p.Doc.Find("#challenge-renewed").Length() == 1
			if tc.status == 400 && next != form.Get("challenge") && tc.name != "challenge from another session, page not opened" {
				t.Fatal("malformed input used up the challenge")
			}
			if renewed != (next != form.Get("challenge")) {
				t.Fatalf("challenge renewed %v, notice %v", next != form.Get("challenge"), renewed)
			}
			if tc.reason == certlogin.ReasonPrivateKey && strings.Contains(p.Body, "PRIVATE KEY-----") {
				t.Fatal("the private key is shown back")
			}
		})
	}
	t.Run("replayed challenge", func(t *testing.T) {
		u := ts.client()
		form := certForm(t, u.challenge(), code, sm2c)
		// Two clients holding the same session cookie send it at once, then again.
		if p := u.post("/login/cert", form); p.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
		}
		sessionsOK++
		v := ts.client()
		v.challenge()
		checkRefused(t, v.post("/login/cert", form), 401, "", certlogin.ReasonChallengeMismatch, "挑战码已更换")
		w := ts.client()
		checkRefused(t, w.post("/login/cert", form), 401, "", certlogin.ReasonChallengeMissing, "挑战码已失效")
		// The same session, logged out and back to the login page: the
		// used challenge is gone with the session.
		u.post("/logout", nil)
		checkRefused(t, u.post("/login/cert", form), 401, "", certlogin.ReasonChallengeMissing, "挑战码已失效")
	})
	t.Run("a failed attempt uses the challenge up", func(t *testing.T) {
		u := ts.client()
		ch := u.challenge()
		bad := certForm(t, ch, code, sm2c)
		bad.Set("signature", certForm(t, ch, code, unregistered).Get("signature"))
		checkRefused(t, u.post("/login/cert", bad), 401, "signature", certlogin.ReasonSignatureInvalid, "签名验证未通过")
		checkRefused(t, u.post("/login/cert", certForm(t, ch, code, sm2c)), 401, "", certlogin.ReasonChallengeMismatch, "挑战码已更换")
	})
	if ts.count("enterprise_certs") != certsBefore {
		t.Fatal("a refused login changed the certificates")
	}
	if n := len(auditOf(t, ts, "login.cert", audit.ResultOK)); n != sessionsOK {
		t.Fatalf("successful certificate logins: %d, want %d", n, sessionsOK)
	}
	if n := len(auditOf(t, ts, "login.cert", audit.ResultFailed)) + len(auditOf(t, ts, "login.cert", audit.ResultDenied)); n < 10 {
		t.Fatalf("refused certificate logins audited: %d", n)
	}
}

// checkRefused checks a refused form: the status, the reason in the header
// and on the page, and a Chinese message in the error summary (linked to
// field when it is not "").
func checkRefused(t *testing.T, p page, status int, field, reason, want string) {
	t.Helper()
	summary := p.Doc.Find(".error-summary").Text()
	if p.Status != status || p.Header.Get("X-Yiwang-Reason") != reason {
		t.Fatalf("status %d reason %q, want %d %q: %s", p.Status, p.Header.Get("X-Yiwang-Reason"), status, reason, summary)
	}
	if got := strings.TrimSpace(p.Doc.Find("#error-code .code").Text()); got != reason {
		t.Fatalf("the page shows code %q, want %q", got, reason)
	}
	if !strings.Contains(summary, want) {
		t.Fatalf("error summary %q lacks %q", summary, want)
	}
	if field != "" {
		if p.Doc.Find(`.error-summary a[href="#f-`+field+`"]`).Length() != 1 || p.Doc.Find("#e-"+field).Length() != 1 ||
			p.Doc.Find("#f-"+field+`[aria-invalid="true"]`).Length() != 1 {
			t.Fatalf("the error is not linked to field %s: %s", field, summary)
		}
	}
}

func auditOf(t *testing.T, ts *testServer, action, result string) []audit.Entry {
	t.Helper()
	es, _, err := ts.app.db.ListAudit(context.Background(), audit.Filter{Action: action, Result: result, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// otherEnterprise stores a second enterprise with 李四 as its legal
// representative.
func otherEnterprise(t *testing.T, ts *testServer) identity.Enterprise {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	sys := yiwang.System("test")
	li := demo.People[2]
	a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: li.Name, Mobile: li.Mobile, IDCard: li.IDCard,
		RealNameLevel: identity.RealNameIDCheck, Status: identity.StatusActive, CreatedAt: now, UpdatedAt: now}
	if err := ts.app.db.CreateAccount(ctx, a, audit.New(sys, now, "account.register", "account:"+a.ID, audit.ResultOK, "测试")); err != nil {
		t.Fatal(err)
	}
	code, _ := idcode.MakeCreditCode('9', '2', "340504", "MA2T0002")
	ent := identity.Enterprise{ID: yiwang.NewID(), CreditCode: code, Name: "雨山区李四五金店", LegalRepName: li.Name,
		LegalRepID: li.IDCard, CreatedBy: a.ID, CreatedAt: now}
	m := identity.Member{EnterpriseID: ent.ID, AccountID: a.ID, Role: identity.MemberLegalRep, GrantedBy: a.ID, GrantedAt: now}
	if err := ts.app.db.CreateEnterprise(ctx, ent, m, audit.New(sys, now, "enterprise.register", "enterprise:"+ent.ID, audit.ResultOK, "测试")); err != nil {
		t.Fatal(err)
	}
	return ent
}
