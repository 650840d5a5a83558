package certlogin

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/smx509"
	"github.com/yushan-gov/yiwang"
)

// Input limits. A certificate is 1–2 KB; a signature at most 1 KB (RSA-8192).
const (
	MaxCertInput      = 16 << 10
	MaxSignatureInput = 2048
	maxSignatureBytes = 1024
)

// Parsed is a certificate read from what a person gave: a PEM
// "CERTIFICATE" block, the bare base64 of its DER (what CA tools' "export
// certificate" functions such as GM/T 0020 SOF_ExportUserCert return), or
// the DER itself.
type Parsed struct {
	Cert        *smx509.Certificate
	DER         []byte
	KeyAlg      string
	Fingerprint string // SHA-256, lowercase hex
	SM3         string // SM3, lowercase hex
}

// ParseCert reads one certificate. Every refusal is an *Error on field with
// a reason code: ReasonCertMissing, ReasonPrivateKey (a private key given by
// mistake: said so, and never kept), ReasonCertMultiple, ReasonCertMalformed
// or ReasonKeyUnsupported. It checks neither validity nor usage.
func ParseCert(in []byte, field string) (Parsed, error) {
	if !looksDER(in) {
		in = bytes.TrimSpace(in) // pasted text; DER may end in a byte that looks like a space
	}
	bad := func(reason, msg string) (Parsed, error) {
		return Parsed{}, fail(reason, yiwang.EINVALID, field, msg)
	}
	malformed := func() (Parsed, error) {
		return bad(ReasonCertMalformed, "无法识别证书：请上传 X.509 证书（PEM 或 DER 格式，文件名通常以 .cer、.crt 或 .pem 结尾）")
	}
	switch {
	case len(in) == 0:
		return bad(ReasonCertMissing, "请上传证书文件或粘贴证书内容")
	case len(in) > MaxCertInput:
		return bad(ReasonCertMalformed, fmt.Sprintf("证书内容过大（超过 %d KB），请只上传企业的一张证书", MaxCertInput>>10))
	}
	var der []byte
	switch {
	case bytes.Contains(in, []byte("-----BEGIN")):
		var certs [][]byte
		rest := in
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			switch {
			case strings.Contains(b.Type, "PRIVATE KEY"):
				return bad(ReasonPrivateKey, privateKeyMessage)
			case b.Type == "CERTIFICATE" || b.Type == "X509 CERTIFICATE":
				certs = append(certs, b.Bytes)
			case b.Type == "PUBLIC KEY":
				return bad(ReasonCertMalformed, "这是公钥，不是证书：请上传发证机构签发的证书（-----BEGIN CERTIFICATE-----）")
			case strings.Contains(b.Type, "CERTIFICATE REQUEST"):
				return bad(ReasonCertMalformed, "这是证书申请（CSR），不是证书：请上传发证机构签发的证书")
			}
		}
		if bytes.Contains(in, []byte("PRIVATE KEY-----")) {
			// A damaged key block is still a key pasted by mistake.
			return bad(ReasonPrivateKey, privateKeyMessage)
		}
		switch len(certs) {
		case 0:
			return malformed()
		case 1:
			der = certs[0]
		default:
			return bad(ReasonCertMultiple, fmt.Sprintf("内容中有 %d 张证书，请只上传企业自己的签名证书（不要带上发证机构的证书链）", len(certs)))
		}
	case isBase64Text(in):
		b, err := decodeBase64(string(in))
		if err != nil {
			return malformed()
		}
		der = b
	default:
		der = in
	}
	c, err := smx509.ParseCertificate(der)
	if err != nil {
		if isPrivateKeyDER(der) {
			return bad(ReasonPrivateKey, privateKeyMessage)
		}
		return malformed()
	}
	alg, err := keyAlg(c.PublicKey)
	if err != nil {
		return bad(ReasonKeyUnsupported, err.Error())
	}
	sum := sha256.Sum256(der)
	sm := sm3.Sum(der)
	return Parsed{Cert: c, DER: der, KeyAlg: alg, Fingerprint: hex.EncodeToString(sum[:]), SM3: hex.EncodeToString(sm[:])}, nil
}

const privateKeyMessage = "您提交的是私钥，不是证书，已拒绝且没有保存。私钥只应保存在您的证书介质（USB Key）或本机中，" +
	"请勿在任何网页上提交。请改为上传证书（以 -----BEGIN CERTIFICATE----- 开头）；如果担心私钥已泄露，请联系发证机构吊销并重新申请证书"

