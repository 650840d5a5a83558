package oidc_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity/oidc"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestStore runs the provider's storage on every engine: auth requests and
// codes used once, refresh rotation that cannot happen twice, revocation by
// grant and by session, consents, the one first signing key.
func TestStore(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			c, _, err := e.svc.Register(e.ctx, e.admin, goodInput())
			if err != nil {
				t.Fatal(err)
			}
			now := e.clk.Now()
			a := oidc.AuthRequest{ID: "req1", ClientID: c.ID, RedirectURI: c.RedirectURIs[0], State: "s", Nonce: "n",
				Scopes: []string{"openid", "profile"}, ResponseType: "code", CodeChallenge: "abc", CodeChallengeMethod: "S256",
				Prompt: []string{"login"}, MaxAge: 0, CreatedAt: now}
			if err := e.db.CreateAuthRequest(e.ctx, a); err != nil {
				t.Fatal(err)
			}
			got, err := e.db.AuthRequest(e.ctx, "req1")
			if err != nil || got.Done() || got.MaxAge != 0 || strings.Join(got.Prompt, ",") != "login" || got.Nonce != "n" {
				t.Fatalf("stored request: %+v %v", got, err)
			}
			if err := e.db.SetAuthCode(e.ctx, "req1", "h1"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("code for a request not done: %v", err)
			}
			g := oidc.Grant{GrantID: "req1", ClientID: c.ID, AccountID: e.zhangsan, Subject: e.zhangsan, SID: "sid1",
				Scopes: a.Scopes, AMR: []string{"pwd"}, ACR: "2", AuthTime: now}
			a.Grant, a.DoneAt = g, now
			entry := audit.New(e.citizen, now, "oidc.authorize", "oidc_client:"+c.ID, audit.ResultOK, "")
			consent := &oidc.Consent{AccountID: e.zhangsan, ClientID: c.ID, Scopes: a.Scopes, GivenAt: now}
			if err := e.db.CompleteAuthRequest(e.ctx, a, consent, entry); err != nil {
				t.Fatal(err)
			}
			if err := e.db.CompleteAuthRequest(e.ctx, a, nil, entry); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("completed twice: %v", err)
			}
			if co, err := e.db.OIDCConsent(e.ctx, e.zhangsan, c.ID); err != nil || strings.Join(co.Scopes, " ") != "openid profile" {
				t.Fatalf("consent: %+v %v", co, err)
			}
			consent.Scopes = []string{"openid", "profile", "phone"}
			a.ID = "req2"
			if err := e.db.CreateAuthRequest(e.ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := e.db.CompleteAuthRequest(e.ctx, a, consent, entry); err != nil {
				t.Fatal(err)
			}
			if co, _ := e.db.OIDCConsent(e.ctx, e.zhangsan, c.ID); len(co.Scopes) != 3 {
				t.Fatalf("consent not updated: %v", co.Scopes)
			}

			if err := e.db.SetAuthCode(e.ctx, "req1", "h1"); err != nil {
				t.Fatal(err)
			}
			byCode, err := e.db.AuthRequestByCode(e.ctx, "h1")
			if err != nil || byCode.Grant.AccountID != e.zhangsan || byCode.Grant.SID != "sid1" || !byCode.Done() ||
				strings.Join(byCode.Grant.AMR, " ") != "pwd" || !byCode.Grant.AuthTime.Equal(now) {
				t.Fatalf("by code: %+v %v", byCode, err)
			}
			// Many exchanges of one code at once: exactly one wins.
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := e.db.UseAuthCode(e.ctx, "req1", now)
					if err != nil {
						t.Error(err)
					}
					if ok {
						mu.Lock()
						wins++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("a code was exchanged %d times", wins)
			}
			if err := e.db.DeleteAuthRequest(e.ctx, "req1"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.AuthRequest(e.ctx, "req1"); err != nil {
				t.Fatalf("an exchanged request must stay to recognise a replay: %v", err)
			}

			at := oidc.AccessToken{ID: "at1", Grant: g, RefreshID: "rt1", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
			rt := oidc.RefreshToken{ID: "rt1", Hash: "rh1", Grant: g, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := e.db.CreateTokens(e.ctx, at, &rt); err != nil {
				t.Fatal(err)
			}
			if got, err := e.db.AccessToken(e.ctx, "at1"); err != nil || got.Grant.Subject != e.zhangsan || got.RefreshID != "rt1" ||
				!got.ExpiresAt.Equal(at.ExpiresAt) || !got.RevokedAt.IsZero() {
				t.Fatalf("access token: %+v %v", got, err)
			}
			at2 := oidc.AccessToken{ID: "at2", Grant: g, RefreshID: "rt2", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}
			rt2 := oidc.RefreshToken{ID: "rt2", Hash: "rh2", Grant: g, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := e.db.RotateRefreshToken(e.ctx, "rt1", now, at2, rt2); err != nil {
				t.Fatal(err)
			}
			at3, rt3 := at2, rt2
			at3.ID, rt3.ID, rt3.Hash = "at3", "rt3", "rh3"
			if err := e.db.RotateRefreshToken(e.ctx, "rt1", now, at3, rt3); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("rotated twice: %v", err)
			}
			if _, err := e.db.RefreshTokenByHash(e.ctx, "rh3"); yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
				t.Fatalf("the losing rotation stored its token: %v", err)
			}
			if old, _ := e.db.AccessToken(e.ctx, "at1"); old.RevokedAt.IsZero() {
				t.Fatal("the rotated refresh token's access token still lives")
			}
			if old, _ := e.db.RefreshTokenByHash(e.ctx, "rh1"); old.RotatedAt.IsZero() {
				t.Fatal("rotation not recorded")
			}
			// rt1 (rotated), rt2 and at2; at1 was revoked by the rotation.
			if n, err := e.db.RevokeSession(e.ctx, "sid1", now); err != nil || n != 3 {
				t.Fatalf("revoked %d tokens of the session: %v", n, err)
			}
			if live, _ := e.db.RefreshTokenByHash(e.ctx, "rh2"); live.RevokedAt.IsZero() {
				t.Fatal("session revocation missed the refresh token")
			}

			k := oidc.SigningKey{ID: "k1", Alg: "RS256", PublicDER: []byte{1, 2}, PrivateSealed: []byte{3, 4}, CreatedAt: now}
			if err := e.db.AddOIDCSigningKey(e.ctx, k, entry); err != nil {
				t.Fatal(err)
			}
			k.ID = "k2"
			if err := e.db.AddOIDCSigningKey(e.ctx, k, entry); yiwang.ErrorCode(err) != yiwang.ECONFLICT {
				t.Fatalf("a second first key: %v", err)
			}
			if keys, err := e.db.OIDCSigningKeys(e.ctx); err != nil || len(keys) != 1 || string(keys[0].PrivateSealed) != "\x03\x04" {
				t.Fatalf("keys: %+v %v", keys, err)
			}

			purged, err := e.db.PurgeOIDC(e.ctx, now.Add(2*time.Hour))
			if err != nil || purged < 5 {
				t.Fatalf("purged %d: %v", purged, err)
			}
		})
	}
}

