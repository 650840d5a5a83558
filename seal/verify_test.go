package seal

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
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
	if _, _, _, err := ParsePublicKey(p256PEM); !errors.Is(err, ErrBadKey) {
		t.Errorf("P-256 key accepted as SM2: %v", err)
	}
	if err := VerifyAlg(map[string]string{id: pemText}, id, AlgEd25519, msg, sig); !errors.Is(err, ErrWrongAlg) {
		t.Errorf("an SM2 key verified a signature said to be Ed25519: %v", err)
	}
}

// TestEd25519: an Ed25519 key signs and verifies by its own algorithm; a
// signature said to be SM2 is refused; a changed message fails.
func TestEd25519(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pemText, id, err := PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{id: pemText}
	msg := []byte("雨山区市场监督管理局")
	sig := ed25519.Sign(priv, msg)
	if got, alg, kid, err := ParsePublicKey(pemText); err != nil || alg != AlgEd25519 || kid != id || !bytes.Equal(got.(ed25519.PublicKey), pub) {
		t.Fatalf("parse: %s %s %v", alg, kid, err)
	}
	if err := VerifyAlg(keys, id, AlgEd25519, msg, sig); err != nil {
		t.Fatalf("good signature: %v", err)
	}
	if err := Verify(keys, id, msg, sig); err != nil {
		t.Fatalf("good signature, algorithm from the key: %v", err)
	}
	if err := VerifyAlg(keys, id, AlgSM2SM3, msg, sig); !errors.Is(err, ErrWrongAlg) {
		t.Fatalf("Ed25519 key used as SM2: %v", err)
	}
	if err := Verify(keys, id, append(msg, '!'), sig); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("changed message: %v", err)
	}
	if err := Verify(keys, id, msg, sig[:63]); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("short signature: %v", err)
	}
}
