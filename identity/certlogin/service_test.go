package certlogin_test

import (
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestRegister: the legal representative registers certificates of each
// key type; everything else is refused with its reason and changes nothing.
func TestRegister(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		ca := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "测试 SM2 CA", IsCA: true})
		sm2Leaf := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.a.Name, CreditCode: e.a.CreditCode, Issuer: ca})
		rsaLeaf := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "rsa", Name: e.a.Name, OU: []string{"SF" + e.a.CreditCode}})
		ecLeaf := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: e.a.Name})

		for _, c := range []*yiwangtest.Cert{sm2Leaf, rsaLeaf, ecLeaf} {
			if _, err := e.svc.Register(e.ctx, e.zhang, []byte(c.PEM)); err != nil {
				t.Fatalf("register: %v", err)
			}
		}
		ent, cs, err := e.svc.List(e.ctx, e.zhang)
		if err != nil || ent.ID != e.a.ID || len(cs) != 3 {
			t.Fatalf("List: %s %d %v", ent.Name, len(cs), err)
		}
		byAlg := map[string]certlogin.Cert{}
		for _, c := range cs {
			byAlg[c.KeyAlg] = c
		}
		s := byAlg[certlogin.AlgSM2]
		if s.CreditCode != e.a.CreditCode || s.AccountID != e.zhang.AccountID || s.Issuer == "" || s.Serial == "" ||
			!s.NotAfter.Equal(sm2Leaf.Cert.NotAfter.UTC()) || string(s.DER) != string(sm2Leaf.DER) || s.State(e.clk.Now()) != certlogin.StateValid {
			t.Fatalf("stored SM2 certificate: %+v", s)
		}
		if byAlg["RSA-2048"].CreditCode != e.a.CreditCode || byAlg[certlogin.AlgECDSAP256].CreditCode != "" {
			t.Fatalf("credit codes: %q %q", byAlg["RSA-2048"].CreditCode, byAlg[certlogin.AlgECDSAP256].CreditCode)
		}
		if n := len(e.audits(t, audit.Filter{Action: "enterprise.cert_add", Object: "enterprise:" + e.a.ID})); n != 3 {
			t.Fatalf("registrations audited: %d", n)
		}

		before, audits := e.count(t, "enterprise_certs"), e.count(t, "audit_log")
		now := e.clk.Now()
		expired := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.a.Name, NotBefore: now.AddDate(-2, 0, 0), NotAfter: now.AddDate(0, 0, -1)})
		early := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: e.a.Name, NotBefore: now.Add(24 * time.Hour)})
		encOnly := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.a.Name, KeyUsage: smx509.KeyUsageKeyEncipherment | smx509.KeyUsageDataEncipherment})
		otherCode := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.b.Name, CreditCode: e.b.CreditCode})
		weak := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "rsa-1024", Name: e.a.Name})
		notActing := e.zhang
		notActing.Kind, notActing.EnterpriseID = yiwang.KindCitizen, ""
		for _, tc := range []struct {
			name              string
			actor             yiwang.Actor
			in                string
			code, reason, fld string
			want              string
		}{
			{"agent", e.wang, ecLeaf.PEM, yiwang.EFORBIDDEN, certlogin.ReasonNotLegalRep, "", "法定代表人"},
			{"not acting for the enterprise", notActing, ecLeaf.PEM, yiwang.EFORBIDDEN, certlogin.ReasonNotLegalRep, "", "法人身份"},
			{"anonymous", yiwang.Actor{}, ecLeaf.PEM, yiwang.EUNAUTHORIZED, certlogin.ReasonNotLegalRep, "", "登录"},
			{"registered already", e.zhang, sm2Leaf.PEM, yiwang.ECONFLICT, certlogin.ReasonCertRegistered, "cert", "已登记在本企业"},
			{"registered for another enterprise", e.li, ecLeaf.PEM, yiwang.ECONFLICT, certlogin.ReasonCertRegistered, "cert", "其他企业"},
			{"expired", e.zhang, expired.PEM, yiwang.EINVALID, certlogin.ReasonCertExpired, "cert", "过期"},
			{"not yet valid", e.zhang, early.PEM, yiwang.EINVALID, certlogin.ReasonCertNotYetValid, "cert", "尚未生效"},
			{"CA certificate", e.zhang, ca.PEM, yiwang.EINVALID, certlogin.ReasonCertIsCA, "cert", "CA"},
			{"encryption certificate", e.zhang, encOnly.PEM, yiwang.EINVALID, certlogin.ReasonNotForSigning, "cert", "签名证书"},
			{"another enterprise's credit code", e.zhang, otherCode.PEM, yiwang.EINVALID, certlogin.ReasonCreditCodeMismatch, "cert", e.b.CreditCode},
			{"private key", e.zhang, ecLeaf.KeyPEM, yiwang.EINVALID, certlogin.ReasonPrivateKey, "cert", "私钥"},
			{"garbage", e.zhang, "MIIB garbage", yiwang.EINVALID, certlogin.ReasonCertMalformed, "cert", "无法识别"},
			{"empty", e.zhang, "", yiwang.EINVALID, certlogin.ReasonCertMissing, "cert", "请上传"},
			{"RSA-1024", e.zhang, weak.PEM, yiwang.EINVALID, certlogin.ReasonKeyUnsupported, "cert", "2048"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.svc.Register(e.ctx, tc.actor, []byte(tc.in))
				wantReason(t, err, tc.code, tc.reason, tc.fld, tc.want)
			})
		}
		if e.count(t, "enterprise_certs") != before || e.count(t, "audit_log") != audits {
			t.Fatal("a refused registration changed the database")
		}

		// Names with control characters are stored readable, on both engines.
		odd := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: "雨山区\x00张三\n小吃店"})
		if c, err := e.svc.Register(e.ctx, e.zhang, []byte(odd.PEM)); err != nil || !strings.Contains(c.Subject, "雨山区\uFFFD张三\uFFFD小吃店") {
			t.Fatalf("odd names: %q %v", c.Subject, err)
		}

		// Revocation.
		id := byAlg[certlogin.AlgECDSAP256].ID
		wantReason(t, e.svc.Revoke(e.ctx, e.wang, id), yiwang.EFORBIDDEN, certlogin.ReasonNotLegalRep, "", "法定代表人")
		wantReason(t, e.svc.Revoke(e.ctx, e.li, id), yiwang.ENOTFOUND, certlogin.ReasonCertNotFound, "", "没有这张证书")
		if err := e.svc.Revoke(e.ctx, e.zhang, id); err != nil {
			t.Fatal(err)
		}
		wantReason(t, e.svc.Revoke(e.ctx, e.zhang, id), yiwang.ECONFLICT, certlogin.ReasonCertAlreadyRevoked, "", "已吊销")
		_, err = e.svc.Register(e.ctx, e.zhang, []byte(ecLeaf.PEM))
		wantReason(t, err, yiwang.ECONFLICT, certlogin.ReasonCertRegistered, "cert", "吊销")
		c, err := e.db.EnterpriseCertByFingerprint(e.ctx, byAlg[certlogin.AlgECDSAP256].Fingerprint)
		if err != nil || !c.Revoked() || c.RevokedBy != e.zhang.AccountID || c.State(e.clk.Now()) != certlogin.StateRevoked {
			t.Fatalf("revoked: %+v %v", c, err)
		}
		if n := len(e.audits(t, audit.Filter{Action: "enterprise.cert_revoke", Object: "enterprise:" + e.a.ID})); n != 1 {
			t.Fatalf("revocations audited: %d", n)
		}
	})
}

