// Package identity holds accounts and how people prove who they are:
// citizens (phone + one-time code or password, real-name levels), people
// acting for enterprises, and staff (password + mandatory TOTP, roles bound to
// an org, the three separated administrator roles). It also issues API tokens.
package identity

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/notify"
)

// Account statuses. Stored: never change a value.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Real-name levels (实名等级).
const (
	RealNamePhone    = 1 // phone number verified by a one-time code
	RealNameIDCheck  = 2 // name and ID number match the population base data
	RealNameInPerson = 3 // identity checked in person at a window
)

// RealNameLevelName returns the Chinese name of a real-name level.
func RealNameLevelName(l int) string {
	switch l {
	case RealNamePhone:
		return "一级（手机号已验证）"
	case RealNameIDCheck:
		return "二级（身份信息已核验）"
	case RealNameInPerson:
		return "三级（窗口现场核验）"
	}
	return "未实名"
}

// Account is a person's login. Mobile and IDCard are plaintext here and
// encrypted by the store.
type Account struct {
	ID            string
	Kind          yiwang.AccountKind
	Username      string // staff only
	Name          string
	Mobile        string
	IDCard        string
	PasswordHash  string
	TOTPSecret    string
	TOTPLastStep  int64 // the last TOTP time step accepted, so a code works once
	RealNameLevel int
	OrgID         string
	Status        string
	FailedLogins  int
	LockedUntil   time.Time
	Demo          bool
	Version       int64 // bumped by every write; UpdateAccount checks it
	Roles         []yiwang.Role
	CreatedAt     time.Time
	UpdatedAt     time.Time
	LastLoginAt   time.Time
}

// Locked reports whether the account is locked at now.
func (a Account) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }

// Actor returns the actor for this account acting from ip.
func (a Account) Actor(ip, channel string) yiwang.Actor {
	return yiwang.Actor{AccountID: a.ID, Name: a.Name, Kind: a.Kind, OrgID: a.OrgID,
		Roles: a.Roles, IP: ip, Channel: channel}
}

// Enterprise is a legal person registered on the platform.
type Enterprise struct {
	ID           string
	CreditCode   string
	Name         string
	LegalRepName string
	LegalRepID   string // 居民身份证号 of the legal representative; encrypted at rest
	Demo         bool
	CreatedBy    string
	CreatedAt    time.Time
}

// Member roles in an enterprise. Stored: never change a value.
const (
	MemberLegalRep = "legal_rep" // 法定代表人
	MemberAgent    = "agent"     // 经办人
)

// MemberRoleName returns the Chinese name of a member role.
func MemberRoleName(r string) string {
	if r == MemberLegalRep {
		return "法定代表人"
	}
	return "经办人"
}

// Member links a person's account to an enterprise they may act for.
type Member struct {
	EnterpriseID   string
	EnterpriseName string
	CreditCode     string
	AccountID      string
	AccountName    string
	Mobile         string
	Role           string
	GrantedBy      string
	GrantedAt      time.Time
}

// Code is a one-time code sent to a phone. Only its hash is stored.
type Code struct {
	ID        string
	Purpose   string // "login", "register"
	Target    string // the mobile number; the store keeps only its keyed hash
	CodeHash  string
	Attempts  int
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Token is a staff API token. Only its hash is stored.
type Token struct {
	ID         string
	AccountID  string
	Name       string
	Hash       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time
	LastUsedAt time.Time
}

// StaffFilter selects staff accounts.
type StaffFilter struct {
	OrgID string
	Query string // username or name contains
}

// Store is what identity needs from storage. Every change that is audited
// takes its audit entry and stores both in one transaction.
type Store interface {
	CreateAccount(ctx context.Context, a Account, e audit.Entry) error
	UpdateAccount(ctx context.Context, a Account, e audit.Entry) error
	// SaveLoginState stores a successful login (failures and lock cleared,
	// last login time) and its audit entry.
	SaveLoginState(ctx context.Context, a Account, e audit.Entry) error
	// RecordLoginFailure adds one to the account's failed logins and, when
	// that makes max, locks it until lockUntil and restarts the count. It
	// stores the audit entry that entry makes of the outcome in the same
	// transaction. Concurrent failures are all counted.
	RecordLoginFailure(ctx context.Context, id string, at time.Time, max int, lockUntil time.Time,
		entry func(failures int, locked bool) audit.Entry) (failures int, locked bool, err error)
	// AcceptTOTPStep records step as the account's last accepted TOTP step
	// if it is later than the stored one, and reports whether it was; so a
	// code is accepted once even when sent twice at the same time.
	AcceptTOTPStep(ctx context.Context, id string, step int64) (bool, error)
	SetRoles(ctx context.Context, accountID string, roles []yiwang.Role, by string, at time.Time, e audit.Entry) error
	Account(ctx context.Context, id string) (Account, error)
	AccountByUsername(ctx context.Context, username string) (Account, error)
	CitizenByMobile(ctx context.Context, mobile string) (Account, error)
	CitizenByIDCard(ctx context.Context, idcard string) (Account, error)
	ListStaff(ctx context.Context, f StaffFilter) ([]Account, error)

	SaveCode(ctx context.Context, c Code, m notify.Message) error
	LatestCode(ctx context.Context, purpose, target string) (Code, error)
	// TryCode counts one attempt at the code if it is unused and has had
	// fewer than max attempts, and reports whether it did. Check and count
	// are one step, so attempts made at the same time are all counted.
	TryCode(ctx context.Context, id string, max int) (bool, error)
	// UseCode marks the code used if it was not, and reports whether it did.
	UseCode(ctx context.Context, id string, at time.Time) (bool, error)
	CountCodesSince(ctx context.Context, target string, since time.Time) (int, error)

	InPopulation(ctx context.Context, name, idcard string) (bool, error)

	CreateEnterprise(ctx context.Context, ent Enterprise, m Member, e audit.Entry) error
	Enterprise(ctx context.Context, id string) (Enterprise, error)
	EnterpriseByCreditCode(ctx context.Context, code string) (Enterprise, error)
	AddMember(ctx context.Context, m Member, e audit.Entry) error
	RemoveMember(ctx context.Context, enterpriseID, accountID string, e audit.Entry) error
	Members(ctx context.Context, enterpriseID string) ([]Member, error)
	MembershipsOf(ctx context.Context, accountID string) ([]Member, error)

	CreateToken(ctx context.Context, t Token, e audit.Entry) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	TouchToken(ctx context.Context, id string, at time.Time) error
	RevokeToken(ctx context.Context, id string, at time.Time, e audit.Entry) error
	TokensOf(ctx context.Context, accountID string) ([]Token, error)

	AppendAudit(ctx context.Context, e audit.Entry) error
}
