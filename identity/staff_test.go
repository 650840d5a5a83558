package identity_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/demo"
	"github.com/yushan-gov/yiwang/identity"
)

// wrongTOTP returns a six-digit code that is valid at none of the steps
// around now.
func wrongTOTP(secret string, now time.Time) string {
	valid := []string{identity.CurrentTOTP(secret, now), identity.CurrentTOTP(secret, now.Add(-30*time.Second)),
		identity.CurrentTOTP(secret, now.Add(30*time.Second))}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !slices.Contains(valid, c) {
			return c
		}
	}
	panic("unreachable")
}

func TestStaffLogin(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		const ip = "10.0.0.5"
		a, err := e.svc.LoginStaffPassword(e.ctx, " Officer ", demo.StaffPassword, ip)
		if err != nil {
			t.Fatalf("password: %v", err)
		}
		if a.Username != "officer" || !slices.Equal(a.Roles, []yiwang.Role{yiwang.RoleCaseOfficer}) {
			t.Fatalf("logged in as %s %v", a.Username, a.Roles)
		}
		secret := a.TOTPSecret
		if secret == "" {
			t.Fatal("no TOTP secret")
		}
		verify := func(code string) error {
			_, err := e.svc.VerifyTOTP(e.ctx, a.ID, code, ip)
			return err
		}

		wantErr(t, verify(wrongTOTP(secret, e.clk.Now())), yiwang.EUNAUTHORIZED, "code")
		wantErr(t, verify(identity.CurrentTOTP(secret, e.clk.Now().Add(-2*time.Minute))), yiwang.EUNAUTHORIZED, "code")
		wantErr(t, verify(identity.CurrentTOTP(secret, e.clk.Now().Add(2*time.Minute))), yiwang.EUNAUTHORIZED, "code")
		wantErr(t, verify(""), yiwang.EUNAUTHORIZED, "code")

		code := identity.CurrentTOTP(secret, e.clk.Now())
		if err := verify(code); err != nil {
			t.Fatalf("current code: %v", err)
		}
		stored := e.staff(t, "officer")
		if !stored.TOTPEnrolled() || stored.FailedLogins != 0 || !stored.LastLoginAt.Equal(e.clk.Now()) {
			t.Errorf("after login: step %d, failures %d, last login %v", stored.TOTPLastStep, stored.FailedLogins, stored.LastLoginAt)
		}
		// The same code again: a replay.
		wantErr(t, verify(code), yiwang.EUNAUTHORIZED, "code")
		e.clk.Advance(10 * time.Second)
		wantErr(t, verify(code), yiwang.EUNAUTHORIZED, "code")

		// The next step's code works once; the previous one, though still
		// within the allowed skew, is older than the last accepted.
		e.clk.Advance(30 * time.Second)
		if err := verify(identity.CurrentTOTP(secret, e.clk.Now())); err != nil {
			t.Fatalf("next code: %v", err)
		}
		wantErr(t, verify(identity.CurrentTOTP(secret, e.clk.Now().Add(-30*time.Second))), yiwang.EUNAUTHORIZED, "code")

		if n := len(e.audits(t, audit.Filter{Action: "login.staff", Object: "account:" + a.ID, Result: audit.ResultOK})); n != 2 {
			t.Errorf("staff logins audited = %d, want 2", n)
		}
		if n := len(e.audits(t, audit.Filter{Action: "login.staff", Object: "account:" + a.ID, Result: audit.ResultFailed})); n != 7 {
			t.Errorf("failed TOTP codes audited = %d, want 7", n)
		}

		// Wrong username and wrong password say the same.
		_, err1 := e.svc.LoginStaffPassword(e.ctx, "officer", "Wrong2026demo", ip)
		_, err2 := e.svc.LoginStaffPassword(e.ctx, "nobody", demo.StaffPassword, ip)
		wantErr(t, err1, yiwang.EUNAUTHORIZED, "")
		wantErr(t, err2, yiwang.EUNAUTHORIZED, "")
		if yiwang.ErrorMessage(err1) != yiwang.ErrorMessage(err2) {
			t.Errorf("messages differ: %q, %q", yiwang.ErrorMessage(err1), yiwang.ErrorMessage(err2))
		}

		// Wrong TOTP codes count towards the lock like wrong passwords.
		head := e.staff(t, "head")
		for i := 1; i < identity.MaxFailures; i++ {
			_, err := e.svc.VerifyTOTP(e.ctx, head.ID, wrongTOTP(head.TOTPSecret, e.clk.Now()), ip)
			wantErr(t, err, yiwang.EUNAUTHORIZED, "code")
		}
		_, err = e.svc.VerifyTOTP(e.ctx, head.ID, wrongTOTP(head.TOTPSecret, e.clk.Now()), ip)
		wantErr(t, err, yiwang.ETOOMANY, "")
		_, err = e.svc.VerifyTOTP(e.ctx, head.ID, identity.CurrentTOTP(head.TOTPSecret, e.clk.Now()), ip)
		wantErr(t, err, yiwang.ETOOMANY, "")
		_, err = e.svc.LoginStaffPassword(e.ctx, "head", demo.StaffPassword, ip)
		wantErr(t, err, yiwang.ETOOMANY, "")

		// A security admin unlocks; a system admin may not.
		wantErr(t, e.svc.Unlock(e.ctx, e.actor(t, "admin"), head.ID), yiwang.EFORBIDDEN, "")
		if err := e.svc.Unlock(e.ctx, e.actor(t, "secadmin"), head.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.VerifyTOTP(e.ctx, head.ID, identity.CurrentTOTP(head.TOTPSecret, e.clk.Now()), ip); err != nil {
			t.Errorf("after unlock: %v", err)
		}

		// A disabled account cannot log in.
		if err := e.svc.SetStatus(e.ctx, e.actor(t, "admin"), head.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.LoginStaffPassword(e.ctx, "head", demo.StaffPassword, ip)
		wantErr(t, err, yiwang.EFORBIDDEN, "")
		e.clk.Advance(30 * time.Second)
		_, err = e.svc.VerifyTOTP(e.ctx, head.ID, identity.CurrentTOTP(head.TOTPSecret, e.clk.Now()), ip)
		wantErr(t, err, yiwang.EFORBIDDEN, "")

		// VerifyTOTP is for staff only.
		zhang := e.citizen(t, person(t, "张三").Mobile)
		_, err = e.svc.VerifyTOTP(e.ctx, zhang.ID, "123456", ip)
		wantErr(t, err, yiwang.ENOTFOUND, "")
	})
}

