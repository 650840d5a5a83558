package certlogin

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

// FieldCert is the form field a registered certificate comes in.
const FieldCert = "cert"

// legalRep returns the enterprise the actor acts for if they are its legal
// representative.
func (s *Service) legalRep(ctx context.Context, actor yiwang.Actor) (identity.Enterprise, error) {
	denied := fail(ReasonNotLegalRep, yiwang.EFORBIDDEN, "", "只有企业的法定代表人可以管理企业证书，请法定代表人以法人身份登录后操作")
	if actor.Anonymous() {
		return identity.Enterprise{}, fail(ReasonNotLegalRep, yiwang.EUNAUTHORIZED, "", "请先以法人身份登录")
	}
	if actor.EnterpriseID == "" {
		return identity.Enterprise{}, denied
	}
	ms, err := s.Store.MembershipsOf(ctx, actor.AccountID)
	if err != nil {
		return identity.Enterprise{}, err
	}
	for _, m := range ms {
		if m.EnterpriseID == actor.EnterpriseID && m.Role == identity.MemberLegalRep {
			return s.Store.Enterprise(ctx, m.EnterpriseID)
		}
	}
	return identity.Enterprise{}, denied
}

// List returns the certificates of the enterprise the actor acts for, newest
// first; only its legal representative may see them.
func (s *Service) List(ctx context.Context, actor yiwang.Actor) (identity.Enterprise, []Cert, error) {
	ent, err := s.legalRep(ctx, actor)
	if err != nil {
		return ent, nil, err
	}
	cs, err := s.Store.EnterpriseCerts(ctx, ent.ID)
	return ent, cs, err
}

// Register registers a certificate for the enterprise the actor acts for as
// its legal representative. It refuses what is not one usable signing
// certificate (see ParseCert and checkUsable), a certificate whose subject
// names another enterprise's credit code, and one registered already.
func (s *Service) Register(ctx context.Context, actor yiwang.Actor, input []byte) (Cert, error) {
	ent, err := s.legalRep(ctx, actor)
	if err != nil {
		return Cert{}, err
	}
	p, err := ParseCert(input, FieldCert)
	if err != nil {
		return Cert{}, err
	}
	now := s.Clock.Now()
	if err := checkUsable(p.Cert, now, FieldCert); err != nil {
		return Cert{}, err
	}
	c := Cert{ID: yiwang.NewID(), EnterpriseID: ent.ID, AccountID: actor.AccountID, Fingerprint: p.Fingerprint,
		SM3: p.SM3, KeyAlg: p.KeyAlg, Subject: clip(p.Cert.Subject.String()), Issuer: clip(p.Cert.Issuer.String()),
		Serial: fmt.Sprintf("%X", p.Cert.SerialNumber), NotBefore: p.Cert.NotBefore.UTC(), NotAfter: p.Cert.NotAfter.UTC(),
		DER: p.DER, CreatedAt: now}
	if codes := CreditCodes(p.Cert); len(codes) > 0 {
		for _, code := range codes {
			if code == ent.CreditCode {
				c.CreditCode = code
			}
		}
		if c.CreditCode == "" {
			return Cert{}, fail(ReasonCreditCodeMismatch, yiwang.EINVALID, FieldCert, fmt.Sprintf(
				"证书载明的统一社会信用代码（%s）与本企业（%s）不一致，请上传本企业的证书", strings.Join(codes, "、"), ent.CreditCode))
		}
	}
	if old, err := s.Store.EnterpriseCertByFingerprint(ctx, c.Fingerprint); err == nil {
		msg := "该证书已登记在本企业，无需重复登记"
		if old.Revoked() {
			msg = "该证书已在本企业登记并吊销，吊销的证书不能再次登记"
		}
		if old.EnterpriseID != ent.ID {
			msg = "该证书已登记在其他企业名下，不能重复登记"
		}
		return Cert{}, fail(ReasonCertRegistered, yiwang.ECONFLICT, FieldCert, msg)
	} else if yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		return Cert{}, err
	}
	e := audit.New(actor, now, "enterprise.cert_add", "enterprise:"+ent.ID, audit.ResultOK,
		fmt.Sprintf("登记数字证书 %s，序列号 %s，SHA-256 %s", c.KeyAlg, c.Serial, c.Fingerprint))
	if err := s.Store.AddEnterpriseCert(ctx, c, e); err != nil {
		if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
			return Cert{}, fail(ReasonCertRegistered, yiwang.ECONFLICT, FieldCert, "该证书已登记，无需重复登记")
		}
		return Cert{}, fmt.Errorf("register certificate: %w", err)
	}
	return c, nil
}

// Revoke stops one of the enterprise's certificates from logging in, for
// good. Only the legal representative may.
func (s *Service) Revoke(ctx context.Context, actor yiwang.Actor, id string) error {
	ent, err := s.legalRep(ctx, actor)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	e := audit.New(actor, now, "enterprise.cert_revoke", "enterprise:"+ent.ID, audit.ResultOK, "吊销数字证书 cert:"+id)
	err = s.Store.RevokeEnterpriseCert(ctx, ent.ID, id, now, actor.AccountID, e)
	switch yiwang.ErrorCode(err) {
	case yiwang.ENOTFOUND:
		return fail(ReasonCertNotFound, yiwang.ENOTFOUND, "", "本企业没有这张证书")
	case yiwang.ECONFLICT:
		return fail(ReasonCertAlreadyRevoked, yiwang.ECONFLICT, "", "该证书已吊销")
	}
	return err
}

// clip makes a name from a certificate fit to store and show: valid UTF-8,
// control characters replaced, at most 500 characters.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if utf8.RuneCountInString(s) <= 500 {
		return s
	}
	return string([]rune(s)[:500]) + "…"
}
