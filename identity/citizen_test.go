package identity_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

func TestRegisterCitizen(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		lisi := person(t, "李四")
		chen := person(t, "陈秀英")
		tests := []struct {
			name      string
			in        identity.CitizenInput
			wantLevel int
		}{
			{"姓名与身份证号在人口库中：二级",
				identity.CitizenInput{Name: lisi.Name, Mobile: lisi.Mobile, IDCard: lisi.IDCard}, identity.RealNameIDCheck},
			{"不在人口库中：一级",
				identity.CitizenInput{Name: "赵六", Mobile: "13911110001", IDCard: newIDCard(t, "34050419951201051")}, identity.RealNamePhone},
			{"身份证号在人口库但姓名不符：一级",
				identity.CitizenInput{Name: "陈秀", Mobile: chen.Mobile, IDCard: chen.IDCard}, identity.RealNamePhone},
			{"带密码、手机号带+86和空格、身份证号小写x",
				identity.CitizenInput{Name: " 孙七 ", Mobile: "+86 139-1111-0002", IDCard: strings.ToLower(newIDCard(t, "34050420000101061")),
					Password: "Sunqi2026"}, identity.RealNamePhone},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				mobile := strings.NewReplacer("+86", "", " ", "", "-", "").Replace(tc.in.Mobile)
				tc.in.Code = e.sendCode(t, identity.PurposeRegister, mobile)
				before := e.count(t, "accounts")
				a, err := e.svc.RegisterCitizen(e.ctx, tc.in, "10.0.0.9")
				if err != nil {
					t.Fatalf("RegisterCitizen: %v", err)
				}
				if got := e.count(t, "accounts"); got != before+1 {
					t.Errorf("accounts = %d, want %d", got, before+1)
				}
				stored := e.citizen(t, mobile)
				if stored.ID != a.ID || stored.Kind != yiwang.KindCitizen || stored.Status != identity.StatusActive {
					t.Errorf("stored = %+v, returned %+v", stored, a)
				}
				if stored.RealNameLevel != tc.wantLevel || a.RealNameLevel != tc.wantLevel {
					t.Errorf("real-name level = %d (returned %d), want %d", stored.RealNameLevel, a.RealNameLevel, tc.wantLevel)
				}
				if want := strings.TrimSpace(tc.in.Name); stored.Name != want {
					t.Errorf("name = %q, want %q", stored.Name, want)
				}
				if want := strings.ToUpper(tc.in.IDCard); stored.IDCard != want {
					t.Errorf("idcard = %q, want %q", stored.IDCard, want)
				}
				if byID, err := e.db.CitizenByIDCard(e.ctx, stored.IDCard); err != nil || byID.ID != a.ID {
					t.Errorf("CitizenByIDCard = %v, %v", byID.ID, err)
				}
				if es := e.audits(t, audit.Filter{Action: "account.register", Object: "account:" + a.ID, Result: audit.ResultOK}); len(es) != 1 {
					t.Errorf("register audit entries = %d, want 1", len(es))
				}
				if tc.in.Password != "" {
					if _, err := e.svc.LoginWithPassword(e.ctx, mobile, tc.in.Password, "10.0.0.9"); err != nil {
						t.Errorf("login with the new password: %v", err)
					}
				} else if stored.PasswordHash != "" {
					t.Errorf("password hash set without a password")
				}
				// The code was used up by the registration.
				if _, err := e.svc.LoginWithCode(e.ctx, mobile, tc.in.Code, "10.0.0.9"); yiwang.ErrorCode(err) != yiwang.EINVALID {
					t.Errorf("register code reused for login: %v", err)
				}
			})
		}
	})
}

