package license

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/notify"
	"github.com/yushan-gov/yiwang/org"
	"github.com/yushan-gov/yiwang/seal"
)

// Statuses of a license. Stored and signed: never change a value. Expired
// is also what a valid license past its end date reads as before the daily
// job records it.
const (
	StatusValid      = "valid"      // 有效
	StatusSuspended  = "suspended"  // 暂扣（中止）
	StatusRevoked    = "revoked"    // 吊销（撤销）
	StatusCancelled  = "cancelled"  // 注销
	StatusExpired    = "expired"    // 已过期
	StatusSuperseded = "superseded" // 已换发新版本
)

var statusNames = map[string]string{StatusValid: "有效", StatusSuspended: "已暂扣", StatusRevoked: "已吊销",
	StatusCancelled: "已注销", StatusExpired: "已过期", StatusSuperseded: "已换发新版本"}

// StatusName returns a status in words.
func StatusName(s string) string { return statusNames[s] }

// License is an issued e-license: its signed file and where it stands.
type License struct {
	ID          string // 证照标识
	Serial      string
	Version     int
	TypeCode    string
	TypeName    string
	Kind        string // the type's kind: KindLicense or KindDocument
	IssuerOrgID string
	CaseID      string // the case that issued it; "" for licenses brought in otherwise
	CaseNo      string
	AccountID   string // the applicant account told of changes; may be ""
	Data        Data   // the signed data, read back from File
	File        []byte // the signed license file, exactly as issued
	KeyID       string
	Status      string
	StatusNote  string // the reason of the last change
	IssuedAt    time.Time
	UpdatedAt   time.Time
	RemindedAt  time.Time // the 30-day expiry reminder, once sent
	Rev         int64     // row version, for optimistic updates
	// Damaged is set when the stored file cannot be opened or read: the
	// license is listed (the rest of the wallet still works), verifies as
	// signature_invalid, and is never attached or renewed.
	Damaged bool
}

// StatusOn is the license's status on a day ("YYYY-MM-DD"): a valid
// license past its end date is expired.
func (l License) StatusOn(day string) string {
	if l.Status == StatusValid && l.Data.ValidUntil != "" && l.Data.ValidUntil < day {
		return StatusExpired
	}
	return l.Status
}

// Event is one signed change of a license's status, kept for ever.
type Event struct {
	ID        string
	LicenseID string
	Seq       int
	At        time.Time
	Kind      string // issue, suspend, resume, revoke, cancel, expire, renew, supersede, remind
	Status    string // the status after it
	ActorID   string
	ActorName string
	Reason    string
	// Statement is the signed status statement (see StatusStatement); the
	// reminder has none.
	Statement []byte
	Signature []byte
	KeyID     string
}

// Holder is whom a license is issued to, as the platform knows them.
type Holder struct {
	AccountID    string
	Name         string
	IDCard       string
	EnterpriseID string // when the holder is an enterprise
}

// ListQuery selects licenses for staff lists and the command line.
type ListQuery struct {
	OrgIDs []string // issuing orgs; empty for all
	Q      string   // matches the identifier, the holder's name or the type name
	Limit  int
	Offset int
}

// Store is what license needs from storage. Every change stores the license,
// its event and the audit entry (and a message to the holder, when given)
// in one transaction.
type Store interface {
	LicenseTypes(ctx context.Context) ([]Type, error)
	LicenseType(ctx context.Context, code string) (Type, error)
	LicenseTypeByName(ctx context.Context, name string) (Type, error)
	// SaveLicenseType inserts t (Rev 0) or updates it when its Rev still
	// matches (ECONFLICT otherwise); a taken code or name is ECONFLICT.
	SaveLicenseType(ctx context.Context, t Type, e audit.Entry) error

	License(ctx context.Context, id string) (License, error)
	Licenses(ctx context.Context, q ListQuery) ([]License, error)
	// LicensesHeldBy lists the licenses of a holder (code type and code),
	// newest first.
	LicensesHeldBy(ctx context.Context, codeType, code string) ([]License, error)
	LicensesOfCase(ctx context.Context, caseID string) ([]License, error)
	LicenseEvents(ctx context.Context, id string) ([]Event, error)
	// AddLicense stores a new license with its first event.
	AddLicense(ctx context.Context, l License, ev Event, e audit.Entry, msg *notify.Message) error
	// ChangeLicense stores l's new status when its Rev still matches.
	ChangeLicense(ctx context.Context, l License, ev Event, e audit.Entry, msg *notify.Message) error
	// RenewLicense stores, in one transaction, the old version's new status
	// (when its Rev still matches) and the new version, each with its event
	// and audit entry.
	RenewLicense(ctx context.Context, old, renewed Issuing, msg *notify.Message) error
	// ValidLicensesEnding lists valid licenses that end on or before day,
	// the earliest first; withReminded false leaves out the reminded ones.
	ValidLicensesEnding(ctx context.Context, day string, withReminded bool, limit int) ([]License, error)
}