// login signs the challenge with c's key and logs in for ent.
func (e *env) login(t *testing.T, ch certlogin.Challenge, c *yiwangtest.Cert, code string) (identity.Account, identity.Member, error) {
	t.Helper()
	return e.svc.Login(e.ctx, certlogin.LoginInput{ChallengeID: ch.ID, Shown: ch.Text, CreditCode: code, Cert: c.PEM,
		Signature: sign(t, c, ch.Text), IP: "10.0.0.9"})
}

func sign(t *testing.T, c *yiwangtest.Cert, msg string) string {
	t.Helper()
	sig, err := certlogin.Sign(c.Key, []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func (e *env) challenge(t *testing.T) certlogin.Challenge {
	t.Helper()
	ch, err := e.svc.NewChallenge(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestLogin: each key type logs in as the legal representative; every way
// of getting it wrong is refused with its reason and audited.
func TestLogin(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		ca := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: "测试 SM2 CA", IsCA: true})
		certs := map[string]*yiwangtest.Cert{
			"SM2":   yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.a.Name, CreditCode: e.a.CreditCode, Issuer: ca}),
			"RSA":   yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "rsa", Name: e.a.Name}),
			"P-256": yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: e.a.Name}),
			"P-384": yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa-p384", Name: e.a.Name}),
		}
		for _, c := range certs {
			if _, err := e.svc.Register(e.ctx, e.zhang, []byte(c.PEM)); err != nil {
				t.Fatal(err)
			}
		}
		for name, c := range certs {
			t.Run(name, func(t *testing.T) {
				a, m, err := e.login(t, e.challenge(t), c, " "+e.a.CreditCode+" ")
				if err != nil {
					t.Fatal(err)
				}
				if a.ID != e.zhang.AccountID || m.EnterpriseID != e.a.ID || m.Role != identity.MemberLegalRep || m.EnterpriseName != e.a.Name {
					t.Fatalf("logged in %s as %+v", a.Name, m)
				}
			})
		}
		if n := len(e.audits(t, audit.Filter{Action: "login.cert", Object: "enterprise:" + e.a.ID, Result: audit.ResultOK})); n != len(certs) {
			t.Fatalf("logins audited: %d", n)
		}
		sm2c := certs["SM2"]

		t.Run("bare r‖s signature from an SKF device", func(t *testing.T) {
			ch := e.challenge(t)
			der, _ := base64.StdEncoding.DecodeString(sign(t, sm2c, ch.Text))
			raw := derToRaw(t, der, 32)
			_, _, err := e.svc.Login(e.ctx, certlogin.LoginInput{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: sm2c.PEM,
				Signature: base64.StdEncoding.EncodeToString(raw)})
			if err != nil {
				t.Fatal(err)
			}
		})

		unregistered := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.a.Name})
		revoked := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "ecdsa", Name: e.a.Name})
		rc, err := e.svc.Register(e.ctx, e.zhang, []byte(revoked.PEM))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Revoke(e.ctx, e.zhang, rc.ID); err != nil {
			t.Fatal(err)
		}
		liCert := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "sm2", Name: e.b.Name, CreditCode: e.b.CreditCode})
		if _, err := e.svc.Register(e.ctx, e.li, []byte(liCert.PEM)); err != nil {
			t.Fatal(err)
		}
		certsBefore := e.count(t, "enterprise_certs")
		failedBefore := len(e.audits(t, audit.Filter{Action: "login.cert", Result: audit.ResultFailed})) +
			len(e.audits(t, audit.Filter{Action: "login.cert", Result: audit.ResultDenied}))
		refusals := 0

		type input = certlogin.LoginInput
		for _, tc := range []struct {
			name              string
			in                func(ch, other certlogin.Challenge) input
			code, reason, fld string
			want              string
		}{
			{"unregistered certificate", func(ch, _ certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: unregistered.PEM, Signature: sign(t, unregistered, ch.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonCertNotRegistered, "cert", "尚未在本平台登记"},
			{"revoked certificate", func(ch, _ certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: revoked.PEM, Signature: sign(t, revoked, ch.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonCertRevoked, "cert", "吊销"},
			{"wrong signature", func(ch, _ certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, unregistered, ch.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonSignatureInvalid, "signature", "签名验证未通过"},
			{"signature over another challenge", func(ch, other certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, other.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonSignatureInvalid, "signature", "签名验证未通过"},
			{"the page showed another challenge", func(ch, other certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, Shown: other.Text, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, other.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeMismatch, "", "不是最新的"},
			{"a session without a challenge", func(_, other certlogin.Challenge) input {
				return input{CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, other.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeMissing, "", "挑战码已失效"},
			{"an unknown challenge", func(_, other certlogin.Challenge) input {
				return input{ChallengeID: yiwang.NewID(), CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, other.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeMissing, "", "挑战码已失效"},
			{"another enterprise's certificate", func(ch, _ certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: liCert.PEM, Signature: sign(t, liCert, ch.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonWrongEnterprise, "credit_code", "不是此企业的证书"},
			{"an enterprise not registered", func(ch, _ certlogin.Challenge) input {
				return input{ChallengeID: ch.ID, CreditCode: creditCode(t, "MA2T0009"), Cert: sm2c.PEM, Signature: sign(t, sm2c, ch.Text)}
			}, yiwang.EUNAUTHORIZED, certlogin.ReasonEnterpriseUnknown, "credit_code", "尚未注册"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ch, other := e.challenge(t), e.challenge(t)
				_, _, err := e.svc.Login(e.ctx, tc.in(ch, other))
				wantReason(t, err, tc.code, tc.reason, tc.fld, tc.want)
				refusals++
			})
		}

		// Malformed input is refused before the challenge is touched: the
		// same challenge then still logs in.
		ch := e.challenge(t)
		good := input{ChallengeID: ch.ID, Shown: ch.Text, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, ch.Text)}
		for _, tc := range []struct {
			name         string
			mod          func(in *input)
			reason, fld  string
			want         string
			fieldsWanted int
		}{
			{"malformed PEM", func(in *input) { in.Cert = "-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----" }, certlogin.ReasonCertMalformed, "cert", "无法识别证书", 1},
			{"garbage base64 signature", func(in *input) { in.Signature = "这不是签名%%%" }, certlogin.ReasonSignatureMalformed, "signature", "Base64", 1},
			{"a private key instead of the certificate", func(in *input) { in.Cert = sm2c.KeyPEM }, certlogin.ReasonPrivateKey, "cert", "私钥", 1},
			{"bad credit code", func(in *input) { in.CreditCode = e.a.CreditCode[:17] + "?" }, certlogin.ReasonInvalidInput, "credit_code", "", 1},
			{"all empty", func(in *input) { in.Cert, in.Signature, in.CreditCode = "", "", "" }, certlogin.ReasonInvalidInput, "cert", "请上传", 3},
		} {
			t.Run(tc.name, func(t *testing.T) {
				in := good
				tc.mod(&in)
				_, _, err := e.svc.Login(e.ctx, in)
				wantReason(t, err, yiwang.EINVALID, tc.reason, tc.fld, tc.want)
				if n := len(yiwang.ErrorFields(err)); n != tc.fieldsWanted {
					t.Fatalf("%d fields: %v", n, err)
				}
			})
		}
		if _, _, err := e.svc.Login(e.ctx, good); err != nil {
			t.Fatalf("the challenge was spent by malformed input: %v", err)
		}
		t.Run("replayed challenge", func(t *testing.T) {
			_, _, err := e.svc.Login(e.ctx, good)
			wantReason(t, err, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeUsed, "", "只能使用一次")
			refusals++
		})
		t.Run("a challenge is used up by a failed attempt", func(t *testing.T) {
			ch := e.challenge(t)
			_, _, err := e.svc.Login(e.ctx, input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, "x")})
			wantReason(t, err, yiwang.EUNAUTHORIZED, certlogin.ReasonSignatureInvalid, "signature", "签名验证未通过")
			_, _, err = e.login(t, ch, sm2c, e.a.CreditCode)
			wantReason(t, err, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeUsed, "", "只能使用一次")
			refusals += 2
		})
		t.Run("expired challenge", func(t *testing.T) {
			ch := e.challenge(t)
			if _, ok, _ := e.svc.Challenge(e.ctx, ch.ID); !ok {
				t.Fatal("a new challenge is not usable")
			}
			e.clk.Advance(certlogin.ChallengeTTL - time.Second)
			if _, ok, _ := e.svc.Challenge(e.ctx, ch.ID); ok {
				t.Fatal("a challenge about to expire is shown again")
			}
			e.clk.Advance(2 * time.Second)
			_, _, err := e.login(t, ch, sm2c, e.a.CreditCode)
			wantReason(t, err, yiwang.EUNAUTHORIZED, certlogin.ReasonChallengeExpired, "", "已过期")
			refusals++
		})
		t.Run("expired certificate", func(t *testing.T) {
			now := e.clk.Now()
			short := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: "rsa", Name: e.a.Name, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)})
			if _, err := e.svc.Register(e.ctx, e.zhang, []byte(short.PEM)); err != nil {
				t.Fatal(err)
			}
			certsBefore++
			e.clk.Advance(2 * time.Hour)
			_, _, err := e.login(t, e.challenge(t), short, e.a.CreditCode)
			wantReason(t, err, yiwang.EUNAUTHORIZED, certlogin.ReasonCertExpired, "cert", "过期")
			refusals++
		})
		t.Run("two attempts with one challenge at once: one wins", func(t *testing.T) {
			ch := e.challenge(t)
			in := input{ChallengeID: ch.ID, CreditCode: e.a.CreditCode, Cert: sm2c.PEM, Signature: sign(t, sm2c, ch.Text)}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, used := 0, 0
			for range 6 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, _, err := e.svc.Login(e.ctx, in)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case certlogin.Reason(err) == certlogin.ReasonChallengeUsed:
						used++
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ok != 1 || used != 5 {
				t.Fatalf("%d logins, %d refused as used", ok, used)
			}
			refusals += used
		})
		t.Run("the registrant's account is disabled", func(t *testing.T) {
			a, err := e.db.Account(e.ctx, e.zhang.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			a.Status = identity.StatusDisabled
			if err := e.db.UpdateAccount(e.ctx, a, audit.New(yiwang.System("test"), e.clk.Now(), "account.disable", "account:"+a.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
			_, _, err = e.login(t, e.challenge(t), sm2c, e.a.CreditCode)
			wantReason(t, err, yiwang.EFORBIDDEN, certlogin.ReasonAccountInactive, "", "停用")
			refusals++
		})

		if e.count(t, "enterprise_certs") != certsBefore {
			t.Fatal("a refused login changed the certificates")
		}
		failed := len(e.audits(t, audit.Filter{Action: "login.cert", Result: audit.ResultFailed})) +
			len(e.audits(t, audit.Filter{Action: "login.cert", Result: audit.ResultDenied}))
		if failed-failedBefore != refusals {
			t.Fatalf("%d refused logins audited, want %d", failed-failedBefore, refusals)
		}
	})
}
