package license

import (
	"context"
	"strings"

	"github.com/yushan-gov/yiwang"
)

// Verdicts of an online check, stable codes for programs.
const (
	CheckValid        = "valid"
	CheckSuspended    = "suspended"
	CheckRevoked      = "revoked"
	CheckCancelled    = "cancelled"
	CheckExpired      = "expired"
	CheckSuperseded   = "superseded"
	CheckBadSignature = "signature_invalid"
	CheckUnknown      = "unknown"   // no license has the identifier
	CheckMalformed    = "malformed" // not an identifier or not a license file
)

var checkWords = map[string]string{
	CheckValid: "有效", CheckSuspended: "已暂扣", CheckRevoked: "已吊销", CheckCancelled: "已注销",
	CheckExpired: "已过期", CheckSuperseded: "已换发新版本（本版本不再使用）", CheckBadSignature: "签名无效",
	CheckUnknown: "查无此证", CheckMalformed: "无法识别",
}

// CheckWords returns a verdict in words.
func CheckWords(v string) string { return checkWords[v] }

// Check is what a verification answers.
type Check struct {
	Verdict string
	Reason  string   // Chinese, for people
	License *License // when found
	Last    *Event   // its latest signed status change
}

// OK reports whether the license is valid.
func (c Check) OK() bool { return c.Verdict == CheckValid }

// CheckID verifies a license by identifier: its stored file must still
// verify with the issuer's published key, and then its status today
// decides the verdict.
func (s *Service) CheckID(ctx context.Context, id string) (Check, error) {
	id = strings.TrimSpace(id)
	if _, err := ParseID(id); err != nil {
		return Check{Verdict: CheckMalformed, Reason: yiwang.ErrorMessage(err)}, nil
	}
	l, err := s.Store.License(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Check{Verdict: CheckUnknown, Reason: "本平台没有签发过该证照标识的证照"}, nil
	}
	if err != nil {
		return Check{}, err
	}
	if l.Damaged {
		return Check{Verdict: CheckBadSignature, Reason: "平台存储的证照文件已损坏，无法验证签名，请联系颁发机构", License: &l}, nil
	}
	return s.checkFile(ctx, l.File, &l)
}

// CheckFile verifies a license file someone hands in: its signature with
// the published keys, then the status of the license it names.
func (s *Service) CheckFile(ctx context.Context, file []byte) (Check, error) {
	return s.checkFile(ctx, file, nil)
}

func (s *Service) checkFile(ctx context.Context, file []byte, stored *License) (Check, error) {
	ks, err := s.Seal.Keys(ctx)
	if err != nil {
		return Check{}, err
	}
	r := VerifyFile(file, ks.PEMs())
	switch r.Verdict {
	case Valid:
	case Malformed:
		return Check{Verdict: CheckMalformed, Reason: r.Reason}, nil
	default:
		return Check{Verdict: CheckBadSignature, Reason: r.Reason, License: stored}, nil
	}
	if stored != nil && r.Data.ID != stored.ID {
		// A well-signed file, but another license's.
		return Check{Verdict: CheckBadSignature, Reason: "签名无效：存档的证照文件不是该证照的文件", License: stored}, nil
	}
	l := stored
	if l == nil {
		found, err := s.Store.License(ctx, r.Data.ID)
		if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
			return Check{Verdict: CheckUnknown, Reason: "签名有效，但本平台没有该证照的记录"}, nil
		}
		if err != nil {
			return Check{}, err
		}
		l = &found
	}
	// Any published key verifies the signature; only the issuer's makes it
	// the issuer's license.
	if k, ok := ks.Find(r.KeyID); !ok || k.OrgID != l.IssuerOrgID {
		return Check{Verdict: CheckBadSignature, Reason: "签名无效：签名密钥不属于该证照的颁发机构", License: stored}, nil
	}
	l.Status = l.StatusOn(s.today())
	c := Check{Verdict: l.Status, License: l}
	if evs, err := s.Store.LicenseEvents(ctx, l.ID); err == nil {
		for i := len(evs) - 1; i >= 0; i-- {
			if len(evs[i].Statement) > 0 {
				c.Last = &evs[i]
				break
			}
		}
	} else {
		return Check{}, err
	}
	switch l.Status {
	case StatusValid:
		c.Reason = "签名有效，证照在有效期内"
	case StatusExpired:
		c.Reason = "签名有效，但证照已于 " + l.Data.ValidUntil + " 到期"
	default:
		c.Reason = "签名有效，但证照" + StatusName(l.Status)
		if l.StatusNote != "" {
			c.Reason += "：" + l.StatusNote
		}
	}
	return c, nil
}
