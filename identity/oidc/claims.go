package oidc

import (
	"context"
	"fmt"
	"slices"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
)

// EnterpriseClaim is the "enterprise" claim: the enterprise a person acts for.
type EnterpriseClaim struct {
	CreditCode string `json:"credit_code"`
	Name       string `json:"name"`
	Role       string `json:"role"`      // legal_rep or agent
	RoleName   string `json:"role_name"` // 法定代表人 or 经办人
}

// StaffClaim is the "staff" claim: a staff member's org and roles.
type StaffClaim struct {
	OrgID     string   `json:"org_id"`
	OrgName   string   `json:"org_name"`
	Roles     []string `json:"roles"`
	RoleNames []string `json:"role_names"`
}

// claims fills info with what the grant's scopes allow the client to learn
// of the person, for an ID token (idToken) or the userinfo endpoint. The
// full ID number is given only under the idcard scope, only while the
// client is still allowed it, only for real-name level 2 and up, and each
// release is audited before it is given.
func (p *Provider) claims(ctx context.Context, info *zoidc.UserInfo, g Grant, idToken bool) error {
	a, err := p.Directory.Account(ctx, g.AccountID)
	if err != nil {
		return fmt.Errorf("claims of %s: %w", g.AccountID, err)
	}
	has := func(scope string) bool { return slices.Contains(g.Scopes, scope) }
	kind := a.Kind
	if g.EnterpriseID != "" {
		kind = yiwang.KindEnterprise
	}
	info.Subject = g.Subject
	info.AppendClaims("user_type", string(kind))
	if idToken {
		info.AppendClaims("acr", g.ACR)
		if g.SID != "" {
			info.AppendClaims("sid", g.SID)
		}
	}
	if has(ScopeProfile) {
		info.Name = a.Name
		if a.Kind == yiwang.KindStaff {
			info.PreferredUsername = a.Username
		}
		if a.IDCard != "" {
			info.AppendClaims("id_number_masked", idcode.MaskIDCard(a.IDCard))
		}
		if a.Mobile != "" {
			info.AppendClaims("phone_number_masked", idcode.MaskMobile(a.Mobile))
		}
	}
	if has(ScopePhone) && a.Mobile != "" {
		info.PhoneNumber = a.Mobile
		// A citizen's number was proved by a one-time code; a staff
		// member's was typed by an administrator.
		info.PhoneNumberVerified = a.Kind != yiwang.KindStaff
	}
	if has(ScopeIDCard) && a.RealNameLevel >= identity.RealNameIDCheck && a.IDCard != "" {
		c, err := p.Store.OIDCClient(ctx, g.ClientID)
		if err != nil {
			return err
		}
		if c.AllowsScope(ScopeIDCard) {
			where := "用户信息接口"
			if idToken {
				where = "ID 令牌"
			}
			e := audit.New(clientActor(c.ID, c.Name), p.Clock.Now(), "oidc.idcard_release", "account:"+a.ID, audit.ResultOK,
				fmt.Sprintf("经%s向接入系统“%s”（%s）提供完整身份证号（%s）", where, c.Name, c.ID, idcode.MaskIDCard(a.IDCard)))
			if err := p.Store.AppendAudit(ctx, e); err != nil {
				return fmt.Errorf("audit ID number release: %w", err)
			}
			info.AppendClaims("id_number", a.IDCard)
		}
	}
	if has(ScopeEnterprise) && g.EnterpriseID != "" {
		ec, ok, err := p.enterpriseClaim(ctx, a.ID, g.EnterpriseID)
		if err != nil {
			return err
		}
		if ok {
			info.AppendClaims("enterprise", ec)
		}
	}
	if has(ScopeStaff) && a.Kind == yiwang.KindStaff {
		o, err := p.Orgs.Get(ctx, a.OrgID)
		if err != nil {
			return fmt.Errorf("claims: org of %s: %w", a.ID, err)
		}
		sc := StaffClaim{OrgID: o.ID, OrgName: o.Name, Roles: []string{}, RoleNames: []string{}}
		for _, r := range a.Roles {
			sc.Roles = append(sc.Roles, string(r))
			sc.RoleNames = append(sc.RoleNames, r.Name())
		}
		info.AppendClaims("staff", sc)
	}
	return nil
}

// enterpriseClaim describes the enterprise the person acts for, while they
// still may (an agent whose authorisation was withdrawn gets none).
func (p *Provider) enterpriseClaim(ctx context.Context, accountID, enterpriseID string) (EnterpriseClaim, bool, error) {
	ms, err := p.Directory.MembershipsOf(ctx, accountID)
	if err != nil {
		return EnterpriseClaim{}, false, err
	}
	for _, m := range ms {
		if m.EnterpriseID != enterpriseID {
			continue
		}
		ent, err := p.Directory.Enterprise(ctx, enterpriseID)
		if err != nil {
			return EnterpriseClaim{}, false, err
		}
		return EnterpriseClaim{CreditCode: ent.CreditCode, Name: ent.Name, Role: m.Role,
			RoleName: identity.MemberRoleName(m.Role)}, true, nil
	}
	return EnterpriseClaim{}, false, nil
}
