package oidc

import (
	"log/slog"
	"slices"
	"time"

	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Done reports whether the person has logged in and agreed.
func (a AuthRequest) Done() bool { return !a.DoneAt.IsZero() }

// PromptNone reports whether the client asked for no interaction.
func (a AuthRequest) PromptNone() bool { return slices.Contains(a.Prompt, zoidc.PromptNone) }

// PromptConsent reports whether the client asked to show the consent page
// even when the person agreed before.
func (a AuthRequest) PromptConsent() bool { return slices.Contains(a.Prompt, zoidc.PromptConsent) }

// NeedsLogin reports whether a session that authenticated at authTime
// (zero: nobody is logged in) is fresh enough for the request: prompt=login
// and max_age ask for a login after the request was made or within max_age.
func (a AuthRequest) NeedsLogin(authTime time.Time) bool {
	if authTime.IsZero() {
		return true
	}
	if a.MaxAge < 0 {
		return false
	}
	if a.MaxAge == 0 {
		return authTime.Before(a.CreatedAt)
	}
	return authTime.Before(a.CreatedAt.Add(-a.MaxAge))
}

// authRequest is an AuthRequest as zitadel's op package sees it.
type authRequest struct{ AuthRequest }

var (
	_ op.AuthRequest    = authRequest{}
	_ op.LogAuthRequest = authRequest{}
)

func (a authRequest) GetID() string          { return a.ID }
func (a authRequest) GetACR() string         { return a.Grant.ACR }
func (a authRequest) GetAMR() []string       { return a.Grant.AMR }
func (a authRequest) GetAudience() []string  { return []string{a.ClientID} }
func (a authRequest) GetAuthTime() time.Time { return a.Grant.AuthTime }
func (a authRequest) GetClientID() string    { return a.ClientID }
func (a authRequest) GetNonce() string       { return a.Nonce }
func (a authRequest) GetRedirectURI() string { return a.RedirectURI }
func (a authRequest) GetResponseType() zoidc.ResponseType {
	return zoidc.ResponseType(a.ResponseType)
}
func (a authRequest) GetResponseMode() zoidc.ResponseMode {
	return zoidc.ResponseMode(a.ResponseMode)
}
func (a authRequest) GetScopes() []string { return a.Grant.Scopes }
func (a authRequest) GetState() string    { return a.State }
func (a authRequest) GetSubject() string  { return a.Grant.Subject }
func (a authRequest) Done() bool          { return a.AuthRequest.Done() }

func (a authRequest) GetCodeChallenge() *zoidc.CodeChallenge {
	if a.CodeChallenge == "" {
		return nil
	}
	return &zoidc.CodeChallenge{Challenge: a.CodeChallenge, Method: zoidc.CodeChallengeMethod(a.CodeChallengeMethod)}
}

// LogValue keeps personal data out of the library's logs.
func (a authRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", a.ID), slog.String("client_id", a.ClientID),
		slog.String("redirect_uri", a.RedirectURI))
}

// refreshRequest is a refresh token as zitadel's op package sees it.
type refreshRequest struct {
	token  RefreshToken
	scopes []string // narrowed by the request, else the grant's
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string                 { return r.token.Grant.AMR }
func (r *refreshRequest) GetAudience() []string            { return []string{r.token.Grant.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time           { return r.token.Grant.AuthTime }
func (r *refreshRequest) GetClientID() string              { return r.token.Grant.ClientID }
func (r *refreshRequest) GetScopes() []string              { return r.scopes }
func (r *refreshRequest) GetSubject() string               { return r.token.Grant.Subject }
func (r *refreshRequest) SetCurrentScopes(scopes []string) { r.scopes = scopes }

// grantOf returns the grant behind a token request of the op package.
func grantOf(req any) (Grant, bool) {
	switch r := req.(type) {
	case authRequest:
		g := r.Grant
		g.GrantID = r.ID
		return g, true
	case *refreshRequest:
		g := r.token.Grant
		g.Scopes = r.scopes
		return g, true
	}
	return Grant{}, false
}
