package certlogin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/identity"
)

// Login form fields.
const (
	FieldCreditCode = "credit_code"
	FieldSignature  = "signature"
)

// NewChallenge makes and stores a challenge: ChallengePrefix and 192 random
// bits in hex, valid for ChallengeTTL.
func (s *Service) NewChallenge(ctx context.Context) (Challenge, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return Challenge{}, err
	}
	now := s.Clock.Now()
	ch := Challenge{ID: yiwang.NewID(), Text: ChallengePrefix + hex.EncodeToString(b), CreatedAt: now, ExpiresAt: now.Add(ChallengeTTL)}
	if err := s.Store.SaveCertChallenge(ctx, ch); err != nil {
		return Challenge{}, fmt.Errorf("save challenge: %w", err)
	}
	return ch, nil
}

// Challenge returns the challenge id if it is unused and has at least a
// minute left, so that a page shown again keeps it; otherwise ok is false.
func (s *Service) Challenge(ctx context.Context, id string) (ch Challenge, ok bool, err error) {
	if id == "" {
		return Challenge{}, false, nil
	}
	ch, err = s.Store.CertChallenge(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Challenge{}, false, nil
	}
	if err != nil {
		return Challenge{}, false, err
	}
	left := ch.ExpiresAt.Sub(s.Clock.Now())
	return ch, ch.UsedAt.IsZero() && left >= ChallengeTTL/5, nil
}

// LoginInput is a certificate login form.
type LoginInput struct {
	ChallengeID string // the session's challenge
	Shown       string // the challenge the page showed ("" if unknown)
	CreditCode  string
	Cert        string // PEM, or the base64 of the DER
	Signature   string // base64
	IP          string
}

