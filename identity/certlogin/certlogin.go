// Package certlogin is enterprise digital certificate login (市“一证通”):
// an enterprise's legal representative registers the enterprise's X.509
// certificates (SM2, RSA, ECDSA P-256/P-384), and a person logs in for the
// enterprise by signing a random, single-use challenge that the server gave
// their browser session, with the certificate's private key (in practice in
// a USB key, through the CA's certificate tool). See docs/cert-login.md.
package certlogin

import (
	"context"
	"errors"
	"time"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/audit"
	"github.com/yushan-gov/yiwang/identity"
)

// Policy numbers.
const (
	// ChallengeTTL is how long a challenge may be signed and sent back:
	// long enough to enter a USB key's PIN, short enough to be useless later.
	ChallengeTTL = 5 * time.Minute
	// ChallengePrefix starts every challenge, so that a signature made for
	// logging in here can never pass for a signature of anything else.
	ChallengePrefix = "yiwang-cert-login:v1:"
	// MinRSABits is the smallest RSA key accepted (等保 and GM/T 0054 ask
	// for at least 2048).
	MinRSABits = 2048
	// MaxRSABits is the largest RSA key accepted, to bound verification cost.
	MaxRSABits = 8192
)

// Key algorithms, as stored and shown. Stored: never change a value.
const (
	AlgSM2       = "SM2"
	AlgECDSAP256 = "ECDSA-P256"
	AlgECDSAP384 = "ECDSA-P384"
	// RSA keys are stored as "RSA-<bits>", e.g. "RSA-2048".
	algRSAPrefix = "RSA-"
)

// Cert is a certificate registered for an enterprise.
type Cert struct {
	ID           string
	EnterpriseID string
	AccountID    string // the legal representative who registered it; cert logins act as them
	Fingerprint  string // SHA-256 of the DER, lowercase hex; unique
	SM3          string // SM3 of the DER, lowercase hex
	KeyAlg       string // AlgSM2, AlgECDSAP256, AlgECDSAP384 or "RSA-<bits>"
	Subject      string
	Issuer       string
	Serial       string // upper-case hex
	// CreditCode is the 统一社会信用代码 the certificate's subject carries,
	// "" when it carries none.
	CreditCode string
	NotBefore  time.Time
	NotAfter   time.Time
	DER        []byte
	CreatedAt  time.Time
	RevokedAt  time.Time // zero while it may be used
	RevokedBy  string
}

// Revoked reports whether the certificate was revoked here.
func (c Cert) Revoked() bool { return !c.RevokedAt.IsZero() }

// Certificate states, for pages.
const (
	StateValid    = "valid"
	StateRevoked  = "revoked"
	StateExpired  = "expired"
	StateNotYetOK = "not_yet_valid"
)

// State says whether the certificate may be used at now.
func (c Cert) State(now time.Time) string {
	switch {
	case c.Revoked():
		return StateRevoked
	case now.After(c.NotAfter):
		return StateExpired
	case now.Before(c.NotBefore):
		return StateNotYetOK
	}
	return StateValid
}

// StateName returns the Chinese name of a state.
func StateName(s string) string {
	switch s {
	case StateValid:
		return "有效"
	case StateRevoked:
		return "已吊销"
	case StateExpired:
		return "已过期"
	case StateNotYetOK:
		return "未生效"
	}
	return s
}

// Challenge is a random text given to one browser session to sign.
type Challenge struct {
	ID        string
	Text      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until a login attempt used it
}

