package oidc

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-jose/go-jose/v4"
	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage implements op.Storage for the provider.
type storage struct{ p *Provider }

var (
	_ op.Storage                   = (*storage)(nil)
	_ op.CanSetUserinfoFromRequest = (*storage)(nil)
)

func (s *storage) now() time.Time { return s.p.Clock.Now() }

// codeKind and refreshKind are the hash kinds of codes and refresh tokens.
const (
	codeKind    = "oidc-code"
	refreshKind = "oidc-refresh-token"
)

// CreateAuthRequest stores a validated authorization request. Scopes the
// client is not allowed are dropped (openid must remain); a public client
// must send a PKCE S256 challenge, and nobody may use the plain method.
func (s *storage) CreateAuthRequest(ctx context.Context, r *zoidc.AuthRequest, _ string) (op.AuthRequest, error) {
	c, err := s.p.client(ctx, r.ClientID)
	if err != nil {
		return nil, err
	}
	var scopes []string
	for _, sc := range Scopes { // the platform's order, each once
		if slices.Contains(r.Scopes, sc) && c.AllowsScope(sc) {
			scopes = append(scopes, sc)
		}
	}
	if !slices.Contains(scopes, ScopeOpenID) {
		return nil, zoidc.ErrInvalidScope().WithDescription("the openid scope is required")
	}
	if r.CodeChallenge != "" && r.CodeChallengeMethod != zoidc.CodeChallengeMethodS256 {
		return nil, zoidc.ErrInvalidRequest().WithDescription("only the S256 code_challenge_method is supported")
	}
	if c.Public && r.CodeChallenge == "" {
		return nil, zoidc.ErrInvalidRequest().WithDescription("PKCE (code_challenge with S256) is required for public clients")
	}
	// form_post would need an inline script, which the site's CSP forbids.
	if m := r.ResponseMode; m != "" && m != zoidc.ResponseModeQuery {
		return nil, zoidc.ErrInvalidRequest().WithDescription("response_mode must be query")
	}
	if utf8.RuneCountInString(r.State) > 1000 || utf8.RuneCountInString(r.Nonce) > 500 || len(r.CodeChallenge) > 200 {
		return nil, zoidc.ErrInvalidRequest().WithDescription("state, nonce or code_challenge too long")
	}
	maxAge := time.Duration(-1)
	if r.MaxAge != nil {
		maxAge = time.Duration(*r.MaxAge) * time.Second
	}
	a := AuthRequest{ID: randomHex(16), ClientID: c.ID, RedirectURI: r.RedirectURI, State: r.State, Nonce: r.Nonce,
		Scopes: scopes, ResponseType: string(r.ResponseType), ResponseMode: string(r.ResponseMode),
		CodeChallenge: r.CodeChallenge, CodeChallengeMethod: string(r.CodeChallengeMethod), Prompt: r.Prompt,
		MaxAge: maxAge, CreatedAt: s.now()}
	if err := s.p.Store.CreateAuthRequest(ctx, a); err != nil {
		return nil, zoidc.ErrServerError().WithParent(err)
	}
	return authRequest{a}, nil
}

// request returns a stored, unexpired auth request.
func (s *storage) request(ctx context.Context, id string) (AuthRequest, error) {
	if id == "" || len(id) > 64 {
		return AuthRequest{}, yiwang.Errorf(yiwang.ENOTFOUND, "登录请求不存在")
	}
	a, err := s.p.Store.AuthRequest(ctx, id)
	if err != nil {
		return AuthRequest{}, err
	}
	if s.now().After(a.CreatedAt.Add(s.p.Config.AuthRequestTTL)) {
		return AuthRequest{}, yiwang.Errorf(yiwang.ENOTFOUND, "登录请求已过期")
	}
	return a, nil
}

// AuthRequestByID returns an auth request for the callback.
func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	a, err := s.request(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CodeUsedAt.IsZero() {
		return nil, errors.New("auth request already exchanged")
	}
	return authRequest{a}, nil
}

// AuthRequestByCode returns the request of an unexpired code and marks the
// code used, so it works once even when sent twice at the same time. A code
// presented again revokes every token issued for it (RFC 6749 §4.1.2).
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	if code == "" || len(code) > 1000 {
		return nil, errors.New("no code")
	}
	a, err := s.p.Store.AuthRequestByCode(ctx, s.p.Hasher.Hash(codeKind, code))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !a.CodeUsedAt.IsZero() {
		return nil, s.replayed(ctx, a, now)
	}
	if !a.Done() || now.After(a.DoneAt.Add(s.p.Config.CodeTTL)) {
		return nil, errors.New("code expired")
	}
	ok, err := s.p.Store.UseAuthCode(ctx, a.ID, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.replayed(ctx, a, now)
	}
	a.CodeUsedAt = now
	return authRequest{a}, nil
}

