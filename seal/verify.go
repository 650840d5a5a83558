package seal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// Errors of Verify.
var (
	ErrUnknownKey   = errors.New("seal: unknown key ID")
	ErrBadKey       = errors.New("seal: published key is not a valid SM2 or Ed25519 public key")
	ErrWrongAlg     = errors.New("seal: the key is not of the algorithm named")
	ErrBadSignature = errors.New("seal: signature does not verify")
)

// ParsePublicKey parses a PEM SubjectPublicKeyInfo holding an SM2 key
// (*ecdsa.PublicKey on the SM2 curve) or an Ed25519 key and returns it with
// its algorithm and key ID.
func ParsePublicKey(pemText string) (pub any, alg, keyID string, err error) {
	block, rest := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) > 0 {
		return nil, "", "", fmt.Errorf("%w: not one PEM PUBLIC KEY block", ErrBadKey)
	}
	k, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, "", "", fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		if k.Curve == sm2.P256() {
			return k, AlgSM2SM3, KeyID(block.Bytes), nil
		}
	case ed25519.PublicKey:
		return k, AlgEd25519, KeyID(block.Bytes), nil
	}
	return nil, "", "", fmt.Errorf("%w: neither an SM2 nor an Ed25519 key", ErrBadKey)
}

// Verify checks a signature of msg by the key keyID among pubKeys (key ID →
// PEM) with the key's own algorithm: SM2-with-SM3 (ASN.1 DER, user ID
// DefaultUID) or Ed25519. It returns nil, ErrUnknownKey, ErrBadKey (also
// when the PEM's own key ID is not keyID) or ErrBadSignature.
func Verify(pubKeys map[string]string, keyID string, msg, sig []byte) error {
	return VerifyAlg(pubKeys, keyID, "", msg, sig)
}

// VerifyAlg is Verify for a signature that names its algorithm: a key of
// another algorithm gives ErrWrongAlg. alg "" accepts either.
func VerifyAlg(pubKeys map[string]string, keyID, alg string, msg, sig []byte) error {
	pemText, ok := pubKeys[keyID]
	if !ok {
		return ErrUnknownKey
	}
	pub, keyAlg, id, err := ParsePublicKey(pemText)
	if err != nil {
		return err
	}
	if id != keyID {
		return fmt.Errorf("%w: key published as %s has ID %s", ErrBadKey, keyID, id)
	}
	if alg != "" && alg != keyAlg {
		return fmt.Errorf("%w: %s is an %s key, the signature says %s", ErrWrongAlg, keyID, keyAlg, alg)
	}
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		if sm2.VerifyASN1WithSM2(pub, []byte(DefaultUID), msg, sig) {
			return nil
		}
	case ed25519.PublicKey:
		if len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, msg, sig) {
			return nil
		}
	}
	return ErrBadSignature
}
