package oidc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/yushan-gov/yiwang"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Endpoint paths. The issuer is the site's URL, so discovery is at
// /.well-known/openid-configuration and everything else under /oidc/.
const (
	PathAuthorize  = "/oidc/authorize"
	PathCallback   = "/oidc/authorize/callback"
	PathToken      = "/oidc/token"
	PathUserinfo   = "/oidc/userinfo"
	PathRevoke     = "/oidc/revoke"
	PathEndSession = "/oidc/end_session"
	PathKeys       = "/oidc/keys"
	PathLogin      = "/oidc/login" // the login and consent step, served by the web layer
)

// Config is the provider's configuration.
type Config struct {
	// Issuer is the site's URL as the public sees it, without a trailing
	// slash (https://zwfw.yushan.gov.cn). http is accepted for development.
	Issuer string
	// Lifetimes; zero takes the default.
	AuthRequestTTL  time.Duration // login and consent must be done within (15 min)
	CodeTTL         time.Duration // an authorization code (1 min)
	AccessTokenTTL  time.Duration // an access token (10 min)
	IDTokenTTL      time.Duration // an ID token (10 min)
	RefreshTokenTTL time.Duration // refresh tokens, counted from the login (30 days)
}

func (c *Config) defaults() {
	for _, d := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&c.AuthRequestTTL, 15 * time.Minute}, {&c.CodeTTL, time.Minute}, {&c.AccessTokenTTL, 10 * time.Minute},
		{&c.IDTokenTTL, 10 * time.Minute}, {&c.RefreshTokenTTL, 30 * 24 * time.Hour}} {
		if *d.v <= 0 {
			*d.v = d.def
		}
	}
	c.Issuer = strings.TrimSuffix(c.Issuer, "/")
}

// Provider is the OpenID provider: zitadel's op endpoints on our storage,
// and the steps of a login the web layer drives (Pending, Complete, Deny).
type Provider struct {
	Store     Store
	Directory Directory
	Orgs      Orgs
	Hasher    Hasher
	Sealer    Sealer
	Clock     yiwang.Clock
	Config    Config

	op    *op.Provider
	keyMu sync.Mutex
	key   *signingKey // the current key, once loaded or made
}

// Init checks the configuration and builds the op provider. It must be
// called once before the provider serves.
func (p *Provider) Init() error {
	p.Config.defaults()
	u, err := url.Parse(p.Config.Issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("OIDC issuer %q: must be an absolute http(s) URL without query or fragment", p.Config.Issuer)
	}
	key, err := hex.DecodeString(p.Hasher.Hash("oidc-token-key", "v1"))
	if err != nil || len(key) < 32 {
		return errors.New("OIDC: cannot derive the token key")
	}
	cfg := &op.Config{
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		DefaultLogoutRedirectURI: "/",
		SupportedScopes:          Scopes,
		SupportedClaims:          SupportedClaims,
		SupportedUILocales:       []language.Tag{language.SimplifiedChinese},
	}
	copy(cfg.CryptoKey[:], key[:32])
	opts := []op.Option{op.WithCustomEndpoints(op.NewEndpoint(PathAuthorize), op.NewEndpoint(PathToken),
		op.NewEndpoint(PathUserinfo), op.NewEndpoint(PathRevoke), op.NewEndpoint(PathEndSession), op.NewEndpoint(PathKeys))}
	if u.Scheme == "http" {
		opts = append(opts, op.WithAllowInsecure())
	}
	p.op, err = op.NewProvider(cfg, &storage{p}, op.StaticIssuer(p.Config.Issuer), opts...)
	if err != nil {
		return fmt.Errorf("OIDC provider: %w", err)
	}
	return nil
}

// SupportedClaims lists the claims the provider may issue.
var SupportedClaims = []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash",
	"c_hash", "sid", "name", "preferred_username", "user_type", "id_number_masked", "phone_number_masked",
	"phone_number", "phone_number_verified", "id_number", "enterprise", "staff"}

// ServeHTTP serves the op endpoints: authorize (and its callback), token,
// userinfo, revoke and keys.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.op.ServeHTTP(w, r) }

// Issuer returns the issuer URL.
func (p *Provider) Issuer() string { return p.Config.Issuer }

