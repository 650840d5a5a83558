package certlogin_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"
	"github.com/yushan-gov/yiwang/identity/certlogin"
	"github.com/yushan-gov/yiwang/yiwangtest"
)

// TestSignVerify: what Sign makes Verify accepts for every key type, in DER
// and as bare r‖s; another message, another key or a flipped bit is refused.
// An SM2 signature is the standard one (SM3, user ID 1234567812345678), as
// gmsm's own verifier checks.
func TestSignVerify(t *testing.T) {
	msg := []byte(certlogin.ChallengePrefix + "00112233")
	for _, alg := range []string{"sm2", "rsa", "ecdsa", "ecdsa-p384"} {
		t.Run(alg, func(t *testing.T) {
			c := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: alg, Name: "测试"})
			other := yiwangtest.NewCert(t, yiwangtest.CertOptions{Alg: alg, Name: "其他"})
			key, err := certlogin.ParsePrivateKey([]byte(c.KeyPEM))
			if err != nil {
				t.Fatal(err)
			}
			sig, err := certlogin.Sign(key, msg)
			if err != nil {
				t.Fatal(err)
			}
			if err := certlogin.Verify(c.Cert.PublicKey, msg, sig); err != nil {
				t.Fatalf("own signature: %v", err)
			}
			if alg == "sm2" {
				// Both directions against gmsm's standard SM2 (default user ID).
				pub := c.Cert.PublicKey.(*ecdsa.PublicKey)
				if !sm2.VerifyASN1WithSM2(pub, nil, msg, sig) {
					t.Fatal("gmsm does not verify Sign's SM2 signature with the default user ID")
				}
				std, err := c.Key.(*sm2.PrivateKey).Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
				if err != nil {
					t.Fatal(err)
				}
				if err := certlogin.Verify(pub, msg, std); err != nil {
					t.Fatalf("gmsm's standard signature: %v", err)
				}
			}
			if strings.HasPrefix(alg, "ecdsa") || alg == "sm2" {
				size := 32
				if alg == "ecdsa-p384" {
					size = 48
				}
				if err := certlogin.Verify(c.Cert.PublicKey, msg, derToRaw(t, sig, size)); err != nil {
					t.Fatalf("bare r‖s: %v", err)
				}
			}
			flipped := append([]byte(nil), sig...)
			flipped[len(flipped)-3] ^= 1
			for name, tc := range map[string]struct {
				pub      any
				msg, sig []byte
			}{
				"another message": {c.Cert.PublicKey, append(msg, '0'), sig},
				"another key":     {other.Cert.PublicKey, msg, sig},
				"flipped bit":     {c.Cert.PublicKey, msg, flipped},
				"empty":           {c.Cert.PublicKey, msg, nil},
				"garbage":         {c.Cert.PublicKey, msg, []byte("garbage")},
			} {
				if err := certlogin.Verify(tc.pub, tc.msg, tc.sig); err != certlogin.ErrBadSignature {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}

// derToRaw turns DER SEQUENCE {r, s} into r‖s of size bytes each.
func derToRaw(t *testing.T, der []byte, size int) []byte {
	t.Helper()
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out
}
