package identity_test

import (
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
)

func TestEnterprise(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		const ip = "10.0.0.7"
		zhang, wang, lisi := person(t, "张三"), person(t, "王五"), person(t, "李四")
		code := demo.EnterpriseCode()
		ent, err := e.db.EnterpriseByCreditCode(e.ctx, code)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("经办人登录", func(t *testing.T) {
			a, m, err := e.svc.LoginEnterprise(e.ctx, code, wang.Mobile, demo.CitizenPassword, "", ip)
			if err != nil {
				t.Fatalf("LoginEnterprise: %v", err)
			}
			if a.Name != "王五" || m.EnterpriseID != ent.ID || m.Role != identity.MemberAgent {
				t.Errorf("logged in %s as %+v", a.Name, m)
			}
			if n := len(e.audits(t, audit.Filter{Action: "login.enterprise", Object: "enterprise:" + ent.ID, Result: audit.ResultOK})); n != 1 {
				t.Errorf("enterprise logins audited = %d, want 1", n)
			}
		})
		t.Run("法定代表人用验证码登录（信用代码小写）", func(t *testing.T) {
			c := e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
			a, m, err := e.svc.LoginEnterprise(e.ctx, " "+lower(code)+" ", zhang.Mobile, "", c, ip)
			if err != nil {
				t.Fatalf("LoginEnterprise: %v", err)
			}
			if a.Name != "张三" || m.Role != identity.MemberLegalRep {
				t.Errorf("logged in %s as %+v", a.Name, m)
			}
		})

		// 李四 registers (real-name level 2, with a password) but is not a member.
		in := identity.CitizenInput{Name: lisi.Name, Mobile: lisi.Mobile, IDCard: lisi.IDCard, Password: "Lisi2026pw",
			Code: e.sendCode(t, identity.PurposeRegister, lisi.Mobile)}
		lisiAcc, err := e.svc.RegisterCitizen(e.ctx, in, ip)
		if err != nil {
			t.Fatal(err)
		}
		zhangActor := e.citizen(t, zhang.Mobile).Actor(ip, "web")
		wangActor := e.citizen(t, wang.Mobile).Actor(ip, "web")
		lisiActor := lisiAcc.Actor(ip, "web")

		t.Run("非成员登录", func(t *testing.T) {
			_, _, err := e.svc.LoginEnterprise(e.ctx, code, lisi.Mobile, "Lisi2026pw", "", ip)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			if n := len(e.audits(t, audit.Filter{Action: "login.enterprise", Object: "enterprise:" + ent.ID, Result: audit.ResultDenied})); n != 1 {
				t.Errorf("denied enterprise logins audited = %d, want 1", n)
			}
		})
		t.Run("错误密码", func(t *testing.T) {
			_, _, err := e.svc.LoginEnterprise(e.ctx, code, wang.Mobile, "Wrong2026", "", ip)
			wantErr(t, err, yiwang.EUNAUTHORIZED, "")
		})
		t.Run("企业未注册", func(t *testing.T) {
			other, _ := idcode.MakeCreditCode('9', '1', "340504", "MA2T0009")
			_, _, err := e.svc.LoginEnterprise(e.ctx, other, wang.Mobile, demo.CitizenPassword, "", ip)
			wantErr(t, err, yiwang.EUNAUTHORIZED, "credit_code")
		})
		t.Run("信用代码格式错误", func(t *testing.T) {
			_, _, err := e.svc.LoginEnterprise(e.ctx, wrongCreditCheck(code), wang.Mobile, demo.CitizenPassword, "", ip)
			wantErr(t, err, yiwang.EINVALID, "credit_code")
		})

		t.Run("经办人不能授权", func(t *testing.T) {
			err := e.svc.AddAgent(e.ctx, wangActor, ent.ID, lisi.Mobile)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			err = e.svc.AddAgent(e.ctx, lisiActor, ent.ID, lisi.Mobile)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			err = e.svc.RemoveAgent(e.ctx, wangActor, ent.ID, wangActor.AccountID)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			if ms, _ := e.db.Members(e.ctx, ent.ID); len(ms) != 2 {
				t.Errorf("members = %d, want 2", len(ms))
			}
		})
		t.Run("授权未注册的手机号", func(t *testing.T) {
			wantErr(t, e.svc.AddAgent(e.ctx, zhangActor, ent.ID, "13977770001"), yiwang.EINVALID, "mobile")
			wantErr(t, e.svc.AddAgent(e.ctx, zhangActor, ent.ID, "1397777"), yiwang.EINVALID, "mobile")
		})
		t.Run("重复授权", func(t *testing.T) {
			wantErr(t, e.svc.AddAgent(e.ctx, zhangActor, ent.ID, wang.Mobile), yiwang.ECONFLICT, "mobile")
		})
		t.Run("法定代表人授权后可登录", func(t *testing.T) {
			if err := e.svc.AddAgent(e.ctx, zhangActor, ent.ID, lisi.Mobile); err != nil {
				t.Fatalf("AddAgent: %v", err)
			}
			// The demo's own grant to 王五 and this one.
			if n := len(e.audits(t, audit.Filter{Action: "enterprise.agent_add", Object: "enterprise:" + ent.ID})); n != 2 {
				t.Errorf("enterprise.agent_add audited %d times, want 2", n)
			}
			if _, m, err := e.svc.LoginEnterprise(e.ctx, code, lisi.Mobile, "Lisi2026pw", "", ip); err != nil || m.Role != identity.MemberAgent {
				t.Fatalf("login after AddAgent: %+v %v", m, err)
			}
			ms, err := e.svc.Members(e.ctx, lisiActor, ent.ID)
			if err != nil || len(ms) != 3 {
				t.Errorf("members = %d, %v", len(ms), err)
			}
			if err := e.svc.RemoveAgent(e.ctx, zhangActor, ent.ID, lisiAcc.ID); err != nil {
				t.Fatalf("RemoveAgent: %v", err)
			}
			_, _, err = e.svc.LoginEnterprise(e.ctx, code, lisi.Mobile, "Lisi2026pw", "", ip)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			_, err = e.svc.Members(e.ctx, lisiActor, ent.ID)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			wantErr(t, e.svc.RemoveAgent(e.ctx, zhangActor, ent.ID, zhangActor.AccountID), yiwang.EFORBIDDEN, "")
		})

		newCode, err := idcode.MakeCreditCode('9', '2', "340504", "MA2T0002")
		if err != nil {
			t.Fatal(err)
		}
		mine := identity.EnterpriseInput{CreditCode: newCode, Name: "雨山区王五便利店", LegalRepName: wang.Name, LegalRepIDCard: wang.IDCard}
		registerTests := []struct {
			name  string
			actor yiwang.Actor
			edit  func(in *identity.EnterpriseInput)
			code  string
			field string
		}{
			{"他人的身份证号", wangActor, func(in *identity.EnterpriseInput) {
				in.LegalRepName, in.LegalRepIDCard = zhang.Name, zhang.IDCard
			}, yiwang.EFORBIDDEN, "legal_rep_idcard"},
			{"姓名与本人不符", wangActor, func(in *identity.EnterpriseInput) { in.LegalRepName = "王六" }, yiwang.EFORBIDDEN, ""},
			{"信用代码校验位错误", wangActor, func(in *identity.EnterpriseInput) { in.CreditCode = wrongCreditCheck(newCode) }, yiwang.EINVALID, "credit_code"},
			{"信用代码位数不对", wangActor, func(in *identity.EnterpriseInput) { in.CreditCode = newCode[:10] }, yiwang.EINVALID, "credit_code"},
			{"企业名称为空", wangActor, func(in *identity.EnterpriseInput) { in.Name = " " }, yiwang.EINVALID, "name"},
			{"法定代表人身份证号格式错误", wangActor, func(in *identity.EnterpriseInput) { in.LegalRepIDCard = wrongCheck(wang.IDCard) }, yiwang.EINVALID, "legal_rep_idcard"},
			{"企业已注册", zhangActor, func(in *identity.EnterpriseInput) {
				in.CreditCode, in.LegalRepName, in.LegalRepIDCard = code, zhang.Name, zhang.IDCard
			}, yiwang.ECONFLICT, "credit_code"},
			{"未登录", yiwang.Actor{IP: ip}, nil, yiwang.EUNAUTHORIZED, ""},
			{"工作人员账号", e.actor(t, "clerk"), nil, yiwang.EFORBIDDEN, ""},
		}
		for _, tc := range registerTests {
			t.Run("注册企业："+tc.name, func(t *testing.T) {
				in := mine
				if tc.edit != nil {
					tc.edit(&in)
				}
				before := e.count(t, "enterprises")
				_, err := e.svc.RegisterEnterprise(e.ctx, tc.actor, in)
				wantErr(t, err, tc.code, tc.field)
				if got := e.count(t, "enterprises"); got != before {
					t.Errorf("enterprises = %d, want %d (unchanged)", got, before)
				}
			})
		}
		t.Run("注册企业：实名等级不足", func(t *testing.T) {
			in := identity.CitizenInput{Name: "赵六", Mobile: "13977770002", IDCard: newIDCard(t, "34050419700101081"),
				Code: e.sendCode(t, identity.PurposeRegister, "13977770002")}
			zhao, err := e.svc.RegisterCitizen(e.ctx, in, ip)
			if err != nil || zhao.RealNameLevel != identity.RealNamePhone {
				t.Fatalf("register: %v, level %d", err, zhao.RealNameLevel)
			}
			ein := identity.EnterpriseInput{CreditCode: newCode, Name: "赵六商店", LegalRepName: "赵六", LegalRepIDCard: in.IDCard}
			_, err = e.svc.RegisterEnterprise(e.ctx, zhao.Actor(ip, "web"), ein)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
		})
		t.Run("注册企业：法定代表人本人", func(t *testing.T) {
			got, err := e.svc.RegisterEnterprise(e.ctx, wangActor, mine)
			if err != nil {
				t.Fatalf("RegisterEnterprise: %v", err)
			}
			stored, err := e.db.EnterpriseByCreditCode(e.ctx, newCode)
			if err != nil || stored.ID != got.ID || stored.LegalRepID != wang.IDCard || stored.CreatedBy != wangActor.AccountID {
				t.Fatalf("stored %+v, %v", stored, err)
			}
			ms, err := e.svc.Memberships(e.ctx, wangActor.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			var rep bool
			for _, m := range ms {
				rep = rep || m.EnterpriseID == got.ID && m.Role == identity.MemberLegalRep
			}
			if !rep || len(ms) != 2 {
				t.Errorf("memberships of 王五 = %+v", ms)
			}
			if n := len(e.audits(t, audit.Filter{Action: "enterprise.register", Object: "enterprise:" + got.ID})); n != 1 {
				t.Errorf("enterprise.register audited %d times", n)
			}
			// Being a member of one enterprise opens no other.
			if _, m, err := e.svc.LoginEnterprise(e.ctx, newCode, wang.Mobile, demo.CitizenPassword, "", ip); err != nil || m.Role != identity.MemberLegalRep {
				t.Errorf("王五 into his own enterprise: %+v, %v", m, err)
			}
			_, _, err = e.svc.LoginEnterprise(e.ctx, newCode, zhang.Mobile, demo.CitizenPassword, "", ip)
			wantErr(t, err, yiwang.EFORBIDDEN, "")
			wantErr(t, e.svc.AddAgent(e.ctx, zhangActor, got.ID, lisi.Mobile), yiwang.EFORBIDDEN, "")
		})
	})
}

// wrongCreditCheck returns code with a wrong check character.
func wrongCreditCheck(code string) string {
	if code[17] == '0' {
		return code[:17] + "1"
	}
	return code[:17] + "0"
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
