package identity

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
)

// CitizenInput is a citizen's registration form.
type CitizenInput struct {
	Name     string
	Mobile   string
	IDCard   string
	Code     string // one-time code sent to Mobile
	Password string // optional: lets the citizen log in without a code later
}

func validName(name string) string {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "请填写姓名"
	case n > 40:
		return "姓名不能超过40个字"
	case strings.ContainsAny(name, "<>\"'&\\/;%0123456789"):
		return "姓名中含有不允许的字符"
	}
	return ""
}

// RegisterCitizen creates a citizen account after checking the one-time
// code. The real-name level is 2 when name and ID number match the population
// base data, else 1. Returns EINVALID (with fields) or ECONFLICT when the
// phone or ID number is registered already.
func (s *Service) RegisterCitizen(ctx context.Context, in CitizenInput, ip string) (Account, error) {
	in.Name = strings.TrimSpace(in.Name)
	in.Mobile = idcode.NormalizeMobile(in.Mobile)
	in.IDCard = idcode.NormalizeIDCard(in.IDCard)
	in.Code = strings.TrimSpace(in.Code)
	bad := map[string]string{}
	if p := validName(in.Name); p != "" {
		bad["name"] = p
	}
	if err := idcode.Mobile(in.Mobile); err != nil {
		bad["mobile"] = err.Error()
	}
	if err := idcode.IDCard(in.IDCard); err != nil {
		bad["idcard"] = err.Error()
	}
	if in.Code == "" {
		bad["code"] = "请填写短信验证码"
	}
	if in.Password != "" {
		if p := checkPasswordRule(in.Password, 8); p != "" {
			bad["password"] = p
		}
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Account{}, err
	}
	// The code is checked first: only the owner of the phone learns whether
	// an ID number is registered already.
	if err := s.checkCode(ctx, PurposeRegister, in.Mobile, in.Code); err != nil {
		return Account{}, err
	}
	if _, err := s.Store.CitizenByMobile(ctx, in.Mobile); err == nil {
		return Account{}, &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该手机号已注册，请直接登录",
			Fields: map[string]string{"mobile": "该手机号已注册，请直接登录"}}
	}
	if _, err := s.Store.CitizenByIDCard(ctx, in.IDCard); err == nil {
		return Account{}, &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该身份证号已注册账号",
			Fields: map[string]string{"idcard": "该身份证号已注册账号，请用注册时的手机号登录"}}
	}
	level := RealNamePhone
	ok, err := s.Store.InPopulation(ctx, in.Name, in.IDCard)
	if err != nil {
		return Account{}, fmt.Errorf("check population base: %w", err)
	}
	if ok {
		level = RealNameIDCheck
	}
	now := s.Clock.Now()
	a := Account{ID: yiwang.NewID(), Kind: yiwang.KindCitizen, Name: in.Name, Mobile: in.Mobile,
		IDCard: in.IDCard, RealNameLevel: level, Status: StatusActive, CreatedAt: now, UpdatedAt: now, LastLoginAt: now}
	if in.Password != "" {
		a.PasswordHash = HashPassword(in.Password)
	}
	e := audit.New(a.Actor(ip, "web"), now, "account.register", "account:"+a.ID, audit.ResultOK,
		"自然人注册，实名等级 "+RealNameLevelName(level))
	if err := s.Store.CreateAccount(ctx, a, e); err != nil {
		return Account{}, fmt.Errorf("register citizen: %w", err)
	}
	return a, nil
}

var errLoginFailed = &yiwang.Error{Code: yiwang.EUNAUTHORIZED, Message: "手机号或密码不正确"}

// LoginWithCode logs a citizen in with a one-time code.
func (s *Service) LoginWithCode(ctx context.Context, mobile, code, ip string) (Account, error) {
	mobile = idcode.NormalizeMobile(mobile)
	if err := idcode.Mobile(mobile); err != nil {
		return Account{}, yiwang.Invalid(map[string]string{"mobile": err.Error()})
	}
	a, err := s.Store.CitizenByMobile(ctx, mobile)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Account{}, s.audit(ctx, anon(ip), "login.citizen", "mobile:"+idcode.MaskMobile(mobile), audit.ResultFailed, "手机号未注册",
			&yiwang.Error{Code: yiwang.EUNAUTHORIZED, Message: "该手机号尚未注册，请先注册",
				Fields: map[string]string{"mobile": "该手机号尚未注册，请先注册"}})
	}
	if err != nil {
		return Account{}, err
	}
	if err := s.usable(ctx, &a, ip, "login.citizen"); err != nil {
		return Account{}, err
	}
	if err := s.checkCode(ctx, PurposeLogin, mobile, strings.TrimSpace(code)); err != nil {
		if yiwang.ErrorCode(err) == yiwang.EINVALID {
			return Account{}, s.audit(ctx, a.Actor(ip, "web"), "login.citizen", "account:"+a.ID, audit.ResultFailed, "验证码错误", err)
		}
		return Account{}, err
	}
	return a, s.loginSucceeded(ctx, &a, ip, "login.citizen", "验证码登录")
}

