package certlogin

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// ParsePrivateKey reads a private key PEM: "PRIVATE KEY" (PKCS #8),
// "EC PRIVATE KEY" or "SM2 PRIVATE KEY" (SEC 1) or "RSA PRIVATE KEY"
// (PKCS #1). It returns a *sm2.PrivateKey, *ecdsa.PrivateKey or
// *rsa.PrivateKey.
func ParsePrivateKey(keyPEM []byte) (crypto.Signer, error) {
	b, _ := pem.Decode(keyPEM)
	if b == nil {
		return nil, errors.New("不是 PEM 格式的私钥（应以 -----BEGIN PRIVATE KEY----- 等开头）")
	}
	var key any
	var err error
	switch b.Type {
	case "PRIVATE KEY":
		key, err = smx509.ParsePKCS8PrivateKey(b.Bytes)
	case "EC PRIVATE KEY", "SM2 PRIVATE KEY":
		key, err = smx509.ParseTypedECPrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		if smx509.IsEncryptedPEMBlock(b) {
			return nil, errors.New("私钥已用口令加密，请先解密（例如 openssl pkey -in KEY.pem -out plain.pem）")
		}
		key, err = smx509.ParsePKCS1PrivateKey(b.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("私钥已用口令加密，请先解密（例如 openssl pkey -in KEY.pem -out plain.pem）")
	default:
		return nil, fmt.Errorf("PEM 块类型 %q 不是私钥", b.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("无法读取私钥：%v", err)
	}
	switch k := key.(type) {
	case *sm2.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		if k.Curve == sm2.P256() {
			return new(sm2.PrivateKey).FromECPrivateKey(k)
		}
		if _, err := keyAlg(&k.PublicKey); err != nil {
			return nil, err
		}
		return k, nil
	case *rsa.PrivateKey:
		if _, err := keyAlg(&k.PublicKey); err != nil {
			return nil, err
		}
		return k, nil
	}
	return nil, fmt.Errorf("不支持的私钥类型 %T：支持 SM2、RSA 和 ECDSA P-256/P-384", key)
}

// Sign signs msg as Verify expects: SM2 with SM3 and SM2UID, ECDSA over
// SHA-256, RSA PKCS #1 v1.5 over SHA-256; (EC)DSA signatures in DER.
func Sign(key crypto.Signer, msg []byte) ([]byte, error) {
	switch k := key.(type) {
	case *sm2.PrivateKey:
		return k.SignWithSM2(rand.Reader, []byte(SM2UID), msg)
	case *ecdsa.PrivateKey:
		h := sha256.Sum256(msg)
		return ecdsa.SignASN1(rand.Reader, k, h[:])
	case *rsa.PrivateKey:
		h := sha256.Sum256(msg)
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	}
	return nil, fmt.Errorf("不支持的私钥类型 %T", key)
}
