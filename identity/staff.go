package identity

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
)

// StaffInput is the form for a new staff account.
type StaffInput struct {
	Username string
	Name     string
	OrgID    string
	Mobile   string
	Roles    []yiwang.Role
	Password string // empty: a random initial password is made and returned
}

var usernameRE = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,31}$`)

// checkRoles enforces the separation of the three administrator roles
// (三权分立) and that actor may grant the roles that change.
func checkRoles(actor yiwang.Actor, old, roles []yiwang.Role) error {
	admin, business := 0, 0
	for _, r := range roles {
		if !r.Valid() {
			return yiwang.Invalid(map[string]string{"roles": "未知的角色：" + string(r)})
		}
		if r.Admin() {
			admin++
		} else {
			business++
		}
	}
	if admin > 1 || (admin == 1 && business > 0) {
		return yiwang.Invalid(map[string]string{"roles": "系统管理员、安全管理员、审计管理员三种角色必须分设（三权分立），不能兼任，也不能兼任业务角色"})
	}
	for _, r := range yiwang.Roles {
		if slices.Contains(old, r) == slices.Contains(roles, r) {
			continue
		}
		if r.Admin() && !actor.Has(yiwang.RoleSecAdmin) {
			return yiwang.Errorf(yiwang.EFORBIDDEN, "管理员角色只能由安全管理员授予或收回")
		}
		if !r.Admin() && !actor.Has(yiwang.RoleSysAdmin) {
			return yiwang.Errorf(yiwang.EFORBIDDEN, "业务角色只能由系统管理员授予或收回")
		}
	}
	return nil
}

// NewTempPassword returns a random password that satisfies the staff rule.
func NewTempPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ"
	const digits = "23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if i%4 == 3 {
			out[i] = digits[int(c)%len(digits)]
		} else {
			out[i] = letters[int(c)%len(letters)]
		}
	}
	return string(out)
}

// CreateStaff creates a staff account bound to an org. Only a system admin
// may (a security admin too when the account is for an admin role). The TOTP
// secret is made now and enrolled at first login. It returns the account and
// the initial password (generated when in.Password is empty).
func (s *Service) CreateStaff(ctx context.Context, actor yiwang.Actor, in StaffInput) (Account, string, error) {
	if !actor.HasAny(yiwang.RoleSysAdmin, yiwang.RoleSecAdmin) {
		return Account{}, "", errForbidden
	}
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.Name = strings.TrimSpace(in.Name)
	in.Mobile = idcode.NormalizeMobile(in.Mobile)
	in.Roles = dedupe(in.Roles)
	bad := map[string]string{}
	if !usernameRE.MatchString(in.Username) {
		bad["username"] = "用户名为3至32位小写字母、数字、点、下划线或连字符，以字母开头"
	}
	if p := validName(in.Name); p != "" {
		bad["name"] = p
	}
	if in.Mobile != "" {
		if err := idcode.Mobile(in.Mobile); err != nil {
			bad["mobile"] = err.Error()
		}
	}
	if in.OrgID == "" {
		bad["org_id"] = "请选择所属单位"
	} else if _, err := s.Orgs.Get(ctx, in.OrgID); err != nil {
		bad["org_id"] = "所选单位不存在"
	}
	password := in.Password
	if password == "" {
		password = NewTempPassword()
	} else if p := checkPasswordRule(password, 10); p != "" {
		bad["password"] = p
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Account{}, "", err
	}
	if err := checkRoles(actor, nil, in.Roles); err != nil {
		return Account{}, "", err
	}
	if !actor.Has(yiwang.RoleSysAdmin) && !(len(in.Roles) == 1 && in.Roles[0].Admin()) {
		return Account{}, "", yiwang.Errorf(yiwang.EFORBIDDEN, "安全管理员只能创建管理员账号；业务人员账号由系统管理员创建")
	}
	secret, err := NewTOTPSecret(s.issuer(), in.Username)
	if err != nil {
		return Account{}, "", err
	}
	now := s.Clock.Now()
	a := Account{ID: yiwang.NewID(), Kind: yiwang.KindStaff, Username: in.Username, Name: in.Name,
		Mobile: in.Mobile, OrgID: in.OrgID, Status: StatusActive, PasswordHash: HashPassword(password),
		TOTPSecret: secret, Roles: in.Roles, CreatedAt: now, UpdatedAt: now}
	e := audit.New(actor, now, "account.create", "account:"+a.ID, audit.ResultOK,
		fmt.Sprintf("创建工作人员账号 %s，角色：%s", a.Username, roleNames(in.Roles)))
	if err := s.Store.CreateAccount(ctx, a, e); err != nil {
		return Account{}, "", fmt.Errorf("create staff %s: %w", a.Username, err)
	}
	return a, password, nil
}

func roleNames(rs []yiwang.Role) string {
	if len(rs) == 0 {
		return "无"
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name()
	}
	return strings.Join(names, "、")
}

// SetRoles replaces a staff account's roles. Only a system or security admin
// may, each for the roles they grant (checkRoles); nobody changes their own.
func (s *Service) SetRoles(ctx context.Context, actor yiwang.Actor, id string, roles []yiwang.Role) error {
	a, err := s.staff(ctx, id)
	if err != nil {
		return err
	}
	if a.ID == actor.AccountID {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "不能修改自己的角色")
	}
	roles = dedupe(roles)
	// checkRoles alone lets anyone "set" unchanged roles.
	err = errForbidden
	if actor.HasAny(yiwang.RoleSysAdmin, yiwang.RoleSecAdmin) {
		err = checkRoles(actor, a.Roles, roles)
	}
	if err != nil {
		if yiwang.ErrorCode(err) == yiwang.EFORBIDDEN {
			return s.audit(ctx, actor, "account.roles", "account:"+a.ID, audit.ResultDenied, roleNames(roles), err)
		}
		return err
	}
	now := s.Clock.Now()
	e := audit.New(actor, now, "account.roles", "account:"+a.ID, audit.ResultOK,
		fmt.Sprintf("%s 的角色：%s → %s", a.Username, roleNames(a.Roles), roleNames(roles)))
	return s.Store.SetRoles(ctx, a.ID, roles, actor.AccountID, now, e)
}

func dedupe(rs []yiwang.Role) []yiwang.Role {
	var out []yiwang.Role
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// adminTarget refuses web changes to the credentials or status of an account
// that holds an administrator role: otherwise one of the three separated
// administrators could take over another (三权分立). Such changes are made
// on the server with `yiwang user`, where every use is audited.
func adminTarget(actor yiwang.Actor, a Account) error {
	if actor.Channel == "cli" {
		return nil
	}
	for _, r := range a.Roles {
		if r.Admin() {
			return yiwang.Errorf(yiwang.EFORBIDDEN, "管理员账号的密码、动态口令和启停只能由运维人员在服务器上用 yiwang user 命令处理")
		}
	}
	return nil
}

func (s *Service) staff(ctx context.Context, id string) (Account, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if a.Kind != yiwang.KindStaff {
		return Account{}, yiwang.Errorf(yiwang.ENOTFOUND, "工作人员账号不存在")
	}
	return a, nil
}

// SetStatus disables or re-enables a staff account (system admin only).
func (s *Service) SetStatus(ctx context.Context, actor yiwang.Actor, id string, disabled bool) error {
	if !actor.Has(yiwang.RoleSysAdmin) {
		return errForbidden
	}
	a, err := s.staff(ctx, id)
	if err != nil {
		return err
	}
	if err := adminTarget(actor, a); err != nil {
		return err
	}
	if a.ID == actor.AccountID {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "不能停用自己的账号")
	}
	a.Status, a.UpdatedAt = StatusActive, s.Clock.Now()
	action, detail := "account.enable", "启用账号 "+a.Username
	if disabled {
		a.Status, action, detail = StatusDisabled, "account.disable", "停用账号 "+a.Username
	}
	return s.Store.UpdateAccount(ctx, a, audit.New(actor, a.UpdatedAt, action, "account:"+a.ID, audit.ResultOK, detail))
}

// ResetPassword gives a staff account a new random password, unlocks it and
// returns the password (system or security admin).
func (s *Service) ResetPassword(ctx context.Context, actor yiwang.Actor, id string) (string, error) {
	if !actor.HasAny(yiwang.RoleSysAdmin, yiwang.RoleSecAdmin) {
		return "", errForbidden
	}
	a, err := s.staff(ctx, id)
	if err != nil {
		return "", err
	}
	if err := adminTarget(actor, a); err != nil {
		return "", err
	}
	pw := NewTempPassword()
	a.PasswordHash, a.FailedLogins, a.LockedUntil, a.UpdatedAt = HashPassword(pw), 0, time.Time{}, s.Clock.Now()
	e := audit.New(actor, a.UpdatedAt, "account.reset_password", "account:"+a.ID, audit.ResultOK, "重置密码 "+a.Username)
	return pw, s.Store.UpdateAccount(ctx, a, e)
}

// ResetTOTP replaces a staff account's TOTP secret; the person enrols again at
// the next login (security admin only, e.g. after a lost phone).
func (s *Service) ResetTOTP(ctx context.Context, actor yiwang.Actor, id string) error {
	if !actor.Has(yiwang.RoleSecAdmin) {
		return errForbidden
	}
	a, err := s.staff(ctx, id)
	if err != nil {
		return err
	}
	if err := adminTarget(actor, a); err != nil {
		return err
	}
	if a.TOTPSecret, err = NewTOTPSecret(s.issuer(), a.Username); err != nil {
		return err
	}
	a.TOTPLastStep, a.UpdatedAt = 0, s.Clock.Now()
	e := audit.New(actor, a.UpdatedAt, "account.reset_totp", "account:"+a.ID, audit.ResultOK, "重置动态口令 "+a.Username)
	return s.Store.UpdateAccount(ctx, a, e)
}

// Unlock clears a lock after failed logins (security admin only).
func (s *Service) Unlock(ctx context.Context, actor yiwang.Actor, id string) error {
	if !actor.Has(yiwang.RoleSecAdmin) {
		return errForbidden
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return err
	}
	a.FailedLogins, a.LockedUntil, a.UpdatedAt = 0, time.Time{}, s.Clock.Now()
	e := audit.New(actor, a.UpdatedAt, "account.unlock", "account:"+a.ID, audit.ResultOK, "解除锁定 "+a.Name)
	return s.Store.UpdateAccount(ctx, a, e)
}

// ListStaff lists staff accounts for admins.
func (s *Service) ListStaff(ctx context.Context, actor yiwang.Actor, f StaffFilter) ([]Account, error) {
	if !actor.HasAny(yiwang.RoleSysAdmin, yiwang.RoleSecAdmin, yiwang.RoleAuditAdmin) {
		return nil, errForbidden
	}
	return s.Store.ListStaff(ctx, f)
}

var errStaffLogin = &yiwang.Error{Code: yiwang.EUNAUTHORIZED, Message: "用户名或密码不正确"}

// LoginStaffPassword checks the first factor. The caller must then ask for
// the TOTP code (VerifyTOTP) before the person counts as logged in.
func (s *Service) LoginStaffPassword(ctx context.Context, username, password, ip string) (Account, error) {
	username = strings.ToLower(strings.TrimSpace(username))
	a, err := s.Store.AccountByUsername(ctx, username)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		CheckPassword(dummyHash, password)
		return Account{}, s.audit(ctx, anon(ip), "login.staff", "username:"+truncate(username, 32), audit.ResultFailed, "用户名不存在", errStaffLogin)
	}
	if err != nil {
		return Account{}, err
	}
	if err := s.usable(ctx, &a, ip, "login.staff"); err != nil {
		return Account{}, err
	}
	if !CheckPassword(a.PasswordHash, password) {
		return Account{}, s.loginFailed(ctx, &a, ip, "login.staff", "密码错误", errStaffLogin)
	}
	return a, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// VerifyTOTP checks the second factor and completes a staff login. A code is
// accepted once: a replayed or older code fails. The first accepted code also
// completes TOTP enrolment.
func (s *Service) VerifyTOTP(ctx context.Context, id, code, ip string) (Account, error) {
	a, err := s.staff(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if err := s.usable(ctx, &a, ip, "login.staff"); err != nil {
		return Account{}, err
	}
	step, ok := matchTOTP(a.TOTPSecret, strings.TrimSpace(code), s.Clock.Now())
	fresh := ok && step > a.TOTPLastStep
	if fresh {
		// Checked again in the store: a.TOTPLastStep may be stale when the
		// same code arrives twice at once.
		if fresh, err = s.Store.AcceptTOTPStep(ctx, a.ID, step); err != nil {
			return Account{}, fmt.Errorf("accept TOTP step: %w", err)
		}
	}
	if !fresh {
		why := "动态口令错误"
		if ok {
			why = "动态口令已使用过（重放）"
		}
		return Account{}, s.loginFailed(ctx, &a, ip, "login.staff", why, &yiwang.Error{Code: yiwang.EUNAUTHORIZED,
			Message: "动态口令不正确或已使用", Fields: map[string]string{"code": "动态口令不正确或已使用，请输入验证器中的最新口令"}})
	}
	how := "密码+动态口令登录"
	if a.TOTPLastStep == 0 {
		how = "密码+动态口令登录（首次绑定验证器）"
	}
	a.TOTPLastStep = step
	return a, s.loginSucceeded(ctx, &a, ip, "login.staff", how)
}
