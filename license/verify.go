package license

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/yushan-gov/yiwang"
	"github.com/yushan-gov/yiwang/seal"
)

// MaxFileSize bounds the license files VerifyFile reads.
const MaxFileSize = 1 << 20

// Verdict is the outcome of verifying a license file.
type Verdict int

// Verdicts.
const (
	Valid        Verdict = iota // the signature verifies with a published key
	Malformed                   // not a license file in the documented form
	UnknownKey                  // signed with a key that is not published (or whose published PEM is bad)
	BadSignature                // the signature does not verify: the file was changed
)

// Result says what VerifyFile found.
type Result struct {
	Verdict Verdict
	Reason  string // Chinese, for people
	KeyID   string // the key the file names, when it could be read
	Data    Data   // the signed data, when the verdict is Valid
}

// OK reports whether the file is valid.
func (r Result) OK() bool { return r.Verdict == Valid }

// fileJSON and dataJSON read the two JSON objects of a license file.
type fileJSON struct {
	Alg       string          `json:"alg"`
	Data      json.RawMessage `json:"data"`
	KeyID     string          `json:"key_id"`
	Signature string          `json:"signature"`
	UID       string          `json:"uid"`
}

type dataJSON struct {
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Format         string `json:"format"`
	HolderCode     string `json:"holder_code"`
	HolderCodeType string `json:"holder_code_type"`
	HolderName     string `json:"holder_name"`
	ID             string `json:"id"`
	IssuedOn       string `json:"issued_on"`
	IssuerCode     string `json:"issuer_code"`
	IssuerName     string `json:"issuer_name"`
	TypeCode       string `json:"type_code"`
	TypeName       string `json:"type_name"`
	ValidFrom      string `json:"valid_from"`
	ValidUntil     string `json:"valid_until"`
}

func malformed(reason string) Result {
	return Result{Verdict: Malformed, Reason: "文件格式错误：" + reason}
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

// Parsed is a license file read without checking its signature.
type Parsed struct {
	Data      Data
	Alg       string // seal.AlgSM2SM3 or seal.AlgEd25519
	KeyID     string
	Signature []byte
	Canonical []byte // the signed bytes
}

// ReadFile reads a license file that must be exactly in the form SignFile
// writes, byte for byte, without checking its signature. It returns a
// Result with the verdict Malformed as the error's reason otherwise.
func ReadFile(data []byte) (Parsed, error) {
	p, bad := readFile(data)
	if bad != nil {
		return Parsed{}, yiwang.Errorf(yiwang.EINVALID, "%s", bad.Reason)
	}
	return p, nil
}

func readFile(data []byte) (Parsed, *Result) {
	fail := func(reason string) (Parsed, *Result) {
		r := malformed(reason)
		return Parsed{}, &r
	}
	if len(data) > MaxFileSize {
		return fail("文件过大")
	}
	var f fileJSON
	if err := strictDecode(data, &f); err != nil {
		return fail("不是证照文件的 JSON 格式")
	}
	var dj dataJSON
	if err := strictDecode(f.Data, &dj); err != nil {
		return fail("证照数据 data 格式不正确")
	}
	uid, ok := uidFor[f.Alg]
	if !ok {
		return fail("不支持的签名算法（须为 SM2-SM3 或 Ed25519）")
	}
	if f.UID != uid {
		if f.Alg == seal.AlgSM2SM3 {
			return fail("签名者标识 uid 须为 1234567812345678")
		}
		return fail("Ed25519 签名的 uid 须为空")
	}
	if dj.Format != Format {
		return fail("证照数据格式须为 " + Format)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(f.Signature)
	if err != nil || len(sig) == 0 {
		return fail("签名不是有效的 Base64")
	}
	d := Data{HolderCode: dj.HolderCode, HolderCodeType: dj.HolderCodeType, HolderName: dj.HolderName, ID: dj.ID,
		IssuedOn: dj.IssuedOn, IssuerCode: dj.IssuerCode, IssuerName: dj.IssuerName, TypeCode: dj.TypeCode,
		TypeName: dj.TypeName, ValidFrom: dj.ValidFrom, ValidUntil: dj.ValidUntil}
	for _, fl := range dj.Fields {
		d.Fields = append(d.Fields, Field{Name: fl.Name, Value: fl.Value})
	}
	msg, err := d.Canonical()
	if err != nil {
		return fail("证照内容不合规：" + yiwang.ErrorMessage(err))
	}
	if !bytes.Equal(assemble(msg, f.Alg, f.KeyID, sig), data) {
		return fail("文件不是规范格式（多余的空白、字段顺序、转义或换行与规定不符）")
	}
	return Parsed{Data: d, Alg: f.Alg, KeyID: f.KeyID, Signature: sig, Canonical: msg}, nil
}

// VerifyFile checks a license file against published keys (key ID → PEM
// SubjectPublicKeyInfo). The file must be exactly in the form SignFile
// writes, byte for byte; then its signature must verify over the canonical
// data with the key it names. Any changed byte gives a verdict other than
// Valid. It never panics on any input.
func VerifyFile(data []byte, keys map[string]string) Result {
	p, bad := readFile(data)
	if bad != nil {
		return *bad
	}
	r := Result{KeyID: p.KeyID}
	switch err := seal.VerifyAlg(keys, p.KeyID, p.Alg, p.Canonical, p.Signature); {
	case err == nil:
		r.Verdict, r.Reason, r.Data = Valid, "签名有效", p.Data
	case errors.Is(err, seal.ErrUnknownKey):
		r.Verdict, r.Reason = UnknownKey, "未知的签章密钥 "+p.KeyID+"：公布的公钥中没有它"
	case errors.Is(err, seal.ErrBadKey):
		r.Verdict, r.Reason = UnknownKey, "签章密钥 "+p.KeyID+" 的公布公钥无效"
	case errors.Is(err, seal.ErrWrongAlg):
		r.Verdict, r.Reason = BadSignature, "签名无效：文件所称的算法 "+p.Alg+" 与公布的密钥 "+p.KeyID+" 的算法不符"
	default:
		r.Verdict, r.Reason = BadSignature, "签名无效：文件内容已被改动，或签名不是该密钥所签"
	}
	return r
}
