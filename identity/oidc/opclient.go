package oidc

import (
	"context"
	"errors"
	"time"

	"github.com/yushan-gov/yiwang"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// errUnknownClient is what the library hears of an unknown or disabled
// client: a plain error, which it answers as the client's fault.
var errUnknownClient = errors.New("unknown or disabled client")

// client returns an enabled client; errUnknownClient for an unknown or
// disabled one, a server error when the store fails.
func (p *Provider) client(ctx context.Context, id string) (Client, error) {
	if id == "" || len(id) > 100 {
		return Client{}, errUnknownClient
	}
	c, err := p.Store.OIDCClient(ctx, id)
	if yiwang.ErrorCode(err) == yiwang.ENOTFOUND {
		return Client{}, errUnknownClient
	}
	if err != nil {
		return Client{}, zoidc.ErrServerError().WithParent(err)
	}
	if !c.Enabled {
		return Client{}, errUnknownClient
	}
	return c, nil
}

// opClient is a Client as zitadel's op package sees it.
type opClient struct {
	Client
	idTokenTTL time.Duration
}

var _ op.Client = opClient{}

func (c opClient) GetID() string                    { return c.ID }
func (c opClient) RedirectURIs() []string           { return c.Client.RedirectURIs }
func (c opClient) PostLogoutRedirectURIs() []string { return c.Client.PostLogoutRedirectURIs }
func (c opClient) LoginURL(id string) string        { return PathLogin + "?id=" + id }
func (c opClient) AccessTokenType() op.AccessTokenType {
	return op.AccessTokenTypeBearer
}
func (c opClient) IDTokenLifetime() time.Duration { return c.idTokenTTL }
func (c opClient) DevMode() bool                  { return false }
func (c opClient) ClockSkew() time.Duration       { return 0 }

// IDTokenUserinfoClaimsAssertion puts the profile and phone claims in the
// ID token as well as at userinfo: most government systems read only the
// ID token.
func (c opClient) IDTokenUserinfoClaimsAssertion() bool { return true }

func (c opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// IsScopeAllowed lets the library keep our own scopes the client may have;
// CreateAuthRequest drops every other scope the client is not allowed.
func (c opClient) IsScopeAllowed(scope string) bool { return c.AllowsScope(scope) }

// ApplicationType: a public client is a native (or browser) app, which may
// use a loopback redirect on any port (RFC 8252); a confidential one a web
// server.
func (c opClient) ApplicationType() op.ApplicationType {
	if c.Public {
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}

// AuthMethod: public clients send no secret (PKCE instead); confidential
// ones send it with HTTP Basic or in the form (both accepted).
func (c opClient) AuthMethod() zoidc.AuthMethod {
	if c.Public {
		return zoidc.AuthMethodNone
	}
	return zoidc.AuthMethodBasic
}

func (c opClient) ResponseTypes() []zoidc.ResponseType {
	return []zoidc.ResponseType{zoidc.ResponseTypeCode}
}

func (c opClient) GrantTypes() []zoidc.GrantType {
	g := []zoidc.GrantType{zoidc.GrantTypeCode}
	if c.AllowsScope(ScopeOfflineAccess) {
		g = append(g, zoidc.GrantTypeRefreshToken)
	}
	return g
}
