package identity

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
)

// EnterpriseInput is the form to register an enterprise.
type EnterpriseInput struct {
	CreditCode     string
	Name           string
	LegalRepName   string
	LegalRepIDCard string
}

// RegisterEnterprise registers an enterprise. Only its legal representative
// may, logged in as a citizen whose identity was checked (real-name level ≥ 2)
// and whose name and ID number are those given; they become its first member.
func (s *Service) RegisterEnterprise(ctx context.Context, actor yiwang.Actor, in EnterpriseInput) (Enterprise, error) {
	if actor.Anonymous() {
		return Enterprise{}, yiwang.Errorf(yiwang.EUNAUTHORIZED, "请先以个人身份登录")
	}
	in.CreditCode = idcode.NormalizeCreditCode(in.CreditCode)
	in.Name = strings.TrimSpace(in.Name)
	in.LegalRepName = strings.TrimSpace(in.LegalRepName)
	in.LegalRepIDCard = idcode.NormalizeIDCard(in.LegalRepIDCard)
	bad := map[string]string{}
	if err := idcode.CreditCode(in.CreditCode); err != nil {
		bad["credit_code"] = err.Error()
	}
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 100 {
		bad["name"] = "请填写企业名称（不超过100个字）"
	}
	if p := validName(in.LegalRepName); p != "" {
		bad["legal_rep_name"] = p
	}
	if err := idcode.IDCard(in.LegalRepIDCard); err != nil {
		bad["legal_rep_idcard"] = err.Error()
	}
	if err := yiwang.Invalid(bad); err != nil {
		return Enterprise{}, err
	}
	a, err := s.Store.Account(ctx, actor.AccountID)
	if err != nil {
		return Enterprise{}, err
	}
	if a.Kind != yiwang.KindCitizen {
		return Enterprise{}, yiwang.Errorf(yiwang.EFORBIDDEN, "请以法定代表人本人的个人账号登录后注册企业")
	}
	if a.RealNameLevel < RealNameIDCheck {
		return Enterprise{}, yiwang.Errorf(yiwang.EFORBIDDEN, "注册企业需要实名等级二级及以上，请先完成身份核验（可到任一政务服务窗口现场核验）")
	}
	if a.IDCard != in.LegalRepIDCard || a.Name != in.LegalRepName {
		return Enterprise{}, &yiwang.Error{Code: yiwang.EFORBIDDEN,
			Message: "只有法定代表人本人可以注册企业；经办人请由法定代表人注册后授权",
			Fields:  map[string]string{"legal_rep_idcard": "法定代表人姓名和身份证号须与您本人的实名信息一致"}}
	}
	if _, err := s.Store.EnterpriseByCreditCode(ctx, in.CreditCode); err == nil {
		return Enterprise{}, &yiwang.Error{Code: yiwang.ECONFLICT, Message: "该企业已注册",
			Fields: map[string]string{"credit_code": "该统一社会信用代码已注册，请联系企业的法定代表人授权"}}
	}
	now := s.Clock.Now()
	ent := Enterprise{ID: yiwang.NewID(), CreditCode: in.CreditCode, Name: in.Name, LegalRepName: in.LegalRepName,
		LegalRepID: in.LegalRepIDCard, CreatedBy: a.ID, CreatedAt: now}
	m := Member{EnterpriseID: ent.ID, AccountID: a.ID, Role: MemberLegalRep, GrantedBy: a.ID, GrantedAt: now}
	e := audit.New(actor, now, "enterprise.register", "enterprise:"+ent.ID, audit.ResultOK, ent.Name+" "+ent.CreditCode)
	if err := s.Store.CreateEnterprise(ctx, ent, m, e); err != nil {
		return Enterprise{}, fmt.Errorf("register enterprise: %w", err)
	}
	return ent, nil
}

