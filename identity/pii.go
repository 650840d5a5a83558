package identity

import (
	"context"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
)

// mayReadFullPII says which roles need full personal data: window clerks and
// agent clerks check identities face to face; case officers decide cases.
func mayReadFullPII(actor yiwang.Actor) bool {
	return actor.HasAny(yiwang.RoleWindowClerk, yiwang.RoleAgentClerk, yiwang.RoleCaseOfficer)
}

// RevealPII returns an account's full ID number and mobile to staff whose
// role needs them, and records the read in the audit log. A person always
// sees their own data.
func (s *Service) RevealPII(ctx context.Context, actor yiwang.Actor, accountID, purpose string) (idcard, mobile string, err error) {
	a, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return "", "", err
	}
	if actor.AccountID == a.ID {
		return a.IDCard, a.Mobile, nil
	}
	if a.Kind != yiwang.KindCitizen {
		return "", "", yiwang.Errorf(yiwang.EFORBIDDEN, "只能查看自然人账号的完整信息")
	}
	if !mayReadFullPII(actor) {
		return "", "", s.audit(ctx, actor, "pii.read", "account:"+a.ID, audit.ResultDenied, purpose, yiwang.Errorf(yiwang.EFORBIDDEN, "您的角色无权查看完整个人信息"))
	}
	if purpose == "" {
		return "", "", yiwang.Invalid(map[string]string{"purpose": "请说明查看完整信息的事由"})
	}
	e := audit.New(actor, s.Clock.Now(), "pii.read", "account:"+a.ID, audit.ResultOK, "查看完整证件号和手机号，事由："+truncate(purpose, 100))
	if err := s.Store.AppendAudit(ctx, e); err != nil {
		return "", "", err
	}
	return a.IDCard, a.Mobile, nil
}

// VerifyInPerson raises a citizen to real-name level 3 after a window clerk
// has checked their identity document face to face.
func (s *Service) VerifyInPerson(ctx context.Context, actor yiwang.Actor, accountID string) error {
	if !actor.HasAny(yiwang.RoleWindowClerk, yiwang.RoleAgentClerk) {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "只有窗口人员或代办员可以进行现场实名核验")
	}
	a, err := s.Store.Account(ctx, accountID)
	if err != nil {
		return err
	}
	if a.Kind != yiwang.KindCitizen {
		return yiwang.Errorf(yiwang.EINVALID, "只能核验自然人账号")
	}
	if a.IDCard == "" {
		return yiwang.Errorf(yiwang.EINVALID, "该账号未登记身份证号，无法核验")
	}
	a.RealNameLevel, a.UpdatedAt = RealNameInPerson, s.Clock.Now()
	e := audit.New(actor, a.UpdatedAt, "account.verify_in_person", "account:"+a.ID, audit.ResultOK, "窗口现场核验身份证件，实名等级升为三级")
	return s.Store.UpdateAccount(ctx, a, e)
}

// FindCitizen looks up a citizen by mobile or ID number for a window clerk.
func (s *Service) FindCitizen(ctx context.Context, actor yiwang.Actor, mobileOrID string) (Account, error) {
	if !actor.HasAny(yiwang.RoleWindowClerk, yiwang.RoleAgentClerk, yiwang.RoleCaseOfficer, yiwang.RoleHotlineOperator) {
		return Account{}, errForbidden
	}
	// Lookups are by keyed hash, so the text must be in the stored form:
	// people type a lower-case x, spaces and "+86".
	if id := idcode.NormalizeIDCard(mobileOrID); idcode.IDCard(id) == nil {
		return s.Store.CitizenByIDCard(ctx, id)
	}
	return s.Store.CitizenByMobile(ctx, idcode.NormalizeMobile(mobileOrID))
}