// Login logs a person in for an enterprise with its certificate: the
// certificate must be registered for the enterprise named by the credit
// code, not revoked, within its validity, and the signature must verify
// over the session's challenge, which this uses up whatever the outcome.
// The person is the legal representative who registered the certificate,
// who must still be it and active. Malformed input is refused with
// EINVALID before the challenge is touched; every other failure, and the
// success, is audited as "login.cert".
func (s *Service) Login(ctx context.Context, in LoginInput) (identity.Account, identity.Member, error) {
	code := idcode.NormalizeCreditCode(in.CreditCode)
	var problems []*Error
	if err := idcode.CreditCode(code); err != nil {
		problems = append(problems, fail(ReasonInvalidInput, yiwang.EINVALID, FieldCreditCode, err.Error()))
	}
	p, err := ParseCert([]byte(in.Cert), FieldCert)
	if err != nil {
		problems = append(problems, err.(*Error))
	}
	sig, err := ParseSignature(in.Signature, FieldSignature)
	if err != nil {
		problems = append(problems, err.(*Error))
	}
	if len(problems) > 0 {
		fields := map[string]string{}
		for _, e := range problems {
			for k, v := range e.Err.Fields {
				fields[k] = v
			}
		}
		return identity.Account{}, identity.Member{}, &Error{Reason: problems[0].Reason,
			Err: &yiwang.Error{Code: yiwang.EINVALID, Message: fmt.Sprintf("请修改以下 %d 处问题", len(fields)), Fields: fields}}
	}

	now := s.Clock.Now()
	object := "cert:" + p.Fingerprint[:16]
	refuse := func(e *Error, result string) (identity.Account, identity.Member, error) {
		detail := fmt.Sprintf("证书登录失败（%s）：%s；证书 %s SHA-256 %s", e.Reason, e.Err.Message, p.KeyAlg, p.Fingerprint)
		return identity.Account{}, identity.Member{}, s.audit(ctx, yiwang.Actor{IP: in.IP, Channel: "web"}, object, result, detail, e)
	}
	// The challenge: one use, whatever happens next.
	ch, err := s.Store.CertChallenge(ctx, in.ChallengeID)
	if in.ChallengeID == "" || yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return refuse(fail(ReasonChallengeMissing, yiwang.EUNAUTHORIZED, "",
			"登录挑战码已失效（页面停留过久或会话已结束）。请对本页面上新的挑战码重新签名后再提交"), audit.ResultFailed)
	}
	if err != nil {
		return identity.Account{}, identity.Member{}, err
	}
	if !ch.UsedAt.IsZero() {
		return refuse(fail(ReasonChallengeUsed, yiwang.EUNAUTHORIZED, "", "该挑战码已经用过，每个挑战码只能使用一次。请对本页面上新的挑战码重新签名"), audit.ResultFailed)
	}
	if now.After(ch.ExpiresAt) {
		return refuse(fail(ReasonChallengeExpired, yiwang.EUNAUTHORIZED, "",
			fmt.Sprintf("挑战码已过期（有效期 %d 分钟）。请对本页面上新的挑战码重新签名", int(ChallengeTTL.Minutes()))), audit.ResultFailed)
	}
	if used, err := s.Store.UseCertChallenge(ctx, ch.ID, now); err != nil {
		return identity.Account{}, identity.Member{}, err
	} else if !used {
		return refuse(fail(ReasonChallengeUsed, yiwang.EUNAUTHORIZED, "", "该挑战码已经用过，每个挑战码只能使用一次。请对本页面上新的挑战码重新签名"), audit.ResultFailed)
	}
	if shown := strings.TrimSpace(in.Shown); shown != "" && shown != ch.Text {
		return refuse(fail(ReasonChallengeMismatch, yiwang.EUNAUTHORIZED, "",
			"提交的页面不是最新的（挑战码已更换，例如在另一个窗口又打开了证书登录页）。请对本页面上新的挑战码重新签名"), audit.ResultFailed)
	}

	c, err := s.Store.EnterpriseCertByFingerprint(ctx, p.Fingerprint)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return refuse(fail(ReasonCertNotRegistered, yiwang.EUNAUTHORIZED, FieldCert,
			"该证书尚未在本平台登记。请法定代表人先用手机号以法人身份登录，在“企业证书”页面登记该证书"), audit.ResultFailed)
	}
	if err != nil {
		return identity.Account{}, identity.Member{}, err
	}
	object = "enterprise:" + c.EnterpriseID
	if c.Revoked() {
		return refuse(fail(ReasonCertRevoked, yiwang.EUNAUTHORIZED, FieldCert,
			"该证书已于"+day(c.RevokedAt)+"在本平台吊销，不能再用于登录"), audit.ResultDenied)
	}
	if err := checkValidity(p.Cert.NotBefore, p.Cert.NotAfter, now, FieldCert, yiwang.EUNAUTHORIZED); err != nil {
		return refuse(err.(*Error), audit.ResultDenied)
	}
	if err := Verify(p.Cert.PublicKey, []byte(ch.Text), sig); err != nil {
		return refuse(fail(ReasonSignatureInvalid, yiwang.EUNAUTHORIZED, FieldSignature,
			"签名验证未通过：请用这张证书对应的私钥，对本页面当前的挑战码（整行原样，不多不少）签名，签名算法见挑战码下方的说明"), audit.ResultFailed)
	}
	ent, err := s.Store.EnterpriseByCreditCode(ctx, code)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return refuse(fail(ReasonEnterpriseUnknown, yiwang.EUNAUTHORIZED, FieldCreditCode,
			"该统一社会信用代码尚未注册，请法定代表人先注册企业"), audit.ResultFailed)
	}
	if err != nil {
		return identity.Account{}, identity.Member{}, err
	}
	if ent.ID != c.EnterpriseID {
		return refuse(fail(ReasonWrongEnterprise, yiwang.EUNAUTHORIZED, FieldCreditCode,
			"该证书不是此企业的证书（它登记在另一家企业名下），请核对统一社会信用代码或换用本企业的证书"), audit.ResultDenied)
	}
	a, err := s.Store.Account(ctx, c.AccountID)
	if err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		return identity.Account{}, identity.Member{}, err
	}
	if err != nil || a.Status != identity.StatusActive {
		return refuse(fail(ReasonAccountInactive, yiwang.EFORBIDDEN, "",
			"登记该证书的法定代表人账号已停用，不能用证书登录。如有疑问请联系政务服务中心"), audit.ResultDenied)
	}
	ms, err := s.Store.MembershipsOf(ctx, a.ID)
	if err != nil {
		return identity.Account{}, identity.Member{}, err
	}
	for _, m := range ms {
		if m.EnterpriseID == ent.ID && m.Role == identity.MemberLegalRep {
			actor := a.Actor(in.IP, "web")
			actor.Kind, actor.EnterpriseID = yiwang.KindEnterprise, ent.ID
			detail := fmt.Sprintf("法定代表人使用数字证书登录（%s，序列号 %s，SHA-256 %s）", c.KeyAlg, c.Serial, c.Fingerprint)
			return a, m, s.audit(ctx, actor, object, audit.ResultOK, detail, nil)
		}
	}
	return refuse(fail(ReasonNotLegalRep, yiwang.EFORBIDDEN, "",
		"登记该证书的人已不是该企业的法定代表人，证书不能再用于登录。请现任法定代表人重新登记证书"), audit.ResultDenied)
}

// audit records a login attempt and returns then, unless the record could
// not be written: nothing is refused or allowed without its record.
func (s *Service) audit(ctx context.Context, actor yiwang.Actor, object, result, detail string, then error) error {
	e := audit.New(actor, s.Clock.Now(), "login.cert", object, result, detail)
	if err := s.Store.AppendAudit(ctx, e); err != nil {
		return fmt.Errorf("audit login.cert: %w", err)
	}
	return then
}