func TestRegisterCitizenInvalid(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		freshID := newIDCard(t, "34050419880808071")
		const loginCodeMobile = "13922220017" // gets a login code, not a registration code
		tests := []struct {
			name   string
			mobile string // the code is sent here
			edit   func(in *identity.CitizenInput)
			before func()
			code   string
			field  string
		}{
			{"身份证号位数不对", "13922220001", func(in *identity.CitizenInput) { in.IDCard = "34050419880808" }, nil, yiwang.EINVALID, "idcard"},
			{"身份证号含字母", "13922220002", func(in *identity.CitizenInput) { in.IDCard = "3405041988080807A1" }, nil, yiwang.EINVALID, "idcard"},
			{"身份证号校验位错误", "13922220003", func(in *identity.CitizenInput) { in.IDCard = wrongCheck(freshID) }, nil, yiwang.EINVALID, "idcard"},
			{"身份证号出生日期不对", "13922220004", func(in *identity.CitizenInput) { in.IDCard = newIDCard(t, "34050419881332071") }, nil, yiwang.EINVALID, "idcard"},
			{"身份证号为空", "13922220005", func(in *identity.CitizenInput) { in.IDCard = "" }, nil, yiwang.EINVALID, "idcard"},
			{"手机号位数不对", "13922220006", func(in *identity.CitizenInput) { in.Mobile = "1392222000" }, nil, yiwang.EINVALID, "mobile"},
			{"手机号第二位不对", "13922220007", func(in *identity.CitizenInput) { in.Mobile = "12922220007" }, nil, yiwang.EINVALID, "mobile"},
			{"手机号含字母", "13922220008", func(in *identity.CitizenInput) { in.Mobile = "1392222000a" }, nil, yiwang.EINVALID, "mobile"},
			{"姓名为空", "13922220009", func(in *identity.CitizenInput) { in.Name = "  " }, nil, yiwang.EINVALID, "name"},
			{"姓名含特殊字符", "13922220010", func(in *identity.CitizenInput) { in.Name = "<script>" }, nil, yiwang.EINVALID, "name"},
			{"姓名过长", "13922220011", func(in *identity.CitizenInput) { in.Name = strings.Repeat("张", 41) }, nil, yiwang.EINVALID, "name"},
			{"验证码为空", "13922220012", func(in *identity.CitizenInput) { in.Code = "" }, nil, yiwang.EINVALID, "code"},
			{"验证码错误", "13922220013", func(in *identity.CitizenInput) { in.Code = otherCode(in.Code) }, nil, yiwang.EINVALID, "code"},
			{"验证码位数不对", "13922220014", func(in *identity.CitizenInput) { in.Code = in.Code[:5] }, nil, yiwang.EINVALID, "code"},
			{"验证码已过期", "13922220015", nil, func() { e.clk.Advance(6 * time.Minute) }, yiwang.EINVALID, "code"},
			{"验证码发给了别的手机号", "13922220016", func(in *identity.CitizenInput) { in.Mobile = "13922220099" }, nil, yiwang.EINVALID, "code"},
			{"登录验证码不能用于注册", loginCodeMobile, nil, nil, yiwang.EINVALID, "code"},
			{"手机号已注册", zhang.Mobile, nil, nil, yiwang.ECONFLICT, "mobile"},
			{"身份证号已注册", "13922220018", func(in *identity.CitizenInput) { in.IDCard = zhang.IDCard; in.Name = zhang.Name }, nil, yiwang.ECONFLICT, "idcard"},
			{"密码太短", "13922220019", func(in *identity.CitizenInput) { in.Password = "ab12" }, nil, yiwang.EINVALID, "password"},
			{"密码只有字母", "13922220020", func(in *identity.CitizenInput) { in.Password = "abcdefghijk" }, nil, yiwang.EINVALID, "password"},
			{"密码只有数字", "13922220021", func(in *identity.CitizenInput) { in.Password = "1234567890" }, nil, yiwang.EINVALID, "password"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				purpose := identity.PurposeRegister
				if tc.mobile == loginCodeMobile {
					purpose = identity.PurposeLogin
				}
				in := identity.CitizenInput{Name: "赵六", Mobile: tc.mobile, IDCard: freshID,
					Code: e.sendCode(t, purpose, tc.mobile)}
				if tc.edit != nil {
					tc.edit(&in)
				}
				if tc.before != nil {
					tc.before()
				}
				before := e.count(t, "accounts")
				_, err := e.svc.RegisterCitizen(e.ctx, in, "10.0.0.9")
				wantErr(t, err, tc.code, tc.field)
				if got := e.count(t, "accounts"); got != before {
					t.Errorf("accounts = %d, want %d (unchanged)", got, before)
				}
			})
		}
		// After all those failures the fresh ID number is still free.
		in := identity.CitizenInput{Name: "赵六", Mobile: "13922220100", IDCard: freshID}
		in.Code = e.sendCode(t, identity.PurposeRegister, in.Mobile)
		if _, err := e.svc.RegisterCitizen(e.ctx, in, "10.0.0.9"); err != nil {
			t.Fatalf("register after failures: %v", err)
		}
	})
}