// replayed revokes the tokens of a grant whose code came back and records it.
func (s *storage) replayed(ctx context.Context, a AuthRequest, now time.Time) error {
	if err := s.p.Store.RevokeGrant(ctx, a.ID, now); err != nil {
		return err
	}
	e := audit.New(clientActor(a.ClientID, ""), now, "oidc.code_replay", "oidc_client:"+a.ClientID, audit.ResultDenied,
		"授权码被重复使用，已吊销该次授权签发的全部令牌")
	if err := s.p.Store.AppendAudit(ctx, e); err != nil {
		return err
	}
	return errors.New("code already used")
}

// SaveAuthCode binds a new code to a done request.
func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.p.Store.SetAuthCode(ctx, id, s.p.Hasher.Hash(codeKind, code))
}

// DeleteAuthRequest forgets a request once its tokens are issued (an
// exchanged request stays, to recognise a replayed code, until purged).
func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.p.Store.DeleteAuthRequest(ctx, id)
}

func (s *storage) newAccessToken(g Grant, now time.Time) AccessToken {
	return AccessToken{ID: randomHex(16), Grant: g, CreatedAt: now, ExpiresAt: now.Add(s.p.Config.AccessTokenTTL)}
}

// CreateAccessToken issues an access token without a refresh token.
func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	g, ok := grantOf(req)
	if !ok {
		return "", time.Time{}, zoidc.ErrUnsupportedGrantType()
	}
	at := s.newAccessToken(g, s.now())
	if err := s.p.Store.CreateTokens(ctx, at, nil); err != nil {
		return "", time.Time{}, err
	}
	return at.ID, at.ExpiresAt, nil
}

// CreateAccessAndRefreshTokens issues an access token and a refresh token;
// with currentRefreshToken it rotates that one, which then cannot be used
// again. Refresh tokens of a grant live RefreshTokenTTL from the login.
func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	g, ok := grantOf(req)
	if !ok {
		return "", "", time.Time{}, zoidc.ErrUnsupportedGrantType()
	}
	now := s.now()
	plain := "ywr_" + randomHex(32)
	rt := RefreshToken{ID: randomHex(16), Hash: s.p.Hasher.Hash(refreshKind, plain), Grant: g, CreatedAt: now,
		ExpiresAt: g.AuthTime.Add(s.p.Config.RefreshTokenTTL)}
	at := s.newAccessToken(g, now)
	at.RefreshID = rt.ID
	if current == "" {
		if err := s.p.Store.CreateTokens(ctx, at, &rt); err != nil {
			return "", "", time.Time{}, err
		}
		return at.ID, plain, at.ExpiresAt, nil
	}
	old, err := s.p.Store.RefreshTokenByHash(ctx, s.p.Hasher.Hash(refreshKind, current))
	if err != nil {
		return "", "", time.Time{}, zoidc.ErrInvalidGrant().WithParent(err)
	}
	if err := s.p.Store.RotateRefreshToken(ctx, old.ID, now, at, rt); err != nil {
		if yiwang.ErrorCode(err) == yiwang.ECONFLICT {
			return "", "", time.Time{}, zoidc.ErrInvalidGrant().WithParent(s.reused(ctx, old, now))
		}
		return "", "", time.Time{}, err
	}
	return at.ID, plain, at.ExpiresAt, nil
}

// reused revokes a grant whose refresh token was used twice and records it:
// one of the two users of the token is not the client.
func (s *storage) reused(ctx context.Context, rt RefreshToken, now time.Time) error {
	if err := s.p.Store.RevokeGrant(ctx, rt.Grant.GrantID, now); err != nil {
		return err
	}
	e := audit.New(clientActor(rt.Grant.ClientID, ""), now, "oidc.refresh_reuse", "oidc_client:"+rt.Grant.ClientID,
		audit.ResultDenied, "刷新令牌被重复使用，已吊销该次授权签发的全部令牌")
	if err := s.p.Store.AppendAudit(ctx, e); err != nil {
		return err
	}
	return errors.New("refresh token reused")
}

// TokenRequestByRefreshToken returns the grant of a live refresh token. A
// rotated one coming back revokes its grant.
func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	if token == "" || len(token) > 200 {
		return nil, errors.New("no refresh token")
	}
	rt, err := s.p.Store.RefreshTokenByHash(ctx, s.p.Hasher.Hash(refreshKind, token))
	if err != nil {
		return nil, err
	}
	now := s.now()
	switch {
	case !rt.RevokedAt.IsZero():
		return nil, errors.New("refresh token revoked")
	case !rt.RotatedAt.IsZero():
		return nil, s.reused(ctx, rt, now)
	case now.After(rt.ExpiresAt):
		return nil, errors.New("refresh token expired")
	}
	if err := s.activeAccount(ctx, rt.Grant.AccountID); err != nil {
		return nil, err
	}
	return &refreshRequest{token: rt, scopes: rt.Grant.Scopes}, nil
}

func (s *storage) activeAccount(ctx context.Context, id string) error {
	a, err := s.p.Directory.Account(ctx, id)
	if err != nil {
		return err
	}
	if a.Status != identity.StatusActive {
		return errors.New("account disabled")
	}
	return nil
}