// Discovery returns the discovery document: the library's, narrowed to
// what this provider offers (the code flow only, S256, no introspection),
// with the subject types and front-channel logout added.
func (p *Provider) Discovery(ctx context.Context) map[string]any {
	ctx = op.ContextWithIssuer(ctx, p.Config.Issuer)
	d := op.CreateDiscoveryConfig(ctx, p.op, p.op.Storage())
	d.IntrospectionEndpoint, d.DeviceAuthorizationEndpoint, d.CheckSessionIframe = "", "", ""
	d.IntrospectionEndpointAuthMethodsSupported, d.IntrospectionEndpointAuthSigningAlgValuesSupported = nil, nil
	d.RevocationEndpointAuthSigningAlgValuesSupported, d.TokenEndpointAuthSigningAlgValuesSupported = nil, nil
	d.RequestObjectSigningAlgValuesSupported = nil
	d.ResponseTypesSupported = []string{string(zoidc.ResponseTypeCode)}
	d.ResponseModesSupported = []string{string(zoidc.ResponseModeQuery)}
	d.GrantTypesSupported = []zoidc.GrantType{zoidc.GrantTypeCode, zoidc.GrantTypeRefreshToken}
	d.SubjectTypesSupported = []string{"public", "pairwise"}
	d.CodeChallengeMethodsSupported = []zoidc.CodeChallengeMethod{zoidc.CodeChallengeMethodS256}
	d.TokenEndpointAuthMethodsSupported = []zoidc.AuthMethod{zoidc.AuthMethodBasic, zoidc.AuthMethodPost, zoidc.AuthMethodNone}
	d.RevocationEndpointAuthMethodsSupported = d.TokenEndpointAuthMethodsSupported
	d.ClaimsParameterSupported = false
	d.RequestURIParameterSupported = false
	out := map[string]any{}
	b, err := json.Marshal(d)
	if err == nil {
		err = json.Unmarshal(b, &out)
	}
	if err != nil { // a struct of strings and slices always marshals
		panic("oidc discovery: " + err.Error())
	}
	out["frontchannel_logout_supported"] = true
	out["frontchannel_logout_session_supported"] = true
	out["acr_values_supported"] = []string{"1", "2", "3"}
	return out
}

// CallbackURL is where the browser goes once a request is done: the op
// endpoint that hands out the code.
func CallbackURL(requestID string) string { return PathCallback + "?id=" + url.QueryEscape(requestID) }

// Deny answers a pending request with an OAuth error at the client's
// redirect URI (access_denied, login_required, consent_required …). The
// request is forgotten, so it can no longer be completed.
func (p *Provider) Deny(w http.ResponseWriter, r *http.Request, a AuthRequest, e *zoidc.Error) {
	if err := p.Store.DeleteAuthRequest(r.Context(), a.ID); err != nil && yiwang.ErrorCode(err) != yiwang.ENOTFOUND {
		op.AuthRequestError(w, r, authRequest{a}, zoidc.ErrServerError().WithParent(err), p.op)
		return
	}
	op.AuthRequestError(w, r, authRequest{a}, e, p.op)
}

// EndSessionRequest is a validated RP-initiated logout request.
type EndSessionRequest struct {
	// RedirectURI is where to send the browser afterwards: a registered
	// post_logout_redirect_uri (with state) or "/".
	RedirectURI string
	ClientID    string
	// Subject is the sub of a valid id_token_hint, "" without one.
	Subject string
	// SID is the sid of the id_token_hint.
	SID string
}

// ValidateEndSession checks an end_session request (id_token_hint signed
// by us, even if expired; post_logout_redirect_uri registered for the
// client). A bad request is a *zoidc.Error (invalid_request).
func (p *Provider) ValidateEndSession(r *http.Request) (EndSessionRequest, error) {
	ctx := op.ContextWithIssuer(r.Context(), p.Config.Issuer)
	req, err := op.ParseEndSessionRequest(r, p.op.Decoder())
	if err != nil {
		return EndSessionRequest{}, err
	}
	if req.ClientID != "" {
		if _, err := p.client(ctx, req.ClientID); err != nil {
			return EndSessionRequest{}, zoidc.ErrInvalidRequest().WithDescription("unknown client_id").WithParent(err)
		}
	}
	v, err := op.ValidateEndSessionRequest(ctx, req, p.op)
	if err != nil {
		return EndSessionRequest{}, err
	}
	out := EndSessionRequest{RedirectURI: v.RedirectURI, ClientID: v.ClientID, Subject: v.UserID}
	if v.IDTokenHintClaims != nil {
		out.SID = v.IDTokenHintClaims.SessionID
	}
	return out, nil
}

// CheckAuthorize checks what must be right before an authorization error
// may be sent to the redirect URI: a known, enabled client and one of its
// registered redirect URIs. A failure is shown to the person instead
// (RFC 6749 §4.1.2.1): never redirect to an unverified address.
func (p *Provider) CheckAuthorize(ctx context.Context, clientID, redirectURI, responseType string) *zoidc.Error {
	if clientID == "" {
		return zoidc.ErrInvalidRequest().WithDescription("client_id is missing")
	}
	c, err := p.client(ctx, clientID)
	if err == errUnknownClient {
		return zoidc.ErrInvalidClient().WithDescription("unknown or disabled client")
	}
	if err != nil {
		return zoidc.ErrServerError().WithParent(err)
	}
	if redirectURI == "" {
		return zoidc.ErrInvalidRequest().WithDescription("redirect_uri is missing")
	}
	if err := op.ValidateAuthReqRedirectURI(opClient{Client: c}, redirectURI, zoidc.ResponseType(responseType)); err != nil {
		var e *zoidc.Error
		if errors.As(err, &e) {
			return e
		}
		return zoidc.ErrInvalidRequestRedirectURI().WithParent(err)
	}
	return nil
}