func TestSendCodeLimits(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		const m = "13933330001"
		msgs := e.count(t, "notifications")
		send := func(purpose string) error { return e.svc.SendCode(e.ctx, purpose, m, "10.0.0.9") }

		if err := send(identity.PurposeRegister); err != nil {
			t.Fatal(err)
		}
		wantErr(t, send(identity.PurposeRegister), yiwang.ETOOMANY, "")
		e.clk.Advance(59 * time.Second)
		wantErr(t, send(identity.PurposeRegister), yiwang.ETOOMANY, "")
		// One code per phone per minute, whatever it is for.
		wantErr(t, send(identity.PurposeLogin), yiwang.ETOOMANY, "")
		e.clk.Advance(2 * time.Second)
		if err := send(identity.PurposeLogin); err != nil {
			t.Fatalf("a minute later: %v", err)
		}
		if got := e.count(t, "notifications"); got != msgs+2 {
			t.Errorf("notifications = %d, want %d: a refused code must send nothing", got, msgs+2)
		}

		// At most CodesPerDay a day.
		for i := 2; i < identity.CodesPerDay; i++ {
			e.clk.Advance(61 * time.Second)
			if err := send(identity.PurposeLogin); err != nil {
				t.Fatalf("code %d: %v", i+1, err)
			}
		}
		e.clk.Advance(61 * time.Second)
		wantErr(t, send(identity.PurposeLogin), yiwang.ETOOMANY, "")
		if got := e.count(t, "notifications"); got != msgs+identity.CodesPerDay {
			t.Errorf("notifications = %d, want %d", got, msgs+identity.CodesPerDay)
		}
		// Another number is not affected.
		if err := e.svc.SendCode(e.ctx, identity.PurposeLogin, "13933330002", "10.0.0.9"); err != nil {
			t.Errorf("other number: %v", err)
		}
		e.clk.Advance(24 * time.Hour)
		if err := send(identity.PurposeLogin); err != nil {
			t.Errorf("next day: %v", err)
		}

		// Bad input.
		wantErr(t, e.svc.SendCode(e.ctx, identity.PurposeLogin, "1234", "10.0.0.9"), yiwang.EINVALID, "mobile")
		wantErr(t, e.svc.SendCode(e.ctx, "reset", "13933330003", "10.0.0.9"), yiwang.EINVALID, "")

		// The code is not stored in plaintext and the body only in ciphertext.
		var body string
		if err := e.db.SQL().QueryRow(`SELECT body_enc FROM notifications ORDER BY created_at DESC LIMIT 1`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body, "验证码") || strings.Contains(body, e.lastCode(t, m)) {
			t.Errorf("message body stored in plaintext: %q", body)
		}
	})
}

func TestLoginWithCode(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		login := func(code string) (identity.Account, error) {
			return e.svc.LoginWithCode(e.ctx, zhang.Mobile, code, "10.0.0.9")
		}

		code := e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		a, err := login(code)
		if err != nil {
			t.Fatalf("login: %v", err)
		}
		if a.Name != "张三" || a.Kind != yiwang.KindCitizen {
			t.Errorf("logged in as %+v", a)
		}
		if stored := e.citizen(t, zhang.Mobile); !stored.LastLoginAt.Equal(start) {
			t.Errorf("last login = %v, want %v", stored.LastLoginAt, start)
		}
		_, err = login(code)
		wantErr(t, err, yiwang.EINVALID, "code")

		// Five wrong guesses void the code.
		e.clk.Advance(time.Minute)
		code = e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		for i := range identity.CodeMaxAttempts {
			if _, err := login(otherCode(code)); yiwang.ErrorCode(err) != yiwang.EINVALID {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		_, err = login(code)
		wantErr(t, err, yiwang.EINVALID, "code")

		// Four wrong guesses do not.
		e.clk.Advance(time.Minute)
		code = e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		for range identity.CodeMaxAttempts - 1 {
			login(otherCode(code))
		}
		if _, err := login(code); err != nil {
			t.Errorf("after %d wrong guesses: %v", identity.CodeMaxAttempts-1, err)
		}

		// An expired code fails.
		e.clk.Advance(time.Minute)
		code = e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		e.clk.Advance(identity.CodeTTL + time.Second)
		_, err = login(code)
		wantErr(t, err, yiwang.EINVALID, "code")

		// A registration code is no login code.
		e.clk.Advance(time.Minute)
		code = e.sendCode(t, identity.PurposeRegister, zhang.Mobile)
		_, err = login(code)
		wantErr(t, err, yiwang.EINVALID, "code")

		// An unregistered number cannot log in.
		code = e.sendCode(t, identity.PurposeLogin, "13944440001")
		_, err = e.svc.LoginWithCode(e.ctx, "13944440001", code, "10.0.0.9")
		wantErr(t, err, yiwang.EUNAUTHORIZED, "mobile")
		_, err = e.svc.LoginWithCode(e.ctx, "139", code, "10.0.0.9")
		wantErr(t, err, yiwang.EINVALID, "mobile")

		id := e.citizen(t, zhang.Mobile).ID
		if n := len(e.audits(t, audit.Filter{Action: "login", Object: "account:" + id, Result: audit.ResultOK})); n != 2 {
			t.Errorf("successful logins audited = %d, want 2", n)
		}
		if n := len(e.audits(t, audit.Filter{Action: "login", Object: "account:" + id, Result: audit.ResultFailed})); n < 10 {
			t.Errorf("failed logins audited = %d, want at least 10", n)
		}
	})
}