// HoldingStore is a Store that tells in one read whether a license type
// of a name exists and lists a holder's licenses (of any status) of that
// type name, newest first as LicensesHeldBy lists them; ValidHeld uses it
// when the store is one.
type HoldingStore interface {
	LicensesOfTypeHeld(ctx context.Context, codeType, code, typeName string) (known bool, ls []License, err error)
}

// Orgs finds issuing orgs.
type Orgs interface {
	Get(ctx context.Context, id string) (org.Org, error)
	Subtree(ctx context.Context, id string) (map[string]bool, error)
}

// Enterprises finds enterprise holders.
type Enterprises interface {
	Enterprise(ctx context.Context, id string) (identity.Enterprise, error)
}

// Service issues, verifies and changes licenses.
type Service struct {
	Store       Store
	Seal        *seal.Service
	Orgs        Orgs
	Enterprises Enterprises
	Clock       yiwang.Clock
}

// holderCode works out the code, code type and name a license names.
func (s *Service) holderCode(ctx context.Context, h Holder) (codeType, code, name string, err error) {
	if h.EnterpriseID != "" {
		en, err := s.Enterprises.Enterprise(ctx, h.EnterpriseID)
		if err != nil {
			return "", "", "", err
		}
		return HolderCreditCode, en.CreditCode, en.Name, nil
	}
	if h.IDCard == "" {
		return "", "", "", yiwang.Errorf(yiwang.EINVALID, "持证人没有身份证号，无法签发电子证照")
	}
	return HolderIDCard, h.IDCard, h.Name, nil
}

// Held lists a holder's licenses, newest first, each with its status today.
func (s *Service) Held(ctx context.Context, h Holder) ([]License, error) {
	codeType, code, _, err := s.holderCode(ctx, h)
	if err != nil {
		return nil, err
	}
	return s.heldBy(ctx, codeType, code)
}

func (s *Service) heldBy(ctx context.Context, codeType, code string) ([]License, error) {
	ls, err := s.Store.LicensesHeldBy(ctx, codeType, code)
	return s.statusToday(ls), err
}

// statusToday sets each license's status as of today.
func (s *Service) statusToday(ls []License) []License {
	today := s.today()
	for i := range ls {
		ls[i].Status = ls[i].StatusOn(today)
	}
	return ls
}

// ValidHeld returns the holder's valid license of the type name, or false;
// ENOTFOUND when the platform issues no license type of that name.
func (s *Service) ValidHeld(ctx context.Context, h Holder, typeName string) (License, bool, error) {
	codeType, code, _, codeErr := s.holderCode(ctx, h)
	var ls []License
	if hs, ok := s.Store.(HoldingStore); ok && codeErr == nil {
		// One read, of only the holder's licenses of the type, where the
		// type and every license with its file took two.
		known, of, err := hs.LicensesOfTypeHeld(ctx, codeType, code, typeName)
		switch {
		case err != nil:
			return License{}, false, err
		case !known:
			return License{}, false, yiwang.Errorf(yiwang.ENOTFOUND, "证照类型不存在")
		}
		ls = s.statusToday(of)
	} else {
		if _, err := s.Store.LicenseTypeByName(ctx, typeName); err != nil {
			return License{}, false, err
		}
		if codeErr != nil {
			return License{}, false, codeErr
		}
		var err error
		if ls, err = s.heldBy(ctx, codeType, code); err != nil {
			return License{}, false, err
		}
	}
	for _, l := range ls {
		if l.TypeName == typeName && l.Status == StatusValid && l.Kind != KindDocument && !l.Damaged {
			return l, true, nil
		}
	}
	return License{}, false, nil
}

func (s *Service) today() string { return dateOf(s.Clock.Now()) }

// shanghai is the zone license dates are civil dates in.
var shanghai = time.FixedZone("CST", 8*3600)

func dateOf(t time.Time) string { return t.In(shanghai).Format("2006-01-02") }

// Events returns a license's history, oldest first.
func (s *Service) Events(ctx context.Context, id string) ([]Event, error) {
	return s.Store.LicenseEvents(ctx, id)
}

// IsHolder reports whether h is the holder of l.
func (s *Service) IsHolder(ctx context.Context, h Holder, l License) bool {
	if h.IDCard == "" && h.EnterpriseID == "" {
		return false
	}
	codeType, code, _, err := s.holderCode(ctx, h)
	return err == nil && codeType == l.Data.HolderCodeType && code == l.Data.HolderCode
}
