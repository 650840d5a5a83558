package certlogin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// NewKey makes a key pair: alg is "sm2", "rsa" (2048 bits), "ecdsa" or
// "ecdsa-p256" (P-256), or "ecdsa-p384".
func NewKey(alg string) (crypto.Signer, error) {
	switch alg {
	case "sm2":
		return sm2.GenerateKey(rand.Reader)
	case "rsa":
		return rsa.GenerateKey(rand.Reader, MinRSABits)
	case "ecdsa", "ecdsa-p256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ecdsa-p384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	}
	return nil, fmt.Errorf("不支持的算法 %q：可选 sm2、rsa、ecdsa（P-256）、ecdsa-p384", alg)
}

// SelfSigned makes a self-signed signing certificate for trying
// certificate login without a CA: the subject names the enterprise (CN and
// O) and, when creditCode is not "", carries it in serialNumber as many
// Chinese CAs do. It returns the certificate and the PKCS #8 private key,
// both PEM.
func SelfSigned(key crypto.Signer, name, creditCode string, notBefore, notAfter time.Time) (certPEM, keyPEM []byte, err error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &smx509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(1)),
		Subject: pkix.Name{Country: []string{"CN"}, Organization: []string{name}, CommonName: name,
			SerialNumber: creditCode},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("make certificate: %w", err)
	}
	k, err := smx509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k}), nil
}
