package identity

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/idcode"
	"github.com/yushan-gov/yiwang/notify"
)

// Purposes of a one-time code. Stored: never change a value.
const (
	PurposeLogin    = "login"
	PurposeRegister = "register"
)

func codeHash(id, code string) string {
	h := sm3.Sum([]byte(id + ":" + code))
	return hex.EncodeToString(h[:])
}

// SendCode sends a six-digit one-time code to mobile through the outbox.
// Returns EINVALID for a bad number or purpose and ETOOMANY when codes were
// asked for too often.
func (s *Service) SendCode(ctx context.Context, purpose, mobile, ip string) error {
	mobile = idcode.NormalizeMobile(mobile)
	if err := idcode.Mobile(mobile); err != nil {
		return yiwang.Invalid(map[string]string{"mobile": err.Error()})
	}
	if purpose != PurposeLogin && purpose != PurposeRegister {
		return yiwang.Errorf(yiwang.EINVALID, "验证码用途不正确")
	}
	now := s.Clock.Now()
	// The interval is per phone, not per purpose: otherwise alternating
	// purposes would send two messages a minute.
	for _, p := range []string{PurposeLogin, PurposeRegister} {
		last, err := s.Store.LatestCode(ctx, p, mobile)
		if err == nil && now.Sub(last.CreatedAt) < CodeInterval {
			return yiwang.Errorf(yiwang.ETOOMANY, "验证码已发送，请 %d 秒后再试", int((CodeInterval-now.Sub(last.CreatedAt)).Seconds())+1)
		}
		if err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return fmt.Errorf("latest code: %w", err)
		}
	}
	n, err := s.Store.CountCodesSince(ctx, mobile, now.Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("count codes: %w", err)
	}
	if n >= CodesPerDay {
		return yiwang.Errorf(yiwang.ETOOMANY, "该手机号今天获取验证码次数过多，请明天再试")
	}
	num, err := rand.Int(rand.Reader, big.NewInt(1000000))
	if err != nil {
		return err
	}
	code := fmt.Sprintf("%06d", num.Int64())
	c := Code{ID: yiwang.NewID(), Purpose: purpose, Target: mobile, CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	c.CodeHash = codeHash(c.ID, code)
	m := notify.Message{ID: yiwang.NewID(), Channel: "sms", Recipient: mobile,
		RecipientMasked: idcode.MaskMobile(mobile), Status: notify.StatusPending, CreatedAt: now,
		Body: fmt.Sprintf("【雨山区政务服务网】您的验证码是%s，%d分钟内有效。请勿告诉他人。", code, int(CodeTTL.Minutes()))}
	if err := s.Store.SaveCode(ctx, c, m); err != nil {
		return fmt.Errorf("save code: %w", err)
	}
	return nil
}

var errBadCode = &yiwang.Error{Code: yiwang.EINVALID, Message: "验证码不正确或已过期",
	Fields: map[string]string{"code": "验证码不正确或已过期，请重新获取"}}

// checkCode consumes the latest code for purpose and mobile if it matches.
func (s *Service) checkCode(ctx context.Context, purpose, mobile, code string) error {
	if len(code) != 6 {
		return errBadCode
	}
	c, err := s.Store.LatestCode(ctx, purpose, mobile)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return errBadCode
	}
	if err != nil {
		return fmt.Errorf("latest code: %w", err)
	}
	now := s.Clock.Now()
	if !c.UsedAt.IsZero() || now.After(c.ExpiresAt) || c.Attempts >= CodeMaxAttempts {
		return errBadCode
	}
	// Count the attempt before comparing, and use the code only if nobody
	// used it meanwhile: requests made at the same time must neither get
	// more guesses nor use one code twice.
	ok, err := s.Store.TryCode(ctx, c.ID, CodeMaxAttempts)
	if err != nil {
		return fmt.Errorf("count code attempt: %w", err)
	}
	if !ok || subtle.ConstantTimeCompare([]byte(codeHash(c.ID, code)), []byte(c.CodeHash)) != 1 {
		return errBadCode
	}
	if ok, err = s.Store.UseCode(ctx, c.ID, now); err != nil {
		return fmt.Errorf("use code: %w", err)
	}
	if !ok {
		return errBadCode
	}
	return nil
}