// LoginWithPassword logs a citizen in with phone and password.
func (s *Service) LoginWithPassword(ctx context.Context, mobile, password, ip string) (Account, error) {
	mobile = idcode.NormalizeMobile(mobile)
	a, err := s.Store.CitizenByMobile(ctx, mobile)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		CheckPassword(dummyHash, password)
		return Account{}, s.audit(ctx, anon(ip), "login.citizen", "mobile:"+idcode.MaskMobile(mobile), audit.ResultFailed, "账号不存在", errLoginFailed)
	}
	if err != nil {
		return Account{}, err
	}
	if err := s.usable(ctx, &a, ip, "login.citizen"); err != nil {
		return Account{}, err
	}
	if a.PasswordHash == "" || !CheckPassword(a.PasswordHash, password) {
		return Account{}, s.loginFailed(ctx, &a, ip, "login.citizen", "密码错误", errLoginFailed)
	}
	return a, s.loginSucceeded(ctx, &a, ip, "login.citizen", "密码登录")
}

// usable refuses disabled and locked accounts, auditing the attempt.
func (s *Service) usable(ctx context.Context, a *Account, ip, action string) error {
	if a.Status != StatusActive {
		return s.audit(ctx, a.Actor(ip, "web"), action, "account:"+a.ID, audit.ResultDenied, "账号已停用", yiwang.Errorf(yiwang.EFORBIDDEN, "该账号已停用，请联系管理员"))
	}
	if now := s.Clock.Now(); a.Locked(now) {
		return s.audit(ctx, a.Actor(ip, "web"), action, "account:"+a.ID, audit.ResultDenied, "账号已锁定",
			yiwang.Errorf(yiwang.ETOOMANY, "登录失败次数过多，账号已锁定，请于 %s 后再试", a.LockedUntil.In(yiwang.Shanghai).Format("15:04")))
	}
	return nil
}

// loginFailed counts a failure, locks the account after MaxFailures, and
// returns userErr (or a lock message when this failure locked the account).
func (s *Service) loginFailed(ctx context.Context, a *Account, ip, action, why string, userErr error) error {
	now := s.Clock.Now()
	// The store counts, not a.FailedLogins++: failures made at the same
	// time would otherwise overwrite each other and never lock.
	n, locked, err := s.Store.RecordLoginFailure(ctx, a.ID, now, MaxFailures, now.Add(LockDuration),
		func(n int, locked bool) audit.Entry {
			detail := fmt.Sprintf("%s（连续失败 %d 次）", why, n)
			if locked {
				detail += "，账号锁定30分钟"
			}
			return audit.New(a.Actor(ip, "web"), now, action, "account:"+a.ID, audit.ResultFailed, detail)
		})
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	a.FailedLogins, a.UpdatedAt = n, now
	if locked {
		a.FailedLogins, a.LockedUntil = 0, now.Add(LockDuration)
		return yiwang.Errorf(yiwang.ETOOMANY, "连续登录失败%d次，账号已锁定30分钟", MaxFailures)
	}
	return userErr
}

func (s *Service) loginSucceeded(ctx context.Context, a *Account, ip, action, how string) error {
	now := s.Clock.Now()
	a.FailedLogins, a.LockedUntil, a.LastLoginAt, a.UpdatedAt = 0, time.Time{}, now, now
	e := audit.New(a.Actor(ip, "web"), now, action, "account:"+a.ID, audit.ResultOK, how)
	if err := s.Store.SaveLoginState(ctx, *a, e); err != nil {
		return fmt.Errorf("save login state: %w", err)
	}
	return nil
}

// Get returns an account or ENOTFOUND.
func (s *Service) Get(ctx context.Context, id string) (Account, error) {
	return s.Store.Account(ctx, id)
}

// SetPassword lets a logged-in person set or change their own password.
func (s *Service) SetPassword(ctx context.Context, actor yiwang.Actor, current, password string) error {
	if actor.Anonymous() {
		return yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先登录")
	}
	a, err := s.Store.Account(ctx, actor.AccountID)
	if err != nil {
		return err
	}
	// Changing a password needs the old one (a borrowed session must not
	// take the account over); a citizen who never set one logged in by code.
	if a.PasswordHash != "" && !CheckPassword(a.PasswordHash, current) {
		return s.loginFailed(ctx, &a, actor.IP, "account.password", "修改密码时当前密码错误",
			&yiwang.Error{Code: yiwang.EINVALID, Message: "当前密码不正确", Fields: map[string]string{"current": "当前密码不正确"}})
	}
	min := 8
	if a.Kind == yiwang.KindStaff {
		min = 10
	}
	if p := checkPasswordRule(password, min); p != "" {
		return yiwang.Invalid(map[string]string{"password": p})
	}
	a.PasswordHash = HashPassword(password)
	a.UpdatedAt = s.Clock.Now()
	e := audit.New(actor, a.UpdatedAt, "account.password", "account:"+a.ID, audit.ResultOK, "本人修改密码")
	return s.Store.UpdateAccount(ctx, a, e)
}
