package yiwangtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// Cert is an X.509 certificate made for a test, with its private key.
type Cert struct {
	Cert   *smx509.Certificate
	DER    []byte
	PEM    string
	Key    crypto.Signer
	KeyPEM string // PKCS #8
}

// CertOptions say what certificate NewCert makes.
type CertOptions struct {
	// Alg is "sm2", "rsa" (2048 bits), "rsa-1024", "ecdsa" (P-256),
	// "ecdsa-p384" or "ecdsa-p521".
	Alg string
	// Name goes into the subject's CN and O.
	Name string
	// CreditCode goes into the subject's serialNumber, as Chinese CAs put it.
	CreditCode string
	// OU is the subject's organisational units.
	OU []string
	// NotBefore and NotAfter default to an hour ago and a year on.
	NotBefore, NotAfter time.Time
	IsCA                bool
	// KeyUsage defaults to digitalSignature + nonRepudiation (keyCertSign
	// for a CA).
	KeyUsage smx509.KeyUsage
	// Issuer signs the certificate; nil makes it self-signed.
	Issuer *Cert
}

var (
	rsaKeyMu   sync.Mutex
	rsaKeys    = map[int][]*rsa.PrivateKey{}
	rsaKeyNext = map[int]int{}
)

// rsaPool is how many RSA keys of each size a test binary makes: making one
// takes a while, so certificates take turns with them (two in a row never
// share a key).
const rsaPool = 3

// testKey makes a key.
func testKey(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch alg {
	case "sm2":
		k, err = sm2.GenerateKey(rand.Reader)
	case "rsa", "rsa-1024":
		bits := 2048
		if alg == "rsa-1024" {
			bits = 1024
		}
		rsaKeyMu.Lock()
		defer rsaKeyMu.Unlock()
		i := rsaKeyNext[bits] % rsaPool
		rsaKeyNext[bits]++
		if i == len(rsaKeys[bits]) {
			rk, err := rsa.GenerateKey(rand.Reader, bits)
			if err != nil {
				t.Fatal(err)
			}
			rsaKeys[bits] = append(rsaKeys[bits], rk)
		}
		k = rsaKeys[bits][i]
	case "ecdsa":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ecdsa-p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ecdsa-p521":
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	default:
		t.Fatalf("NewCert: unknown algorithm %q", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewCert makes a certificate (through gmsm's smx509, so SM2 ones too).
func NewCert(t testing.TB, o CertOptions) *Cert {
	t.Helper()
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.AddDate(1, 0, 0)
	}
	if o.KeyUsage == 0 {
		o.KeyUsage = smx509.KeyUsageDigitalSignature | smx509.KeyUsageContentCommitment
		if o.IsCA {
			o.KeyUsage = smx509.KeyUsageCertSign | smx509.KeyUsageCRLSign | smx509.KeyUsageDigitalSignature
		}
	}
	key := testKey(t, o.Alg)
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 96))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &smx509.Certificate{
		SerialNumber: serial.Add(serial, big.NewInt(1)),
		Subject: pkix.Name{Country: []string{"CN"}, Organization: []string{o.Name}, OrganizationalUnit: o.OU,
			CommonName: o.Name, SerialNumber: o.CreditCode},
		NotBefore: o.NotBefore, NotAfter: o.NotAfter, KeyUsage: o.KeyUsage,
		BasicConstraintsValid: true, IsCA: o.IsCA,
	}
	parent, signer := tmpl, key
	if o.Issuer != nil {
		parent, signer = o.Issuer.Cert, o.Issuer.Key
	}
	der, err := smx509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatalf("make %s certificate: %v", o.Alg, err)
	}
	c, err := smx509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := smx509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &Cert{Cert: c, DER: der, Key: key,
		PEM:    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		KeyPEM: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))}
}
