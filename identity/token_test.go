package identity_test

import (
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	forEngine(t, func(t *testing.T, e *env) {
		officer := e.actor(t, "officer")
		plain, tok, err := e.svc.CreateToken(e.ctx, officer, " 数据对接 ")
		if err != nil {
			t.Fatalf("CreateToken: %v", err)
		}
		if !strings.HasPrefix(plain, identity.TokenPrefix) || tok.Name != "数据对接" || tok.AccountID != officer.AccountID {
			t.Errorf("token %q %+v", plain, tok)
		}
		var n int
		if err := e.db.SQL().QueryRow(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, plain).Scan(&n); err != nil || n != 0 {
			t.Errorf("plain token stored (%d rows, %v)", n, err)
		}
		a, err := e.svc.AuthenticateToken(e.ctx, plain)
		if err != nil || a.ID != officer.AccountID {
			t.Fatalf("AuthenticateToken = %s, %v", a.ID, err)
		}
		if ts, _ := e.svc.Tokens(e.ctx, officer); len(ts) != 1 || !ts[0].LastUsedAt.Equal(e.clk.Now()) {
			t.Errorf("tokens = %+v, want one, used now", ts)
		}

		for _, bad := range []string{"", "garbage", identity.TokenPrefix, identity.TokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			plain + "x", strings.TrimPrefix(plain, identity.TokenPrefix), plain + strings.Repeat("a", 100)} {
			_, err := e.svc.AuthenticateToken(e.ctx, bad)
			wantErr(t, err, yiwang.EUNAUTHORIZED, "")
		}

		// Only the owner revokes.
		wantErr(t, e.svc.RevokeToken(e.ctx, e.actor(t, "head"), tok.ID), yiwang.ENOTFOUND, "")
		if _, err := e.svc.AuthenticateToken(e.ctx, plain); err != nil {
			t.Fatalf("token revoked by someone else: %v", err)
		}
		if err := e.svc.RevokeToken(e.ctx, officer, tok.ID); err != nil {
			t.Fatalf("RevokeToken: %v", err)
		}
		_, err = e.svc.AuthenticateToken(e.ctx, plain)
		wantErr(t, err, yiwang.EUNAUTHORIZED, "")
		for _, action := range []string{"token.create", "token.revoke"} {
			if n := len(e.audits(t, audit.Filter{Action: action, Object: "token:" + tok.ID, Result: audit.ResultOK})); n != 1 {
				t.Errorf("%s audited %d times", action, n)
			}
		}

		// Tokens expire, and die with a disabled account.
		plain2, _, err := e.svc.CreateToken(e.ctx, officer, "到期")
		if err != nil {
			t.Fatal(err)
		}
		plain3, _, err := e.svc.CreateToken(e.ctx, officer, "停用")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetStatus(e.ctx, e.actor(t, "admin"), officer.AccountID, true); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.AuthenticateToken(e.ctx, plain3)
		wantErr(t, err, yiwang.EUNAUTHORIZED, "")
		if err := e.svc.SetStatus(e.ctx, e.actor(t, "admin"), officer.AccountID, false); err != nil {
			t.Fatal(err)
		}
		e.clk.Advance(identity.TokenTTL - 1)
		if _, err := e.svc.AuthenticateToken(e.ctx, plain2); err != nil {
			t.Errorf("just before expiry: %v", err)
		}
		e.clk.Advance(2)
		_, err = e.svc.AuthenticateToken(e.ctx, plain2)
		wantErr(t, err, yiwang.EUNAUTHORIZED, "")

		// Citizens and nobody cannot create tokens; a name is required.
		zhang := e.citizen(t, person(t, "张三").Mobile)
		before := e.count(t, "api_tokens")
		_, _, err = e.svc.CreateToken(e.ctx, zhang.Actor("10.0.0.8", "web"), "我的令牌")
		wantErr(t, err, yiwang.EFORBIDDEN, "")
		_, _, err = e.svc.CreateToken(e.ctx, yiwang.Actor{Kind: yiwang.KindStaff}, "无人")
		wantErr(t, err, yiwang.EFORBIDDEN, "")
		_, _, err = e.svc.CreateToken(e.ctx, officer, "  ")
		wantErr(t, err, yiwang.EINVALID, "name")
		_, _, err = e.svc.CreateToken(e.ctx, officer, strings.Repeat("长", 61))
		wantErr(t, err, yiwang.EINVALID, "name")
		if got := e.count(t, "api_tokens"); got != before {
			t.Errorf("api_tokens = %d, want %d", got, before)
		}
	})
}