// TestSigningKey: the key is made once, sealed, and reused across provider
// instances (as several server instances share one database).
func TestSigningKey(t *testing.T) {
	for _, engine := range yiwangtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			d1 := e.p.Discovery(e.ctx)
			if d1["issuer"] != "https://zwfw.example.gov.cn" || d1["jwks_uri"] != "https://zwfw.example.gov.cn/oidc/keys" {
				t.Fatalf("discovery: %v", d1)
			}
			p2 := &oidc.Provider{Store: e.p.Store, Directory: e.p.Directory, Orgs: e.p.Orgs, Hasher: e.p.Hasher,
				Sealer: e.p.Sealer, Clock: e.p.Clock, Config: e.p.Config}
			if err := p2.Init(); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for _, p := range []*oidc.Provider{e.p, p2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rec := httptest.NewRecorder()
					p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/oidc/keys", nil))
					if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"RS256"`) {
						t.Errorf("JWKS: %d %s", rec.Code, rec.Body)
					}
				}()
			}
			wg.Wait()
			keys, err := e.db.OIDCSigningKeys(e.ctx)
			if err != nil || len(keys) != 1 {
				t.Fatalf("keys: %d %v", len(keys), err)
			}
			if strings.Contains(string(keys[0].PrivateSealed), "PRIVATE") || len(keys[0].PrivateSealed) < 1000 {
				t.Fatal("private key not sealed")
			}
		})
	}
}
