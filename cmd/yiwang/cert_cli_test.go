package main

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/sqlstore"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestCertCommands: `yiwang cert new` makes a test certificate and key of
// each algorithm; `yiwang cert sign` signs a challenge so that it verifies
// with the certificate; wrong use is refused with a Chinese message.
func TestCertCommands(t *testing.T) {
	dir := t.TempDir()
	code := demo.EnterpriseCode()
	challenge := certlogin.ChallengePrefix + "0123456789abcdef"
	for _, alg := range []string{"sm2", "rsa", "ecdsa", "ecdsa-p384"} {
		t.Run(alg, func(t *testing.T) {
			prefix := filepath.Join(dir, alg)
			if out, err := cli(t, "cert", "new", "--name", demo.Enterprise.Name, "--credit-code", code, "--alg", alg, "--out", prefix); err != nil || !strings.Contains(out, "已生成测试证书") {
				t.Fatalf("cert new: %v %s", err, out)
			}
			certPEM, err := os.ReadFile(prefix + ".crt")
			if err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(prefix + ".key"); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v %v", fi.Mode(), err)
			}
			p, err := certlogin.ParseCert(certPEM, "cert")
			if err != nil {
				t.Fatal(err)
			}
			if codes := certlogin.CreditCodes(p.Cert); len(codes) != 1 || codes[0] != code {
				t.Fatalf("credit codes in the certificate: %v", codes)
			}
			out, err := cli(t, "cert", "sign", "--key", prefix+".key", "--challenge", challenge)
			if err != nil {
				t.Fatalf("cert sign: %v %s", err, out)
			}
			sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
			if err != nil {
				t.Fatalf("not base64: %q", out)
			}
			if err := certlogin.Verify(p.Cert.PublicKey, []byte(challenge), sig); err != nil {
				t.Fatalf("the signature does not verify: %v", err)
			}
		})
	}
	// A key in SEC 1 and PKCS #1 form, as openssl writes them.
	for _, alg := range []string{"sm2", "ecdsa", "rsa"} {
		c := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: alg, Name: "测试"})
		keyFile := filepath.Join(dir, "legacy-"+alg+".pem")
		if err := os.WriteFile(keyFile, []byte(legacyKeyPEM(t, c)), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := cli(t, "cert", "sign", "--key", keyFile, "--challenge", challenge)
		sig, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
		if err != nil || certlogin.Verify(c.Cert.PublicKey, []byte(challenge), sig) != nil {
			t.Fatalf("%s legacy key: %v %s", alg, err, out)
		}
	}

	certFile := filepath.Join(dir, "sm2.crt")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"cert"}, "用法"},
		{[]string{"cert", "sign", "--challenge", challenge}, "--key"},
		{[]string{"cert", "sign", "--key", filepath.Join(dir, "sm2.key")}, "--challenge"},
		{[]string{"cert", "sign", "--key", filepath.Join(dir, "nope.key"), "--challenge", challenge}, "读不到私钥文件"},
		{[]string{"cert", "sign", "--key", certFile, "--challenge", challenge}, "不是私钥"},
		{[]string{"cert", "new", "--name", "x", "--alg", "dsa", "--out", filepath.Join(dir, "x")}, "不支持的算法"},
		{[]string{"cert", "new", "--name", "x"}, "--out"},
	} {
		out, err := cli(t, tc.args...)
		if err == nil || !strings.Contains(out+err.Error(), tc.want) {
			t.Errorf("%v: %v %q, want %q", tc.args, err, out, tc.want)
		}
	}
	if out, err := cli(t, "cert", "--help"); err != nil || !strings.Contains(out, "cert sign") {
		t.Fatalf("cert --help: %v %s", err, out)
	}
}

// TestCertLoginWithCommands: the documented way to try certificate login
// without a USB key, through the real server.
func TestCertLoginWithCommands(t *testing.T) {
	ts := startServer(t, sqlstore.SQLite)
	prefix := filepath.Join(t.TempDir(), "zhang")
	if _, err := cli(t, "cert", "new", "--name", demo.Enterprise.Name, "--credit-code", demo.EnterpriseCode(), "--out", prefix); err != nil {
		t.Fatal(err)
	}
	crt, _ := os.ReadFile(prefix + ".crt")
	rep := ts.enterpriseClient(demo.People[0])
	if p := rep.postFile("/enterprise/certs", nil, "cert_file", "zhang.crt", crt); p.Status != http.StatusSeeOther {
		t.Fatalf("register: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
	u := ts.client()
	ch := u.challenge()
	sig, err := cli(t, "cert", "sign", "--key", prefix+".key", "--challenge", ch)
	if err != nil {
		t.Fatal(err)
	}
	p := u.post("/login/cert", url.Values{"challenge": {ch}, "credit_code": {demo.EnterpriseCode()}, "cert": {string(crt)}, "signature": {sig}})
	if p.Status != http.StatusSeeOther || !u.loggedIn() {
		t.Fatalf("login: %d %s", p.Status, p.Doc.Find(".error-summary").Text())
	}
}

// legacyKeyPEM writes c's key as SEC 1 "EC PRIVATE KEY" or PKCS #1 "RSA
// PRIVATE KEY".
func legacyKeyPEM(t *testing.T, c *yiwangtest.Cert) string {
	t.Helper()
	var b *pem.Block
	switch k := c.Key.(type) {
	case *sm2.PrivateKey:
		der, err := smx509.MarshalSM2PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		b = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	case *ecdsa.PrivateKey:
		der, err := smx509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		b = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
	case *rsa.PrivateKey:
		b = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: smx509.MarshalPKCS1PrivateKey(k)}
	}
	return string(pem.EncodeToMemory(b))
}