// legalRep returns the enterprise if actor is its legal representative.
func (s *Service) legalRep(ctx context.Context, actor yiwang.Actor, enterpriseID string) (Enterprise, error) {
	ent, err := s.Store.Enterprise(ctx, enterpriseID)
	if err != nil {
		return Enterprise{}, err
	}
	ms, err := s.Store.MembershipsOf(ctx, actor.AccountID)
	if err != nil {
		return Enterprise{}, err
	}
	for _, m := range ms {
		if m.EnterpriseID == enterpriseID && m.Role == MemberLegalRep {
			return ent, nil
		}
	}
	return Enterprise{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有企业的法定代表人可以管理经办人")
}

// AddAgent authorises the registered citizen with the given mobile number to
// act for the enterprise as 经办人. Only the legal representative may.
func (s *Service) AddAgent(ctx context.Context, actor yiwang.Actor, enterpriseID, mobile string) error {
	ent, err := s.legalRep(ctx, actor, enterpriseID)
	if err != nil {
		return err
	}
	mobile = idcode.NormalizeMobile(mobile)
	if err := idcode.Mobile(mobile); err != nil {
		return yiwang.Invalid(map[string]string{"mobile": err.Error()})
	}
	p, err := s.Store.CitizenByMobile(ctx, mobile)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return yiwang.Invalid(map[string]string{"mobile": "该手机号尚未注册个人账号，请经办人先注册"})
	}
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	m := Member{EnterpriseID: ent.ID, AccountID: p.ID, Role: MemberAgent, GrantedBy: actor.AccountID, GrantedAt: now}
	e := audit.New(actor, now, "enterprise.agent_add", "enterprise:"+ent.ID, audit.ResultOK,
		"授权经办人 "+idcode.MaskName(p.Name)+" "+idcode.MaskMobile(mobile))
	return s.Store.AddMember(ctx, m, e)
}

// RemoveAgent withdraws an agent's authorisation.
func (s *Service) RemoveAgent(ctx context.Context, actor yiwang.Actor, enterpriseID, accountID string) error {
	ent, err := s.legalRep(ctx, actor, enterpriseID)
	if err != nil {
		return err
	}
	if accountID == actor.AccountID {
		return yiwang.Errorf(yiwang.EFORBIDDEN, "法定代表人不能取消自己的授权")
	}
	e := audit.New(actor, s.Clock.Now(), "enterprise.agent_remove", "enterprise:"+ent.ID, audit.ResultOK, "取消经办人授权 account:"+accountID)
	return s.Store.RemoveMember(ctx, enterpriseID, accountID, e)
}

// Members lists who may act for an enterprise; any member may see the list.
func (s *Service) Members(ctx context.Context, actor yiwang.Actor, enterpriseID string) ([]Member, error) {
	ms, err := s.Store.Members(ctx, enterpriseID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.AccountID == actor.AccountID {
			return ms, nil
		}
	}
	return nil, errForbidden
}

// IsMember reports whether a person may act for an enterprise.
func (s *Service) IsMember(ctx context.Context, accountID, enterpriseID string) (bool, error) {
	ms, err := s.Store.MembershipsOf(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if m.EnterpriseID == enterpriseID {
			return true, nil
		}
	}
	return false, nil
}

// Memberships lists the enterprises a person may act for.
func (s *Service) Memberships(ctx context.Context, accountID string) ([]Member, error) {
	return s.Store.MembershipsOf(ctx, accountID)
}

// LoginEnterprise logs a person in to act for an enterprise: the credit code,
// the person's phone, and their password or one-time code (code when
// password is empty). The person must be the legal representative or an
// authorised agent.
func (s *Service) LoginEnterprise(ctx context.Context, creditCode, mobile, password, code, ip string) (Account, Member, error) {
	creditCode = idcode.NormalizeCreditCode(creditCode)
	if err := idcode.CreditCode(creditCode); err != nil {
		return Account{}, Member{}, yiwang.Invalid(map[string]string{"credit_code": err.Error()})
	}
	ent, err := s.Store.EnterpriseByCreditCode(ctx, creditCode)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Account{}, Member{}, s.audit(ctx, anon(ip), "login.enterprise", "credit_code:"+creditCode, audit.ResultFailed, "企业未注册",
			&yiwang.Error{Code: yiwang.EUNAUTHORIZED, Message: "该企业尚未注册",
				Fields: map[string]string{"credit_code": "该统一社会信用代码尚未注册，请法定代表人先注册企业"}})
	}
	if err != nil {
		return Account{}, Member{}, err
	}
	var a Account
	if password != "" {
		a, err = s.LoginWithPassword(ctx, mobile, password, ip)
	} else {
		a, err = s.LoginWithCode(ctx, mobile, code, ip)
	}
	if err != nil {
		return Account{}, Member{}, err
	}
	ms, err := s.Store.MembershipsOf(ctx, a.ID)
	if err != nil {
		return Account{}, Member{}, err
	}
	for _, m := range ms {
		if m.EnterpriseID == ent.ID {
			return a, m, s.audit(ctx, a.Actor(ip, "web"), "login.enterprise", "enterprise:"+ent.ID, audit.ResultOK, MemberRoleName(m.Role)+"登录", nil)
		}
	}
	return Account{}, Member{}, s.audit(ctx, a.Actor(ip, "web"), "login.enterprise", "enterprise:"+ent.ID, audit.ResultDenied, "未获企业授权", yiwang.Errorf(yiwang.EFORBIDDEN, "您不是该企业的法定代表人或经办人，请联系法定代表人授权"))
}
