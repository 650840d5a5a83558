package certlogin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"math/big"

	"github.com/emmansun/gmsm/sm2"
	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// SM2UID is the signer ID of GM/T 0009 that SM2 signatures are made with.
const SM2UID = "1234567812345678"

// ErrBadSignature is what Verify returns for a signature that does not verify.
var ErrBadSignature = errors.New("certlogin: signature does not verify")

// Verify checks sig over msg with pub, by the key's algorithm:
//   - SM2: SM2 with SM3 and Z_A of SM2UID (GB/T 32918.2, GM/T 0009);
//   - ECDSA P-256/P-384: ECDSA over SHA-256;
//   - RSA: PKCS #1 v1.5 over SHA-256.
//
// An (EC)DSA signature is DER SEQUENCE {r, s}; the bare r‖s that SKF
// (GM/T 0016) devices produce is accepted too.
func Verify(pub any, msg, sig []byte) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		der := sig
		if len(sig) == 2*size {
			der = rawToDER(sig)
		}
		if k.Curve == sm2.P256() {
			if sm2.VerifyASN1WithSM2(k, []byte(SM2UID), msg, sig) || sm2.VerifyASN1WithSM2(k, []byte(SM2UID), msg, der) {
				return nil
			}
			return ErrBadSignature
		}
		h := sha256.Sum256(msg)
		if ecdsa.VerifyASN1(k, h[:], sig) || ecdsa.VerifyASN1(k, h[:], der) {
			return nil
		}
	case *rsa.PublicKey:
		h := sha256.Sum256(msg)
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil {
			return nil
		}
	}
	return ErrBadSignature
}

// rawToDER turns r‖s (two equal halves) into DER SEQUENCE {r, s}.
func rawToDER(sig []byte) []byte {
	half := len(sig) / 2
	var b cryptobyte.Builder
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1BigInt(new(big.Int).SetBytes(sig[:half]))
		b.AddASN1BigInt(new(big.Int).SetBytes(sig[half:]))
	})
	out, err := b.Bytes()
	if err != nil {
		return nil
	}
	return out
}