func TestLoginWithPasswordLockout(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		zhang := person(t, "张三")
		id := e.citizen(t, zhang.Mobile).ID
		login := func(pw string) error {
			_, err := e.svc.LoginWithPassword(e.ctx, zhang.Mobile, pw, "10.0.0.9")
			return err
		}

		for i := 1; i < identity.MaxFailures; i++ {
			wantErr(t, login("wrong-password1"), yiwang.EUNAUTHORIZED, "")
			if got := e.citizen(t, zhang.Mobile).FailedLogins; got != i {
				t.Errorf("failed logins after %d failures = %d", i, got)
			}
		}
		wantErr(t, login("wrong-password1"), yiwang.ETOOMANY, "")
		if a := e.citizen(t, zhang.Mobile); !a.LockedUntil.Equal(start.Add(identity.LockDuration)) {
			t.Errorf("locked until %v, want %v", a.LockedUntil, start.Add(identity.LockDuration))
		}
		// Even the right password fails while locked.
		wantErr(t, login(demo.CitizenPassword), yiwang.ETOOMANY, "")
		e.clk.Advance(identity.LockDuration - time.Second)
		wantErr(t, login(demo.CitizenPassword), yiwang.ETOOMANY, "")
		// Locked accounts cannot log in with a code either.
		code := e.sendCode(t, identity.PurposeLogin, zhang.Mobile)
		_, err := e.svc.LoginWithCode(e.ctx, zhang.Mobile, code, "10.0.0.9")
		wantErr(t, err, yiwang.ETOOMANY, "")

		e.clk.Advance(time.Second)
		if err := login(demo.CitizenPassword); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		if a := e.citizen(t, zhang.Mobile); a.FailedLogins != 0 || a.Locked(e.clk.Now()) {
			t.Errorf("after a good login: failures %d, locked until %v", a.FailedLogins, a.LockedUntil)
		}

		failed := e.audits(t, audit.Filter{Action: "login", Object: "account:" + id, Result: audit.ResultFailed})
		if len(failed) != identity.MaxFailures {
			t.Errorf("failed logins audited = %d, want %d", len(failed), identity.MaxFailures)
		}
		for _, f := range failed {
			if f.IP != "10.0.0.9" || f.ActorID != id {
				t.Errorf("failed login entry %+v", f)
			}
		}
		if n := len(e.audits(t, audit.Filter{Action: "login", Object: "account:" + id, Result: audit.ResultDenied})); n != 3 {
			t.Errorf("denied (locked) logins audited = %d, want 3", n)
		}

		// An unknown number fails like a wrong password and is audited.
		err = login("x")
		wantErr(t, err, yiwang.EUNAUTHORIZED, "")
		_, err2 := e.svc.LoginWithPassword(e.ctx, "13955550001", demo.CitizenPassword, "10.0.0.9")
		if yiwang.ErrorMessage(err) != yiwang.ErrorMessage(err2) {
			t.Errorf("unknown number says %q, wrong password %q", yiwang.ErrorMessage(err2), yiwang.ErrorMessage(err))
		}
		if n := len(e.audits(t, audit.Filter{Action: "login", Object: "mobile:139****0001", Result: audit.ResultFailed})); n != 1 {
			t.Errorf("unknown number audited %d times, want 1", n)
		}
		// A citizen without a password cannot log in with one.
		lisi := person(t, "李四")
		in := identity.CitizenInput{Name: lisi.Name, Mobile: lisi.Mobile, IDCard: lisi.IDCard,
			Code: e.sendCode(t, identity.PurposeRegister, lisi.Mobile)}
		if _, err := e.svc.RegisterCitizen(e.ctx, in, "10.0.0.9"); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.LoginWithPassword(e.ctx, lisi.Mobile, "", "10.0.0.9")
		wantErr(t, err, yiwang.EUNAUTHORIZED, "")
	})
}
