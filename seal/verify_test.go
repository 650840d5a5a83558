package seal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/emmansun/gmsm/sm2"
)

func TestVerifyRejects(t *testing.T) {
	priv, err := sm2.NewPrivateKey(bytes.Repeat([]byte{0x07}, 32))
	if err != nil {
		t.Fatal(err)
	}
	pemText, id, err := PublicKeyPEM(&priv.PublicKey)
	if err != nil || len(id) != 16 {
		t.Fatalf("%s %v", id, err)
	}
	msg := []byte("雨山区")
	sig, err := priv.Sign(rand.Reader, msg, sm2.DefaultSM2SignerOpts)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(map[string]string{id: pemText}, id, msg, sig); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	// A signature made with another user ID (so another Z_A) does not verify.
	otherUID, _ := priv.Sign(rand.Reader, msg, sm2.NewSM2SignerOption(true, []byte("yushan")))
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&p256.PublicKey)
	p256PEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for name, tc := range map[string]struct {
		keys map[string]string
		sig  []byte
		want error
	}{
		"other user ID":     {map[string]string{id: pemText}, otherUID, ErrBadSignature},
		"empty signature":   {map[string]string{id: pemText}, nil, ErrBadSignature},
		"unknown key":       {map[string]string{}, sig, ErrUnknownKey},
		"mislabelled key":   {map[string]string{id: p256PEM}, sig, ErrBadKey},
		"not PEM":           {map[string]string{id: "MFkwEw..."}, sig, ErrBadKey},
		"private key block": {map[string]string{id: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"}, sig, ErrBadKey},
		"two blocks":        {map[string]string{id: pemText + pemText}, sig, ErrBadKey},
	} {
		if err := Verify(tc.keys, id, msg, tc.sig); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, _, err := ParsePublicKey(p256PEM); !errors.Is(err, ErrBadKey) {
		t.Errorf("P-256 key accepted as SM2: %v", err)
	}
}