// looksDER reports whether in starts like DER (a certificate or a key): a
// SEQUENCE tag, which neither PEM nor base64 text starts with.
func looksDER(in []byte) bool {
	return len(in) > 0 && in[0] == 0x30
}

// isPrivateKeyDER reports whether der is a PKCS#8, PKCS#1 or SEC 1 private key.
func isPrivateKeyDER(der []byte) bool {
	if _, err := smx509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	if _, err := smx509.ParsePKCS1PrivateKey(der); err == nil {
		return true
	}
	_, err := smx509.ParseTypedECPrivateKey(der)
	return err == nil
}

// keyAlg names a supported public key, or says why it is not supported.
func keyAlg(pub any) (string, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case sm2.P256():
			return AlgSM2, nil
		case elliptic.P256():
			return AlgECDSAP256, nil
		case elliptic.P384():
			return AlgECDSAP384, nil
		}
		return "", fmt.Errorf("不支持该证书的椭圆曲线（%s）。支持的密钥：SM2、RSA（%d 位及以上）、ECDSA P-256 或 P-384", k.Curve.Params().Name, MinRSABits)
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		if bits < MinRSABits || bits > MaxRSABits {
			return "", fmt.Errorf("证书的 RSA 密钥为 %d 位，须在 %d 至 %d 位之间", bits, MinRSABits, MaxRSABits)
		}
		return fmt.Sprintf("%s%d", algRSAPrefix, bits), nil
	}
	return "", fmt.Errorf("不支持该证书的密钥类型（%T）。支持的密钥：SM2、RSA（%d 位及以上）、ECDSA P-256 或 P-384", pub, MinRSABits)
}

// checkUsable refuses a CA certificate, one whose key usage excludes
// signatures (the encryption half of a Chinese dual-certificate pair), and
// one outside its validity at now.
func checkUsable(c *smx509.Certificate, now time.Time, field string) error {
	if c.BasicConstraintsValid && c.IsCA {
		return fail(ReasonCertIsCA, yiwang.EINVALID, field, "这是发证机构（CA）的证书，请上传企业自己的证书")
	}
	if c.KeyUsage != 0 && c.KeyUsage&(smx509.KeyUsageDigitalSignature|smx509.KeyUsageContentCommitment) == 0 {
		return fail(ReasonNotForSigning, yiwang.EINVALID, field, "该证书不能用于数字签名（可能是加密证书）。国密双证书请上传其中的签名证书")
	}
	return checkValidity(c.NotBefore, c.NotAfter, now, field, yiwang.EINVALID)
}

func checkValidity(notBefore, notAfter, now time.Time, field, code string) error {
	if now.After(notAfter) {
		return fail(ReasonCertExpired, code, field, "证书已于"+day(notAfter)+"过期，请使用有效期内的证书（可向发证机构申请更新）")
	}
	if now.Before(notBefore) {
		return fail(ReasonCertNotYetValid, code, field, "证书尚未生效（"+day(notBefore)+"起生效）")
	}
	return nil
}

func day(t time.Time) string { return t.In(yiwang.Shanghai).Format("2006年1月2日 15:04") }

// ParseSignature decodes a base64 signature (standard or URL alphabet,
// padded or not; line breaks and spaces ignored). A refusal is an *Error on
// field with ReasonSignatureMalformed.
func ParseSignature(s, field string) ([]byte, error) {
	s = strings.TrimSpace(s)
	bad := func(msg string) ([]byte, error) {
		return nil, fail(ReasonSignatureMalformed, yiwang.EINVALID, field, msg)
	}
	if s == "" {
		return bad("请粘贴证书工具对挑战码签名得到的签名值（Base64 编码）")
	}
	if len(s) > MaxSignatureInput {
		return bad("签名值过长，请只粘贴签名值本身（Base64 编码）")
	}
	b, err := decodeBase64(s)
	if err != nil || len(b) == 0 || len(b) > maxSignatureBytes {
		return bad("签名值不是有效的 Base64 编码，请粘贴证书工具输出的签名值")
	}
	return b, nil
}

// isBase64Text reports whether b is only base64 characters and white space.
func isBase64Text(b []byte) bool {
	for _, c := range b {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '+', c == '/', c == '-', c == '_', c == '=', c == ' ', c == '\t', c == '\r', c == '\n':
		default:
			return false
		}
	}
	return true
}

// decodeBase64 decodes standard or URL-safe base64, with or without
// padding, ignoring white space.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if !strings.HasSuffix(s, "=") {
		enc = enc.WithPadding(base64.NoPadding)
	}
	return enc.Strict().DecodeString(s)
}
