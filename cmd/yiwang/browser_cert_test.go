package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestBrowserCertLogin: on a desktop and on a phone, the legal
// representative registers the enterprise's certificate from a file, is
// told off for pasting a private key, and then logs in on /login/cert from
// the login chooser: first with a wrong signature (the error summary links
// to the field and a new challenge is shown), then rightly.
func TestBrowserCertLogin(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	dir := t.TempDir()
	for _, size := range []string{"desktop", "phone"} {
		t.Run(size, func(t *testing.T) {
			var ctx context.Context
			if size == "phone" {
				ctx = phoneBrowser(t)
			} else {
				ctx = browser(t, 1280, 900)
			}
			c := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: demo.Enterprise.Name, CreditCode: demo.EnterpriseCode(),
				Issuer: yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "雨山区测试电子认证服务机构", IsCA: true})})
			certFile := filepath.Join(dir, size+".cer")
			if err := os.WriteFile(certFile, c.DER, 0o644); err != nil {
				t.Fatal(err)
			}

			// 张三 logs in for the enterprise with his password and opens
			// 企业证书 from his account page.
			zhang := demo.People[0]
			do(t, ctx, chromedp.Navigate(ts.URL+"/login/enterprise"), chromedp.WaitVisible(chromedp.CSS("#f-credit_code")),
				chromedp.SendKeys(chromedp.CSS("#f-credit_code"), demo.EnterpriseCode()),
				chromedp.SendKeys(chromedp.CSS("#f-mobile"), zhang.Mobile),
				chromedp.SendKeys(chromedp.CSS("#f-password"), demo.CitizenPassword+"\r"),
				chromedp.WaitVisible(chromedp.CSS("#certs-link")))
			clickThrough(t, ctx, "#certs-link", "#f-cert_file")
			shot(t, ctx, "cert-empty-"+size)

			// A private key pasted by mistake is refused and not shown back.
			do(t, ctx, chromedp.SetValue(chromedp.CSS("#f-cert"), c.KeyPEM))
			clickThrough(t, ctx, `form[action="/enterprise/certs"] button.button`, ".error-summary")
			if s := text(t, ctx, ".error-summary"); !strings.Contains(s, "私钥") {
				t.Fatalf("error summary: %s", s)
			}
			if v := inputValue(t, ctx, "#f-cert"); v != "" {
				t.Fatal("the private key is shown back in the form")
			}
			if size == "phone" {
				checkFits(t, ctx, "the certificate page with an error")
			}
			shot(t, ctx, "cert-register-error-"+size)

			// The certificate file is registered and listed.
			do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#f-cert_file"), []string{certFile}))
			clickThrough(t, ctx, `form[action="/enterprise/certs"] button.button`, "#certs .fingerprint")
			if s := text(t, ctx, "#certs"); !strings.Contains(s, "雨山区测试电子认证服务机构") || !strings.Contains(s, "有效") {
				t.Fatalf("certificate list: %s", s)
			}
			if size == "phone" {
				checkFits(t, ctx, "the certificate list")
			}
			shot(t, ctx, "cert-list-"+size)

			// Logged out, 张三 picks certificate login on the chooser.
			clickThrough(t, ctx, `form[action="/logout"] button`, ".brand")
			do(t, ctx, chromedp.Navigate(ts.URL+"/login"), chromedp.WaitVisible(chromedp.CSS("#cert-login-link")))
			shot(t, ctx, "cert-chooser-"+size)
			clickThrough(t, ctx, "#cert-login-link", "#f-challenge")
			ch := inputValue(t, ctx, "#f-challenge")
			if !strings.HasPrefix(ch, certlogin.ChallengePrefix) {
				t.Fatalf("challenge %q", ch)
			}
			if size == "phone" {
				checkFits(t, ctx, "certificate login")
			}
			shot(t, ctx, "cert-login-"+size)

			// A signature by another key: refused, linked to the field, and
			// a new challenge to sign.
			other := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "其他"})
			do(t, ctx, chromedp.SendKeys(chromedp.CSS("#f-credit_code"), demo.EnterpriseCode()),
				chromedp.SetValue(chromedp.CSS("#f-cert"), c.PEM),
				chromedp.SetValue(chromedp.CSS("#f-signature"), signB64(t, other, ch)))
			clickThrough(t, ctx, `form[action="/login/cert"] button.button`, ".error-summary")
			if s := text(t, ctx, ".error-summary"); !strings.Contains(s, "签名验证未通过") {
				t.Fatalf("error summary: %s", s)
			}
			if s := text(t, ctx, "#challenge-renewed"); !strings.Contains(s, "挑战码已更换") {
				t.Fatalf("renewal notice: %s", s)
			}
			ch2 := inputValue(t, ctx, "#f-challenge")
			if ch2 == ch || inputValue(t, ctx, "#f-signature") != "" || inputValue(t, ctx, "#f-cert") == "" {
				t.Fatal("after a refused signature: the same challenge, or the signature kept, or the certificate lost")
			}
			if size == "phone" {
				checkFits(t, ctx, "certificate login with an error")
			}
			shot(t, ctx, "cert-login-error-"+size)
			do(t, ctx, chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-signature"]`)))

			// Signed rightly: logged in for the enterprise.
			do(t, ctx, chromedp.SetValue(chromedp.CSS("#f-signature"), signB64(t, c, ch2)))
			clickThrough(t, ctx, `form[action="/login/cert"] button.button`, ".notice.success")
			if s := text(t, ctx, "main"); !strings.Contains(s, "已使用数字证书登录") || !strings.Contains(s, "代表“"+demo.Enterprise.Name+"”办事") {
				t.Fatalf("after logging in: %s", s)
			}
			shot(t, ctx, "cert-login-done-"+size)
			clickThrough(t, ctx, `form[action="/logout"] button`, ".brand")
		})
	}
}

func signB64(t *testing.T, c *yiwangtest.Cert, msg string) string {
	t.Helper()
	sig, err := certlogin.Sign(c.Key, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}