func TestSetRoles(t *testing.T) {
	t.Parallel()
	const (
		clerk       = yiwang.RoleWindowClerk
		agent       = yiwang.RoleAgentClerk
		officer     = yiwang.RoleCaseOfficer
		sysAdmin    = yiwang.RoleSysAdmin
		secAdmin    = yiwang.RoleSecAdmin
		auditAdmin  = yiwang.RoleAuditAdmin
		noRoleValue = yiwang.Role("boss")
	)
	type roles = []yiwang.Role
	tests := []struct {
		name  string
		actor string // demo username
		self  bool   // the actor changes their own roles
		old   roles
		new   roles
		code  string
	}{
		{"系统管理员授予承办人", "admin", false, nil, roles{officer}, ""},
		{"系统管理员授予多个业务角色", "admin", false, roles{clerk}, roles{clerk, agent}, ""},
		{"系统管理员收回业务角色", "admin", false, roles{officer}, nil, ""},
		{"重复角色只存一次", "admin", false, nil, roles{officer, officer}, ""},
		{"系统管理员授予安全管理员", "admin", false, nil, roles{secAdmin}, yiwang.EFORBIDDEN},
		{"系统管理员收回审计管理员", "admin", false, roles{auditAdmin}, nil, yiwang.EFORBIDDEN},
		{"安全管理员授予审计管理员", "secadmin", false, nil, roles{auditAdmin}, ""},
		{"安全管理员改系统管理员为审计管理员", "secadmin", false, roles{sysAdmin}, roles{auditAdmin}, ""},
		{"安全管理员授予业务角色", "secadmin", false, nil, roles{clerk}, yiwang.EFORBIDDEN},
		{"安全管理员把业务人员改为管理员", "secadmin", false, roles{officer}, roles{auditAdmin}, yiwang.EFORBIDDEN},
		{"管理员角色兼业务角色", "secadmin", false, nil, roles{sysAdmin, officer}, yiwang.EINVALID},
		{"业务人员加管理员角色", "admin", false, roles{officer}, roles{officer, auditAdmin}, yiwang.EINVALID},
		{"两个管理员角色", "secadmin", false, nil, roles{sysAdmin, auditAdmin}, yiwang.EINVALID},
		{"三个管理员角色", "secadmin", false, nil, roles{sysAdmin, secAdmin, auditAdmin}, yiwang.EINVALID},
		{"未知角色", "admin", false, nil, roles{noRoleValue}, yiwang.EINVALID},
		{"系统管理员修改自己的角色", "admin", true, nil, roles{sysAdmin, officer}, yiwang.EFORBIDDEN},
		{"安全管理员修改自己的角色", "secadmin", true, nil, nil, yiwang.EFORBIDDEN},
		{"窗口人员授予承办人", "clerk", false, nil, roles{officer}, yiwang.EFORBIDDEN},
		{"审计管理员授予业务角色", "auditor", false, nil, roles{clerk}, yiwang.EFORBIDDEN},
		{"窗口人员提交未改变的角色", "clerk", false, roles{officer}, roles{officer}, yiwang.EFORBIDDEN},
	}
	forEngine(t, func(t *testing.T, e *env) {
		orgID := e.staff(t, "admin").OrgID
		for i, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				actor := e.actor(t, tc.actor)
				target := e.staff(t, tc.actor)
				if !tc.self {
					// Built directly in the store: the old roles need not be
					// grantable by the actor.
					now := e.clk.Now()
					target = identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: "target" + string(rune('a'+i)),
						Name: "目标", OrgID: orgID, Status: identity.StatusActive, Roles: tc.old, CreatedAt: now, UpdatedAt: now}
					if err := e.db.CreateAccount(e.ctx, target, audit.New(yiwang.System("test"), now, "account.create",
						"account:"+target.ID, audit.ResultOK, "")); err != nil {
						t.Fatal(err)
					}
				}
				err := e.svc.SetRoles(e.ctx, actor, target.ID, tc.new)
				wantErr(t, err, tc.code, "")
				want := target.Roles
				if tc.code == "" {
					want = tc.new
				}
				got := e.staff(t, target.Username).Roles
				if !slices.Equal(sortedRoles(got), sortedRoles(slices.Compact(sortedRoles(want)))) {
					t.Errorf("stored roles = %v, want %v", got, want)
				}
				oks := e.audits(t, audit.Filter{Action: "account.roles", Object: "account:" + target.ID, Result: audit.ResultOK})
				if (tc.code == "") != (len(oks) == 1) {
					t.Errorf("%d ok audit entries for a call returning %v", len(oks), err)
				}
				if tc.code == yiwang.EFORBIDDEN && !tc.self {
					if n := len(e.audits(t, audit.Filter{Action: "account.roles", Object: "account:" + target.ID, Result: audit.ResultDenied})); n != 1 {
						t.Errorf("denied audit entries = %d, want 1", n)
					}
				}
			})
		}

		// Roles of citizens cannot be set.
		zhang := e.citizen(t, person(t, "张三").Mobile)
		wantErr(t, e.svc.SetRoles(e.ctx, e.actor(t, "admin"), zhang.ID, []yiwang.Role{officer}), yiwang.ENOTFOUND, "")
	})
}

