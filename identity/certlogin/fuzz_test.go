package certlogin_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/identity/certlogin"
)

// FuzzParse feeds the certificate and signature fields of the login form
// (seed corpus in testdata/fuzz/FuzzParse: SM2, RSA and ECDSA certificates
// as PEM, DER and bare base64, a private key, a chain, damaged ones). Any
// input is either read or refused as EINVALID with a reason and a Chinese
// message on its field; a read certificate has its fingerprints and a
// supported key, and a fuzzed signature never verifies.
func FuzzParse(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), "MEUCIQ==")
	f.Add([]byte(""), "")
	f.Fuzz(func(t *testing.T, cert []byte, sig string) {
		p, err := certlogin.ParseCert(cert, "cert")
		if err != nil {
			checkRefusal(t, err, "cert")
		} else {
			if len(p.Fingerprint) != 64 || len(p.SM3) != 64 || len(p.DER) == 0 {
				t.Fatalf("parsed without fingerprints: %+v", p)
			}
			switch {
			case p.KeyAlg == certlogin.AlgSM2, p.KeyAlg == certlogin.AlgECDSAP256, p.KeyAlg == certlogin.AlgECDSAP384,
				strings.HasPrefix(p.KeyAlg, "RSA-"):
			default:
				t.Fatalf("key algorithm %q", p.KeyAlg)
			}
			again, err := certlogin.ParseCert(p.DER, "cert")
			if err != nil || again.Fingerprint != p.Fingerprint {
				t.Fatalf("its own DER does not parse the same: %v", err)
			}
			_ = certlogin.CreditCodes(p.Cert)
		}
		b, err := certlogin.ParseSignature(sig, "signature")
		if err != nil {
			checkRefusal(t, err, "signature")
			return
		}
		if len(b) == 0 || len(b) > 1024 {
			t.Fatalf("signature of %d bytes accepted", len(b))
		}
		if p.Cert != nil {
			if err := certlogin.Verify(p.Cert.PublicKey, []byte(certlogin.ChallengePrefix+"fuzz"), b); !errors.Is(err, certlogin.ErrBadSignature) {
				t.Fatalf("a fuzzed signature verified: %v", err)
			}
		}
	})
}

func checkRefusal(t *testing.T, err error, field string) {
	t.Helper()
	if yiwang.ErrorCode(err) != yiwang.EINVALID || certlogin.Reason(err) == "" || !hasHan(yiwang.ErrorFields(err)[field]) {
		t.Fatalf("refusal without code, reason or message on %s: %v", field, err)
	}
}