// Store is what certlogin needs from storage. Every change that is audited
// takes its audit entry and stores both in one transaction.
type Store interface {
	// AddEnterpriseCert stores a certificate; a fingerprint already stored
	// gives ECONFLICT.
	AddEnterpriseCert(ctx context.Context, c Cert, e audit.Entry) error
	// EnterpriseCerts lists an enterprise's certificates, newest first.
	EnterpriseCerts(ctx context.Context, enterpriseID string) ([]Cert, error)
	// EnterpriseCertByFingerprint returns a certificate or ENOTFOUND.
	EnterpriseCertByFingerprint(ctx context.Context, fingerprint string) (Cert, error)
	// RevokeEnterpriseCert marks the enterprise's certificate revoked:
	// ENOTFOUND when the enterprise has no such certificate, ECONFLICT when
	// it is revoked already.
	RevokeEnterpriseCert(ctx context.Context, enterpriseID, id string, at time.Time, by string, e audit.Entry) error

	// SaveCertChallenge stores a new challenge (and may drop long-expired ones).
	SaveCertChallenge(ctx context.Context, ch Challenge) error
	// CertChallenge returns a challenge or ENOTFOUND.
	CertChallenge(ctx context.Context, id string) (Challenge, error)
	// UseCertChallenge marks the challenge used if it was not, and reports
	// whether it did: of two attempts at once, one wins.
	UseCertChallenge(ctx context.Context, id string, at time.Time) (bool, error)

	Account(ctx context.Context, id string) (identity.Account, error)
	Enterprise(ctx context.Context, id string) (identity.Enterprise, error)
	EnterpriseByCreditCode(ctx context.Context, code string) (identity.Enterprise, error)
	MembershipsOf(ctx context.Context, accountID string) ([]identity.Member, error)
	AppendAudit(ctx context.Context, e audit.Entry) error
}

// Service registers certificates and logs people in with them.
type Service struct {
	Store Store
	Clock yiwang.Clock
}

// Error is a refusal with a stable reason code for programs (e.g.
// "cert_revoked") around the *yiwang.Error for people. errors.As finds both.
type Error struct {
	Reason string
	Err    *yiwang.Error
}

func (e *Error) Error() string { return e.Reason + ": " + e.Err.Error() }

// Unwrap returns the *yiwang.Error.
func (e *Error) Unwrap() error { return e.Err }

// Reason returns the reason code of err, or "" when it has none.
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// Reason codes. Part of the interface: never rename one.
const (
	ReasonNotLegalRep        = "not_legal_rep"        // only the legal representative may
	ReasonCertMissing        = "cert_missing"         // no certificate given
	ReasonCertMalformed      = "cert_malformed"       // not an X.509 certificate
	ReasonPrivateKey         = "cert_private_key"     // a private key was given instead
	ReasonCertMultiple       = "cert_multiple"        // more than one certificate
	ReasonKeyUnsupported     = "cert_key_unsupported" // not SM2, RSA ≥ 2048 or ECDSA P-256/P-384
	ReasonCertIsCA           = "cert_is_ca"           // a CA certificate
	ReasonNotForSigning      = "cert_not_for_signing" // key usage excludes signatures
	ReasonCertExpired        = "cert_expired"         // past its validity
	ReasonCertNotYetValid    = "cert_not_yet_valid"   // before its validity
	ReasonCreditCodeMismatch = "cert_credit_code_mismatch"
	ReasonCertRegistered     = "cert_registered"      // registered already
	ReasonCertNotFound       = "cert_not_found"       // no such certificate of the enterprise
	ReasonCertAlreadyRevoked = "cert_already_revoked" // revoking twice
	ReasonInvalidInput       = "invalid_input"        // a field is missing or malformed
	ReasonSignatureMalformed = "signature_malformed"  // not base64, or empty
	ReasonChallengeMissing   = "challenge_missing"    // the session has no challenge
	ReasonChallengeExpired   = "challenge_expired"
	ReasonChallengeUsed      = "challenge_used"     // a second use
	ReasonChallengeMismatch  = "challenge_mismatch" // the page showed another challenge
	ReasonCertNotRegistered  = "cert_not_registered"
	ReasonCertRevoked        = "cert_revoked"
	ReasonEnterpriseUnknown  = "enterprise_not_registered"
	ReasonWrongEnterprise    = "cert_wrong_enterprise" // registered for another enterprise
	ReasonSignatureInvalid   = "signature_invalid"
	ReasonAccountInactive    = "account_inactive"
)

// fail returns an *Error; field, when not "", carries the message.
func fail(reason, code, field, msg string) *Error {
	e := &yiwang.Error{Code: code, Message: msg}
	if field != "" {
		e.Fields = map[string]string{field: msg}
	}
	return &Error{Reason: reason, Err: e}
}