func TestCreateStaff(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		amr := e.staff(t, "officer").OrgID
		valid := func() identity.StaffInput {
			return identity.StaffInput{Username: "newstaff", Name: "新同事", OrgID: amr, Mobile: "13966660001",
				Roles: []yiwang.Role{yiwang.RoleCaseOfficer}, Password: "Newstaff2026"}
		}
		tests := []struct {
			name  string
			actor string
			edit  func(in *identity.StaffInput)
			code  string
			field string
		}{
			{"用户名以数字开头", "admin", func(in *identity.StaffInput) { in.Username = "1abc" }, yiwang.EINVALID, "username"},
			{"用户名太短", "admin", func(in *identity.StaffInput) { in.Username = "ab" }, yiwang.EINVALID, "username"},
			{"用户名含中文", "admin", func(in *identity.StaffInput) { in.Username = "zhang三" }, yiwang.EINVALID, "username"},
			{"用户名含空格", "admin", func(in *identity.StaffInput) { in.Username = "new staff" }, yiwang.EINVALID, "username"},
			{"姓名为空", "admin", func(in *identity.StaffInput) { in.Name = "" }, yiwang.EINVALID, "name"},
			{"未选单位", "admin", func(in *identity.StaffInput) { in.OrgID = "" }, yiwang.EINVALID, "org_id"},
			{"单位不存在", "admin", func(in *identity.StaffInput) { in.OrgID = yiwang.NewID() }, yiwang.EINVALID, "org_id"},
			{"手机号格式错误", "admin", func(in *identity.StaffInput) { in.Mobile = "12345" }, yiwang.EINVALID, "mobile"},
			{"密码太短", "admin", func(in *identity.StaffInput) { in.Password = "Short2026" }, yiwang.EINVALID, "password"},
			{"密码没有数字", "admin", func(in *identity.StaffInput) { in.Password = "OnlyLetters" }, yiwang.EINVALID, "password"},
			{"密码没有字母", "admin", func(in *identity.StaffInput) { in.Password = "12345678901" }, yiwang.EINVALID, "password"},
			{"用户名已存在", "admin", func(in *identity.StaffInput) { in.Username = "officer" }, yiwang.ECONFLICT, "username"},
			{"用户名大小写不同也算已存在", "admin", func(in *identity.StaffInput) { in.Username = " OFFICER " }, yiwang.ECONFLICT, "username"},
			{"未知角色", "admin", func(in *identity.StaffInput) { in.Roles = []yiwang.Role{"boss"} }, yiwang.EINVALID, "roles"},
			{"管理员兼业务角色", "secadmin", func(in *identity.StaffInput) { in.Roles = []yiwang.Role{yiwang.RoleAuditAdmin, yiwang.RoleCaseOfficer} }, yiwang.EINVALID, "roles"},
			{"系统管理员创建安全管理员", "admin", func(in *identity.StaffInput) { in.Roles = []yiwang.Role{yiwang.RoleSecAdmin} }, yiwang.EFORBIDDEN, ""},
			{"安全管理员创建业务人员", "secadmin", nil, yiwang.EFORBIDDEN, ""},
			{"安全管理员创建无角色账号", "secadmin", func(in *identity.StaffInput) { in.Roles = nil }, yiwang.EFORBIDDEN, ""},
			{"窗口人员创建账号", "clerk", nil, yiwang.EFORBIDDEN, ""},
			{"审计管理员创建账号", "auditor", func(in *identity.StaffInput) { in.Roles = nil }, yiwang.EFORBIDDEN, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				in := valid()
				if tc.edit != nil {
					tc.edit(&in)
				}
				before := e.count(t, "accounts")
				_, _, err := e.svc.CreateStaff(e.ctx, e.actor(t, tc.actor), in)
				wantErr(t, err, tc.code, tc.field)
				if got := e.count(t, "accounts"); got != before {
					t.Errorf("accounts = %d, want %d (unchanged)", got, before)
				}
			})
		}

		t.Run("生成初始密码并可登录", func(t *testing.T) {
			in := valid()
			in.Username, in.Password = " NewStaff ", ""
			in.Roles = []yiwang.Role{yiwang.RoleCaseOfficer, yiwang.RoleDeptHead, yiwang.RoleCaseOfficer}
			before := e.count(t, "accounts")
			a, pw, err := e.svc.CreateStaff(e.ctx, e.actor(t, "admin"), in)
			if err != nil {
				t.Fatalf("CreateStaff: %v", err)
			}
			if e.count(t, "accounts") != before+1 {
				t.Errorf("account not stored")
			}
			stored := e.staff(t, "newstaff")
			if stored.ID != a.ID || stored.OrgID != amr || stored.Name != "新同事" || stored.Mobile != "13966660001" ||
				stored.TOTPSecret == "" || stored.TOTPEnrolled() || stored.Kind != yiwang.KindStaff {
				t.Errorf("stored %+v", stored)
			}
			want := sortedRoles([]yiwang.Role{yiwang.RoleCaseOfficer, yiwang.RoleDeptHead})
			if !slices.Equal(sortedRoles(stored.Roles), want) {
				t.Errorf("roles = %v, want %v", stored.Roles, want)
			}
			if len(pw) < 10 {
				t.Errorf("initial password %q too short", pw)
			}
			if _, err := e.svc.LoginStaffPassword(e.ctx, "newstaff", pw, "10.0.0.5"); err != nil {
				t.Errorf("login with the initial password: %v", err)
			}
			if n := len(e.audits(t, audit.Filter{Action: "account.create", Object: "account:" + a.ID, Result: audit.ResultOK})); n != 1 {
				t.Errorf("account.create audited %d times", n)
			}
		})
		t.Run("安全管理员创建审计管理员", func(t *testing.T) {
			in := valid()
			in.Username, in.Roles = "auditor2", []yiwang.Role{yiwang.RoleAuditAdmin}
			a, _, err := e.svc.CreateStaff(e.ctx, e.actor(t, "secadmin"), in)
			if err != nil {
				t.Fatalf("CreateStaff: %v", err)
			}
			if got := e.staff(t, "auditor2").Roles; !slices.Equal(got, in.Roles) || a.Username != "auditor2" {
				t.Errorf("roles = %v", got)
			}
		})
	})
}