// TerminateSession is not used: end_session is served by the web layer,
// which ends the platform session and revokes its tokens (RevokeSession).
func (s *storage) TerminateSession(context.Context, string, string) error {
	return errors.New("end_session is served by the web layer")
}

// GetRefreshTokenInfo finds a refresh token for revocation. Its "token ID"
// names the owning client, so RevokeToken can refuse another client's.
func (s *storage) GetRefreshTokenInfo(ctx context.Context, _ string, token string) (string, string, error) {
	if token == "" || len(token) > 200 {
		return "", "", op.ErrInvalidRefreshToken
	}
	rt, err := s.p.Store.RefreshTokenByHash(ctx, s.p.Hasher.Hash(refreshKind, token))
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return "", "", op.ErrInvalidRefreshToken
	}
	if err != nil {
		return "", "", err
	}
	return rt.Grant.Subject, "r:" + rt.Grant.ClientID + ":" + rt.ID, nil
}

// RevokeToken revokes an access token (by ID) or a refresh token (as named
// by GetRefreshTokenInfo). An unknown token is not an error (RFC 7009); a
// token of another client is.
func (s *storage) RevokeToken(ctx context.Context, id, _ string, clientID string) *zoidc.Error {
	now := s.now()
	if rest, ok := strings.CutPrefix(id, "r:"); ok {
		owner, rtID, _ := strings.Cut(rest, ":")
		if owner != clientID {
			return zoidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		if err := s.p.Store.RevokeRefreshToken(ctx, rtID, now); err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
			return zoidc.ErrServerError().WithParent(err)
		}
		return nil
	}
	at, err := s.p.Store.AccessToken(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return nil
	}
	if err != nil {
		return zoidc.ErrServerError().WithParent(err)
	}
	if at.Grant.ClientID != clientID {
		return zoidc.ErrInvalidClient().WithDescription("token was not issued to this client")
	}
	if err := s.p.Store.RevokeAccessToken(ctx, at.ID, now); err != nil {
		return zoidc.ErrServerError().WithParent(err)
	}
	return nil
}

// GetClientByClientID returns an enabled client.
func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.p.client(ctx, id)
	if err == errUnknownClient {
		return nil, zoidc.ErrInvalidClient().WithParent(err)
	}
	if err != nil {
		return nil, err
	}
	return opClient{Client: c, idTokenTTL: s.p.Config.IDTokenTTL}, nil
}

// AuthorizeClientIDSecret checks a confidential client's secret.
func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := s.p.client(ctx, id)
	if err != nil {
		return err
	}
	if !secretMatches(s.p.Hasher, c, secret) {
		return errors.New("wrong client secret")
	}
	return nil
}

// SetUserinfoFromScopes is deprecated by the library; SetUserinfoFromRequest does the work.
func (s *storage) SetUserinfoFromScopes(context.Context, *zoidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	g, ok := grantOf(req)
	if !ok {
		return errors.New("unsupported ID token request")
	}
	g.Scopes = scopes
	return s.p.claims(ctx, info, g, true)
}

// errInvalidToken answers userinfo with a bad, expired or revoked token.
var errInvalidToken = &zoidc.Error{ErrorType: "invalid_token", Description: "The access token is invalid, expired or revoked."}

// SetUserinfoFromToken fills the userinfo answer for a live access token.
func (s *storage) SetUserinfoFromToken(ctx context.Context, info *zoidc.UserInfo, tokenID, subject, _ string) error {
	if tokenID == "" || len(tokenID) > 64 {
		return errInvalidToken
	}
	at, err := s.p.Store.AccessToken(ctx, tokenID)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return errInvalidToken
	}
	if err != nil {
		return err
	}
	if at.Grant.Subject != subject || !at.RevokedAt.IsZero() || !s.now().Before(at.ExpiresAt) {
		return errInvalidToken
	}
	if _, err := s.p.client(ctx, at.Grant.ClientID); err != nil {
		return errInvalidToken
	}
	if err := s.activeAccount(ctx, at.Grant.AccountID); err != nil {
		return errInvalidToken
	}
	return s.p.claims(ctx, info, at.Grant, false)
}

// SetIntrospectionFromToken is not offered: the provider does not route
// the introspection endpoint.
func (s *storage) SetIntrospectionFromToken(context.Context, *zoidc.IntrospectionResponse, string, string, string) error {
	return errors.New("introspection is not offered")
}

// GetPrivateClaimsFromScopes adds nothing: access tokens are opaque.
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetKeyByIDAndClientID refuses: no client authenticates with its own keys.
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("client keys are not supported")
}

// ValidateJWTProfileScopes refuses: the JWT profile grant is not offered.
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("the JWT profile grant is not supported")
}

// Health reports the provider healthy; the database is checked by /healthz.
func (s *storage) Health(context.Context) error { return nil }

// clientActor is who the audit log names for what a client asked of the
// platform.
func clientActor(clientID, name string) yiwang.Actor {
	if name == "" {
		name = "接入系统 " + clientID
	}
	return yiwang.Actor{AccountID: "oidc-client:" + clientID, Name: name, Channel: "oidc"}
}
