package seal

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// Errors of Verify.
var (
	ErrUnknownKey   = errors.New("seal: unknown key ID")
	ErrBadKey       = errors.New("seal: published key is not a valid SM2 public key")
	ErrBadSignature = errors.New("seal: signature does not verify")
)

// ParsePublicKey parses a PEM SubjectPublicKeyInfo holding an SM2 key and
// returns it with its key ID.
func ParsePublicKey(pemText string) (*ecdsa.PublicKey, string, error) {
	block, rest := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) > 0 {
		return nil, "", fmt.Errorf("%w: not one PEM PUBLIC KEY block", ErrBadKey)
	}
	k, err := smx509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || pub.Curve != sm2.P256() {
		return nil, "", fmt.Errorf("%w: not on the SM2 curve", ErrBadKey)
	}
	return pub, KeyID(block.Bytes), nil
}

// Verify checks an SM2-with-SM3 signature (ASN.1 DER, user ID
// DefaultUID) of msg by the key keyID among pubKeys (key ID → PEM). It
// returns nil, ErrUnknownKey, ErrBadKey (also when the PEM's own key ID is
// not keyID) or ErrBadSignature.
func Verify(pubKeys map[string]string, keyID string, msg, sig []byte) error {
	pemText, ok := pubKeys[keyID]
	if !ok {
		return ErrUnknownKey
	}
	pub, id, err := ParsePublicKey(pemText)
	if err != nil {
		return err
	}
	if id != keyID {
		return fmt.Errorf("%w: key published as %s has ID %s", ErrBadKey, keyID, id)
	}
	if !sm2.VerifyASN1WithSM2(pub, []byte(DefaultUID), msg, sig) {
		return ErrBadSignature
	}
	return nil
}
