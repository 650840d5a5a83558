package identity_test

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

func TestRevealPII(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		target := e.citizen(t, zhang.Mobile)
		object := "account:" + target.ID
		tests := []struct {
			name    string
			actor   string // demo username; "" for 张三 himself
			purpose string
			code    string
			result  string // the audit record written, "" for none
		}{
			{"承办人", "officer", "核对申请人身份", "", audit.ResultOK},
			{"窗口人员", "clerk", "现场核验", "", audit.ResultOK},
			{"代办员", "agent", "代办核验", "", audit.ResultOK},
			{"承办人未说明事由", "officer", "", yiwang.EINVALID, ""},
			{"系统管理员", "admin", "好奇", yiwang.EFORBIDDEN, audit.ResultDenied},
			{"审计管理员", "auditor", "审计", yiwang.EFORBIDDEN, audit.ResultDenied},
			{"部门负责人", "head", "审批", yiwang.EFORBIDDEN, audit.ResultDenied},
			{"本人", "", "", "", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				actor := target.Actor("10.0.0.8", "web")
				if tc.actor != "" {
					actor = e.actor(t, tc.actor)
				}
				before := map[string]int{}
				for _, r := range []string{audit.ResultOK, audit.ResultDenied} {
					before[r] = len(e.audits(t, audit.Filter{Action: "pii.read", Object: object, Result: r}))
				}
				idc, mob, err := e.svc.RevealPII(e.ctx, actor, target.ID, tc.purpose)
				wantErr(t, err, tc.code, "")
				if tc.code == "" && (idc != zhang.IDCard || mob != zhang.Mobile) {
					t.Errorf("revealed %q %q, want %q %q", idc, mob, zhang.IDCard, zhang.Mobile)
				}
				if tc.code != "" && (idc != "" || mob != "") {
					t.Errorf("revealed %q %q with an error", idc, mob)
				}
				for _, r := range []string{audit.ResultOK, audit.ResultDenied} {
					es := e.audits(t, audit.Filter{Action: "pii.read", Object: object, Result: r})
					want := before[r]
					if r == tc.result {
						want++
					}
					if len(es) != want {
						t.Errorf("pii.read %s records = %d, want %d", r, len(es), want)
						continue
					}
					if r == tc.result {
						got := es[0]
						if got.ActorID != actor.AccountID || got.IP != actor.IP {
							t.Errorf("record %+v, want actor %s", got, actor.AccountID)
						}
						if strings.Contains(got.Detail, zhang.IDCard) || strings.Contains(got.Detail, zhang.Mobile) {
							t.Errorf("record detail %q holds the personal data", got.Detail)
						}
					}
				}
			})
		}
	})
}

func TestFindCitizen(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		// A citizen whose ID number ends in X, the case people type in lower case.
		var xID string
		for seq := 100; xID == ""; seq++ {
			id := newIDCard(t, "340504199001010"+string(rune('0'+seq/10%10))+string(rune('0'+seq%10)))
			if strings.HasSuffix(id, "X") {
				xID = id
			}
		}
		in := identity.CitizenInput{Name: "钱八", Mobile: "13988880001", IDCard: xID}
		in.Code = e.sendCode(t, identity.PurposeRegister, in.Mobile)
		if _, err := e.svc.RegisterCitizen(e.ctx, in, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			actor string
			query string
			want  string // name found
			code  string
		}{
			{"手机号", "clerk", zhang.Mobile, "张三", ""},
			{"手机号带空格和+86", "clerk", " +86 " + zhang.Mobile[:3] + " " + zhang.Mobile[3:7] + " " + zhang.Mobile[7:] + " ", "张三", ""},
			{"身份证号", "agent", zhang.IDCard, "张三", ""},
			{"身份证号前后有空格", "officer", " " + zhang.IDCard + " ", "张三", ""},
			{"身份证号末位小写x", "clerk", strings.ToLower(xID), "钱八", ""},
			{"未注册的手机号", "clerk", "13988880002", "", yiwang.ENOTFOUND},
			{"未注册的身份证号", "clerk", person(t, "陈秀英").IDCard, "", yiwang.ENOTFOUND},
			{"工作人员的手机号不算", "clerk", "13966660009", "", yiwang.ENOTFOUND},
			{"系统管理员无权查找", "admin", zhang.Mobile, "", yiwang.EFORBIDDEN},
			{"部门负责人无权查找", "head", zhang.Mobile, "", yiwang.EFORBIDDEN},
		}
		// A staff account with a mobile number is no citizen.
		off := e.staff(t, "officer")
		off.Mobile = "13966660009"
		if err := e.db.UpdateAccount(e.ctx, off, audit.New(yiwang.System("test"), e.clk.Now(), "account.update", "account:"+off.ID, audit.ResultOK, "")); err != nil {
			t.Fatal(err)
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				a, err := e.svc.FindCitizen(e.ctx, e.actor(t, tc.actor), tc.query)
				wantErr(t, err, tc.code, "")
				if a.Name != tc.want || (tc.code == "" && a.Kind != yiwang.KindCitizen) {
					t.Errorf("found %q (%s), want %q", a.Name, a.Kind, tc.want)
				}
			})
		}
	})
}
