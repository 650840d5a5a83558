package oidc

import (
	"context"
	"time"

	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
	"github.com/yushan-gov/yiwang/org"
)

// Grant is what a person allowed a client when they logged in to it: who,
// how they proved it, and which scopes. Every token carries the grant it
// came from; GrantID is the ID of the auth request that made it, so a
// replayed code or a reused refresh token can revoke everything that came
// of the same login.
type Grant struct {
	GrantID      string
	ClientID     string
	AccountID    string
	EnterpriseID string // the enterprise the person acted for, if any
	Subject      string // sub as this client sees it (the account ID or a pairwise value)
	SID          string // the platform session the login happened in
	Scopes       []string
	AMR          []string
	ACR          string // real-name level at login, "1" … "3"
	AuthTime     time.Time
}

// AuthRequest is an authorization request on its way through login and
// consent to a code and tokens.
type AuthRequest struct {
	ID                  string
	ClientID            string
	RedirectURI         string
	State               string
	Nonce               string
	Scopes              []string
	ResponseType        string
	ResponseMode        string
	CodeChallenge       string
	CodeChallengeMethod string
	Prompt              []string
	MaxAge              time.Duration // -1: none asked
	CreatedAt           time.Time
	// Set when the person has logged in and agreed (Done).
	Grant    Grant
	DoneAt   time.Time
	CodeHash string // keyed hash of the code handed out, "" until then
	// CodeUsedAt is when the code was exchanged; a second exchange is a
	// replay and revokes the grant's tokens.
	CodeUsedAt time.Time
}

// AccessToken is an issued access token. The token the client holds is
// this ID and the subject, encrypted by the provider.
type AccessToken struct {
	ID        string
	Grant     Grant
	RefreshID string // the refresh token issued with it, if any
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time
}

// RefreshToken is an issued refresh token. Only its keyed hash is stored.
// A refresh token is used once: using it gives a new one (rotation), and
// using it again revokes the whole grant.
type RefreshToken struct {
	ID        string
	Hash      string
	Grant     Grant
	CreatedAt time.Time
	ExpiresAt time.Time
	RotatedAt time.Time
	RevokedAt time.Time
}

// Consent is the scopes a person agreed to give a client.
type Consent struct {
	AccountID string
	ClientID  string
	Scopes    []string
	GivenAt   time.Time
}

// SigningKey is a key that signs ID tokens. The private half is PKCS#8 DER
// sealed with the data key; the public half is PKIX DER.
type SigningKey struct {
	ID            string
	Alg           string // "RS256"
	PublicDER     []byte
	PrivateSealed []byte
	CreatedAt     time.Time
}

// Store is what the provider needs from storage. Every change an
// administrator or a person makes takes its audit entry and stores both in
// one transaction.
type Store interface {
	CreateOIDCClient(ctx context.Context, c Client, e audit.Entry) error
	// UpdateOIDCClient stores every field of c but its ID, secret, type and
	// sector; ENOTFOUND for an unknown client.
	UpdateOIDCClient(ctx context.Context, c Client, e audit.Entry) error
	// OIDCClient returns a client, or ENOTFOUND.
	OIDCClient(ctx context.Context, id string) (Client, error)
	// OIDCClients lists every client, oldest first.
	OIDCClients(ctx context.Context) ([]Client, error)

	CreateAuthRequest(ctx context.Context, a AuthRequest) error
	// AuthRequest returns an auth request, or ENOTFOUND.
	AuthRequest(ctx context.Context, id string) (AuthRequest, error)
	// CompleteAuthRequest records who logged in (a.Grant, a.DoneAt) on a
	// request that is not done yet (else ECONFLICT), stores consent when it
	// is not nil, and the audit entry, in one transaction.
	CompleteAuthRequest(ctx context.Context, a AuthRequest, consent *Consent, e audit.Entry) error
	// SetAuthCode binds the hash of a new code to a done, unexchanged request.
	SetAuthCode(ctx context.Context, id, codeHash string) error
	// AuthRequestByCode returns the request a code hash belongs to, or ENOTFOUND.
	AuthRequestByCode(ctx context.Context, codeHash string) (AuthRequest, error)
	// UseAuthCode marks a request's code exchanged at, and reports whether
	// it did (false: it had been exchanged already).
	UseAuthCode(ctx context.Context, id string, at time.Time) (bool, error)
	// DeleteAuthRequest deletes a request whose code was never exchanged;
	// an exchanged one is kept (to recognise a replay) until purged.
	DeleteAuthRequest(ctx context.Context, id string) error

	// CreateTokens stores an access token and, when not nil, a refresh token.
	CreateTokens(ctx context.Context, at AccessToken, rt *RefreshToken) error
	// RotateRefreshToken marks old rotated and stores the new pair, in one
	// transaction; ECONFLICT when old was rotated or revoked meanwhile.
	RotateRefreshToken(ctx context.Context, oldID string, at time.Time, access AccessToken, next RefreshToken) error
	// AccessToken returns an access token, or ENOTFOUND.
	AccessToken(ctx context.Context, id string) (AccessToken, error)
	// RefreshTokenByHash returns a refresh token, or ENOTFOUND.
	RefreshTokenByHash(ctx context.Context, hash string) (RefreshToken, error)
	RevokeAccessToken(ctx context.Context, id string, at time.Time) error
	// RevokeRefreshToken revokes a refresh token and the access tokens issued with it.
	RevokeRefreshToken(ctx context.Context, id string, at time.Time) error
	// RevokeGrant revokes every token of a grant.
	RevokeGrant(ctx context.Context, grantID string, at time.Time) error
	// RevokeSession revokes every token issued in a platform session and
	// reports how many.
	RevokeSession(ctx context.Context, sid string, at time.Time) (int, error)

	// OIDCConsent returns what a person agreed to give a client, or ENOTFOUND.
	OIDCConsent(ctx context.Context, accountID, clientID string) (Consent, error)

	// OIDCSigningKeys lists the signing keys, newest first.
	OIDCSigningKeys(ctx context.Context) ([]SigningKey, error)
	// AddOIDCSigningKey stores the first signing key; ECONFLICT when
	// another instance stored one meanwhile.
	AddOIDCSigningKey(ctx context.Context, k SigningKey, e audit.Entry) error

	// PurgeOIDC deletes auth requests created and tokens expired before.
	PurgeOIDC(ctx context.Context, before time.Time) (int, error)

	AppendAudit(ctx context.Context, e audit.Entry) error
}

// Directory finds what the claims say about a person; sqlstore.DB satisfies it.
type Directory interface {
	Account(ctx context.Context, id string) (identity.Account, error)
	Enterprise(ctx context.Context, id string) (identity.Enterprise, error)
	MembershipsOf(ctx context.Context, accountID string) ([]identity.Member, error)
}

// Orgs finds a staff member's org; org.Service satisfies it.
type Orgs interface {
	Get(ctx context.Context, id string) (org.Org, error)
}

// Hasher makes keyed hashes (HMAC-SM3 with a key kept outside the
// database); pii.Protector satisfies it.
type Hasher interface {
	Hash(kind, value string) string
}

// Sealer encrypts the signing key at rest; pii.Protector satisfies it.
type Sealer interface {
	SealBytes(b []byte) []byte
	OpenBytes(b []byte) ([]byte, error)
}