func TestListStaff(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		orgID := e.staff(t, "officer").OrgID
		now := e.clk.Now()
		for _, u := range []string{"wang_wu", "wangxwu", "li.si"} {
			a := identity.Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: u, Name: "测试" + u,
				OrgID: orgID, Status: identity.StatusActive, CreatedAt: now, UpdatedAt: now}
			if err := e.db.CreateAccount(e.ctx, a, audit.New(yiwang.System("test"), now, "account.create", "account:"+a.ID, audit.ResultOK, "")); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name   string
			actor  string
			filter identity.StaffFilter
			want   []string // usernames, in order
			code   string
		}{
			{"用户名含下划线", "admin", identity.StaffFilter{Query: "wang_"}, []string{"wang_wu", "wangxwu"}, ""},
			{"完整用户名", "admin", identity.StaffFilter{Query: "wang_wu"}, []string{"wang_wu", "wangxwu"}, ""},
			{"用户名含点", "secadmin", identity.StaffFilter{Query: "li.s"}, []string{"li.si"}, ""},
			{"大写用户名", "auditor", identity.StaffFilter{Query: "OFFICER"}, []string{"officer"}, ""},
			{"姓名", "admin", identity.StaffFilter{Query: "赵承"}, []string{"officer"}, ""},
			{"单位", "admin", identity.StaffFilter{OrgID: orgID, Query: "o"}, []string{"catalog", "officer"}, ""},
			{"窗口人员无权查看", "clerk", identity.StaffFilter{}, nil, yiwang.EFORBIDDEN},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				list, err := e.svc.ListStaff(e.ctx, e.actor(t, tc.actor), tc.filter)
				wantErr(t, err, tc.code, "")
				if tc.code != "" {
					return
				}
				var got []string
				for _, a := range list {
					got = append(got, a.Username)
					if a.Kind != yiwang.KindStaff {
						t.Errorf("%s is %s", a.Username, a.Kind)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("found %v, want %v", got, tc.want)
				}
			})
		}
	})
}
