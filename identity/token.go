package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emmansun/gmsm/sm3"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
)

// TokenPrefix starts every API token so that leaked tokens are easy to find.
const TokenPrefix = "ywt_"

func hashToken(plain string) string {
	h := sm3.Sum([]byte(plain))
	return hex.EncodeToString(h[:])
}

// CreateToken issues an API token for the acting staff member. The plain
// token is returned once; only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, actor yiwang.Actor, name string) (string, Token, error) {
	if actor.Kind != yiwang.KindStaff || actor.Anonymous() {
		return "", Token{}, yiwang.Errorf(yiwang.EFORBIDDEN, "只有工作人员可以创建接口令牌")
	}
	name = strings.TrimSpace(name)
	if n := utf8.RuneCountInString(name); n == 0 || n > 60 {
		return "", Token{}, yiwang.Invalid(map[string]string{"name": "请填写令牌用途（不超过60个字）"})
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", Token{}, err
	}
	plain := TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	now := s.Clock.Now()
	t := Token{ID: yiwang.NewID(), AccountID: actor.AccountID, Name: name, Hash: hashToken(plain),
		CreatedAt: now, ExpiresAt: now.Add(TokenTTL)}
	e := audit.New(actor, now, "token.create", "token:"+t.ID, audit.ResultOK, name)
	if err := s.Store.CreateToken(ctx, t, e); err != nil {
		return "", Token{}, err
	}
	return plain, t, nil
}

var errBadToken = yiwang.Errorf(yiwang.EUNAUTHORIZED, "接口令牌无效或已过期")

// AuthenticateToken returns the active account a bearer token belongs to.
func (s *Service) AuthenticateToken(ctx context.Context, plain string) (Account, error) {
	if !strings.HasPrefix(plain, TokenPrefix) || len(plain) > 100 {
		return Account{}, errBadToken
	}
	t, err := s.Store.TokenByHash(ctx, hashToken(plain))
	if err != nil {
		return Account{}, errBadToken
	}
	now := s.Clock.Now()
	if !t.RevokedAt.IsZero() || now.After(t.ExpiresAt) {
		return Account{}, errBadToken
	}
	a, err := s.Store.Account(ctx, t.AccountID)
	if err != nil || a.Status != StatusActive || a.Locked(now) {
		return Account{}, errBadToken
	}
	if now.Sub(t.LastUsedAt) > time.Minute {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			s.Log.Warn("touch token", "err", err)
		}
	}
	return a, nil
}

// Tokens lists the acting person's tokens.
func (s *Service) Tokens(ctx context.Context, actor yiwang.Actor) ([]Token, error) {
	return s.Store.TokensOf(ctx, actor.AccountID)
}

// RevokeToken revokes one of the acting person's tokens.
func (s *Service) RevokeToken(ctx context.Context, actor yiwang.Actor, id string) error {
	ts, err := s.Store.TokensOf(ctx, actor.AccountID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == id {
			now := s.Clock.Now()
			return s.Store.RevokeToken(ctx, id, now, audit.New(actor, now, "token.revoke", "token:"+id, audit.ResultOK, t.Name))
		}
	}
	return yiwang.Errorf(yiwang.ENOTFOUND, "令牌不存在")
}
